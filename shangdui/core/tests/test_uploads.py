"""Reading uploaded files: text encodings and XLSX safety checks shared by every importer."""

from __future__ import annotations

import io
import zipfile

import pytest

from shangdui.core.uploads import ImportFileError, check_xlsx, decode_text

TEXT = "时间,昵称,内容\n2026-11-27 10:00,店小二,您好\n"


@pytest.mark.parametrize("raw", [TEXT.encode(), b"\xef\xbb\xbf" + TEXT.encode(), TEXT.encode("gb18030")])
def test_utf8_with_or_without_bom_and_gbk_decode_to_the_same_text(raw: bytes) -> None:
    assert decode_text(raw) == TEXT


def test_gbk_after_a_long_ascii_start_is_still_gbk() -> None:
    raw = ("a,b,c\n" * 20000 + TEXT).encode("gb18030")
    assert decode_text(raw).endswith(TEXT)


def test_utf16_and_bytes_that_are_neither_are_refused_with_the_line() -> None:
    with pytest.raises(ImportFileError, match="UTF-16"):
        decode_text(TEXT.encode("utf-16"))
    with pytest.raises(ImportFileError, match="第 3 行"):
        decode_text(TEXT.encode() + b"bad \xff\xff\x80 bytes\n")


def _workbook(sheet: bytes, *, extra: int = 0) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b'<?xml version="1.0"?><workbook/>')
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if extra:
            archive.writestr("xl/media/blob.bin", b"\0" * extra)
    buffer.seek(0)
    return buffer


def test_a_doctype_after_long_comments_is_found() -> None:
    sheet = b'<?xml version="1.0"?>' + b"<!-- " + b"x" * 8000 + b" -->" + b'<!DOCTYPE x [<!ENTITY e "boom">]><x/>'
    with pytest.raises(ImportFileError, match="DOCTYPE"):
        check_xlsx(_workbook(sheet))
    assert check_xlsx(_workbook(b'<?xml version="1.0"?><worksheet/>')) > 0


def test_the_unpacked_size_limit_is_the_callers() -> None:
    workbook = _workbook(b"<worksheet/>", extra=3 * 1024 * 1024)
    with pytest.raises(ImportFileError, match="超过 2 MB"):
        check_xlsx(workbook, max_uncompressed=2 * 1024 * 1024)
