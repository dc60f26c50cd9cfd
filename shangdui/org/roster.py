"""Member roster files (花名册): reading an uploaded CSV/XLSX and writing an XLSX export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from shangdui.core.jobs import PermanentJobError
from shangdui.core.uploads import ImportFileError, check_xlsx, decode_text

# Column header (Chinese, as users write it) -> field. English headers are accepted too.
COLUMNS = {
    "登录名": "username", "username": "username",
    "姓名": "name", "name": "name",
    "部门": "department", "department": "department",
    "岗位": "position", "position": "position",
    "角色": "role", "role": "role",
    "上级": "manager", "manager": "manager",
    "入职日期": "join_date", "join date": "join_date",
    "手机": "phone", "phone": "phone",
    "邮箱": "email", "e-mail": "email", "email": "email",
    "擅长": "strengths", "strengths": "strengths",
}
EXPORT_HEADER = ["登录名", "姓名", "部门", "岗位", "角色", "上级", "入职日期", "手机", "邮箱", "擅长"]
ROLE_WORDS = {"总监": "director", "主管": "manager", "成员": "member", "财务": "finance", "人事": "finance",
              "财务/人事": "finance", "director": "director", "manager": "manager", "member": "member",
              "finance": "finance"}
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024


def _decode(raw: bytes) -> str:
    try:
        return decode_text(raw)
    except ImportFileError as exc:
        raise PermanentJobError(exc.message) from None


def _rows_xlsx(path: Path) -> Iterator[list[Any]]:
    try:
        with path.open("rb") as stream:  # zip bombs, DTDs and entities refused before calamine reads it
            check_xlsx(stream, max_uncompressed=MAX_XLSX_UNCOMPRESSED)
    except ImportFileError as exc:
        raise PermanentJobError(exc.message) from None
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    sheet = workbook.get_sheet_by_index(0)
    for row in sheet.iter_rows():
        yield list(row)


def read_roster(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Return (unknown headers, [(row number, {field: text})]). Raises PermanentJobError."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows: list[list[Any]] = list(_rows_xlsx(path))
    elif suffix in (".csv", ".txt"):
        rows = list(csv.reader(io.StringIO(_decode(path.read_bytes()))))
    else:
        raise PermanentJobError(_("Unsupported file type: use .xlsx or .csv."))
    if not rows:
        raise PermanentJobError(_("The file is empty."))
    header = [str(cell or "").strip().lower() for cell in rows[0]]
    fields = [COLUMNS.get(cell) for cell in header]
    for required, label in (("username", "登录名"), ("name", "姓名")):
        if required not in fields:
            raise PermanentJobError(_("Missing required column: %(column)s") % {"column": label})
    unknown = [rows[0][i] for i, f in enumerate(fields) if f is None and header[i]]
    records = []
    for number, row in enumerate(rows[1:], start=2):
        record: dict[str, str] = {}
        for index, field in enumerate(fields):
            if field and index < len(row):
                cell = row[index]
                if isinstance(cell, dt.datetime | dt.date):
                    record[field] = cell.strftime("%Y-%m-%d")
                elif isinstance(cell, float) and cell.is_integer():
                    record[field] = str(int(cell))
                else:
                    record[field] = str(cell if cell is not None else "").strip()
        if any(record.values()):
            records.append((number, record))
    return [str(u) for u in unknown], records


def parse_strengths(text: str) -> dict[str, int]:
    """"修图:3 沟通:2" or "修图、沟通" → {name: level}; level defaults to 2 (good)."""
    result: dict[str, int] = {}
    for part in text.replace("、", " ").replace(",", " ").replace("，", " ").replace(";", " ").split():
        name, _sep, level = part.partition(":") if ":" in part else part.partition("：")
        try:
            value = int(level) if level else 2
        except ValueError:
            value = 0
        if not 1 <= value <= 4:
            raise ValueError(_("Strength level must be 1 to 4: %(text)s") % {"text": part})
        result[name.strip()] = value
    return result
