"""Spreadsheet formula-injection guard for every CSV/XLSX export (OWASP "CSV injection")."""

from __future__ import annotations

from collections.abc import Iterable

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value: object) -> object:
    """Prefix ``'`` to text that a spreadsheet would run as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, tab or CR is escaped, also
    after leading blanks (Excel skips them).  Numbers, dates and ``None`` pass
    through unchanged, so a real negative amount stays a number.
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(_TRIGGERS) or value.lstrip(" ").startswith(_TRIGGERS):
        return "'" + value
    return value


def escape_row(values: Iterable[object]) -> list[object]:
    return [escape_cell(value) for value in values]
