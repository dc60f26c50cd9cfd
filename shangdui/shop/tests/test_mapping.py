"""Generic platform: a shop's column mapping, saved once, reads its GBK CSV and XLSX exports;
the mapped salesperson column attributes orders; re-imports keep a manager's attribution."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from shangdui.shop import attribution
from shangdui.shop.importers import ImportFileError
from shangdui.shop.importers.mapping import clean_mapping, import_options, preview
from shangdui.shop.importers.tests.builders import csv_bytes, xlsx_bytes
from shangdui.shop.imports import orders_import
from shangdui.shop.models import Order, Shop

HEADER = ["单据编号", "成交时间", "实收金额", "状态", "退款", "商品名称", "件数", "收件人", "电话", "地址",
          "业务员", "下单时间"]
ROWS = [
    ["A001", "2026-11-01 10:00:00", "120.50", "已完成", "", "玫瑰礼盒", "2", "张三", "13800000000",
     "浙江省杭州市西湖区文三路1号", "Alice", "2026-11-01 09:58:00"],
    ["A002", "2026-11-02 11:00:00", "80.00", "已退款", "", "百合花束", "1", "李四", "13900000000",
     "北京市朝阳区路2号", "bob", "2026-11-02 10:00:00"],
    ["A003", "", "0", "待付款", "", "康乃馨", "1", "王五", "", "", "", "2026-11-03 10:00:00"],
    ["A004", "2026-11-03 12:00:00", "50.00", "已完成", "10.00", "雏菊", "3", "赵六", "13700000000",
     "上海市浦东新区路3号", "无名氏", "2026-11-03 11:00:00"],
]
COLUMNS = {"order_id": "单据编号", "paid_at": "成交时间", "paid_amount": "实收金额", "status": "状态",
           "refund_amount": "退款", "title": "商品名称", "quantity": "件数", "receiver_name": "收件人",
           "receiver_phone": "电话", "receiver_address": "地址", "salesperson": "业务员",
           "created_at": "下单时间"}


def _mapped_shop(world: Any) -> Shop:
    shop = Shop.objects.create(organization=world.org, name="微店", platform="other")
    shop.column_mapping = clean_mapping(HEADER, COLUMNS, refund_values=["已退款"])
    shop.save()
    return shop


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["gbk", "xlsx"])
def test_mapped_import_counts_and_attributes(world: Any, kind: str) -> None:
    shop = _mapped_shop(world)
    data = csv_bytes(HEADER, ROWS, encoding="gb18030") if kind == "gbk" else xlsx_bytes(HEADER, ROWS)  # type: ignore[arg-type]
    result = orders_import(organization=world.org, shop=shop, source=io.BytesIO(data), file_name="x")
    assert result["platform"] == "other" and result["errors"] == []
    assert (result["orders"], result["paid_orders"]) == (4, 3)
    assert (result["paid_gmv"], result["refunds"], result["net_sales"]) == ("250.50", "90.00", "160.50")
    assert result["salesperson"] == {"assigned": 2, "unmatched": ["无名氏"], "unmatched_count": 1}
    a1 = Order.objects.get(organization=world.org, order_id="A001")
    assert a1.salesperson == world.member and a1.shop == shop and a1.receiver_name == "张三"
    assert a1.lines.get().title == "玫瑰礼盒" and a1.lines.get().quantity == 2
    assert Order.objects.get(order_id="A002").salesperson == world.peer  # by username
    assert Order.objects.get(order_id="A002").refunded is True
    assert Order.objects.get(order_id="A004").refund_amount == Decimal("10.00")


@pytest.mark.django_db
def test_reimport_keeps_a_managers_attribution(world: Any) -> None:
    shop = _mapped_shop(world)
    rows = [r[:10] + [""] + r[11:] for r in ROWS]  # no salesperson in this export
    orders_import(organization=world.org, shop=shop, source=io.BytesIO(csv_bytes(HEADER, rows)))
    order = Order.objects.get(order_id="A003")
    attribution.order_salesperson_set(actor=world.manager, order=order, salesperson=world.peer)
    again = orders_import(organization=world.org, shop=shop, source=io.BytesIO(csv_bytes(HEADER, rows)))
    assert again["unchanged"] == 4
    changed = [r[:]for r in rows]
    changed[2][2], changed[2][1] = "30.00", "2026-11-03 12:00:00"  # now paid: the order is updated
    third = orders_import(organization=world.org, shop=shop, source=io.BytesIO(csv_bytes(HEADER, changed)))
    assert third["updated"] == 1
    order.refresh_from_db()
    assert order.salesperson == world.peer and order.paid_amount == Decimal("30.00")


@pytest.mark.django_db
def test_platform_import_never_sets_or_wipes_salesperson(world: Any) -> None:
    header = "订单编号,买家会员名,买家实际支付金额,订单状态,订单付款时间,宝贝标题"
    data = (header + "\n1001,tb,10.00,交易成功,2026-11-01 10:00:00,花\n").encode()
    orders_import(organization=world.org, shop=world.shop, source=io.BytesIO(data))
    order = Order.objects.get(order_id="1001")
    assert order.salesperson is None
    Order.objects.filter(pk=order.pk).update(salesperson=world.member)
    changed = (header + "\n1001,tb,12.00,交易成功,2026-11-01 10:00:00,花\n").encode()
    assert orders_import(organization=world.org, shop=world.shop, source=io.BytesIO(changed))["updated"] == 1
    order.refresh_from_db()
    assert order.salesperson == world.member and order.paid_amount == Decimal("12.00")


def test_clean_mapping_names_every_problem() -> None:
    with pytest.raises(ImportFileError) as exc:
        clean_mapping(HEADER, {"order_id": "单据编号", "title": "不存在的列", "quantity": "单据编号"})
    message = exc.value.message
    assert "付款时间" in message and "实付金额" in message  # required, unmapped
    assert "不存在的列" in message and "数量" in message
    with pytest.raises(ImportFileError, match="列映射"):
        import_options({}, shop_name="微店")


def test_preview_skips_a_title_line_and_reads_gbk() -> None:
    data = "2026年11月订单导出\n".encode("gb18030") + csv_bytes(HEADER, ROWS[:2])
    sample = preview(io.BytesIO(data))
    assert sample.header == HEADER and sample.header_row == 2
    assert sample.rows[0][0] == "A001" and len(sample.rows) == 2 and sample.info.encoding == "gb18030"


@pytest.mark.django_db
def test_unmapped_shop_and_missing_mapped_column_are_clear(world: Any) -> None:
    shop = Shop.objects.create(organization=world.org, name="新店", platform="other")
    with pytest.raises(ImportFileError, match="还没有设置列映射"):
        orders_import(organization=world.org, shop=shop, source=io.BytesIO(csv_bytes(HEADER, ROWS)))
    shop = _mapped_shop(world)
    other = [h if h != "实收金额" else "金额" for h in HEADER]
    with pytest.raises(ImportFileError, match="实收金额"):
        orders_import(organization=world.org, shop=shop, source=io.BytesIO(csv_bytes(other, ROWS)))
    assert not Order.objects.filter(shop=shop).exists()


@pytest.mark.django_db
def test_cli_imports_with_the_saved_mapping(world: Any, tmp_path: Any) -> None:
    _mapped_shop(world)
    path = tmp_path / "orders.csv"
    path.write_bytes(csv_bytes(HEADER, ROWS))
    out = io.StringIO()
    call_command("import_orders", "--shop", "微店", "--org", "org-a", "--platform", "other", "--json", str(path),
                 stdout=out)
    result = json.loads(out.getvalue())
    assert result["platform"] == "other" and result["net_sales"] == "160.50"
    out = io.StringIO()
    call_command("import_orders", "--shop", "微店", "--org", "org-a", "--json", str(path), stdout=out)
    assert json.loads(out.getvalue())["unchanged"] == 4


@pytest.mark.django_db
def test_mapping_page_upload_then_save(world: Any, login: Any) -> None:
    shop = Shop.objects.create(organization=world.org, name="微店", platform="other", department=world.ops)
    client = login(world.manager)
    url = reverse("shop:shop_mapping", args=[shop.pk])
    upload = io.BytesIO(csv_bytes(HEADER, ROWS))
    upload.name = "sample.csv"
    page = client.post(url, {"step": "upload", "sample": upload})
    assert page.status_code == 200
    text = page.content.decode()
    assert "单据编号" in text and "A001" in text
    form = {"step": "save", "header": json.dumps(HEADER), "amounts": "order", "refund_values": "已退款"}
    bad = client.post(url, {**form, "order_id": "单据编号"})
    assert bad.status_code == 200 and "付款时间" in bad.content.decode()
    shop.refresh_from_db()
    assert shop.column_mapping == {}
    saved = client.post(url, {**form, **COLUMNS})
    assert saved.status_code == 302
    shop.refresh_from_db()
    assert shop.column_mapping["columns"] == COLUMNS and shop.column_mapping["refund_values"] == ["已退款"]
    assert client.post(url, {**form, **COLUMNS}).status_code == 302
    # A member without a manager's role cannot change it.
    assert login(world.member).post(url, {**form, **COLUMNS}).status_code == 404
