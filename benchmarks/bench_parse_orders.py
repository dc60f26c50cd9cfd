"""Parse an order export end to end (decode, layout, records, figures): time and peak RSS.

    python benchmarks/bench_parse_orders.py --rows 1000000        # generates a Taobao GBK CSV first
    python benchmarks/bench_parse_orders.py path/to/export.csv    # any supported export

Records are consumed one by one (``Figures.add``), as the import job does, so
peak memory shows what the library itself keeps.  A baseline pass (decode +
``csv.reader`` only) runs first in the same process, to quote a ratio rather
than an absolute time on a shared machine.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_taobao_csv import write  # noqa: E402

from shangdui.shop.importers import Figures, FileInfo, OrderRecord, iter_orders  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def baseline(path: str) -> float:
    started = time.perf_counter()
    with open(path, encoding="gb18030", newline="") as handle:
        for _row in csv.reader(handle):
            pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--no-baseline", action="store_true")
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
        print(json.dumps(result, ensure_ascii=False, indent=1))
    finally:
        if generated is not None:
            os.unlink(path)


if __name__ == "__main__":
    main()
