"""Time the sales dashboard's queries over the orders left by bench_import_orders.py.

    DATABASE_URL=postgresql://root@127.0.0.1:5432/bench python benchmarks/bench_shop_dashboard.py [--refresh]

Runs ``selectors.dashboard_data`` (the five queries of the page: figures, previous period, by day,
by shop, top products) for the "bench" organization over October 2026 (30 days, where the
generated orders are), 30 times, and prints the median and p95 in milliseconds.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shangdui.settings")
    import django

    django.setup()
    from django.db import connection

    from shangdui.org.models import Organization
    from shangdui.shop import selectors
    from shangdui.shop.models import Order, Shop

    organization = Organization.objects.get(slug="bench")
    shop_ids = list(Shop.objects.filter(organization=organization).values_list("id", flat=True))
    period = selectors.Period(dt.date(2026, 10, 1), dt.date(2026, 10, 30))
    refresh_seconds = None
    if "--refresh" in sys.argv:  # summaries of data imported before they existed
        from shangdui.shop import summaries

        started = time.perf_counter()
        summaries.refresh(shop_ids=shop_ids, start=dt.date(2026, 9, 1), end=dt.date(2026, 11, 30))
        refresh_seconds = round(time.perf_counter() - started, 1)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE shop_order")
            cursor.execute("ANALYZE shop_orderline")
    timings = []
    for _ in range(30):
        started = time.perf_counter()
        data = selectors.dashboard_data(organization_id=organization.id, shop_ids=shop_ids, platform="",
                                        period=period)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    print(json.dumps({
        "database": connection.vendor,
        "orders_in_db": Order.objects.filter(organization=organization).count(),
        "orders_in_period": data["figures"]["orders"],
        "summary_refresh_seconds": refresh_seconds,
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
    }, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
