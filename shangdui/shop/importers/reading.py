"""Turn an uploaded file into a stream of ``(row_number, cells)``.

CSV (UTF-8 with or without BOM, GBK/GB18030) is decoded incrementally in 1 MiB
chunks, so memory does not grow with the file.  XLSX: see ``xlsx.py``.

Row numbers are 1-based and count records the way a spreadsheet shows them
(the header is row 1), not physical lines.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import IO, Any, BinaryIO

from shangdui.core.uploads import ENCODING_LABELS, ImportFileError, detect_encoding

from .xlsx import iter_xlsx

Source = str | os.PathLike[str] | BinaryIO | IO[bytes]

SAMPLE_BYTES = 64 * 1024
CHUNK_BYTES = 1024 * 1024
MAX_LINE_CHARS = 16 * 1024 * 1024  # bounds memory for a file without line feeds



@dataclass(slots=True)
class FileInfo:
    """What was found out about the file while reading (filled in as rows stream).

    ``bytes_read``/``size`` drive a progress bar (CSV advances per 1 MiB chunk;
    XLSX jumps to the end once the sheet is loaded); ``rows`` counts the
    non-empty rows read so far, header and title lines included.
    """

    kind: str = ""  # "csv" | "xlsx"
    encoding: str = ""
    delimiter: str = ","
    truncated: bool = False  # cut inside a character or a quoted cell
    ended_with_newline: bool = True
    platform: str = ""
    size: int = 0
    bytes_read: int = 0
    rows: int = 0


def _open(source: Source) -> tuple[BinaryIO, bool]:
    if isinstance(source, str | os.PathLike):
        try:
            return open(source, "rb"), True  # noqa: SIM115 - closed by the caller
        except OSError as exc:
            raise ImportFileError(f"无法打开文件：{exc.strerror or exc}") from exc
    return source, False  # type: ignore[return-value]


def iter_rows(source: Source, info: FileInfo | None = None) -> Generator[tuple[int, list[object] | None], None, None]:
    """Yield ``(row_number, cells)`` for every non-empty row, header included.

    CSV cells are ``str``; XLSX cells keep calamine's types (float, datetime…).
    ``cells`` is ``None`` for a CSV record that cannot be split into cells: cut off by the
    end of the file (``info.truncated``) or with unbalanced quotes.
    Raises ``ImportFileError`` for a file that cannot be read at all.
    """
    info = info if info is not None else FileInfo()
    stream, owned = _open(source)
    try:
        head = stream.read(SAMPLE_BYTES)
        if isinstance(head, str):
            raise ImportFileError("内部错误：请以二进制方式打开文件。")
        if not head.strip():
            raise ImportFileError("文件是空的。")
        info.size = stream.seek(0, os.SEEK_END)
        stream.seek(0)
        if head.startswith(b"PK\x03\x04"):
            info.kind = "xlsx"
            for item in iter_xlsx(stream):
                info.bytes_read = info.size
                info.rows += 1
                yield item
        elif head.startswith(b"\xd0\xcf\x11\xe0"):
            raise ImportFileError("这是旧版 Excel（.xls）文件，请在 Excel 或 WPS 中另存为 .xlsx 或 CSV 后再导入。")
        elif b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise ImportFileError("文件不是 CSV 或 XLSX 表格（含有二进制内容）。")
        else:
            info.kind = "csv"
            yield from _iter_csv(stream, head, info)  # counts info.rows itself
    finally:
        if owned:
            stream.close()


# --- CSV ---------------------------------------------------------------------------------


class _DecodedLines:
    """Iterate decoded lines (keeping their ``\\n``) of a binary stream, chunk by chunk."""

    def __init__(self, stream: BinaryIO, encoding: str, info: FileInfo) -> None:
        self.stream = stream
        self.encoding = encoding
        self.info = info
        self.lines_seen = 0
        self.finished = False

    def __iter__(self) -> Iterator[str]:
        decoder = codecs.getincrementaldecoder(self.encoding)(errors="strict")
        pending = ""
        while True:
            chunk = self.stream.read(CHUNK_BYTES)
            self.info.bytes_read += len(chunk)
            final = not chunk
            try:
                text = decoder.decode(chunk, final=final)
            except UnicodeDecodeError:
                if not final:
                    label = ENCODING_LABELS.get(self.encoding, self.encoding)
                    raise ImportFileError(
                        f"第 {self.lines_seen + 1} 行附近有无法按 {label} 解码的内容，文件可能已损坏或混用了多种编码。"
                    ) from None
                # An incomplete multi-byte character at the very end: the file was cut off.
                self.info.truncated = True
                text = ""
            if final:
                rest = pending + text
                self.finished = True
                if rest:
                    self.info.ended_with_newline = rest.endswith("\n")
                    yield rest
                return
            text = pending + text
            cut = text.rfind("\n") + 1
            pending = text[cut:]
            if len(pending) > MAX_LINE_CHARS:
                raise ImportFileError(
                    f"第 {self.lines_seen + 1} 行超过 {MAX_LINE_CHARS // 1024**2} MB 仍未换行："
                    "文件不是按行存放的 CSV（或只用 CR 换行的旧版 Mac 格式），请另存为标准 CSV。"
                )
            if cut:
                self.lines_seen += text.count("\n", 0, cut)
                # newline="\n": split on LF only (a lone CR or U+2028 inside a cell is data)
                yield from io.StringIO(text[:cut], newline="\n")


def _iter_csv(stream: BinaryIO, head: bytes, info: FileInfo) -> Iterator[tuple[int, list[object] | None]]:
    encoding = detect_encoding(head)
    info.encoding = encoding
    sample_text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)
    first_line = sample_text.split("\n", 1)[0]
    info.delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    lines = _DecodedLines(stream, encoding, info)
    reader: Iterator[list[Any]] = csv.reader(iter(lines), delimiter=info.delimiter, strict=True)
    row_number = 0
    while True:
        try:
            for cells in reader:  # one loop per stretch of good records: this is the hot path
                row_number += 1
                # Some cell is not blank (the first, mostly); the reader makes a new list per row.
                if (cells and cells[0].strip()) or "".join(cells).strip():
                    info.rows += 1
                    yield row_number, cells
            return
        except csv.Error:
            # At the end of the data: an unterminated quote, the file was cut off.  Elsewhere: a
            # malformed record ('"a"b'); the reader resynchronises on the next line.
            row_number += 1
            info.truncated = info.truncated or lines.finished
            info.rows += 1
            yield row_number, None
            if lines.finished:
                return
