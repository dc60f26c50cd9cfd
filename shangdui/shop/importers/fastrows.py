"""Staged rows straight from the cells of plain rows, for one-row-per-order exports (Taobao, PDD).

``iter_orders`` builds an ``OrderRecord`` (Decimals, datetimes, a line object) for every row and
``RowFormatter.rows`` turns it back into text; for a million rows that costs several times more
than reading the CSV. Most rows of a real export are *plain*: an ordinary id, amounts such as
``123.45``, times such as ``2026-10-07 10:45:00``. For those the field lists that
``RowFormatter.rows`` would make are built from the cells directly (text cut to the formatter's
limits) and handed to the same ``RowFormatter.finish`` (COPY escaping, fingerprint). The reader
is compiled per file from a template, so that a field is one local variable read by a fixed
index. Every other row (placeholders in odd places, ``¥1,234.5``, ``2026/1/5 8:03``, a bad
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
from .staging import LINE_COLUMNS, NULL, ORDER_COLUMNS, RowFormatter

SITE_ZONE = "Asia/Shanghai"  # +08:00 from 1992 on (no daylight saving since 1991)
_PLAIN_AMOUNT = re.compile(r"(?:0|[1-9][0-9]{0,11})(?:\.[0-9]{1,2})?").fullmatch
# What ``datetime.fromisoformat`` accepts in these shapes, but for days past the month's end.
_PLAIN_TIME = re.compile(
    r"(?:199[2-9]|20[0-9]{2})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
    r"(?: (?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?)?"
).fullmatch
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
    off (tests compare both). No records come out: a caller that needs them (salesperson
    attribution of a mapped file) uses ``iter_orders``. Raises ``ImportFileError`` like
    ``iter_orders``.
    """
    info = info if info is not None else FileInfo()
    figures = figures if figures is not None else Figures()
    rows = iter_rows(source, info)
    header, layout = _find_header(rows, platform, mapping)
    info.platform = layout.platform
    stream = OrderStream(layout, header, info, tz)
    # Plain and record rows are staged into the same lists, in file order.
    orders: list[Any] = []
    lines: list[Any] = []
    errors: list[RowError] = []
    paid: list[int] = []  # cents of the paid plain orders
    refunded: list[int] = []
    read_plain = (
        _plain_reader(stream, formatter, tz, orders, lines, paid, refunded)
        if fast and info.kind == "csv"
        else None
    )
    rows_of = formatter.rows
    width = stream.width
    feed = stream.feed
    add = figures.add
    plain = 0

    def take(items: Iterator[Any]) -> None:
        for item in items:
            if isinstance(item, RowError):
                errors.append(item)
                continue
            add(item)
            order, order_lines = rows_of(item)
            orders.append(order)
            lines.extend(order_lines)

    def settle() -> StagedBatch:
        nonlocal plain
        figures.orders += plain
        figures.paid_orders += len(paid)
        figures.paid_gmv += Decimal(sum(paid)).scaleb(-2)
        figures.refunds += Decimal(sum(refunded)).scaleb(-2)
        batch = StagedBatch(orders[:], lines[:], errors[:], plain)
        for done in (orders, lines, errors, paid, refunded):
            done.clear()
        plain = 0
        return batch

    for row_number, cells in rows:
        if read_plain is None or stream.group is not None or cells is None or len(cells) < width:
            take(feed(row_number, cells))
        elif read_plain(cells):
            plain += 1
        else:
            take(feed(row_number, cells))
        if len(orders) >= batch_rows:
            yield settle()
    take(stream.end())
    yield settle()


# The plain-row reader, compiled per file: the cells of each field are read by fixed indexes
# (``{extract}``: the ``optional_text`` of the field's column, or of its first non-blank one).
_READER = """
def make(empty, placeholders, strip, pick, seen, amounts, amount, days, new_day, plain_time, utc_hours,
         zone_suffixes, clock_suffixes, clean_id, is_encrypted, masked_phone,
         encrypted_prefixes, plain_quantity, refund_values, today, finish, orders_out, lines_out, paid_out,
         refunds_out, null):
    def read(cells):
{extract}
        if order_id[:1] in ("'", "="):
            if order_id[:2] == '="' and order_id[-1] == '"':  # Taobao's armour, as clean_id reads it
                order_id = order_id[2:-1].strip()
                if order_id in empty:
                    order_id = ""
            else:
                order_id = clean_id(order_id)
        if not order_id or order_id in seen:
            return False
        paid = amounts.get(paid_amount) or amount(paid_amount)
        refund = amounts.get(refund_amount) or amount(refund_amount)
        fee = amounts.get(shipping_fee) or amount(shipping_fee)
        if paid is None or refund is None or fee is None:
            return False
        paid, paid_cents = paid
        refund, refund_cents = refund
        fee = fee[0]
{price}
{quantity}
{created}
{paid}
        if paid_day is None:
            refund, refunded = "0.00", "f"
        else:
            if {refund_field} in refund_values:
                refunded = "t"
                if refund_cents == 0:
                    refund, refund_cents = paid, paid_cents
            else:
                refunded = "f"
            if refund_cents > paid_cents:
                return False  # an error row, with the record path's message
{ids}
        encrypted = "t" if (
            (receiver_name[:2] in encrypted_prefixes and is_encrypted(receiver_name))
            or (receiver_phone[:2] in encrypted_prefixes and is_encrypted(receiver_phone))
            or (receiver_address[:2] in encrypted_prefixes and is_encrypted(receiver_address))
        ) else "f"
        masked = "t" if "***" in receiver_phone and masked_phone(receiver_phone) is not None else "f"
{cuts}
        order, lines = finish(
            [order_id, status, after_sale_status, created_at, paid_at, paid_day or created_day or today,
             paid, refund, refunded, fee, buyer_nick, receiver_name, receiver_phone, receiver_address,
             province, city, district, encrypted, masked],
            [[order_id, "0", line_id, product_id, sku, title, spec, quantity, price, paid, "f", "0.00",
              line_after_sale_status]],
            False,
        )
        seen.add(order_id)
        orders_out.append(order)
        lines_out.extend(lines)
        if paid_day is not None:
            paid_out.append(paid_cents)
            refunds_out.append(refund_cents)
        return True

    return read
"""
_LOCALS = {"created_at": "created_text", "paid_at": "paid_text"}
# A time cell (``{text}``) read as ``datetime.fromisoformat`` would for these shapes, without making
# datetimes: ``{name}`` is the staged time or NULL, ``{name_day}`` the local date or None.
_MOMENT = """
        {name} = null
        {name_day} = None
        if {text}:
            if plain_time({text}) is not None:
                day = {text}[:10]
                before = days.get(day) or new_day(day)
                if before is None:
                    return False
{staged}
                {name_day} = day
            elif not {text}.startswith("1970-01-01"):
                return False"""
_STAGED_TIME = {
    True: "                {name} = {text} + zone_suffixes[len({text})]",
    False: "                clock = {text}[11:] + clock_suffixes[len({text})]\n"
           "                hour = clock[:2]\n"
           "                {name} = f\"{{day if hour >= '08' else before}} {{utc_hours[hour]}}{{clock[2:]}}\"",
}  # fmt: skip


def _extract(columns: Mapping[str, list[int]]) -> list[str]:
    """Code that sets a local per field of ``_FIELDS`` to its ``optional_text``: the stripped cells
    are picked in one call, and mapped to "" one by one only when one of them is a placeholder;
    for a field with several columns the first non-blank wins; an absent field is ""."""
    needed = sorted({i for name in _FIELDS for i in columns.get(name, ())})
    cell = {index: f"c{k}" for k, index in enumerate(needed)}
    code = [
        "        picked = tuple(map(strip, pick(cells)))",
        "        if not placeholders.isdisjoint(picked):",
        "            picked = [('' if text in empty else text) for text in picked]",
        f"        {', '.join(cell[i] for i in needed)}, = picked",
    ]
    for name in _FIELDS:
        indexes = columns.get(name, ())
        value = " or ".join(cell[i] for i in indexes) if indexes else "''"
        code.append(f"        {_LOCALS.get(name, name)} = {value}")
    return code


def _plain_reader(
    stream: OrderStream,
    formatter: RowFormatter,
    tz: ZoneInfo,
    orders_out: list[Any],
    lines_out: list[Any],
    paid_out: list[int],
    refunds_out: list[int],
) -> Callable[[list[Any]], bool] | None:
    """``read(cells)``: stage a plain row (its rows into ``orders_out``/``lines_out``, its cents
    into ``paid_out``/``refunds_out`` when paid) and return True, or return False having changed
    nothing, for a row the record path must read."""
    layout = stream.layout
    if layout.amounts != ORDER or getattr(tz, "key", None) != SITE_ZONE:
        return None
    if getattr(formatter.tz, "key", None) != SITE_ZONE:
        return None  # the order's date would be another zone's
    columns = stream.parser.columns
    needed = sorted({i for name in _FIELDS for i in columns.get(name, ())})
    if len(needed) < 2:
        return None  # (a mapping that names one column for everything: not worth a special case)
    extract = _extract(columns)
    price = (
        "        price = amounts.get(price) or amount(price)\n        if price is None:\n            return False\n"
        "        price = price[0]"
        if "price" in columns
        else "        price = null"
    )
    quantity = (
        "        if not quantity:\n            quantity = '0'\n"
        "        elif plain_quantity(quantity) is None:\n            return False"
        if "quantity" in columns
        else "        quantity = '1'"
    )
    ids = "\n".join(
        f"        if {name}[:1] in (\"'\", \"=\"):\n            {name} = clean_id({name})"
        for name in ("line_id", "product_id", "sku")
        if name in columns
    )
    refund_field = "status" if layout.refund_field == "status" else "after_sale_status"
    # Text cut to the model's lengths as RowFormatter.finish would (finish is told not to): only the
    # fields this file has, after the checks that read the whole text. The line's after-sales
    # status has its own limit.
    cuts = ["        line_after_sale_status = after_sale_status"]
    for index, limit in formatter.line_cut:
        name = LINE_COLUMNS[index][0]
        if name in columns:
            local = "line_after_sale_status" if name == "after_sale_status" else name
            cuts.append(f"        {local} = {name}[:{int(limit)}]")
    for index, limit in formatter.order_cut:
        name = ORDER_COLUMNS[index][0]
        if name in columns:
            cuts.append(f"        {name} = {name}[:{int(limit)}]")
    moments = {
        local: _MOMENT.format(name=name, name_day=f"{local[:-5]}_day", text=local,
                              staged=_STAGED_TIME[formatter.postgres].format(name=name, text=local))
        for name, local in _LOCALS.items()
    }  # fmt: skip
    source = _READER.format(extract="\n".join(extract), price=price, quantity=quantity, ids=ids or "        pass",
                            refund_field=refund_field, created=moments["created_text"],
                            paid=moments["paid_text"], cuts="\n".join(cuts))  # fmt: skip
    namespace: dict[str, Any] = {}
    exec(compile(source, "<fastrows reader>", "exec"), namespace)  # noqa: S102 - our own template

    # plain amount cell -> (two-place text, cents); most amounts repeat
    amounts: dict[str, tuple[str, int]] = {"": ("0.00", 0)}

    def amount(text: str) -> tuple[str, int] | None:
        """(two-place text, cents) of a plain amount, or None."""
        if _PLAIN_AMOUNT(text) is None:
            return None
        dot = text.find(".")
        if dot < 0:
            shown = text + ".00"
        else:
            shown = text + "0" if len(text) - dot == 2 else text
        if len(amounts) > 300_000:  # (a few tens of MB at most)
            amounts.clear()
            amounts[""] = ("0.00", 0)
        amounts[text] = pair = (shown, int(shown.replace(".", "")))
        return pair

    one_day = dt.timedelta(days=1)
    days: dict[str, str] = {}  # valid local day -> the day before (for UTC times)

    def new_day(day: str) -> str | None:
        """The day before a valid ``YYYY-MM-DD`` (remembered), or None."""
        try:
            before = (dt.date.fromisoformat(day) - one_day).isoformat()
        except ValueError:
            return None
        if len(days) > 100_000:
            days.clear()
        days[day] = before
        return before

    read: Callable[[list[Any]], bool] = namespace["make"](
        empty=v._EMPTY, placeholders=v._EMPTY - {""}, strip=str.strip, pick=itemgetter(*needed),
        seen=stream.seen, amounts=amounts, amount=amount, days=days, new_day=new_day,
        plain_time=_PLAIN_TIME, utc_hours={f"{h:02d}": f"{(h - 8) % 24:02d}" for h in range(24)},
        zone_suffixes={19: "+08:00", 16: ":00+08:00", 10: " 00:00:00+08:00"},
        clock_suffixes={19: "", 16: ":00", 10: "00:00:00"},
        clean_id=v.clean_id, is_encrypted=v.is_encrypted, masked_phone=v._MASKED_PHONE_RE.search,
        encrypted_prefixes=_ENCRYPTED_PREFIXES, plain_quantity=_PLAIN_QUANTITY, refund_values=layout.refund_values,
        today=formatter.today, finish=formatter.finish, orders_out=orders_out, lines_out=lines_out,
        paid_out=paid_out, refunds_out=refunds_out, null=NULL,
    )  # fmt: skip
    return read
