"""Staged rows straight from the cells of plain rows, for one-row-per-order exports (Taobao, PDD).

``iter_orders`` builds an ``OrderRecord`` (Decimals, datetimes, a line object) for every row and
``RowFormatter.rows`` turns it back into text; for a million rows that costs several times more
than reading the CSV. Most rows of a real export are *plain*: an ordinary id, amounts such as
``123.45``, times such as ``2026-10-07 10:45:00``. For those the staged text is built from the
cells directly and handed to the same ``RowFormatter.finish`` (limits, COPY escaping,
fingerprint). Every other row (placeholders in odd places, ``¥1,234.5``, ``2026/1/5 8:03``, a bad
cell, a duplicate, a short row, a refund larger than the payment...) goes through the shared
``OrderStream`` of ``iter_orders`` and ``RowFormatter.rows``, so it gets exactly its semantics:
the same records, errors and row numbers. The plain check only accepts what the record path
would read to the same value.

Times: a plain time is read as China time (``Asia/Shanghai``), which is a fixed +08:00 from 1992
on; the fast path is used only when both the parser and the site use that zone, and only for
years 1992-2099.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from operator import itemgetter
from typing import Any
from zoneinfo import ZoneInfo

from . import values as v
from .figures import Figures
from .layouts import ORDER
from .orders import OrderStream, _find_header
from .reading import FileInfo, Source, iter_rows
from .records import RowError
from .staging import NULL, RowFormatter

SITE_ZONE = "Asia/Shanghai"  # +08:00 from 1992 on (no daylight saving since 1991)
_PLAIN_AMOUNT = re.compile(r"(?:0|[1-9][0-9]{0,11})(?:\.[0-9]{1,2})?").fullmatch
_PLAIN_TIME = re.compile(r"(?:199[2-9]|20[0-9][0-9])-[0-9]{2}-[0-9]{2}(?: [0-9]{2}:[0-9]{2}(?::[0-9]{2})?)?").fullmatch
_PLAIN_QUANTITY = re.compile(r"0|[1-9][0-9]{0,8}").fullmatch
_ENCRYPTED_PREFIXES = frozenset({"##", "$$", "~~"})

# The fields a one-row-per-order row is read from, in the order the plain reader unpacks them.
_FIELDS = (
    "order_id", "status", "after_sale_status", "created_at", "paid_at", "paid_amount", "refund_amount",
    "shipping_fee", "buyer_nick", "receiver_name", "receiver_phone", "receiver_address", "province", "city",
    "district", "quantity", "price", "title", "spec", "line_id", "product_id", "sku",
)  # fmt: skip


@dataclass(slots=True)
class StagedBatch:
    """Staged rows made since the previous batch (``RowFormatter`` form) and the row errors;
    ``plain``: how many of the orders the plain-row reader made."""

    orders: list[Any] = field(default_factory=list)
    lines: list[Any] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    plain: int = 0


def iter_staged(
    source: Source,
    platform: str,
    formatter: RowFormatter,
    *,
    mapping: Mapping[str, Any] | None = None,
    info: FileInfo | None = None,
    figures: Figures | None = None,
    tz: ZoneInfo = v.CHINA_TZ,
    batch_rows: int = 5000,
    fast: bool = True,
) -> Iterator[StagedBatch]:
    """The staged rows of ``iter_orders(source, platform, mapping, info=info, tz=tz)`` through
    ``formatter``, in batches of about ``batch_rows`` orders; the last batch may be empty.

    Exactly what formatting each record of ``iter_orders`` gives, in the same order, with the same
    ``RowError`` list; ``figures`` is kept up to date at every batch (cent-exact). Plain rows of a
    one-row-per-order CSV skip the records (see the module docstring); ``fast=False`` turns that
    off (tests compare both). Raises ``ImportFileError`` like ``iter_orders``.
    """
    info = info if info is not None else FileInfo()
    figures = figures if figures is not None else Figures()
    rows = iter_rows(source, info)
    header, layout = _find_header(rows, platform, mapping)
    info.platform = layout.platform
    stream = OrderStream(layout, header, info, tz)
    batch = StagedBatch()
    plain = _plain_reader(stream, formatter, tz, batch) if fast and info.kind == "csv" else None
    read_plain = plain.read if plain is not None else None
    rows_of = formatter.rows
    width = stream.width
    feed = stream.feed
    add = figures.add

    def settle() -> None:
        if plain is not None:
            orders, paid_orders, gmv, refunds = plain.tally()
            batch.plain = orders
            figures.orders += orders
            figures.paid_orders += paid_orders
            figures.paid_gmv += Decimal(gmv).scaleb(-2)
            figures.refunds += Decimal(refunds).scaleb(-2)

    def take(items: Iterator[Any]) -> None:
        for item in items:
            if isinstance(item, RowError):
                batch.errors.append(item)
                continue
            add(item)
            order, lines = rows_of(item)
            batch.orders.append(order)
            batch.lines.extend(lines)

    for row_number, cells in rows:
        if read_plain is None or stream.group is not None or cells is None or len(cells) < width:
            take(feed(row_number, cells))
        elif not read_plain(cells):
            take(feed(row_number, cells))
        if len(batch.orders) >= batch_rows:
            settle()
            yield batch
            batch = StagedBatch()
            if plain is not None:
                plain.rebind(batch)
    take(stream.end())
    settle()
    yield batch


class _PlainReader:
    """``read(cells)`` stages a plain row into the current batch and returns True, or returns
    False (having changed nothing) for a row the record path must read."""

    def __init__(self, read: Callable[[list[Any]], bool], tally: Callable[[], tuple[int, int, int, int]],
                 rebind: Callable[[StagedBatch], None]) -> None:
        self.read = read
        self.tally = tally
        self.rebind = rebind


def _plain_reader(
    stream: OrderStream, formatter: RowFormatter, tz: ZoneInfo, batch: StagedBatch
) -> _PlainReader | None:
    layout = stream.layout
    if layout.amounts != ORDER or getattr(tz, "key", None) != SITE_ZONE:
        return None
    if getattr(formatter.tz, "key", None) != SITE_ZONE:
        return None  # the order's date would be another zone's
    columns = stream.parser.columns
    needed = sorted({i for name in _FIELDS for i in columns.get(name, ())})
    where = {index: k for k, index in enumerate(needed)}
    blank = len(needed)  # an absent field reads the "" appended after the picked cells
    singles: list[int] = []
    multi: list[tuple[int, tuple[int, ...]]] = []
    for k, name in enumerate(_FIELDS):
        indexes = columns.get(name, ())
        singles.append(where[indexes[0]] if indexes else blank)
        if len(indexes) > 1:  # the first non-blank column wins
            multi.append((k, tuple(where[i] for i in indexes)))
    pick_cells = itemgetter(*needed) if len(needed) > 1 else (lambda cells: (cells[needed[0]],))
    pick_fields = itemgetter(*singles)
    has_quantity = "quantity" in columns
    has_price = "price" in columns
    refund_by_status = layout.refund_field == "status"
    refund_values = layout.refund_values
    empty = v._EMPTY
    clean_id = v.clean_id
    is_encrypted, is_masked_phone = v.is_encrypted, v.is_masked_phone
    encrypted_prefixes = _ENCRYPTED_PREFIXES
    plain_amount, plain_time, plain_quantity = _PLAIN_AMOUNT, _PLAIN_TIME, _PLAIN_QUANTITY
    one_day = dt.timedelta(days=1)
    utc_hours = {f"{h:02d}": f"{(h - 8) % 24:02d}" for h in range(24)}  # +08:00 -> UTC
    postgres = formatter.postgres
    today = formatter.today
    finish = formatter.finish
    seen = stream.seen
    orders_out, lines_out = batch.orders, batch.lines
    count = paid_count = gmv = refunds = 0

    amounts: dict[str, str] = {"": "0.00"}  # plain amount cell -> two-place text (most repeat)

    def amount(text: str) -> str | None:
        """Two-place text of a plain amount ("" is 0.00), or None."""
        if plain_amount(text) is None:
            return None
        dot = text.find(".")
        if dot < 0:
            shown = text + ".00"
        else:
            shown = text + "0" if len(text) - dot == 2 else text
        if len(amounts) > 200_000:
            amounts.clear()
            amounts[""] = "0.00"
        amounts[text] = shown
        return shown

    not_plain = ("", "")
    days: dict[str, str] = {}  # valid local day -> the day before (for UTC times)

    def moment(text: str) -> tuple[str, str] | None:
        """(staged time, local date) of a plain time, None for no time, ``not_plain`` else. The
        same checks as ``datetime.fromisoformat`` for these shapes, without making datetimes."""
        if not text or text.startswith("1970-01-01"):
            return None
        if plain_time(text) is None:
            return not_plain
        day = text[:10]
        before = days.get(day)
        if before is None:
            try:
                before = (dt.date.fromisoformat(day) - one_day).isoformat()
            except ValueError:
                return not_plain
            if len(days) > 100_000:
                days.clear()
            days[day] = before
        size = len(text)
        if size == 10:
            clock = "00:00:00"
        else:
            if text[11:13] > "23" or text[14:16] > "59" or (size == 19 and text[17:19] > "59"):
                return not_plain
            clock = text[11:] if size == 19 else text[11:] + ":00"
        if postgres:
            return f"{day} {clock}+08:00", day
        hour = clock[:2]
        return f"{day if hour >= '08' else before} {utc_hours[hour]}{clock[2:]}", day

    def read(cells: list[Any]) -> bool:
        nonlocal count, paid_count, gmv, refunds
        texts = [t if (t := c.strip()) not in empty else "" for c in pick_cells(cells)]
        texts.append("")
        found = list(pick_fields(texts))
        for k, positions in multi:
            for p in positions:
                if texts[p]:
                    found[k] = texts[p]
                    break
            else:
                found[k] = ""
        (order_id, status, after_sale_status, created_text, paid_text, paid_amount, refund_amount, shipping_fee,
         buyer_nick, receiver_name, receiver_phone, receiver_address, province, city, district, quantity,
         price, title, spec, line_id, product_id, sku) = found  # fmt: skip
        if order_id[:1] in ("'", "="):
            order_id = clean_id(order_id)
        if not order_id or order_id in seen:
            return False
        paid = amounts.get(paid_amount) or amount(paid_amount)
        refund = amounts.get(refund_amount) or amount(refund_amount)
        fee = amounts.get(shipping_fee) or amount(shipping_fee)
        if paid is None or refund is None or fee is None:
            return False
        if has_price:
            price = amounts.get(price) or amount(price)
            if price is None:
                return False
        else:
            price = NULL
        if has_quantity:
            if not quantity:
                quantity = "0"
            elif plain_quantity(quantity) is None:
                return False
        else:
            quantity = "1"
        created = moment(created_text)
        paid_at = moment(paid_text)
        if created is not_plain or paid_at is not_plain:
            return False
        paid_cents = int(paid.replace(".", ""))
        if paid_at is None:
            refund, refund_cents, refunded = "0.00", 0, "f"
        else:
            refund_cents = int(refund.replace(".", ""))
            is_refunded = (status if refund_by_status else after_sale_status) in refund_values
            if refund_cents == 0 and is_refunded:
                refund, refund_cents = paid, paid_cents
            elif refund_cents > paid_cents:
                return False  # an error row, with the record path's message
            refunded = "t" if is_refunded else "f"
        if line_id[:1] in ("'", "="):
            line_id = clean_id(line_id)
        if product_id[:1] in ("'", "="):
            product_id = clean_id(product_id)
        if sku[:1] in ("'", "="):
            sku = clean_id(sku)
        encrypted = (
            (receiver_name[:2] in encrypted_prefixes and is_encrypted(receiver_name))
            or (receiver_phone[:2] in encrypted_prefixes and is_encrypted(receiver_phone))
            or (receiver_address[:2] in encrypted_prefixes and is_encrypted(receiver_address))
        )
        masked = "***" in receiver_phone and is_masked_phone(receiver_phone)
        if paid_at is not None:
            order_date = paid_at[1]
        elif created is not None:
            order_date = created[1]
        else:
            order_date = today
        order, lines = finish(
            [order_id, status, after_sale_status, NULL if created is None else created[0],
             NULL if paid_at is None else paid_at[0], order_date, paid, refund, refunded, fee, buyer_nick,
             receiver_name, receiver_phone, receiver_address, province, city, district,
             "t" if encrypted else "f", "t" if masked else "f"],
            [[order_id, "0", line_id, product_id, sku, title, spec, quantity, price, paid, "f", "0.00",
              after_sale_status]],
        )  # fmt: skip
        seen.add(order_id)
        orders_out.append(order)
        lines_out.extend(lines)
        count += 1
        if paid_at is not None:
            paid_count += 1
            gmv += paid_cents
            refunds += refund_cents
        return True

    def tally() -> tuple[int, int, int, int]:
        nonlocal count, paid_count, gmv, refunds
        result = (count, paid_count, gmv, refunds)
        count = paid_count = gmv = refunds = 0
        return result

    def rebind(new: StagedBatch) -> None:
        nonlocal orders_out, lines_out
        orders_out, lines_out = new.orders, new.lines

    return _PlainReader(read, tally, rebind)
