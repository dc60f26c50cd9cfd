"""Address splitting, export escaping and cell parsers."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shangdui.shop.importers import escape_cell, escape_row, split_address
from shangdui.shop.importers.address import PROVINCES
from shangdui.shop.importers.values import clean_id, parse_amount, parse_datetime, parse_quantity


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("广东省 深圳市 南山区 科技园路1号", ("广东省", "深圳市", "南山区", "科技园路1号")),
        ("浙江省杭州市西湖区文三路100号", ("浙江省", "杭州市", "西湖区", "文三路100号")),
        ("浙江 杭州市 西湖区 文三路", ("浙江省", "杭州市", "西湖区", "文三路")),
        ("北京 北京市 朝阳区 望京街道", ("北京市", "北京市", "朝阳区", "望京街道")),
        ("上海市浦东新区张江路1号", ("上海市", "上海市", "浦东新区", "张江路1号")),
        ("重庆市 市辖区 渝中区 解放碑", ("重庆市", "重庆市", "渝中区", "解放碑")),
        (
            "内蒙古自治区阿拉善盟阿拉善左旗巴彦浩特镇",
            ("内蒙古自治区", "阿拉善盟", "阿拉善左旗", "巴彦浩特镇"),
        ),
        ("吉林省延边朝鲜族自治州延吉市光明街", ("吉林省", "延边朝鲜族自治州", "延吉市", "光明街")),
        ("新疆乌鲁木齐市天山区解放北路", ("新疆维吾尔自治区", "乌鲁木齐市", "天山区", "解放北路")),
        ("广西南宁市青秀区民族大道", ("广西壮族自治区", "南宁市", "青秀区", "民族大道")),
        ("山西省太原市小店区长风街", ("山西省", "太原市", "小店区", "长风街")),
        ("江苏省苏州市阳光花园小区3栋", ("江苏省", "苏州市", "", "阳光花园小区3栋")),
        ("江苏省苏州市昆山市玉山镇", ("江苏省", "苏州市", "昆山市", "玉山镇")),
        ("香港特别行政区九龙尖沙咀", ("香港特别行政区", "", "", "九龙尖沙咀")),
        ("科技园路1号", ("", "", "", "科技园路1号")),
        ("##c3d4c3d4c3d4", ("", "", "", "##c3d4c3d4c3d4")),
        ("", ("", "", "", "")),
    ],
)
def test_split_address(text, parts):
    result = split_address(text)
    assert (result.province, result.city, result.district, result.street) == parts


@given(
    st.sampled_from([p for p, _ in PROVINCES if p not in {"北京市", "天津市", "上海市", "重庆市"}
                     and not p.endswith("特别行政区")]),
    st.sampled_from(["深圳市", "杭州市", "延边朝鲜族自治州", "大兴安岭地区"]),
    st.sampled_from(["南山区", "昆山市", "长白朝鲜族自治县", "鄂托克前旗", "浦东新区"]),
    st.text(alphabet="幸福路大街号栋室0123456789", min_size=1, max_size=12),
    st.booleans(),
)  # fmt: skip
def test_split_address_property(province, city, district, street, spaced):
    separator = " " if spaced else ""
    result = split_address(separator.join([province, city, district, street]))
    assert (result.province, result.city, result.district) == (province, city, district)
    assert result.street == street


@pytest.mark.parametrize("text", ["=1+2", "+86 138", "-2+3", "@SUM(A1)", "\tcmd", "\r=1", "  =HYPERLINK()"])
def test_escape_cell_defuses_formulas(text):
    assert escape_cell(text) == "'" + text


def test_escape_cell_leaves_safe_values():
    when = datetime(2026, 10, 1)  # noqa: DTZ001
    assert escape_row(["张伟", "", None, -12, Decimal("-1.50"), when, "1-2"]) == [
        "张伟", "", None, -12, Decimal("-1.50"), when, "1-2",
    ]  # fmt: skip


@given(st.text())
def test_escaped_text_never_starts_with_a_trigger(text):
    escaped = escape_cell(text)
    assert not str(escaped).lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [('="3900000000010000000"', "3900000000010000000"), ("\t6900000000010000000", "6900000000010000000"),
     ("'12345", "12345"), (800000.0, "800000"), ("-", ""), (" 261027-001 ", "261027-001")],
)  # fmt: skip
def test_clean_id(raw, expected):
    assert clean_id(raw) == expected


def test_amount_and_quantity_parsing():
    assert parse_amount("￥1,234.5") == Decimal("1234.50")
    assert parse_amount(1143.8) == Decimal("1143.80")
    assert parse_amount(0.1 + 0.2) == Decimal("0.30")
    assert parse_amount("") == Decimal("0.00")
    for bad in ["abc", "1.2.3", "NaN", "Infinity", True]:
        with pytest.raises(ValueError, match="金额"):
            parse_amount(bad)
    assert parse_quantity("3") == 3 and parse_quantity(2.0) == 2
    with pytest.raises(ValueError, match="数量"):
        parse_quantity("1.5")


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_amount_round_trip(amount):
    assert parse_amount(f"{amount:.2f}") == amount
    assert parse_amount(f"{amount:,.2f}") == amount


def test_excel_serial_date():
    assert parse_datetime(46302.5).isoformat() == "2026-10-07T12:00:00+08:00"  # as openpyxl.from_excel
