"""Shop settings (sender on waybills), and the order page where a manager sets the salesperson."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from shangdui.core.models import AuditLog
from shangdui.shop import logistics
from shangdui.shop.models import Order, ShippingBatch, Shop, Waybill


def _batch(world: Any) -> ShippingBatch:
    order = Order.objects.create(organization=world.org, shop=world.shop, platform="taobao", order_id="S1",
                                 order_date="2026-11-01", paid_at="2026-11-01T10:00:00+08:00", paid_amount="10.00",
                                 receiver_name="收货人", receiver_address="浙江省杭州市西湖区文三路1号")
    batch = ShippingBatch.objects.create(organization=world.org, carrier="sf", shop=world.shop)
    Waybill.objects.create(batch=batch, order=order)
    return batch


@pytest.mark.django_db
def test_shop_sender_is_printed_and_missing_one_is_flagged(world: Any, login: Any) -> None:
    batch = _batch(world)
    fallback = logistics.sender_for(world.org.name)
    row = next(logistics.sheet_rows(batch, fallback))
    assert (row["sender_name"], row["sender_phone"], row["sender_address"]) == ("甲公司", "", "")
    client = login(world.director)
    page = client.get(reverse("shop:shipping_detail", args=[batch.pk]))
    assert 'data-testid="sender-missing"' in page.content.decode()
    bad = client.post(reverse("shop:shop_edit", args=[world.shop.pk]), {
        "name": "甲店", "platform": "taobao", "sender_name": "花语仓", "sender_phone": "abc",
        "sender_address": "浙江省杭州市余杭区仓前街道1号"})
    assert bad.status_code == 200 and "sender_phone" in bad.content.decode()
    saved = client.post(reverse("shop:shop_edit", args=[world.shop.pk]), {
        "name": "甲店", "platform": "taobao", "sender_name": "花语仓", "sender_phone": "0571-88886666",
        "sender_address": "浙江省杭州市余杭区仓前街道1号"})
    assert saved.status_code == 302
    batch = ShippingBatch.objects.get(pk=batch.pk)
    row = next(logistics.sheet_rows(batch, fallback))
    assert (row["sender_name"], row["sender_phone"]) == ("花语仓", "0571-88886666")
    assert 'data-testid="sender-missing"' not in client.get(reverse("shop:shipping_detail", args=[batch.pk])) \
        .content.decode()
    entry = AuditLog.objects.filter(target_type="shop.shop", target_id=str(world.shop.pk)).latest("pk")
    assert entry.changes["sender_phone"] == ["", "0571-88886666"]


@pytest.mark.django_db
def test_new_shop_on_another_platform_goes_to_its_mapping(world: Any, login: Any) -> None:
    client = login(world.manager)
    form = client.get(reverse("shop:shop_create")).content.decode()
    assert "- 请选择 -" in form and "Select an option" not in form  # Django's empty choice, in Chinese
    shops = client.get(reverse("shop:shop_list")).content.decode()
    assert ">订单</a>" in shops and ">订单数</a>" not in shops  # the list of orders, not their count
    response = client.post(reverse("shop:shop_create"), {"name": "微店", "platform": "other",
                                                         "department": world.ops.pk})
    shop = Shop.objects.get(organization=world.org, name="微店")
    assert response.status_code == 302 and response["Location"] == reverse("shop:shop_mapping", args=[shop.pk])
    duplicate = client.post(reverse("shop:shop_create"), {"name": "微店", "platform": "jd"})
    assert duplicate.status_code == 200 and Shop.objects.filter(name="微店").count() == 1


@pytest.mark.django_db
def test_manager_sets_the_salesperson_audited(world: Any, login: Any) -> None:
    order = _batch(world).waybills.get().order
    world.shop.department = world.ops
    world.shop.save()
    url = reverse("shop:order_salesperson", args=[order.pk])
    assert login(world.member).post(url, {"salesperson": world.member.pk}).status_code == 404
    client = login(world.manager)
    assert client.post(url, {"salesperson": world.other_org_member.pk}).status_code == 302
    order.refresh_from_db()
    assert order.salesperson is None  # another organization's member is refused
    client.post(url, {"salesperson": world.peer.pk})
    order.refresh_from_db()
    assert order.salesperson == world.peer
    page = client.get(reverse("shop:order_detail", args=[order.pk])).content.decode()
    assert 'data-testid="order-salesperson">Bob<' in page
    entry = AuditLog.objects.filter(target_type="shop.order", target_id=str(order.pk)).latest("pk")
    assert entry.changes == {"salesperson": ["", "Bob"]} and entry.actor == world.manager.user
    client.post(url, {"salesperson": ""})
    order.refresh_from_db()
    assert order.salesperson is None
