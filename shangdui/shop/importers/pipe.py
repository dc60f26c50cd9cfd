"""Parse an order export in a second process, so parsing and the database use both cores.

The parent (``shop.imports``) starts ``python -m shangdui.shop.importers.pipe SPEC`` and reads
pickled messages from its stdout while it copies the rows into the staging tables; meanwhile this
process parses the next batch. Everything a user sees is computed exactly as in-process: the staged
rows, ``Figures`` and ``RowError`` list of ``fastrows.iter_staged``, which are those of the
``iter_orders`` records formatted by ``staging.RowFormatter``, so the two paths cannot disagree on a
figure.

Messages, in order: ``("rows", orders, lines, errors, error_count, bytes_read, platform)`` per
batch (orders and lines: COPY text as bytes on PostgreSQL, lists of tuples on SQLite), then
``("done", info, figures)``; or ``("fail", message)`` for an ``ImportFileError`` and
``("crash", traceback)`` for anything else. The spec (JSON) names the file (a path, or an
inherited descriptor and offset) and the formatter's settings.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import sys
import traceback
from dataclasses import asdict
from typing import IO, Any
from zoneinfo import ZoneInfo

from .fastrows import iter_staged
from .figures import Figures
from .reading import FileInfo
from .records import ImportFileError
from .staging import RowFormatter


def _source(spec: dict[str, Any]) -> str | IO[bytes]:
    if "path" in spec:
        return str(spec["path"])
    stream = os.fdopen(os.dup(spec["fd"]), "rb")
    stream.seek(spec["offset"])
    return stream


def run(spec: dict[str, Any], out: IO[bytes]) -> None:
    """Parse and format the file named by ``spec``, writing the messages to ``out``."""

    def send(message: tuple[Any, ...]) -> None:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()

    try:
        formatter = RowFormatter(
            shop_id=spec["shop_id"],
            today=dt.date.fromisoformat(spec["today"]),
            tz=ZoneInfo(spec["tz"]),
            postgres=spec["postgres"],
            order_limits=spec["order_limits"],
            line_limits=spec["line_limits"],
        )

        def pack(orders: list[Any], lines: list[Any]) -> tuple[Any, Any]:
            # COPY text goes as one bytes block per table (the parent only forwards it).
            if formatter.postgres:
                return "".join(orders).encode(), "".join(lines).encode()
            return orders, lines

        max_errors: int | None = spec["max_errors"]
        info = FileInfo()
        figures = Figures()
        reported = 0
        source = _source(spec)
        for batch in iter_staged(source, spec["platform"], formatter, info=info, figures=figures,
                                 batch_rows=spec["batch_rows"]):
            errors: list[tuple[int, str]] = []
            for item in batch.errors:
                if max_errors is None or reported < max_errors:
                    errors.append((item.row, item.message))
                    reported += 1
            send(("rows", *pack(batch.orders, batch.lines), errors, len(batch.errors), info.bytes_read,
                  info.platform))
        send(("done", asdict(info), (figures.orders, figures.paid_orders, str(figures.paid_gmv), str(figures.refunds))))
    except ImportFileError as exc:
        send(("fail", exc.message))
    except BrokenPipeError:
        raise  # the parent stopped reading (it failed or was cancelled): nothing to report
    except Exception:  # noqa: BLE001 - reported to the parent, which raises it
        send(("crash", traceback.format_exc()))


def main() -> None:
    run(json.loads(sys.argv[1]), sys.stdout.buffer)


if __name__ == "__main__":
    main()
