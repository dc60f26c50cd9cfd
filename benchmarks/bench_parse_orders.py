"""Parse an order export end to end (decode, layout, records, figures): time and peak RSS.

    python benchmarks/bench_parse_orders.py --rows 1000000        # generates a Taobao GBK CSV first
    python benchmarks/bench_parse_orders.py path/to/export.csv    # any supported export
    python benchmarks/bench_parse_orders.py FILE --staged pg      # + staged rows: records vs plain rows

Records are consumed one by one (``Figures.add``), as the import job does, so
peak memory shows what the library itself keeps.  A baseline pass (decode +
``csv.reader`` only) runs first in the same process, to quote a ratio rather
than an absolute time on a shared machine.

``--staged pg|sqlite`` times, in CPU seconds and in this process, what the parser process of an
import does: every record of ``iter_orders`` through ``RowFormatter.rows`` (the record path) and
``fastrows.iter_staged`` (plain rows straight from their cells), and checks that both stage the
same rows and figures.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_taobao_csv import write  # noqa: E402

from shangdui.shop.importers import Figures, FileInfo, OrderRecord, iter_orders  # noqa: E402
from shangdui.shop.importers.fastrows import iter_staged  # noqa: E402
from shangdui.shop.importers.staging import RowFormatter  # noqa: E402

# The model's text limits (shop.models), so the staged rows are cut as in an import.
ORDER_LIMITS = {"order_id": 64, "status": 64, "after_sale_status": 64, "buyer_nick": 128, "receiver_name": 255,
                "receiver_phone": 255, "province": 32, "city": 32, "district": 32, "fingerprint": 32}  # fmt: skip
LINE_LIMITS = {"line_id": 64, "product_id": 64, "sku": 128, "title": 255, "spec": 255, "after_sale_status": 64}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def baseline(path: str) -> float:
    started = time.perf_counter()
    with open(path, encoding="gb18030", newline="") as handle:
        for _row in csv.reader(handle):
            pass
    return time.perf_counter() - started


def staged(path: str, form: str) -> dict[str, object]:
    """CPU seconds of the record path and of ``iter_staged`` on ``path`` (staged rows counted, not
    kept: ``importers/tests/test_fastrows.py`` checks that they are equal)."""

    def formatter() -> RowFormatter:
        return RowFormatter(shop_id=1, today=dt.date(2026, 11, 27), tz=ZoneInfo("Asia/Shanghai"),
                            postgres=form == "pg", order_limits=ORDER_LIMITS, line_limits=LINE_LIMITS)  # fmt: skip

    started = time.process_time()
    rows_of = formatter().rows
    record_figures = Figures()
    record_lines = 0
    for item in iter_orders(path):
        if isinstance(item, OrderRecord):
            record_figures.add(item)
            record_lines += len(rows_of(item)[1])
    record_cpu = time.process_time() - started
    started = time.process_time()
    figures = Figures()
    plain = lines = 0
    for batch in iter_staged(path, "auto", formatter(), figures=figures):
        plain += batch.plain
        lines += len(batch.lines)
    plain_cpu = time.process_time() - started
    return {
        "form": form,
        "record_path_cpu_seconds": round(record_cpu, 2),
        "iter_staged_cpu_seconds": round(plain_cpu, 2),
        "ratio": round(record_cpu / plain_cpu, 2) if plain_cpu else None,
        "orders_read_plain": plain,
        "same_figures_and_line_count": figures.as_dict() == record_figures.as_dict() and lines == record_lines,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--staged", choices=("pg", "sqlite"), help="also time the staged rows (parser process)")
    args = parser.parse_args()

    path = args.path
    generated = None
    if path is None:
        generated = tempfile.NamedTemporaryFile(suffix=".csv", delete=False)  # noqa: SIM115
        path = generated.name
        started = time.perf_counter()
        write(path, args.rows)
        print(f"generated {args.rows} rows in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    try:
        size_mb = os.path.getsize(path) / 1024**2
        rss_before = peak_rss_mb()
        base = None if args.no_baseline else baseline(path)
        info = FileInfo()
        figures = Figures()
        errors = 0
        started = time.perf_counter()
        cpu_started = time.process_time()
        for item in iter_orders(path, info=info):
            if isinstance(item, OrderRecord):
                figures.add(item)
            else:
                errors += 1
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        result = {
            "file_mb": round(size_mb, 1),
            "platform": info.platform,
            "encoding": info.encoding,
            "orders": figures.orders,
            "row_errors": errors,
            "seconds": round(elapsed, 2),
            "cpu_seconds": round(cpu, 2),
            "rows_per_second": round(figures.orders / elapsed) if elapsed else None,
            "baseline_csv_reader_seconds": round(base, 2) if base is not None else None,
            "ratio_to_baseline": round(elapsed / base, 2) if base else None,
            "peak_rss_mb": round(peak_rss_mb(), 1),
            "rss_before_parse_mb": round(rss_before, 1),
            "figures": figures.as_dict(),
        }
        if args.staged:
            result["staged"] = staged(path, args.staged)
        print(json.dumps(result, ensure_ascii=False, indent=1))
    finally:
        if generated is not None:
            os.unlink(path)


if __name__ == "__main__":
    main()
