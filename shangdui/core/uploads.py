"""Reading uploaded files safely, for every importer (orders, reviews, roster, chats).

- ``ImportFileError``: a file that cannot be imported as a whole, with a Chinese ``message``
  for the user.
- ``detect_encoding`` / ``decode_text``: UTF-8 with or without a BOM, else GB18030 (a superset of
  GBK and GB2312, what Chinese seller back ends and Excel on a Chinese Windows write). Text that
  is neither is refused with a message, never decoded with replacement characters.
- ``check_xlsx``: refuses zip bombs and XML carrying a DTD or entities before any XML parser
  (python-calamine, expat) sees a workbook.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from typing import BinaryIO

CHUNK_BYTES = 1024 * 1024
# XLSX guards: a real 1,000,000-row order sheet is ~400 MB of XML; text XML
# compresses 5-30x, a zip bomb 1000x and more.
XLSX_MAX_UNCOMPRESSED = 2 * 1024**3
XLSX_MAX_RATIO = 200
XLSX_MAX_MEMBERS = 10_000
# XML keywords are case-sensitive and allow no blank after "<!".  UTF-16 spellings too.
_DTD_RE = re.compile(
    b"|".join(
        re.escape(word.encode(encoding))
        for word in ("<!DOCTYPE", "<!ENTITY")
        for encoding in ("ascii", "utf-16-le", "utf-16-be")
    )
)
_DTD_OVERLAP = 32  # a keyword split across two chunks is still seen

ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "gb18030": "GBK/GB18030"}


class ImportFileError(Exception):
    """The file as a whole cannot be imported (encoding, layout, zip bomb, ...).

    ``message`` is in Chinese and meant for the user.  A caller that already
    consumed records when this is raised (a corrupt byte in the middle of a
    CSV) must treat the whole import as failed.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def detect_encoding(sample: bytes) -> str:
    """``utf-8-sig`` when there is a BOM, else ``utf-8`` if the sample decodes, else ``gb18030``.

    GB18030 is a superset of GBK and GB2312, which is what Chinese seller back
    ends and Excel on a Chinese Windows write.  A sample that is neither raises
    ``ImportFileError``.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(
            "文件是 UTF-16 编码（Excel 的“Unicode 文本”），请另存为 UTF-8 或 GBK 编码的 CSV 后再导入。"
        )
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        try:
            # final=False: the sample may end in the middle of a character
            decoder.decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ImportFileError(
        "无法识别文件编码：既不是 UTF-8 也不是 GBK/GB18030。请在 Excel 或 WPS 中另存为 CSV（UTF-8）后再导入。"
    )


def decode_text(raw: bytes) -> str:
    """A whole uploaded text file as ``str``: UTF-8 (a BOM is dropped) when all of it is UTF-8,
    else GB18030. Raises ``ImportFileError`` for UTF-16 and for bytes that are neither, naming the
    line of the first bad byte."""
    detect_encoding(raw[:4])  # refuses UTF-16 with its own message
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_ok_until = exc.start
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        # The line where the encoding that read further broke (UTF-8 text with one bad line breaks
        # GB18030 much earlier).
        line = raw.count(b"\n", 0, max(exc.start, utf8_ok_until)) + 1
        raise ImportFileError(
            f"第 {line} 行有既不是 UTF-8 也不是 GBK/GB18030 的内容，文件可能已损坏或混用了多种编码。"
            "请在 Excel 或 WPS 中另存为 CSV（UTF-8）后再导入。"
        ) from None


def check_xlsx(stream: BinaryIO, *, max_uncompressed: int = XLSX_MAX_UNCOMPRESSED) -> int:
    """Refuse zip bombs and XML carrying a DTD/entities before any XML parser sees the file.

    Every member is decompressed once, in chunks, counting bytes, so a header
    that understates the size is caught too.  Returns the size of the largest
    worksheet XML.
    """
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise ImportFileError("XLSX 文件已损坏或不完整（可能在上传或下载时被截断），请重新导出。") from None
    with archive:
        infos = archive.infolist()
        names = {i.filename for i in infos}
        if "xl/workbook.xml" not in names:
            raise ImportFileError("不是有效的 XLSX 文件（缺少 xl/workbook.xml）。")
        if len(infos) > XLSX_MAX_MEMBERS:
            raise ImportFileError("XLSX 文件包含的部件过多，已拒绝导入。")
        if sum(i.file_size for i in infos) > max_uncompressed:
            limit = _size_label(max_uncompressed)
            raise ImportFileError(f"XLSX 文件解压后过大（超过 {limit}），疑似压缩炸弹，已拒绝导入。")
        for member in infos:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > 1024 * 1024 and ratio > XLSX_MAX_RATIO:
                raise ImportFileError(
                    f"XLSX 文件中的 {member.filename} 压缩比异常（{ratio:.0f} 倍），疑似压缩炸弹，已拒绝导入。"
                )
        total = 0
        largest_sheet = 0
        for member in infos:
            if member.is_dir():
                continue
            is_xml = member.filename.endswith((".xml", ".rels", ".vml"))
            seen = 0
            tail = b""
            has_dtd = False
            try:
                with archive.open(member) as part:
                    while chunk := part.read(CHUNK_BYTES):
                        seen += len(chunk)
                        total += len(chunk)
                        if seen > member.file_size or total > max_uncompressed:
                            raise ImportFileError("XLSX 文件解压后的大小与声明不符，疑似压缩炸弹，已拒绝导入。")
                        if is_xml and not has_dtd:
                            # The whole part is scanned: a DOCTYPE may follow any amount of comments.
                            has_dtd = bool(_DTD_RE.search(tail + chunk))
                            tail = chunk[-_DTD_OVERLAP:]
            except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError):
                raise ImportFileError("XLSX 文件已损坏或不完整（校验失败），请重新导出。") from None
            if member.filename.startswith("xl/worksheets/"):
                largest_sheet = max(largest_sheet, seen)
            if has_dtd:
                raise ImportFileError(
                    f"XLSX 文件中的 {member.filename} 含有 DOCTYPE/外部实体声明，可能是恶意文件，已拒绝导入。"
                )
        return largest_sheet


def _size_label(size: int) -> str:
    return f"{size / 1024**3:g} GB" if size >= 1024**3 else f"{size / 1024**2:g} MB"
