"""Test data helpers for pay, goals and reviews."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.utils import timezone

from shangdui.performance import services

PERIOD = dt.date(2026, 10, 1)
TIERS = [{"start": "0", "end": "100000", "rate": "2"}, {"start": "100000", "end": None, "rate": "4"}]


def order_model() -> Any:
    try:
        return apps.get_model("shop", "Order")
    except LookupError:
        pytest.skip("the shop app's Order model is not installed yet")


def make_order(shop: Any, order_id: str, paid: str, refund: str = "0", day: dt.date = dt.date(2026, 10, 15),
               paid_at: bool = True) -> Any:
    paid_time = timezone.make_aware(dt.datetime.combine(day, dt.time(12))) if paid_at else None
    return order_model().objects.create(
        organization=shop.organization, shop=shop, platform=shop.platform, order_id=order_id,
        status="交易成功", paid_at=paid_time, order_date=day, paid_amount=Decimal(paid),
        refund_amount=Decimal(refund), refunded=Decimal(refund) == Decimal(paid))


def commission_plan(world: Any, member: Any, **kw: Any) -> Any:
    fields: dict[str, Any] = {"name": f"运营提成·{member.name}", "kind": "commission", "member": member,
                              "scope": "shops", "shop_ids": [world.shop.id], "basis": "amount", "tiers": TIERS}
    fields.update(kw)
    return services.payplan_create(actor=world.director, organization=world.org, **fields)


def base_plans_for_everyone(world: Any) -> None:
    """Plans for the members of org A that the test does not care about."""
    from shangdui.org.models import Member
    from shangdui.performance.models import PayPlan

    covered = set(PayPlan.objects.filter(organization=world.org, member__isnull=False).values_list(
        "member_id", flat=True))
    for member in Member.objects.filter(organization=world.org).exclude(id__in=covered):
        services.payplan_create(actor=world.director, organization=world.org, name=f"底薪·{member.name}",
                                kind="base", member=member, base_salary=Decimal("5000"))
