"""The shared sample exports must give exactly the figures in their expected.json."""

from __future__ import annotations

import io
import json
import os
from decimal import Decimal

import pytest

from shangdui.shop.importers import (
    ImportFileError,
    OrderRecord,
    RowError,
    compute_figures,
    detect_platform,
    iter_orders,
)
from shangdui.shop.importers import xlsx as xlsx_module

from .builders import SAMPLES

FILES = {
    "taobao": "taobao_orders.csv",
    "jd": "jd_orders.csv",
    "pdd": "pdd_orders.xlsx",
    "douyin": "douyin_orders.csv",
}


def sample(platform: str):
    path = SAMPLES / FILES[platform]
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"sample {path} is missing in CI")
        pytest.skip(f"sample {path} is absent (../shared/samples/orders/ next to the repository)")
    return path


def expected(platform: str) -> dict:
    path = SAMPLES / "expected.json"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return json.loads(path.read_text(encoding="utf-8"))[platform]


def records(source, **kwargs) -> list[OrderRecord]:
    items = list(iter_orders(source, **kwargs))
    errors = [item for item in items if isinstance(item, RowError)]
    assert errors == []
    return [item for item in items if isinstance(item, OrderRecord)]


@pytest.mark.parametrize("platform", FILES)
def test_sample_figures_match_expected(platform):
    figures = compute_figures(iter_orders(sample(platform)))
    assert figures.as_dict() == expected(platform)


@pytest.mark.parametrize("platform", FILES)
def test_sample_detected_and_explicit_platform_agree(platform):
    path = sample(platform)
    assert detect_platform(path) == platform
    upload = io.BytesIO(path.read_bytes())
    assert detect_platform(upload) == platform  # rewinds the file object for the import
    from_file_object = compute_figures(iter_orders(upload, platform=platform))
    assert from_file_object.as_dict() == expected(platform)


@pytest.mark.parametrize("platform", ["taobao", "jd", "douyin"])
def test_wrong_explicit_platform_names_missing_columns(platform):
    other = {"taobao": "douyin", "jd": "taobao", "douyin": "pdd"}[platform]
    with pytest.raises(ImportFileError, match="缺少"):
        list(iter_orders(sample(platform), platform=other))


def test_taobao_quirks():
    orders = records(sample("taobao"))
    first = orders[0]
    assert first.order_id == "3900000000010000000"  # ="…" armour removed
    assert first.phone_masked and first.receiver_phone == "138****1000"
    assert first.paid_amount == Decimal("356.58") and first.shipping_fee == Decimal("12.00")
    assert first.created_at.isoformat() == "2026-10-07T10:45:00+08:00"
    assert first.rows == [2]
    unpaid = next(o for o in orders if o.status == "等待买家付款")
    assert unpaid.paid_at is None and unpaid.refund_amount == 0
    closed = [o for o in orders if o.status == "交易关闭"]
    assert all(o.refunded and o.refund_amount == o.paid_amount for o in closed)


def test_jd_lines_grouped_and_amount_counted_once():
    orders = records(sample("jd"))
    assert len(orders) == 50
    multi = next(o for o in orders if o.order_id == "280001000008")
    assert [line.product_id for line in multi.lines] == ["100000", "100001"]
    assert multi.paid_amount == Decimal("1006.26")  # not 2 x 1006.26
    assert multi.lines[1].quantity == 2 and multi.lines[1].price == Decimal("345.17")
    assert sum(len(o.lines) for o in orders) == 60
    assert len(multi.rows) == 2


def test_douyin_sub_orders_grouped_and_encrypted_flagged():
    orders = records(sample("douyin"))
    assert len(orders) == 50
    order = next(o for o in orders if o.order_id == "6900000000010000007")
    assert [line.line_id for line in order.lines] == ["69000000000100000070", "69000000000100000071"]
    assert order.paid_amount == Decimal("364.51")  # 131.12 + 233.39
    assert order.shipping_fee == Decimal("8.00")
    assert order.receiver_encrypted and order.receiver_name.startswith("##")
    assert order.receiver_phone.startswith("$$")  # kept as it is, never decrypted
    assert all(o.receiver_encrypted for o in orders)


def test_pdd_xlsx_ids_and_types():
    orders = records(sample("pdd"))
    first = orders[0]
    assert first.order_id == "261027-001000000000"
    assert first.lines[0].product_id == "800000"  # 800000.0 in the sheet
    assert first.lines[0].quantity == 2
    assert first.paid_amount == Decimal("1143.80")
    refunded = [o for o in orders if o.refunded]
    assert refunded and all(o.after_sale_status == "退款成功" for o in refunded)


def test_pdd_xlsx_streaming_reader_gives_same_figures(monkeypatch):
    # Force the bounded-memory openpyxl path used for very large sheets.
    monkeypatch.setattr(xlsx_module, "XLSX_CALAMINE_MAX_SHEET_BYTES", 0)
    assert compute_figures(iter_orders(sample("pdd"))).as_dict() == expected("pdd")
