"""Import a generated N-row Taobao CSV into the database through the real import service.

    python benchmarks/bench_import_orders.py --rows 1000000                    # SQLite in a temp dir
    DATABASE_URL=postgresql://root@127.0.0.1:5432/bench python benchmarks/bench_import_orders.py

Measures, in one process and on the same file: the bare parse (``iter_orders`` consumed, no
database: the baseline), the first import (all orders created) and a second import of the same
file (all unchanged). Prints JSON with seconds, the ratio to the baseline and the peak RSS. The
database named by DATABASE_URL is migrated and its "bench" organization's orders are replaced.

CPU is counted where it is spent: this process, the parser process of a big file
(``importers.pipe``, a child: ``RUSAGE_CHILDREN``) and, on a local PostgreSQL, the server backend
of this connection (``/proc/<pid>/stat``). With the load average, that tells an idle-machine time
apart from a wall time inflated by other jobs on a shared box.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def backend_cpu(pid: int | None) -> float:
    """CPU seconds of the PostgreSQL backend ``pid`` if it runs on this machine, else 0."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", help="an existing Taobao CSV (else one is generated)")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--no-reimport", action="store_true")
    parser.add_argument("--existing", action="store_true",
                        help="the organization already has one order of the platform: the general path "
                             "(per-order lookup, upsert, summaries rebuilt), not a first import")
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="bench-import-")
    os.environ.setdefault("SHANGDUI_DATA_DIR", workdir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shangdui.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from gen_taobao_csv import write

    from shangdui.org.models import Organization
    from shangdui.shop.importers import Figures, FileInfo, OrderRecord, iter_orders
    from shangdui.shop.imports import orders_import
    from shangdui.shop.models import Order, Shop

    path = args.path
    if path is None:
        path = str(Path(workdir) / f"taobao_{args.rows}.csv")
        started = time.perf_counter()
        write(path, args.rows)
        print(f"generated {args.rows} rows in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    call_command("migrate", verbosity=0)
    organization, _ = Organization.objects.get_or_create(slug="bench", defaults={"name": "基准测试"})
    shop, _ = Shop.objects.get_or_create(organization=organization, name="基准店", defaults={"platform": "taobao"})
    # In SQL: the ORM's delete() would load every order first (and count in the peak RSS below).
    with connection.cursor() as cursor:
        ids = "SELECT id FROM shop_order WHERE organization_id = %s"
        cursor.execute(f"DELETE FROM shop_orderline WHERE order_id IN ({ids})", [organization.id])  # noqa: S608
        cursor.execute("DELETE FROM shop_order WHERE organization_id = %s", [organization.id])
    if args.existing:
        Order.objects.create(organization=organization, shop=shop, platform="taobao", order_id="bench-existing",
                             order_date="2026-10-01")
    rss_start = peak_rss_mb()
    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]

    def timed_import() -> tuple[float, dict[str, float], dict]:
        started, cpu, child, server = time.perf_counter(), time.process_time(), children_cpu(), backend_cpu(backend)
        load = os.getloadavg()[0]
        result = orders_import(organization=organization, shop=shop, source=path, file_name=path)
        cpus = {"client": time.process_time() - cpu, "parser_process": children_cpu() - child,
                "server": backend_cpu(backend) - server, "load_before": load, "load_after": os.getloadavg()[0]}
        return time.perf_counter() - started, {k: round(v, 1) for k, v in cpus.items()}, result

    first_s, first_cpu, first = timed_import()
    rss_after_import = peak_rss_mb()
    second = None
    if not args.no_reimport:
        second_s, second_cpu, second = timed_import()

    started, cpu = time.perf_counter(), time.process_time()
    figures = Figures()
    for item in iter_orders(path, info=FileInfo()):
        if isinstance(item, OrderRecord):
            figures.add(item)
    parse_s, parse_cpu = time.perf_counter() - started, time.process_time() - cpu

    report = {
        "database": connection.vendor, "first_import_of_platform": not args.existing,
        "rows": first["rows"], "file_mb": round(os.path.getsize(path) / 1024**2, 1),
        "baseline_parse_seconds": round(parse_s, 1), "baseline_parse_cpu": round(parse_cpu, 1),
        "import_seconds": round(first_s, 1), "import_cpu": first_cpu,
        "import_ratio_to_parse": round(first_s / parse_s, 2),
        "created": first["created"], "errors": first["error_count"],
        "peak_rss_mb_after_import": round(rss_after_import, 1), "rss_before_import_mb": round(rss_start, 1),
        "peak_rss_mb_parser_process": round(peak_rss_mb(resource.RUSAGE_CHILDREN), 1),
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "figures_match_parse": {k: first[k] for k in figures.as_dict()} == figures.as_dict(),
        "db_orders": Order.objects.filter(organization=organization).count(),
    }
    if second is not None:
        report.update(reimport_seconds=round(second_s, 1), reimport_cpu=second_cpu,
                      reimport_unchanged=second["unchanged"], reimport_created=second["created"],
                      reimport_updated=second["updated"])
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
