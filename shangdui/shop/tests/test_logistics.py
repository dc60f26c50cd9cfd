"""Shipping batches: which orders go in, carrier sheets, labels, packers, tracking numbers back."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from shangdui.shop import logistics
from shangdui.shop.imports import orders_import
from shangdui.shop.models import Order, Waybill
from shangdui.shop.tests.test_imports import _taobao

PAID = "2026-11-01 10:00:00"


def _orders(world: Any) -> None:
    orders_import(organization=world.org, shop=world.shop, source=io.BytesIO(_taobao(
        f'="701",a,80.00,交易成功,张三,浙江省 杭州市 西湖区 文三路1号,138****0000,{PAID},{PAID},=玫瑰花束,2',
        f'="702",b,20.00,交易关闭,李四,浙江省 杭州市 西湖区 路2号,138****0001,{PAID},{PAID},花,1',
        f'="703",c,5.00,等待买家付款,王五,浙江省 杭州市 西湖区 路3号,138****0002,{PAID},,花,1',
        f'="704",d,30.00,交易成功,赵六,广东省 深圳市 南山区 科技园,139****0003,{PAID},{PAID},百合,1')))
    Order.objects.filter(order_id="704").update(receiver_encrypted=True)


@pytest.mark.django_db
def test_batch_takes_paid_unshipped_plain_orders_once(world: Any) -> None:
    _orders(world)
    batch, encrypted = logistics.shipping_batch_create(actor=world.manager, shops=[world.shop], carrier="sf")
    assert encrypted == 1
    assert [w.order.order_id for w in logistics.batch_waybills(batch)] == ["701"]  # not refunded, unpaid, encrypted
    with pytest.raises(ValidationError):
        logistics.shipping_batch_create(actor=world.manager, shops=[world.shop], carrier="zto")

    content, name = logistics.carrier_sheet(batch, sender={"name": "甲公司", "phone": "0571-1", "address": "杭州"})
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("用户订单号", "寄件人姓名", "寄件人电话") and name.endswith(".xlsx")
    assert rows[1][0] == "701" and rows[1][6:10] == ("浙江省", "杭州市", "西湖区", "文三路1号")
    assert rows[1][10].startswith("'=玫瑰花束")  # escaped: a spreadsheet will not run it
    csv_bytes, _ = logistics.carrier_sheet(batch, sender={}, fmt="csv")
    assert csv_bytes.startswith("\ufeff".encode()) and "收件省".encode() in csv_bytes

    pdf = logistics.labels_pdf(batch, sender={"name": "甲公司"})
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 1

    assert logistics.waybills_assign_packer(batch=batch, packer=world.peer) == 1
    assert logistics.packers_summary(batch) == [{"packer__name": "Bob", "parcels": 1}]

    upload = SimpleUploadedFile("t.csv", "订单号,运单号\n701,SF1234567890\n999,SF0\n".encode())
    result = logistics.tracking_import(batch=batch, source=upload)
    assert result["updated"] == 1 and result["errors"][0]["row"] == 3
    order = Order.objects.get(order_id="701")
    assert order.tracking_no == "SF1234567890" and order.carrier == "sf" and order.shipped_at is not None
    # A re-import of the orders file never touches the logistics fields.
    _orders(world)
    assert Order.objects.get(order_id="701").tracking_no == "SF1234567890"
    assert Waybill.objects.count() == 1


@pytest.mark.django_db
def test_shipping_pages(world: Any, login: Any) -> None:
    _orders(world)
    client = login(world.manager)
    response = client.post("/shops/shipping/", {"shop": world.shop.pk, "carrier": "yunda"})
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "701" in detail and "data-testid=\"waybills\"" in detail
    export = client.post(response["Location"] + "export/", {"format": "xlsx"})
    assert load_workbook(io.BytesIO(export.content)).active["A1"].value == "订单号"
    labels = client.post(response["Location"] + "labels/")
    assert labels["Content-Type"] == "application/pdf" and labels.content.startswith(b"%PDF")
    assert login(world.member).get("/shops/shipping/").status_code == 404


@pytest.mark.django_db
def test_carrier_bill_costs_and_anomalies(world: Any, login: Any) -> None:
    _orders(world)
    Order.objects.filter(order_id="701").update(tracking_no="SF1", shipping_fee="8.00")  # 2 items: ~1 kg
    Order.objects.filter(order_id="702").update(tracking_no="SF2")
    bill = "运单号,计费重量,运费\nSF1,6.5,32.00\nSF2,0.8,12.00\nSF9,1.0,10.00\nSF3,重,1\n".encode("gb18030")
    client = login(world.manager)
    response = client.post("/shops/shipping/costs/", {"carrier": "sf", "file": SimpleUploadedFile("b.csv", bill)})
    assert response.status_code == 302
    from shangdui.shop import costs
    from shangdui.shop.models import CarrierCharge

    assert CarrierCharge.objects.count() == 3 and CarrierCharge.objects.filter(order__isnull=False).count() == 2
    data = costs.cost_analysis(organization_id=world.org.id)
    assert data["total"]["cost"] == Decimal("54.00") and data["unmatched"] == 1
    assert [c.tracking_no for c in data["anomalies"]] == ["SF1"]  # 6.5 kg for 2 items
    assert {r["band"]: r["parcels"] for r in data["by_band"]} == {"≤1 kg": 2, ">5 kg": 1}
    again = costs.carrier_bill_import(organization=world.org, carrier="sf", source=SimpleUploadedFile("b.csv", bill))
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    page = client.get("/shops/shipping/costs/").content.decode()
    assert "¥54.00" in page and "SF1" in page
