from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from shangdui.env import env_bool, env_choice, env_int, env_list, env_secret


def test_env_bool_accepts_words_and_rejects_nonsense(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_FLAG", "off")
    assert env_bool("X_FLAG", True) is False
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG")


def test_env_int_bounds_and_garbage(monkeypatch: pytest.MonkeyPatch) -> None:
    assert env_int("X_MISSING", 7) == 7
    monkeypatch.setenv("X_NUM", "12")
    assert env_int("X_NUM", 1, maximum=20) == 12
    monkeypatch.setenv("X_NUM", "12x")
    with pytest.raises(ImproperlyConfigured, match="integer"):
        env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(ImproperlyConfigured, match=">= 1"):
        env_int("X_NUM", 1, minimum=1)


def test_env_list_and_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_HOSTS", "a.example, b.example,,")
    assert env_list("X_HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.setenv("X_MODE", "staging")
    with pytest.raises(ImproperlyConfigured, match="one of"):
        env_choice("X_MODE", "embedded", ("embedded", "production"))


def test_secret_is_generated_once_private_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("X_SECRET", raising=False)
    target = tmp_path / "secret_key"
    first = env_secret("X_SECRET", generate_into=target)
    assert len(first) >= 50
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert env_secret("X_SECRET", generate_into=target) == first


def test_secret_required_in_production_and_short_secret_refused(monkeypatch: pytest.MonkeyPatch,
                                                                tmp_path: Path) -> None:
    monkeypatch.delenv("X_SECRET", raising=False)
    with pytest.raises(ImproperlyConfigured, match="required in production"):
        env_secret("X_SECRET")
    monkeypatch.setenv("X_SECRET", "short")
    with pytest.raises(ImproperlyConfigured, match="32"):
        env_secret("X_SECRET")
    secret_file = tmp_path / "s"
    secret_file.write_text("s" * 40)
    monkeypatch.delenv("X_SECRET")
    monkeypatch.setenv("X_SECRET_FILE", str(secret_file))
    assert env_secret("X_SECRET") == "s" * 40


def _shangdui(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("SHANGDUI_", "DATABASE_URL", "CELERY_", "DJANGO_ALLOW_ASYNC_UNSAFE"))}
    return subprocess.run([str(Path(sys.executable).parent / "shangdui"), *args], env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_its_settings(tmp_path: Path) -> None:
    result = _shangdui(["check"], {"SHANGDUI_ENV": "production", "SHANGDUI_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "SHANGDUI_SECRET_KEY" in result.stderr


def test_bad_value_fails_loudly(tmp_path: Path) -> None:
    result = _shangdui(["check"], {"SHANGDUI_DATA_DIR": str(tmp_path), "SHANGDUI_JOB_STALE_SECONDS": "soon"})
    assert result.returncode != 0
    assert "SHANGDUI_JOB_STALE_SECONDS must be an integer" in result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = _shangdui(["check", "--deploy", "--fail-level", "WARNING"], {
        "SHANGDUI_ENV": "production", "SHANGDUI_DATA_DIR": str(tmp_path),
        "SHANGDUI_SECRET_KEY": "k" * 20 + "Zq9#xT!mP2$wL7@vB4^nR8&cY6*uE3(oJ1)",
        "SHANGDUI_ALLOWED_HOSTS": "shangdui.example.cn", "DATABASE_URL": "postgresql://u@127.0.0.1:5432/x",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    })
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
