"""Pay runs: statements with evidence, the review → approve → lock flow, adjustments, audit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from shangdui.core.models import AuditLog
from shangdui.performance import services
from shangdui.performance.models import PayLine, PayPlan, PayRun, PayStatement
from shangdui.performance.tests.factories import (
    PERIOD,
    base_plans_for_everyone,
    commission_plan,
    make_order,
)

pytestmark = pytest.mark.django_db


def _statement(run: PayRun, member: Any) -> PayStatement:
    return PayStatement.objects.get(pay_run=run, member=member)


def test_commission_statement_traces_to_orders(world: Any) -> None:
    commission_plan(world, world.member)
    base_plans_for_everyone(world)
    make_order(world.shop, "A1", "80000.00")
    make_order(world.shop, "A2", "40000.50", refund="500.25")
    make_order(world.shop, "A3", "999.00", paid_at=False)  # unpaid: never counts
    make_order(world.shop, "A4", "5000.00", day=dt.date(2026, 11, 1))  # next month
    run = services.payrun_run(actor=world.finance, organization=world.org, period=dt.date(2026, 10, 20))
    assert run.period == PERIOD
    statement = _statement(run, world.member)
    line = statement.lines.get(kind=PayLine.Kind.COMMISSION)
    # net 119500.25: 100000 × 2 % + 19500.25 × 4 % = 2000 + 780.01
    assert line.amount == Decimal("2780.01")
    assert line.evidence["orders"] == 2
    assert line.evidence["net_sales"] == "119500.25"
    assert line.evidence["refunds"] == "500.25"
    assert line.evidence["shop_ids"] == [world.shop.id]
    assert statement.base == Decimal("8000.50")  # the member's own base salary
    assert statement.total == Decimal("10780.51")
    assert run.total == sum(s.total for s in run.statements.all())
    assert not [p for p in run.problems if p["code"] == "no_plan"]


def test_member_without_plan_is_listed_not_skipped_silently(world: Any) -> None:
    commission_plan(world, world.member)
    run = services.payrun_run(actor=world.finance, organization=world.org, period=PERIOD)
    listed = {p["member_id"] for p in run.problems if p["code"] == "no_plan"}
    assert world.peer.id in listed and world.member.id not in listed
    assert "没有薪酬方案" in next(p["message"] for p in run.problems if p["member_id"] == world.peer.id)
    services.payrun_advance(actor=world.finance, pay_run=run, to="reviewed")
    with pytest.raises(ValidationError, match="没有薪酬方案"):
        services.payrun_advance(actor=world.director, pay_run=run, to="approved")


def test_flow_lock_and_no_rerun_then_adjustment_in_next_month(world: Any) -> None:
    base_plans_for_everyone(world)
    run = services.payrun_run(actor=world.finance, organization=world.org, period=PERIOD)
    with pytest.raises(ValidationError):
        services.payrun_advance(actor=world.finance, pay_run=run, to="locked")  # must be approved first
    services.payrun_advance(actor=world.finance, pay_run=run, to="reviewed")
    with pytest.raises(PermissionError):
        services.payrun_advance(actor=world.finance, pay_run=run, to="approved")  # only the director
    services.payrun_advance(actor=world.director, pay_run=run, to="approved")
    services.payrun_advance(actor=world.finance, pay_run=run, to="locked")
    locked_total = PayRun.objects.get(pk=run.pk).total
    with pytest.raises(ValidationError, match="已锁定"):
        services.payrun_run(actor=world.finance, organization=world.org, period=PERIOD)
    with pytest.raises(ValidationError):
        services.payadjustment_create(actor=world.finance, member=world.member, period=PERIOD,
                                      amount=Decimal("100"), reason="补发")
    services.payadjustment_create(actor=world.finance, member=world.member, period=dt.date(2026, 11, 1),
                                  amount=Decimal("-123.45"), reason="10月多发", corrects=run)
    assert PayRun.objects.get(pk=run.pk).total == locked_total  # the locked month did not move
    november = services.payrun_run(actor=world.finance, organization=world.org, period=dt.date(2026, 11, 1))
    statement = _statement(november, world.member)
    adjustment = statement.lines.get(kind=PayLine.Kind.ADJUSTMENT)
    assert adjustment.amount == Decimal("-123.45")
    assert adjustment.evidence["corrects"] == "2026-10"
    assert statement.total == Decimal("5000.00") - Decimal("123.45")
    actions = AuditLog.objects.filter(organization=world.org, action=AuditLog.Action.PAY_CHANGE)
    assert actions.filter(target_type="performance.payrun").count() >= 5
    assert actions.filter(target_type="performance.payadjustment").count() == 1


def test_rerun_of_a_draft_replaces_statements(world: Any) -> None:
    commission_plan(world, world.member)
    base_plans_for_everyone(world)
    first = services.payrun_run(actor=world.finance, organization=world.org, period=PERIOD)
    make_order(world.shop, "B1", "1000.00")
    again = services.payrun_run(actor=world.finance, organization=world.org, period=PERIOD)
    assert again.pk == first.pk
    assert PayStatement.objects.filter(pay_run=first).count() == again.statement_count
    assert _statement(again, world.member).commission == Decimal("20.00")


def test_completion_tiers_use_the_agreed_goal_or_plan_target(world: Any) -> None:
    commission_plan(world, world.member, basis="completion", monthly_target=Decimal("50000"),
                    tiers=[{"start": "0", "end": "100", "rate": "1"}, {"start": "100", "end": "300", "rate": "3"}])
    make_order(world.shop, "C1", "75000")
    run = services.payrun_run(actor=world.finance, organization=world.org, period=PERIOD)
    line = _statement(run, world.member).lines.get(kind=PayLine.Kind.COMMISSION)
    assert line.evidence["completion"] == "150.00"
    assert line.amount == Decimal("1250.00")  # 50000 × 1 % + 25000 × 3 %


@pytest.mark.parametrize(("fields", "message"), [
    ({"tiers": [{"start": "0", "end": "100", "rate": "2"}, {"start": "50", "end": None, "rate": "3"}]}, "重叠"),
    ({"tiers": [{"start": "0", "end": "100", "rate": "2"}, {"start": "150", "end": None, "rate": "3"}]}, "空档"),
    ({"kind": "bonus", "bonus_pool": Decimal("-1")}, "奖金池不能为负"),
    ({"shop_ids": []}, "至少选择一个店铺"),
])
def test_bad_plans_are_refused_with_clear_messages(world: Any, fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        commission_plan(world, world.member, **fields)
    assert not PayPlan.objects.filter(organization=world.org).exists()


def test_plan_changes_are_audited(world: Any) -> None:
    plan = commission_plan(world, world.member)
    services.payplan_update(actor=world.finance, plan=plan, tiers=[{"start": "0", "end": None, "rate": "3"}])
    log = AuditLog.objects.filter(target_type="performance.payplan", action=AuditLog.Action.PAY_CHANGE)
    assert log.count() == 2
    assert "tiers" in log.order_by("-id").first().changes  # type: ignore[union-attr]


def test_member_plan_overrides_position_plan(world: Any) -> None:
    from shangdui.org.services import position_get_or_create

    position = position_get_or_create(organization=world.org, name="店铺运营")
    world.member.position = position
    world.member.save()
    world.peer.position = position
    world.peer.save()
    services.payplan_create(actor=world.director, organization=world.org, name="店铺运营底薪", kind="base",
                            position=position, base_salary=Decimal("6000"))
    commission_plan(world, world.member)
    run = services.payrun_run(actor=world.finance, organization=world.org, period=PERIOD)
    assert _statement(run, world.peer).base == Decimal("6000.00")
    assert _statement(run, world.member).plan_name.startswith("运营提成")


def test_payrun_command_uses_the_same_service(world: Any) -> None:
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    base_plans_for_everyone(world)
    out = io.StringIO()
    call_command("payrun", "org-a", "2026-10", stdout=out)
    assert "2026-10" in out.getvalue() and PayRun.objects.filter(organization=world.org).count() == 1
    with pytest.raises(CommandError, match="格式"):
        call_command("payrun", "org-a", "10/2026")
