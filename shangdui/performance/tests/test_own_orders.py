"""Commission on "own orders" (本人订单): net sales of the orders attributed to the member
(``Order.salesperson``), settled in the month, with the orders as evidence."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shangdui.performance import services, tiers
from shangdui.performance.models import PayLine, PayPlan, PayRun
from shangdui.performance.tests.factories import PERIOD, TIERS, base_plans_for_everyone, make_order

pytestmark = pytest.mark.django_db


def _own_plan(world: Any, member: Any, **kw: Any) -> PayPlan:
    fields: dict[str, Any] = {"name": f"本人订单提成·{member.name}", "kind": "commission", "member": member,
                              "scope": "own_orders", "basis": "amount", "tiers": TIERS, "base_salary": Decimal("3000")}
    fields.update(kw)
    return services.payplan_create(actor=world.director, organization=world.org, **fields)


def _sold(world: Any, order_id: str, paid: str, member: Any, refund: str = "0",
          day: dt.date = dt.date(2026, 10, 15)) -> Any:
    order = make_order(world.shop, order_id, paid, refund=refund, day=day)
    order.salesperson = member
    order.save(update_fields=["salesperson"])
    return order


def _commission(run: PayRun, member: Any) -> PayLine:
    return PayLine.objects.get(statement__pay_run=run, statement__member=member, kind=PayLine.Kind.COMMISSION)


def test_own_orders_commission_counts_only_the_members_settled_orders(world: Any) -> None:
    _own_plan(world, world.member)
    _own_plan(world, world.peer)
    base_plans_for_everyone(world)
    _sold(world, "S1", "80000.00", world.member, refund="5000.00")
    _sold(world, "S2", "45000.00", world.member)
    _sold(world, "S3", "9999.99", world.peer)
    make_order(world.shop, "S4", "70000.00")  # nobody's
    _sold(world, "S5", "1000.00", world.member, day=dt.date(2026, 11, 2))  # next month
    unpaid = _sold(world, "S6", "1000.00", world.member)
    unpaid.paid_at = None
    unpaid.save(update_fields=["paid_at"])
    run = services.payrun_run(actor=world.finance, organization=world.org, period=PERIOD)
    line = _commission(run, world.member)
    # 120000 net: 100000 × 2 % + 20000 × 4 % = 2800.00
    assert line.amount == Decimal("2800.00")
    assert line.evidence["scope"] == "own_orders" and line.evidence["salesperson_id"] == world.member.id
    assert line.evidence["orders"] == 2 and line.evidence["net_sales"] == "120000.00"
    assert line.evidence["shop_ids"] == []
    assert _commission(run, world.peer).amount == Decimal("200.00")  # 9999.99 × 2 % rounded once
    assert "本人订单" in line.label


def test_statement_page_lists_the_attributed_orders(world: Any, login: Any) -> None:
    _own_plan(world, world.member)
    _sold(world, "MINE-1", "1234.50", world.member)
    make_order(world.shop, "SHOP-ONLY", "9999.00")
    run = services.payrun_run(actor=world.finance, organization=world.org, period=PERIOD)
    statement = run.statements.get(member=world.member)
    body = login(world.manager).get(f"/performance/pay/statements/{statement.pk}/").content.decode()
    assert "MINE-1" in body and "SHOP-ONLY" not in body


def test_own_orders_plan_through_the_api(world: Any, login: Any) -> None:
    response = login(world.finance).post("/api/pay-plans", {
        "name": "销售提成", "kind": "commission", "member_id": world.member.pk, "scope": "own_orders",
        "tiers": [{"start": "0", "end": None, "rate": "3"}]}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["scope"] == "own_orders"


AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("90000"), places=2)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(orders=st.lists(st.tuples(AMOUNTS, st.sampled_from(["alice", "bob", None]), st.booleans()),
                       min_size=0, max_size=12))
def test_own_orders_commission_equals_the_tiers_on_each_members_orders(world: Any, orders: list[Any]) -> None:
    """Whatever the attribution: each member's commission is the plain tier computation on the sum
    of their own orders' net sales, cent-exact, and no order counts for two members."""
    from shangdui.shop.models import Order

    PayRun.objects.filter(organization=world.org).delete()
    Order.objects.filter(organization=world.org).delete()
    if not PayPlan.objects.filter(organization=world.org, member=world.member).exists():
        _own_plan(world, world.member)
        _own_plan(world, world.peer)
    people = {"alice": world.member, "bob": world.peer}
    expected = {"alice": Decimal(0), "bob": Decimal(0)}
    for index, (amount, who, half_refund) in enumerate(orders):
        refund = (amount / 2).quantize(Decimal("0.01")) if half_refund else Decimal(0)
        if who is None:
            make_order(world.shop, f"H{index}", str(amount), refund=str(refund))
        else:
            _sold(world, f"H{index}", str(amount), people[who], refund=str(refund))
            expected[who] += amount - refund
    run = services.payrun_run(actor=world.finance, organization=world.org, period=PERIOD)
    table = tiers.parse_tiers(TIERS, "amount")
    for who, member in people.items():
        line = _commission(run, member)
        assert Decimal(line.evidence["net_sales"]) == expected[who]
        reference = Decimal(0)
        for tier in table:
            upper = expected[who] if tier.end is None else min(expected[who], tier.end)
            if upper > tier.start:
                reference += (upper - tier.start) * tier.rate / 100
        assert line.amount == reference.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
