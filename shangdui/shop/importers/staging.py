"""Staged rows of an import, built straight from ``OrderRecord`` objects (no Django here).

The import service copies these rows into two temporary tables (``shop.imports``). On PostgreSQL a
row is one preformatted line of ``COPY ... FROM STDIN`` text (tab-separated, ``\\N`` for NULL), so
the driver does no per-value adaptation; on SQLite it is a tuple of strings for ``executemany``.
Either way the order's *fingerprint* is a hash of exactly the text that is staged for it and its
lines (plus the shop), so an order whose stored fingerprint is equal has nothing to update.

The module is pure so that the parse and the formatting can run in a separate process
(``importers.pipe``) while the database consumes the rows on the other core.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from hashlib import blake2b
from typing import Any

from .records import OrderRecord

# (column, PostgreSQL type) of the staged order fields, in the order the rows are built.
ORDER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("order_id", "text"), ("status", "text"), ("after_sale_status", "text"),
    ("created_at", "timestamptz"), ("paid_at", "timestamptz"), ("order_date", "date"),
    ("paid_amount", "numeric(14,2)"), ("refund_amount", "numeric(14,2)"), ("refunded", "boolean"),
    ("shipping_fee", "numeric(14,2)"), ("buyer_nick", "text"), ("receiver_name", "text"),
    ("receiver_phone", "text"), ("receiver_address", "text"), ("province", "text"), ("city", "text"),
    ("district", "text"), ("receiver_encrypted", "boolean"), ("phone_masked", "boolean"),
    ("fingerprint", "text"),
)  # fmt: skip
LINE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("order_id", "text"), ("position", "integer"), ("line_id", "text"), ("product_id", "text"),
    ("sku", "text"), ("title", "text"), ("spec", "text"), ("quantity", "integer"),
    ("price", "numeric(14,2)"), ("amount", "numeric(14,2)"), ("refunded", "boolean"),
    ("refund_amount", "numeric(14,2)"), ("after_sale_status", "text"),
)  # fmt: skip

NULL = "\\N"
SEP = "\x00"  # joins the fields of the SQLite fingerprint; never left in a COPY row (see _copy_line)
_COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_UTC = dt.UTC

# A staged order row and its line rows: COPY text on PostgreSQL, tuples on SQLite.
StagedOrder = str | tuple[str | None, ...]
StagedLines = list[str] | list[tuple[str | None, ...]]


def _copy_line(fields: list[str], text: tuple[int, ...], nulls: int) -> str:
    """One COPY text line, without its line feed. Fields are joined and checked in a few C passes: only a row with a
    backslash, tab, line break or NUL in a text cell is escaped field by field. Typed columns never
    hold one, except the ``nulls`` NULL markers (``\\N``), one backslash each. A NUL inside a cell
    (PostgreSQL text cannot hold one) is dropped."""
    raw = "\t".join(fields)
    if (
        raw.count("\t") != len(fields) - 1
        or raw.count("\\") != nulls
        or "\n" in raw
        or "\r" in raw
        or SEP in raw
    ):
        fields = list(fields)
        for i in text:
            fields[i] = fields[i].replace(SEP, "").translate(_COPY_ESCAPE)
        raw = "\t".join(fields)
    return raw


class RowFormatter:
    """Builds the staged order row and line rows of a record.

    ``limits`` are the model's ``max_length`` per column (text is cut so one overlong cell cannot
    fail the whole merge); ``tz`` is the site's time zone, which decides an order's date;
    ``today`` is the date of orders without any time; ``postgres`` picks the row form.
    """

    def __init__(
        self,
        *,
        shop_id: int,
        today: dt.date,
        tz: dt.tzinfo,
        postgres: bool,
        order_limits: Mapping[str, int | None],
        line_limits: Mapping[str, int | None],
    ) -> None:
        self.salt = f"{shop_id}{SEP}".encode()
        self.seed = blake2b(self.salt, digest_size=16)  # copied for each order's fingerprint
        self.today = today.isoformat()
        self.tz = tz
        self.postgres = postgres
        lim, llim = order_limits, line_limits
        # The order id is the key (never cut); the fingerprint is made here.
        self.order_cut = [
            (i, lim[name] or 0)
            for i, (name, kind) in enumerate(ORDER_COLUMNS)
            if lim.get(name) and kind == "text" and name not in ("order_id", "fingerprint")
        ]
        self.line_cut = [
            (i, llim[name] or 0)
            for i, (name, kind) in enumerate(LINE_COLUMNS)
            if llim.get(name) and kind == "text" and name != "order_id"
        ]
        self.cut = _cutter(self.order_cut, self.line_cut)

    def _moment(self, moment: dt.datetime | None) -> str:
        if moment is None:
            return NULL
        if self.postgres:
            return moment.isoformat(" ")
        # Django stores SQLite datetimes as naive UTC text.
        return moment.astimezone(_UTC).replace(tzinfo=None).isoformat(" ")

    def _date(self, moment: dt.datetime | None) -> str | None:
        if moment is None:
            return None
        return moment.astimezone(self.tz).date().isoformat()

    def rows(self, record: OrderRecord) -> tuple[StagedOrder, StagedLines]:
        """``(order_row, line_rows)``: COPY text lines on PostgreSQL, tuples on SQLite."""
        order_id = record.order_id
        lines: list[list[str]] = []
        for position, line in enumerate(record.lines):
            lines.append([
                order_id,
                str(position),
                line.line_id,
                line.product_id,
                line.sku,
                line.title,
                line.spec,
                str(line.quantity),
                NULL if line.price is None else str(line.price),
                str(line.amount),
                "t" if line.refunded else "f",
                str(line.refund_amount),
                line.after_sale_status,
            ])  # fmt: skip
        order_date = self._date(record.paid_at) or self._date(record.created_at) or self.today
        fields = [
            order_id,
            record.status,
            record.after_sale_status,
            self._moment(record.created_at),
            self._moment(record.paid_at),
            order_date,
            str(record.paid_amount),
            str(record.refund_amount),
            "t" if record.refunded else "f",
            str(record.shipping_fee),
            record.buyer_nick,
            record.receiver_name,
            record.receiver_phone,
            record.receiver_address,
            record.province,
            record.city,
            record.district,
            "t" if record.receiver_encrypted else "f",
            "t" if record.phone_masked else "f",
        ]
        return self.finish(fields, lines)

    def finish(
        self, fields: list[str], lines: list[list[str]], cut: bool = True
    ) -> tuple[StagedOrder, StagedLines]:
        """The staged rows of an order given as text fields: ``fields`` in ``ORDER_COLUMNS`` order
        without the fingerprint, one list per line in ``LINE_COLUMNS`` order; ``NULL`` for a missing
        time or price, ``"t"``/``"f"`` for booleans, amounts with two places. Text is cut to the
        limits (the lists are changed in place) and the fingerprint is made of the result; every
        staged row, however it was parsed, goes through here."""
        if cut:  # (``cut=False``: the caller has cut the text exactly so already)
            self.cut(fields, lines)
        digest = self.seed.copy()  # the hash of the shop's salt, so far
        if self.postgres:
            body = "\t".join(fields)
            nulls = (fields[_CREATED] == NULL) + (fields[_PAID] == NULL)
            line_text = []
            for values in lines:
                line_text.append("\t".join(values) + "\n")
                nulls += values[_PRICE] == NULL
            # One check of the order's and its lines' text together, as _copy_line checks one row
            # (the counts add up, and each row has at least its share): a cell to escape is rare.
            whole = body + "".join(line_text)
            if (
                whole.count("\t") != len(fields) - 1 + (_LINE_WIDTH - 1) * len(lines)
                or whole.count("\\") != nulls
                or whole.count("\n") != len(lines)
                or "\r" in whole
                or SEP in whole
            ):
                body = _copy_line(fields, _ORDER_TEXT, (fields[_CREATED] == NULL) + (fields[_PAID] == NULL))
                line_text = [_copy_line(values, _LINE_TEXT, values[_PRICE] == NULL) + "\n" for values in lines]
            digest.update((body + "\n" + "".join(line_text)).encode())
            return body + "\t" + digest.hexdigest() + "\n", line_text
        text = SEP.join(fields)
        for values in lines:
            text += "\n" + SEP.join(values)
        digest.update(text.encode())
        return (*_sqlite(fields, _ORDER_MARKED), digest.hexdigest()), [_sqlite(v, _LINE_MARKED) for v in lines]


def _cutter(
    order_cut: list[tuple[int, int]], line_cut: list[tuple[int, int]]
) -> Callable[[list[str], list[list[str]]], None]:
    """``cut(fields, lines)``: every text cell cut to its limit, in place, as straight-line code (it
    runs for every order). A slice of a string that is short enough is the string itself."""
    code = ["def cut(fields, lines):"]
    code += [f"    fields[{int(i)}] = fields[{int(i)}][:{int(limit)}]" for i, limit in order_cut]
    if line_cut:
        code.append("    for values in lines:")
        code += [f"        values[{int(i)}] = values[{int(i)}][:{int(limit)}]" for i, limit in line_cut]
    code.append("    return None")
    namespace: dict[str, Any] = {}
    exec("\n".join(code), namespace)  # noqa: S102 - integers only
    cut: Callable[[list[str], list[list[str]]], None] = namespace["cut"]
    return cut


def _typed(columns: tuple[tuple[str, str], ...]) -> tuple[int, ...]:
    return tuple(i for i, (_, kind) in enumerate(columns) if kind != "text")


_ORDER_TYPED = _typed(ORDER_COLUMNS)
_LINE_TYPED = _typed(LINE_COLUMNS)
_ORDER_TEXT = tuple(i for i in range(len(ORDER_COLUMNS) - 1) if i not in _ORDER_TYPED)  # fingerprint: added later
_PRICE = [name for name, _ in LINE_COLUMNS].index("price")  # the only nullable line column
_LINE_WIDTH = len(LINE_COLUMNS)
_CREATED = [name for name, _ in ORDER_COLUMNS].index("created_at")  # the nullable order columns
_PAID = [name for name, _ in ORDER_COLUMNS].index("paid_at")
_LINE_TEXT = tuple(i for i in range(len(LINE_COLUMNS)) if i not in _LINE_TYPED)
_SQLITE_VALUE = {NULL: None, "t": "1", "f": "0"}
# The typed columns that can hold one of those: the times, the price and the booleans (amounts,
# dates, counts never do).
_ORDER_MARKED = tuple(i for i in _ORDER_TYPED if ORDER_COLUMNS[i][1] in ("timestamptz", "boolean"))
_LINE_MARKED = tuple(i for i in _LINE_TYPED if LINE_COLUMNS[i][1] == "boolean" or LINE_COLUMNS[i][0] == "price")


def _sqlite(values: list[str], typed: tuple[int, ...]) -> tuple[str | None, ...]:
    """SQLite rows: NULL as None and booleans as 1/0 (like the ORM stores them), in the ``typed``
    columns only; text cells stay as they are."""
    row: list[str | None] = list(values)
    for i in typed:
        row[i] = _SQLITE_VALUE.get(values[i], values[i])
    return tuple(row)
