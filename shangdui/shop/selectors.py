"""Reads for the shop pages, API, CLI and exports. Every query is scoped by organization.

Who sees which shops (see docs/shop.md): the director, finance/HR and the managers of operations,
logistics and customer-service departments see every shop of the organization; everyone else sees
the shops their own department is responsible for. Another organization's shop is a 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from shangdui.org.models import Department, Member, Organization
from shangdui.shop.models import Order, OrderLine, ProductDay, Review, SalesDay, Shop

ZERO = Decimal("0.00")
ALL_SHOP_DEPARTMENTS = ("operations", "logistics", "customer_service")
_MONEY = DecimalField(max_digits=16, decimal_places=2)
_PAID = Q(paid_at__isnull=False)


def sees_all_shops(viewer: Member) -> bool:
    if viewer.role in (Member.Role.DIRECTOR, Member.Role.FINANCE):
        return True
    if viewer.role == Member.Role.MANAGER:
        if viewer.department_id and viewer.department.kind in ALL_SHOP_DEPARTMENTS:  # type: ignore[union-attr]
            return True
        return Department.objects.filter(organization_id=viewer.organization_id, head_id=viewer.id,
                                         kind__in=ALL_SHOP_DEPARTMENTS).exists()
    return False


def shops_visible(viewer: Member) -> QuerySet[Shop]:
    shops = Shop.objects.filter(organization_id=viewer.organization_id)
    if sees_all_shops(viewer):
        return shops
    if viewer.department_id is None:
        return shops.none()
    return shops.filter(department_id=viewer.department_id)


@dataclass(frozen=True, slots=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end)


def period_for(kind: str, today: dt.date, start: dt.date | None = None, end: dt.date | None = None) -> Period:
    """``day`` (today), ``week`` (the last 7 days), ``month`` (the last 30 days) or ``custom``."""
    if kind == "custom" and start and end:
        return Period(min(start, end), max(start, end))
    days = {"day": 1, "week": 7, "month": 30, "quarter": 90}.get(kind, 30)
    return Period(today - dt.timedelta(days=days - 1), today)


def orders_in(*, organization_id: int, shop_ids: list[int] | None = None, platform: str = "",
              start: dt.date | None = None, end: dt.date | None = None) -> QuerySet[Order]:
    orders = Order.objects.filter(organization_id=organization_id)
    if shop_ids is not None:
        orders = orders.filter(shop_id__in=shop_ids)
    if platform:
        orders = orders.filter(platform=platform)
    if start:
        orders = orders.filter(order_date__gte=start)
    if end:
        orders = orders.filter(order_date__lte=end)
    return orders


def _figure_aggregates() -> dict[str, Any]:
    return {
        "orders": Count("id"),
        "paid_orders": Count("id", filter=_PAID),
        "paid_gmv": Coalesce(Sum("paid_amount", filter=_PAID), Value(ZERO), output_field=_MONEY),
        "refunds": Coalesce(Sum("refund_amount", filter=_PAID), Value(ZERO), output_field=_MONEY),
    }


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    gmv = Decimal(row["paid_gmv"]).quantize(Decimal("0.01"))
    refunds = Decimal(row["refunds"]).quantize(Decimal("0.01"))
    paid = row["paid_orders"]
    row.update(paid_gmv=gmv, refunds=refunds, net_sales=gmv - refunds,
               average_order_value=(gmv / paid).quantize(Decimal("0.01")) if paid else ZERO,
               refund_rate=(refunds * 100 / gmv).quantize(Decimal("0.1")) if gmv else Decimal("0.0"))
    return row


def sales_figures(orders: QuerySet[Order]) -> dict[str, Any]:
    """orders, paid_orders, paid_gmv, refunds, net_sales, average_order_value, refund_rate (percent)."""
    return _finish(orders.aggregate(**_figure_aggregates()))


def figures_json(figures: dict[str, Any]) -> dict[str, Any]:
    """The CLI/API form: counts as ints, amounts as strings with two decimals."""
    return {"orders": figures["orders"], "paid_orders": figures["paid_orders"],
            "paid_gmv": f"{figures['paid_gmv']:.2f}", "refunds": f"{figures['refunds']:.2f}",
            "net_sales": f"{figures['net_sales']:.2f}"}


def sales_by_day(orders: QuerySet[Order], period: Period) -> list[dict[str, Any]]:
    """One row per day of the period (days without orders included)."""
    grouped: Any = orders.values("order_date").annotate(**_figure_aggregates())
    rows = {r["order_date"]: _finish(dict(r)) for r in grouped}
    empty = {"orders": 0, "paid_orders": 0, "paid_gmv": ZERO, "refunds": ZERO}
    out = []
    for offset in range(period.days):
        day = period.start + dt.timedelta(days=offset)
        out.append({"date": day, **(rows.get(day) or _finish(dict(empty)))})
    return out


def sales_by_shop(orders: QuerySet[Order]) -> list[dict[str, Any]]:
    rows: Any = orders.values("shop_id", "shop__name", "platform").annotate(**_figure_aggregates())
    rows = rows.order_by("-paid_gmv", "shop__name")
    return [_finish(dict(r)) for r in rows]


def top_products(orders: QuerySet[Order], limit: int = 10) -> list[dict[str, Any]]:
    """Products of paid orders by sales: title, quantity, amount (line amounts), orders."""
    lines = OrderLine.objects.filter(order__in=orders.filter(_PAID)).exclude(title="")
    grouped: Any = lines.values("title").annotate(
        quantity=Sum("quantity"), amount=Coalesce(Sum("amount"), Value(ZERO), output_field=_MONEY),
        orders=Count("order_id", distinct=True))
    return list(grouped.order_by("-amount", "title")[:limit])


def change(current: Decimal | int, previous: Decimal | int) -> Decimal | None:
    """Percentage change from ``previous`` to ``current``; None when there is nothing to compare."""
    if not previous:
        return None
    return (Decimal(current - previous) * 100 / Decimal(previous)).quantize(Decimal("0.1"))


def _day_sums() -> dict[str, Any]:
    return {
        "orders": Coalesce(Sum("orders"), 0), "paid_orders": Coalesce(Sum("paid_orders"), 0),
        "paid_gmv": Coalesce(Sum("paid_gmv"), Value(ZERO), output_field=_MONEY),
        "refunds": Coalesce(Sum("refunds"), Value(ZERO), output_field=_MONEY),
    }


def sales_days(*, organization_id: int, shop_ids: list[int], platform: str, period: Period) -> QuerySet[SalesDay]:
    days = SalesDay.objects.filter(organization_id=organization_id, shop_id__in=shop_ids,
                                   day__gte=period.start, day__lte=period.end)
    return days.filter(platform=platform) if platform else days


def dashboard_data(*, organization_id: int, shop_ids: list[int], platform: str, period: Period,
                   top: int = 10) -> dict[str, Any]:
    """Everything the sales dashboard and its export show, in 5 queries over the daily summaries
    (``SalesDay``/``ProductDay``), so the page costs the same over a thousand or a million orders."""
    current = sales_days(organization_id=organization_id, shop_ids=shop_ids, platform=platform, period=period)
    previous_period = period.previous()
    previous = _finish(sales_days(organization_id=organization_id, shop_ids=shop_ids, platform=platform,
                                  period=previous_period).aggregate(**_day_sums()))
    figures = _finish(current.aggregate(**_day_sums()))
    changes = {key: change(figures[key], previous[key])
               for key in ("orders", "paid_orders", "paid_gmv", "refunds", "net_sales", "average_order_value")}
    grouped: Any = current.values("day").annotate(**_day_sums())
    per_day = {row["day"]: _finish(dict(row)) for row in grouped}
    empty = {"orders": 0, "paid_orders": 0, "paid_gmv": ZERO, "refunds": ZERO}
    by_day = [{"date": period.start + dt.timedelta(days=i),
               **(per_day.get(period.start + dt.timedelta(days=i)) or _finish(dict(empty)))}
              for i in range(period.days)]
    shops: Any = current.values("shop_id", "shop__name", "platform").annotate(**_day_sums())
    by_shop = [_finish(dict(row)) for row in shops.order_by("-paid_gmv", "shop__name")]
    products_qs = ProductDay.objects.filter(organization_id=organization_id, shop_id__in=shop_ids,
                                            day__gte=period.start, day__lte=period.end)
    if platform:
        products_qs = products_qs.filter(platform=platform)
    products: Any = products_qs.values("title").annotate(
        quantity=Sum("quantity"), amount=Coalesce(Sum("amount"), Value(ZERO), output_field=_MONEY),
        orders=Sum("orders"))
    return {
        "period": period, "previous_period": previous_period, "figures": figures, "previous": previous,
        "changes": changes, "by_day": by_day, "by_shop": by_shop,
        "top_products": list(products.order_by("-amount", "title")[:top]),
    }


def day_chart_option(by_day: list[dict[str, Any]], labels: dict[str, str]) -> dict[str, Any]:
    """ECharts option: paid GMV, net sales and refunds per day."""
    days = [row["date"].strftime("%m-%d") for row in by_day]

    def series(key: str) -> dict[str, Any]:
        return {"name": labels[key], "type": "line", "smooth": True, "data": [float(r[key]) for r in by_day]}

    return {
        "tooltip": {"trigger": "axis"}, "legend": {"top": 0},
        "grid": {"left": 60, "right": 20, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": days}, "yAxis": {"type": "value"},
        "series": [series("paid_gmv"), series("net_sales"), series("refunds")],
    }


def reviews_in(organization: Organization | int, *, start: dt.date | None = None, end: dt.date | None = None,
               shops: Iterable[Shop | int] | None = None, member: Member | int | None = None) -> QuerySet[Review]:
    """Reviews of the organization dated (China time) from ``start`` to ``end`` inclusive, of ``shops``
    (None: all) and credited to ``member`` (None: anyone)."""
    organization_id = organization if isinstance(organization, int) else organization.pk
    reviews = Review.objects.filter(organization_id=organization_id)
    if start is not None:
        reviews = reviews.filter(review_date__gte=start)
    if end is not None:
        reviews = reviews.filter(review_date__lte=end)
    if shops is not None:
        reviews = reviews.filter(shop_id__in=[s if isinstance(s, int) else s.pk for s in shops])
    if member is not None:
        reviews = reviews.filter(agent_id=member if isinstance(member, int) else member.pk)
    return reviews


def good_review_counts(organization: Organization | int, *, start: dt.date, end: dt.date,
                       shops: Iterable[Shop | int] | None = None,
                       member: Member | int | None = None) -> dict[str, int]:
    """``{"good": n, "neutral": n, "bad": n, "total": n}`` over ``reviews_in`` (one query)."""
    counts = reviews_in(organization, start=start, end=end, shops=shops, member=member).aggregate(
        good=Count("id", filter=Q(rating=Review.Rating.GOOD)),
        neutral=Count("id", filter=Q(rating=Review.Rating.NEUTRAL)),
        bad=Count("id", filter=Q(rating=Review.Rating.BAD)),
        total=Count("id"),
    )
    return {key: int(value or 0) for key, value in counts.items()}


def good_review_count(organization: Organization | int, *, start: dt.date, end: dt.date,
                      shops: Iterable[Shop | int] | None = None, member: Member | int | None = None) -> int:
    """Good reviews (好评) dated ``start``..``end`` (inclusive), of ``shops`` (None: all the
    organization's), credited to ``member`` (None: anyone). A goal measure."""
    return reviews_in(organization, start=start, end=end, shops=shops, member=member).filter(
        rating=Review.Rating.GOOD).count()
