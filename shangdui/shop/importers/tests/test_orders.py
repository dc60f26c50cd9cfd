"""Row-level behaviour: layouts, duplicates, bad values, refund rules, figures."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shangdui.shop.importers import (
    ImportFileError,
    OrderRecord,
    RowError,
    compute_figures,
    iter_orders,
)

from .builders import (
    DOUYIN_HEADER,
    JD_HEADER,
    TAOBAO_HEADER,
    csv_bytes,
    douyin_row,
    jd_row,
    taobao_row,
)


def parse(data: bytes, **kwargs) -> tuple[list[OrderRecord], list[RowError]]:
    items = list(iter_orders(io.BytesIO(data), **kwargs))
    return (
        [i for i in items if isinstance(i, OrderRecord)],
        [i for i in items if isinstance(i, RowError)],
    )


def test_missing_required_column_is_named():
    header = [h for h in TAOBAO_HEADER if h != "订单付款时间"]
    rows = [[c for h, c in zip(TAOBAO_HEADER, taobao_row(1), strict=True) if h != "订单付款时间"]]
    with pytest.raises(ImportFileError, match="缺少必需的列：订单付款时间"):
        parse(csv_bytes(header, rows))
    with pytest.raises(ImportFileError, match="订单付款时间"):
        parse(csv_bytes(header, rows), platform="taobao")


def test_unknown_layout_and_unknown_platform():
    data = csv_bytes(["编号", "金额", "时间"], [["1", "2", "3"]])
    with pytest.raises(ImportFileError, match="无法识别订单文件格式"):
        parse(data)
    with pytest.raises(ImportFileError, match="未知的平台"):
        parse(data, platform="amazon")


def test_title_lines_above_the_header_are_skipped():
    title = "订单报表 2026-10-01 至 2026-10-31\r\n".encode("gb18030")
    data = title + csv_bytes(TAOBAO_HEADER, [taobao_row(1)])
    orders, errors = parse(data)
    assert errors == [] and len(orders) == 1 and orders[0].rows == [3]


def test_duplicate_order_rows_are_reported_once_counted_once():
    rows = [taobao_row(1), taobao_row(2), taobao_row(1)]
    orders, errors = parse(csv_bytes(TAOBAO_HEADER, rows))
    assert [o.order_id for o in orders] == ["3900000000000000001", "3900000000000000002"]
    assert len(errors) == 1 and errors[0].row == 4 and "重复" in errors[0].message
    assert compute_figures(orders).paid_gmv == Decimal("200.00")


def test_jd_duplicate_line_and_scattered_order():
    rows = [
        jd_row("A1", "p1", 1, "10.00", "30.00"),
        jd_row("A1", "p2", 2, "10.00", "30.00"),
        jd_row("A1", "p2", 2, "10.00", "30.00"),  # exported twice
        jd_row("B2", "p1", 1, "10.00", "10.00"),
        jd_row("A1", "p3", 1, "5.00", "30.00"),  # A1 again after another order
    ]
    orders, errors = parse(csv_bytes(JD_HEADER, rows))
    assert [(o.order_id, len(o.lines), o.paid_amount) for o in orders] == [
        ("A1", 2, Decimal("30.00")),
        ("B2", 1, Decimal("10.00")),
    ]
    assert [e.row for e in errors] == [4, 6]


def test_douyin_duplicate_sub_order_and_per_line_refund():
    rows = [
        douyin_row("1", "11", "100.00"),
        douyin_row("1", "12", "50.00", after_sale="退款成功"),
        douyin_row("1", "12", "50.00", after_sale="退款成功"),
    ]
    orders, errors = parse(csv_bytes(DOUYIN_HEADER, rows, encoding="utf-8-sig"))
    assert len(errors) == 1 and errors[0].row == 4
    (order,) = orders
    assert order.paid_amount == Decimal("150.00")
    assert order.refund_amount == Decimal("50.00") and not order.refunded  # partial: one sub-order
    assert [line.refunded for line in order.lines] == [False, True]


def test_non_numeric_amount_is_a_row_error_and_other_rows_import():
    rows = [taobao_row(1), taobao_row(2, paid="12元3角"), taobao_row(3, paid="¥1,234.50")]
    orders, errors = parse(csv_bytes(TAOBAO_HEADER, rows))
    assert [o.paid_amount for o in orders] == [Decimal("100.00"), Decimal("1234.50")]
    assert errors[0].row == 3 and "买家实际支付金额" in errors[0].message and "12元3角" in errors[0].message


def test_bad_line_fails_the_whole_multi_line_order():
    rows = [
        douyin_row("1", "11", "100.00"),
        douyin_row("1", "12", "abc"),
        douyin_row("2", "21", "10.00"),
    ]
    orders, errors = parse(csv_bytes(DOUYIN_HEADER, rows))
    assert [o.order_id for o in orders] == ["2"]
    assert [e.row for e in errors] == [3, 2]
    assert "整单未导入" in errors[1].message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026/10/7 9:05", "2026-10-07T09:05:00+08:00"),
        ("2026年10月7日 09:05:30", "2026-10-07T09:05:30+08:00"),
        ("20261007090530", "2026-10-07T09:05:30+08:00"),
        ("2026-10-07T09:05:30", "2026-10-07T09:05:30+08:00"),
        ("2026-10-07 01:05:30Z", "2026-10-07T09:05:30+08:00"),
        ("2026-10-07", "2026-10-07T00:00:00+08:00"),
        ("2026-10-07 09:05:30.123", "2026-10-07T09:05:30+08:00"),
    ],
)
def test_odd_date_formats(text, expected):
    orders, errors = parse(csv_bytes(TAOBAO_HEADER, [taobao_row(1, paid_at=text)]))
    assert errors == [] and orders[0].paid_at.isoformat() == expected


@pytest.mark.parametrize("text", ["2026-13-45 10:00:00", "昨天", "10/07/2026"])
def test_unreadable_date_is_a_row_error(text):
    orders, errors = parse(csv_bytes(TAOBAO_HEADER, [taobao_row(1, paid_at=text)]))
    assert orders == [] and "订单付款时间" in errors[0].message and "日期" in errors[0].message


def test_placeholder_payment_time_means_unpaid():
    rows = [taobao_row(1, paid_at="-", paid="0.00", status="等待买家付款"), taobao_row(2, paid_at="")]
    orders, errors = parse(csv_bytes(TAOBAO_HEADER, rows))
    assert [o.is_paid for o in orders] == [False, False]
    assert compute_figures(orders).as_dict()["paid_gmv"] == "0.00"


def test_refund_amount_column_gives_partial_refund():
    header = [*TAOBAO_HEADER, "退款金额"]
    rows = [
        [*taobao_row(1, paid="100.00"), "30.00"],  # partial refund, trade still succeeded
        [*taobao_row(2, paid="50.00", status="交易关闭"), ""],  # full refund by status
        [*taobao_row(3, paid="20.00"), "25.00"],  # more than paid: refused
        [*taobao_row(4, paid="0.00", paid_at="", status="交易关闭"), ""],  # closed before payment
    ]
    orders, errors = parse(csv_bytes(header, rows))
    figures = compute_figures(orders)
    assert [o.refund_amount for o in orders] == [Decimal("30.00"), Decimal("50.00"), Decimal("0.00")]
    assert figures.as_dict() == {
        "orders": 3,
        "paid_orders": 2,
        "paid_gmv": "150.00",
        "refunds": "80.00",
        "net_sales": "70.00",
    }
    assert errors[0].row == 4 and "大于实付金额" in errors[0].message


def test_generic_column_mapping():
    header = ["单号", "状态", "付款时间", "实付", "收件地址"]
    rows = [["X1", "已退款", "2026-10-01 10:00", "10.50", "四川省成都市武侯区"], ["X2", "完成", "", "5", ""]]
    mapping = {
        "columns": {"order_id": "单号", "status": "状态", "paid_at": "付款时间", "paid_amount": "实付",
                    "receiver_address": "收件地址"},
        "platform": "youzan",
        "refund_values": ["已退款"],
    }  # fmt: skip
    orders, errors = parse(csv_bytes(header, rows, encoding="utf-8"), mapping=mapping)
    assert errors == [] and [o.platform for o in orders] == ["youzan", "youzan"]
    assert compute_figures(orders).as_dict()["refunds"] == "10.50"
    with pytest.raises(ImportFileError, match="付款时间"):
        parse(csv_bytes(header, rows), mapping={"columns": {"order_id": "单号", "paid_amount": "实付"}})
    with pytest.raises(ImportFileError, match="缺少必需的列：无此列"):
        mapping = {"order_id": "单号", "paid_at": "付款时间", "paid_amount": "无此列"}
        parse(csv_bytes(header, rows), mapping=mapping)


amounts = st.decimals(min_value=0, max_value=99999, places=2, allow_nan=False, allow_infinity=False)
taobao_orders = st.lists(
    st.tuples(amounts, st.sampled_from(["交易成功", "交易关闭", "卖家已发货，等待买家确认"]), st.booleans()),
    max_size=40,
)


@settings(max_examples=40, deadline=None)
@given(taobao_orders, st.sampled_from(["gb18030", "utf-8", "utf-8-sig"]))
def test_figures_property(orders_spec, encoding):
    """Whatever the rows, figures equal a direct cent-exact computation and net = GMV − refunds."""
    rows = [
        taobao_row(n, paid=f"{amount:.2f}", status=status, paid_at="2026-10-07 11:46:00" if paid else "")
        for n, (amount, status, paid) in enumerate(orders_spec)
    ]
    orders, errors = parse(csv_bytes(TAOBAO_HEADER, rows, encoding=encoding))
    assert errors == []
    figures = compute_figures(orders)
    paid_rows = [(amount, status) for amount, status, paid in orders_spec if paid]
    assert figures.orders == len(orders_spec)
    assert figures.paid_orders == len(paid_rows)
    assert figures.paid_gmv == sum((a for a, _ in paid_rows), Decimal("0"))
    assert figures.refunds == sum((a for a, s in paid_rows if s == "交易关闭"), Decimal("0"))
    assert figures.net_sales == figures.paid_gmv - figures.refunds
    assert figures.net_sales >= 0


jd_orders = st.lists(
    st.tuples(amounts, st.integers(min_value=1, max_value=4), st.sampled_from(["完成", "已取消", "等待出库"])),
    min_size=1,
    max_size=15,
)


@settings(max_examples=30, deadline=None)
@given(jd_orders)
def test_jd_order_amount_counts_once_whatever_the_line_count(spec):
    rows = [
        jd_row(f"J{n}", f"p{line}", 1, "1.00", f"{payable:.2f}", status)
        for n, (payable, lines, status) in enumerate(spec)
        for line in range(lines)
    ]
    orders, errors = parse(csv_bytes(JD_HEADER, rows))
    assert errors == [] and len(orders) == len(spec)
    figures = compute_figures(orders)
    assert figures.paid_gmv == sum((p for p, _, _ in spec), Decimal("0"))
    assert figures.refunds == sum((p for p, _, s in spec if s == "已取消"), Decimal("0"))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.tuples(amounts, st.booleans()), min_size=1, max_size=4), min_size=1, max_size=10))
def test_douyin_sub_orders_sum_and_refund_per_sub_order(spec):
    rows = [
        douyin_row(str(n), f"{n}-{k}", f"{amount:.2f}", after_sale="退款成功" if refunded else "-")
        for n, subs in enumerate(spec)
        for k, (amount, refunded) in enumerate(subs)
    ]
    orders, errors = parse(csv_bytes(DOUYIN_HEADER, rows, encoding="utf-8-sig"))
    assert errors == [] and len(orders) == len(spec)
    for order, subs in zip(orders, spec, strict=True):
        assert order.paid_amount == sum((a for a, _ in subs), Decimal("0"))
        assert order.refund_amount == sum((a for a, r in subs if r), Decimal("0"))
        assert order.refunded == all(r for _, r in subs)
