"""File-level reading: encodings, truncation, XLSX zip bombs and entities."""

from __future__ import annotations

import codecs
import io
import zipfile
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shangdui.shop.importers import FileInfo, ImportFileError, OrderRecord, RowError, iter_orders, iter_rows
from shangdui.shop.importers import reading as reading_module
from shangdui.shop.importers.reading import detect_encoding

from .builders import TAOBAO_HEADER, csv_bytes, rewrite_zip, taobao_row, xlsx_bytes


def orders_and_errors(data: bytes, **kwargs):
    items = list(iter_orders(io.BytesIO(data), **kwargs))
    return (
        [i for i in items if isinstance(i, OrderRecord)],
        [i for i in items if isinstance(i, RowError)],
    )


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("gb18030", "gb18030"), ("gbk", "gb18030"), ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig")],
)
def test_csv_encodings_read_the_same(encoding, detected):
    data = csv_bytes(TAOBAO_HEADER, [taobao_row(i) for i in range(3)], encoding=encoding)
    info = FileInfo()
    orders = [i for i in iter_orders(io.BytesIO(data), info=info) if isinstance(i, OrderRecord)]
    assert info.encoding == detected and info.platform == "taobao"
    assert info.rows == 4 and info.bytes_read == info.size == len(data)
    assert [o.buyer_nick for o in orders] == ["tb_买家0", "tb_买家1", "tb_买家2"]


def test_multibyte_characters_split_across_chunks(monkeypatch):
    monkeypatch.setattr(reading_module, "CHUNK_BYTES", 7)
    data = csv_bytes(TAOBAO_HEADER, [taobao_row(i) for i in range(20)], encoding="gb18030")
    orders, errors = orders_and_errors(data)
    assert errors == [] and len(orders) == 20
    assert orders[-1].receiver_address == "广东省 深圳市 南山区 科技园"


def test_quoted_field_with_newline_keeps_row_numbers():
    row = taobao_row(1)
    row[14] = "第一行\n第二行"
    data = csv_bytes(TAOBAO_HEADER, [row, taobao_row(2, paid="abc")])
    orders, errors = orders_and_errors(data)
    assert orders[0].lines[0].title == "第一行\n第二行"
    assert errors[0].row == 3  # spreadsheet row, not physical line


def test_tab_separated_export():
    text = "\n".join("\t".join(r) for r in [TAOBAO_HEADER, taobao_row(1)]) + "\n"
    orders, errors = orders_and_errors(text.encode("utf-8"))
    assert errors == [] and orders[0].order_id == "3900000000000000001"


def test_wrong_encoding_gives_chinese_message():
    with pytest.raises(ImportFileError, match="无法识别文件编码"):
        detect_encoding(b"\x81\x20\xff\xfe\x80abc" * 10)
    data = codecs.BOM_UTF16_LE + "订单编号,订单状态\n".encode("utf-16-le")
    with pytest.raises(ImportFileError, match="UTF-16"):
        list(iter_orders(io.BytesIO(data)))


def test_bad_bytes_in_the_middle_stop_the_import():
    # Bigger than the 64 KiB encoding sample, so the bad bytes are met while streaming.
    good = csv_bytes(TAOBAO_HEADER, [taobao_row(i) for i in range(1000)], encoding="utf-8")
    data = good + b"\xff\xfe\xfa broken\r\n"
    with pytest.raises(ImportFileError, match="无法按 UTF-8 解码"):
        list(iter_orders(io.BytesIO(data)))


def test_empty_binary_and_xls_files_are_refused():
    for data, message in [
        (b"", "空"),
        (b"\x00\x01\x02binary", "二进制"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "xls"),
    ]:
        with pytest.raises(ImportFileError, match=message):
            list(iter_orders(io.BytesIO(data)))


def test_truncated_csv_in_a_multibyte_character():
    data = csv_bytes(TAOBAO_HEADER, [taobao_row(i) for i in range(3)])
    cut = data[: data.rindex("智利".encode("gb18030")) + 3]  # half of "利"
    orders, errors = orders_and_errors(cut)
    assert len(orders) == 2
    assert len(errors) == 1 and errors[0].row == 4 and "截断" in errors[0].message


def test_truncated_csv_in_an_open_quote():
    data = csv_bytes(TAOBAO_HEADER, [taobao_row(i) for i in range(3)])
    cut = data[: data.rindex(b'="') + 6]
    orders, errors = orders_and_errors(cut)
    assert len(orders) == 2 and errors[0].row == 4 and "截断" in errors[0].message


def test_short_last_row_without_newline_is_reported_as_truncated():
    data = csv_bytes(TAOBAO_HEADER, [taobao_row(i) for i in range(3)])
    cut = data[: data.rindex(b",1\r\n")]  # the last cell and the line end are missing
    info = FileInfo()
    items = list(iter_orders(io.BytesIO(cut), info=info))
    assert not info.ended_with_newline
    assert isinstance(items[-1], RowError) and "截断" in items[-1].message
    # A complete file merely lacking its final newline is fine.
    orders, errors = orders_and_errors(data.rstrip(b"\r\n"))
    assert len(orders) == 3 and errors == []


def test_malformed_quotes_in_one_row_do_not_stop_the_file():
    data = csv_bytes(TAOBAO_HEADER, [taobao_row(1)]) + b'"x"y,1\r\n' + csv_bytes([], [taobao_row(3)])[2:]
    orders, errors = orders_and_errors(data)
    assert [o.order_id for o in orders] == ["3900000000000000001", "3900000000000000003"]
    assert errors[0].row == 3 and "引号不配对" in errors[0].message


def test_file_without_line_feeds_is_refused(monkeypatch):
    monkeypatch.setattr(reading_module, "MAX_LINE_CHARS", 1000)
    monkeypatch.setattr(reading_module, "CHUNK_BYTES", 512)
    rows = "\r".join(",".join(r) for r in [TAOBAO_HEADER] + [taobao_row(i) for i in range(50)])
    with pytest.raises(ImportFileError, match="未换行"):
        list(iter_orders(io.BytesIO(rows.encode("utf-8"))))


def test_path_that_does_not_exist():
    with pytest.raises(ImportFileError, match="无法打开文件"):
        list(iter_rows("/nonexistent/orders.csv"))


# --- XLSX ----------------------------------------------------------------------------------


def small_xlsx() -> bytes:
    # A spreadsheet cell holds the id as text; ="…" is only the CSV armour.
    return xlsx_bytes(TAOBAO_HEADER, [taobao_row(i, order_id=f"39{i:08d}") for i in range(3)])


def test_xlsx_reads_like_csv():
    orders, errors = orders_and_errors(small_xlsx())
    assert errors == [] and len(orders) == 3 and orders[0].platform == "taobao"


def test_xlsx_zip_bomb_is_refused():
    bomb = rewrite_zip(small_xlsx(), {"xl/worksheets/sheet2.xml": b"\x00" * (20 * 1024 * 1024)})
    assert len(bomb) < 200_000
    with pytest.raises(ImportFileError, match="压缩炸弹"):
        list(iter_orders(io.BytesIO(bomb)))


def test_xlsx_with_lying_size_header_is_refused(monkeypatch):
    data = rewrite_zip(small_xlsx(), {})
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    original = zipfile.ZipFile.infolist

    def lying_infolist(self):
        infos = original(self)
        for item in infos:
            if item.filename == info.filename:
                item.file_size = 10  # the header understates the member
        return infos

    monkeypatch.setattr(zipfile.ZipFile, "infolist", lying_infolist)
    with pytest.raises(ImportFileError):
        list(iter_orders(io.BytesIO(data)))


@pytest.mark.parametrize(
    "payload",
    [
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY l2 "&lol;&lol;">]><x>&l2;</x>',
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x SYSTEM "http://evil/x.dtd"><x/>'.encode("utf-16"),
    ],
)
def test_xlsx_with_dtd_or_external_entities_is_refused(payload):
    data = rewrite_zip(small_xlsx(), {"xl/sharedStrings.xml": payload})
    with pytest.raises(ImportFileError, match="DOCTYPE"):
        list(iter_orders(io.BytesIO(data)))


def test_truncated_xlsx_is_refused():
    data = small_xlsx()
    with pytest.raises(ImportFileError, match="损坏或不完整"):
        list(iter_orders(io.BytesIO(data[: len(data) // 2])))


def test_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ImportFileError, match="不是有效的 XLSX"):
        list(iter_orders(io.BytesIO(buffer.getvalue())))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=3000),
        st.binary(max_size=3000).map(lambda tail: csv_bytes(TAOBAO_HEADER, [taobao_row(1)]) + tail),
        st.lists(st.lists(st.text(max_size=8), max_size=20), max_size=5).map(
            lambda rows: csv_bytes(TAOBAO_HEADER, rows, encoding="utf-8")
        ),
    )
)
def test_any_input_gives_records_row_errors_or_a_clear_file_error(data):
    """Garbage never escapes as a stray exception: the job can always report something."""
    try:
        items = list(iter_orders(io.BytesIO(data)))
    except ImportFileError as exc:
        assert exc.message
    else:
        assert all(isinstance(i, OrderRecord | RowError) for i in items)


def read_both(data: bytes) -> tuple[list, list]:
    from shangdui.shop.importers import xlsx

    calamine = list(xlsx._iter_xlsx_calamine(io.BytesIO(data)))
    streamed = list(xlsx._iter_xlsx_streaming(io.BytesIO(data)))
    return calamine, streamed


cell_values = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12),
    st.integers(min_value=-(10**9), max_value=10**9),
    st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda f: round(f, 2)),
    st.none(),
)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.lists(cell_values, min_size=1, max_size=6), min_size=1, max_size=8))
def test_streaming_xlsx_reader_matches_calamine(rows):
    """The bounded-memory reader used for big sheets yields what calamine yields."""
    data = xlsx_bytes(["订单号", "金额", "备注"], rows)
    calamine, streamed = read_both(data)

    def as_numbers(cells: list, width: int) -> list:  # calamine pads rows; ints compare as floats
        cells = cells + [""] * (width - len(cells))
        return [float(c) if isinstance(c, int | float) and not isinstance(c, bool) else c for c in cells]

    assert [n for n, _ in calamine] == [n for n, _ in streamed]
    for (_, a), (_, b) in zip(calamine, streamed, strict=True):
        width = max(len(a), len(b))
        assert as_numbers(a, width) == as_numbers(b, width)


def test_streaming_xlsx_dates_rich_text_and_sparse_cells(monkeypatch):
    from datetime import datetime

    from shangdui.shop.importers import xlsx

    header = ["订单编号", "订单状态", "订单付款时间", "买家实际支付金额", "买家会员名", "宝贝标题"]
    row = ["39001", "交易成功", datetime(2026, 10, 7, 11, 46), 99.5, None, "空气净化器"]  # noqa: DTZ001
    data = xlsx_bytes(header, [row])
    monkeypatch.setattr(xlsx, "XLSX_CALAMINE_MAX_SHEET_BYTES", 0)
    orders, errors = orders_and_errors(data, platform="taobao")
    assert errors == []
    assert orders[0].paid_at.isoformat() == "2026-10-07T11:46:00+08:00"  # a serial date cell
    assert orders[0].paid_amount == Decimal("99.50") and orders[0].lines[0].title == "空气净化器"


def test_doctype_after_long_padding_is_still_refused():
    payload = b'<?xml version="1.0"?><!--' + b"x" * 200_000 + b'--><!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>'
    data = rewrite_zip(small_xlsx(), {"xl/sharedStrings.xml": payload})
    with pytest.raises(ImportFileError, match="DOCTYPE"):
        list(iter_orders(io.BytesIO(data)))


def test_streaming_parser_refuses_dtd_even_without_the_zip_check():
    from shangdui.shop.importers import xlsx

    with pytest.raises(ImportFileError, match="DOCTYPE"):
        list(xlsx.iterparse(io.BytesIO(b'<!DOCTYPE x [<!ENTITY e "e">]><x>&e;</x>')))


def test_streaming_reader_with_a_non_utf8_sheet(monkeypatch):
    """A sheet declared in another encoding goes through defusedxml; content is the same."""
    from shangdui.shop.importers import xlsx

    sheet = (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&#35746;&#21333;&#21495; caf\xe9</t></is></c>'
        b'<c r="C1"><v>12.5</v></c></row></sheetData></worksheet>'
    )
    data = rewrite_zip(xlsx_bytes(["x"], []), {"xl/worksheets/sheet1.xml": sheet})
    monkeypatch.setattr(xlsx, "XLSX_CALAMINE_MAX_SHEET_BYTES", 0)
    assert list(xlsx.iter_xlsx(io.BytesIO(data))) == [(1, ["订单号 café", "", 12.5])]


def test_streaming_xlsx_formula_without_cached_value_is_blank(monkeypatch):
    """openpyxl writes "=0" as a formula with an empty cached value; found by hypothesis."""
    from shangdui.shop.importers import xlsx

    data = xlsx_bytes(["订单号", "金额", "备注"], [["=0", "1", "x"]])
    monkeypatch.setattr(xlsx, "XLSX_CALAMINE_MAX_SHEET_BYTES", 0)
    calamine, streamed = read_both(data)
    assert streamed[1][1][0] == "" and streamed[1][1][1:] == ["1", "x"]
