# 商队 — thin wrappers; the logic lives in the `shangdui` command and scripts/.
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-sqlite test-postgres test-browser lint messages bench clean

$(BIN)/shangdui: pyproject.toml
	@test -x $(BIN)/python || "$$(scripts/find-python)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/shangdui

# Install, migrate, load the demo company into an empty database, start web + worker.
run: install
	$(BIN)/shangdui serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check shangdui e2e benchmarks
	$(BIN)/mypy shangdui

# SQLite always; PostgreSQL too when TEST_DATABASE_URL is set or a local server answers.
test: install lint
	scripts/run-tests

test-sqlite: install
	$(BIN)/pytest -m "not browser"

test-browser: install
	$(BIN)/pytest -m browser e2e

messages: install
	cd shangdui && ../$(BIN)/shangdui makemessages -l zh_Hans --no-obsolete --add-location file && ../$(BIN)/shangdui compilemessages --ignore ".venv"

bench: install
	@ls benchmarks/*.py

clean:
	rm -rf $(VENV) var/static
