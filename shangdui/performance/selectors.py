"""Every read that pages, the API, exports and pay runs use. Always scoped by organization."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db.models import Count, Q, QuerySet, Sum

from shangdui.performance.models import Goal, PayAdjustment, PayPlan, PayRun, PayStatement, Review

ZERO = Decimal("0.00")


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_bounds(period: dt.date) -> tuple[dt.date, dt.date]:
    """First day of the month and first day of the next one (half-open)."""
    start = month_start(period)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


@dataclass
class Sales:
    """Net sales by the shop-data counting rules: paid GMV − refunds, over paid orders."""

    orders: int = 0
    paid: Decimal = ZERO
    refunds: Decimal = ZERO
    shop_ids: list[int] = field(default_factory=list)

    @property
    def net(self) -> Decimal:
        return self.paid - self.refunds

    def add(self, other: Sales) -> None:
        self.orders += other.orders
        self.paid += other.paid
        self.refunds += other.refunds
        self.shop_ids += other.shop_ids


def order_model() -> Any:
    """The shop app's Order model (looked up late: pay does not import the shop app's internals)."""
    return apps.get_model("shop", "Order")


def settled_orders(organization_id: int, start: dt.date, end: dt.date) -> QuerySet[Any]:
    """Orders that count for a period: paid, dated (China time: payment date) in ``[start, end)``.

    A refund recorded on an order reduces that order's month; see docs/performance.md.
    """
    return order_model().objects.filter(organization_id=organization_id, paid_at__isnull=False,
                                        order_date__gte=start, order_date__lt=end)


def sales_by_shop(organization_id: int, start: dt.date, end: dt.date) -> dict[int, Sales]:
    """One grouped query over the period's orders; scopes are then sums of shops (no N+1)."""
    rows = (settled_orders(organization_id, start, end).order_by().values("shop_id")
            .annotate(n=Count("id"), paid=Sum("paid_amount"), refunds=Sum("refund_amount")))
    return {row["shop_id"]: Sales(orders=row["n"], paid=row["paid"] or ZERO, refunds=row["refunds"] or ZERO,
                                  shop_ids=[row["shop_id"]]) for row in rows}


def sales_by_salesperson(organization_id: int, start: dt.date, end: dt.date) -> dict[int, Sales]:
    """Net sales of the period's orders attributed to a member (``Order.salesperson``), per member,
    in one grouped query: the base of "own orders" commission."""
    rows = (settled_orders(organization_id, start, end).filter(salesperson__isnull=False).order_by()
            .values("salesperson_id")
            .annotate(n=Count("id"), paid=Sum("paid_amount"), refunds=Sum("refund_amount")))
    return {row["salesperson_id"]: Sales(orders=row["n"], paid=Decimal(row["paid"] or ZERO).quantize(ZERO),
                                         refunds=Decimal(row["refunds"] or ZERO).quantize(ZERO))
            for row in rows}


def shops_of(organization_id: int) -> dict[int, Any]:
    return {shop.id: shop for shop in apps.get_model("shop", "Shop").objects.filter(organization_id=organization_id)}


def scope_shop_ids(plan: PayPlan | Goal, member: Any, shops: dict[int, Any]) -> list[int]:
    """Which shops a plan's (or goal's) commission scope covers for ``member``."""
    if isinstance(plan, Goal):
        return sorted(int(i) for i in plan.shop_ids if int(i) in shops)
    if plan.scope == PayPlan.Scope.PLATFORMS:
        return sorted(i for i, shop in shops.items() if shop.platform in plan.platforms)
    if plan.scope == PayPlan.Scope.DEPARTMENT:
        return sorted(i for i, shop in shops.items()
                      if member.department_id is not None and shop.department_id == member.department_id)
    return sorted(int(i) for i in plan.shop_ids if int(i) in shops)


def sales_for_shops(by_shop: dict[int, Sales], shop_ids: Iterable[int]) -> Sales:
    total = Sales()
    for shop_id in shop_ids:
        if shop_id in by_shop:
            total.add(by_shop[shop_id])
    total.shop_ids = sorted(shop_ids)
    return total


def product_sales(organization_id: int, shop_ids: list[int], product_ids: list[str], start: dt.date,
                  end: dt.date) -> Sales:
    """Net sales of chosen products (platform product IDs or SKUs): their order lines' amounts minus
    the lines' refunds, over the period's settled orders of ``shop_ids``."""
    lines = apps.get_model("shop", "OrderLine").objects.filter(
        order__in=settled_orders(organization_id, start, end).filter(shop_id__in=shop_ids)).filter(
        Q(product_id__in=product_ids) | Q(sku__in=product_ids))
    row = lines.aggregate(n=Count("order_id", distinct=True), paid=Sum("amount"), refunds=Sum("refund_amount"))
    return Sales(orders=row["n"] or 0, paid=row["paid"] or ZERO, refunds=row["refunds"] or ZERO,
                 shop_ids=sorted(shop_ids))


def inspection_totals(organization_id: int, member_ids: list[int], start: dt.datetime,
                      end: dt.datetime) -> dict[str, int]:
    """Scored conversations of ``member_ids`` in ``[start, end)``: count, Σ score, Σ max score."""
    row = apps.get_model("conversations", "Conversation").objects.filter(
        organization_id=organization_id, member_id__in=member_ids, status="done", max_score__gt=0,
        score__isnull=False, occurred_at__gte=start, occurred_at__lt=end).aggregate(
        n=Count("id"), score=Sum("score"), max=Sum("max_score"))
    return {"n": row["n"] or 0, "score": row["score"] or 0, "max": row["max"] or 0}


def inspection_by_member(organization_id: int, member_ids: list[int], start: dt.datetime,
                         end: dt.datetime) -> dict[int, dict[str, int]]:
    """Per member: scored conversations, Σ score, Σ max score in ``[start, end)`` (one query)."""
    rows = apps.get_model("conversations", "Conversation").objects.filter(
        organization_id=organization_id, member_id__in=member_ids, status="done", max_score__gt=0,
        score__isnull=False, occurred_at__gte=start, occurred_at__lt=end).order_by().values("member_id").annotate(
        n=Count("id"), score=Sum("score"), max=Sum("max_score"))
    return {r["member_id"]: {"n": r["n"], "score": r["score"] or 0, "max": r["max"] or 0} for r in rows}


def carrier_cost(organization_id: int, shop_ids: list[int], start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """Carrier-bill freight of the orders of ``shop_ids`` shipped in ``[start, end)``, and how many
    such orders have a bill line."""
    row = apps.get_model("shop", "CarrierCharge").objects.filter(
        organization_id=organization_id, order__shop_id__in=shop_ids, order__shipped_at__gte=start,
        order__shipped_at__lt=end).aggregate(orders=Count("order_id", distinct=True), cost=Sum("fee"))
    return {"orders": row["orders"] or 0, "cost": row["cost"] or ZERO}


def good_reviews(organization: Any, start: dt.date, last: dt.date, *, shop_ids: list[int] | None,
                 member: Any = None) -> dict[str, int]:
    """Reviews dated ``start``..``last`` inclusive of ``shop_ids`` (None: every shop) credited to
    ``member`` (None: anyone), by rating: the shop app's count (one query)."""
    from shangdui.shop import selectors as shop_selectors

    return shop_selectors.good_review_counts(organization, start=start, end=last, shops=shop_ids, member=member)


def evidence_orders(organization_id: int, shop_ids: list[int] | None, start: dt.date, end: dt.date,
                    limit: int = 50, salesperson_id: int | None = None) -> list[Any]:
    """The orders behind a commission line, largest first (a statement traces to orders): those of
    ``shop_ids``, or for "own orders" those attributed to ``salesperson_id``."""
    orders = settled_orders(organization_id, start, end)
    orders = orders.filter(salesperson_id=salesperson_id) if salesperson_id is not None else orders.filter(
        shop_id__in=shop_ids or [])
    return list(orders.select_related("shop").order_by("-paid_amount", "id")[:limit])


def sales_goals(organization_id: int, start: dt.date, end: dt.date) -> dict[int, Goal]:
    """Each member's agreed net-sales goal whose period covers the month (its target drives completion)."""
    goals = Goal.objects.filter(organization_id=organization_id, measure=Goal.Measure.NET_SALES,
                                state=Goal.State.AGREED, member__isnull=False,
                                period_start__lte=start, period_end__gte=end - dt.timedelta(days=1))
    return {goal.member_id: goal for goal in goals.order_by("period_start", "id")}  # type: ignore[misc]


def finished_reviews(organization_id: int, start: dt.date, end: dt.date) -> dict[int, Review]:
    """Finished reviews whose cycle ends in the month: they feed that month's bonus."""
    reviews = Review.objects.filter(organization_id=organization_id, state=Review.State.DONE,
                                    cycle__period_end__gte=start, cycle__period_end__lt=end).select_related("cycle")
    return {review.member_id: review for review in reviews.order_by("cycle__period_end", "id")}


def adjustments_for(organization_id: int, period: dt.date) -> dict[int, list[PayAdjustment]]:
    result: dict[int, list[PayAdjustment]] = {}
    for adjustment in PayAdjustment.objects.filter(organization_id=organization_id, period=period).select_related(
            "corrects").order_by("id"):
        result.setdefault(adjustment.member_id, []).append(adjustment)
    return result


def pay_runs(organization_id: int) -> QuerySet[PayRun]:
    return PayRun.objects.filter(organization_id=organization_id).order_by("-period")


def run_statements(pay_run: PayRun) -> QuerySet[PayStatement]:
    return pay_run.statements.select_related("member").order_by("member_name", "id")


def member_statements(member: Any, *, final_only: bool = False) -> QuerySet[PayStatement]:
    """A member's statements, newest first; ``final_only``: approved or locked months only (what the
    member sees of their own pay)."""
    statements = PayStatement.objects.filter(organization_id=member.organization_id, member=member)
    if final_only:
        statements = statements.filter(pay_run__status__in=[PayRun.Status.APPROVED, PayRun.Status.LOCKED])
    return statements.select_related("pay_run").order_by("-pay_run__period")


def pay_plans(organization_id: int) -> QuerySet[PayPlan]:
    return PayPlan.objects.filter(organization_id=organization_id).select_related("position", "member").order_by(
        "-is_active", "name", "id")


def members_without_plan(organization_id: int) -> list[Any]:
    member_model = apps.get_model("org", "Member")
    plans = PayPlan.objects.filter(organization_id=organization_id, is_active=True)
    return list(member_model.objects.filter(organization_id=organization_id, is_active=True)
                .exclude(Q(id__in=plans.filter(member__isnull=False).values("member_id"))
                         | Q(position_id__in=plans.filter(member__isnull=True).values("position_id")))
                .order_by("name", "id"))
