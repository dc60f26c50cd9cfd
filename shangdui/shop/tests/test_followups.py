"""Customer-service follow-ups: created from shipped, delivered and after-sales orders, once each."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.utils import timezone

from shangdui.shop.followups import followups_generate, followups_queue
from shangdui.shop.imports import orders_import
from shangdui.shop.models import FollowUp, Order
from shangdui.shop.tests.test_imports import HZ, _taobao


@pytest.mark.django_db
def test_followups_are_created_once_and_assigned_to_customer_service(world: Any, login: Any) -> None:
    paid = "2026-11-01 10:00:00"
    orders_import(organization=world.org, shop=world.shop, source=io.BytesIO(_taobao(
        *(f'="{900 + i}",n,10.00,交易成功,张三,{HZ},{paid},{paid},花,1' for i in range(4)))))
    now = timezone.now()
    Order.objects.filter(order_id="900").update(shipped_at=now - dt.timedelta(days=4))  # late: care
    Order.objects.filter(order_id="901").update(shipped_at=now - dt.timedelta(days=1))  # not yet
    Order.objects.filter(order_id="902").update(shipped_at=now - dt.timedelta(days=5),
                                                delivered_at=now - dt.timedelta(days=1))  # review
    Order.objects.filter(order_id="903").update(after_sale_status="退款中")  # after-sales
    assert followups_generate(organization=world.org, now=now) == 3
    assert followups_generate(organization=world.org, now=now) == 0
    kinds = dict(FollowUp.objects.values_list("order__order_id", "kind"))
    assert kinds == {"900": "care", "902": "review", "903": "after_sale"}
    # Carl and Ken are the customer-service department: work goes to them in turn.
    assert set(FollowUp.objects.values_list("assignee__name", flat=True)) <= {"Carl", "Ken"}
    assert followups_queue(world.member).count() == 0  # Alice (operations) has none assigned
    carl = login(world.other_member)
    page = carl.get("/shops/follow-ups/").content.decode()
    mine = FollowUp.objects.filter(assignee=world.other_member).first()
    assert mine is not None and mine.order.order_id in page
    assert carl.post(f"/shops/follow-ups/{mine.pk}/done/").status_code == 302
    mine.refresh_from_db()
    assert mine.status == "done" and mine.done_at is not None


@pytest.mark.django_db
def test_daily_task_is_idempotent(world: Any) -> None:
    from shangdui.shop.tasks import generate_followups

    orders_import(organization=world.org, shop=world.shop, source=io.BytesIO(_taobao(
        f'="950",n,10.00,交易成功,张三,{HZ},2026-11-01 10:00:00,2026-11-01 10:00:00,花,1')))
    Order.objects.filter(order_id="950").update(after_sale_status="退款中")
    assert generate_followups() == 1
    assert generate_followups() == 0
