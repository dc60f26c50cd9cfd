"""Daily summaries (``SalesDay``, ``ProductDay``) rebuilt from the orders for a shop and a date range.

Called in the same transaction as every write of orders (the import's merge, the demo loader), so
dashboards that read the summaries always agree with the orders; ``sales-summary`` and the API read
the orders themselves.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from shangdui.shop.models import Order, OrderLine, ProductDay, SalesDay

# The sums of a SalesDay row over its orders, and of a ProductDay row over its lines (l) and orders
# (o): the same in a rebuild from the stored orders and in the sums added from a staged batch.
SALES_SUMS = ("COUNT(*), COUNT(paid_at), COALESCE(SUM(CASE WHEN paid_at IS NOT NULL THEN paid_amount END), 0), "
              "COALESCE(SUM(CASE WHEN paid_at IS NOT NULL THEN refund_amount END), 0)")
PRODUCT_SUMS = "SUM(l.quantity), SUM(l.amount), COUNT(DISTINCT o.id)"


def refresh(*, shop_ids: list[int], start: dt.date, end: dt.date) -> None:
    """Recompute the summaries of ``shop_ids`` for the days ``start``..``end`` (inclusive)."""
    orders, lines = Order._meta.db_table, OrderLine._meta.db_table
    sales, products = SalesDay._meta.db_table, ProductDay._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            # A big import's days are grouped in memory rather than sorted on disk (4 MB by default).
            cursor.execute("SET LOCAL work_mem = '64MB'")
        for shop_id in shop_ids:
            window: list[int | dt.date] = [shop_id, start, end]
            cursor.execute(f"DELETE FROM {sales} WHERE shop_id = %s AND day BETWEEN %s AND %s", window)  # noqa: S608
            cursor.execute(f"DELETE FROM {products} WHERE shop_id = %s AND day BETWEEN %s AND %s", window)  # noqa: S608
            cursor.execute(
                f"INSERT INTO {sales} (organization_id, shop_id, platform, day, orders, paid_orders, "  # noqa: S608
                f"paid_gmv, refunds) SELECT organization_id, shop_id, platform, order_date, {SALES_SUMS} "
                f"FROM {orders} WHERE shop_id = %s AND order_date BETWEEN %s AND %s "
                "GROUP BY organization_id, shop_id, platform, order_date", window)
            cursor.execute(
                f"INSERT INTO {products} (organization_id, shop_id, platform, day, title, quantity, amount, "  # noqa: S608
                f"orders) SELECT o.organization_id, o.shop_id, o.platform, o.order_date, l.title, {PRODUCT_SUMS} "
                f"FROM {lines} l JOIN {orders} o ON o.id = l.order_id "
                "WHERE o.shop_id = %s AND o.order_date BETWEEN %s AND %s AND o.paid_at IS NOT NULL "
                "AND l.title <> '' GROUP BY o.organization_id, o.shop_id, o.platform, o.order_date, l.title",
                window)


def clear(*, shop_id: int, platform: str) -> None:
    """Drop the summaries of ``shop_id``'s orders of ``platform`` (before ``add_staged`` starts
    from nothing)."""
    with connection.cursor() as cursor:
        for table in (SalesDay._meta.db_table, ProductDay._meta.db_table):
            cursor.execute(f"DELETE FROM {table} WHERE shop_id = %s AND platform = %s",  # noqa: S608
                           [shop_id, platform])


def add_staged(*, organization_id: int, shop_id: int, platform: str, orders_table: str, lines_table: str) -> None:
    """Add the summaries of staged orders that are all new (PostgreSQL, a first import's batch):
    the same sums as ``refresh`` would find, grouped from the batch instead of re-read from
    ``shop_order`` after the whole file. Every order is in exactly one batch, so per-batch counts
    of distinct orders add up."""
    sales, products = SalesDay._meta.db_table, ProductDay._meta.db_table
    params: list[int | str] = [organization_id, shop_id, platform]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {sales} AS s (organization_id, shop_id, platform, day, orders, paid_orders, "  # noqa: S608
            f"paid_gmv, refunds) SELECT %s, %s, %s, order_date, {SALES_SUMS} "
            f"FROM {orders_table} GROUP BY order_date "
            "ON CONFLICT (shop_id, platform, day) DO UPDATE SET orders = s.orders + excluded.orders, "
            "paid_orders = s.paid_orders + excluded.paid_orders, paid_gmv = s.paid_gmv + excluded.paid_gmv, "
            "refunds = s.refunds + excluded.refunds", params)
        cursor.execute(
            f"INSERT INTO {products} AS p (organization_id, shop_id, platform, day, title, quantity, amount, "  # noqa: S608
            f"orders) SELECT %s, %s, %s, o.order_date, l.title, {PRODUCT_SUMS.replace('o.id', 'o.order_id')} "
            f"FROM {lines_table} l JOIN {orders_table} o ON o.order_id = l.order_id "
            "WHERE o.paid_at IS NOT NULL AND l.title <> '' GROUP BY o.order_date, l.title "
            "ON CONFLICT (shop_id, platform, day, title) DO UPDATE SET quantity = p.quantity + excluded.quantity, "
            "amount = p.amount + excluded.amount, orders = p.orders + excluded.orders", params)
