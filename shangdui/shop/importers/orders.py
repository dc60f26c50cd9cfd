"""Stream ``OrderRecord``/``RowError`` objects out of a platform order export.

Memory stays bounded: rows are read one at a time, an order's lines are
grouped only while they are consecutive (every platform exports them so), and
the only thing kept for the whole file is the set of order ids already seen,
to report duplicates.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from . import values as v
from .layouts import LAYOUTS, LINES, ORDER, REPEATED, Layout, detect_layout, mapping_layout
from .reading import FileInfo, Source, iter_rows
from .records import ZERO, ImportFileError, OrderLine, OrderRecord, RowError

HEADER_SEARCH_ROWS = 5  # some exports put a title line or two above the header


class _RowParseError(ValueError):
    pass


class _Group:
    """The rows of one order while they are being read."""

    __slots__ = ("record", "failed", "line_keys")

    def __init__(self, record: OrderRecord) -> None:
        self.record = record
        self.failed: list[int] = []
        self.line_keys: set[object] = set()


def resolve_layout(
    header: Sequence[object], platform: str = "auto", mapping: Mapping[str, Any] | None = None
) -> Layout:
    """The layout for ``header``: from ``mapping`` (a saved column mapping), the named
    platform, or detected from the header when ``platform`` is ``"auto"``."""
    if mapping is not None:
        options = dict(mapping)
        columns = options.pop("columns", None)
        layout = mapping_layout(columns, **options) if columns is not None else mapping_layout(options)
    elif platform in ("auto", "", None):
        return detect_layout(header)
    elif platform in LAYOUTS:
        layout = LAYOUTS[platform]
    else:
        raise ImportFileError(f"未知的平台：{platform}")
    missing = layout.missing(header)
    if missing:
        raise ImportFileError(f"文件缺少必需的列：{'、'.join(missing)}（按{layout.label}格式读取）")
    return layout


def detect_platform(source: Source) -> str:
    """The platform (``taobao``/``jd``/``pdd``/``douyin``) of an export, from its header row.

    Raises ``ImportFileError`` when the layout is unknown.  A file object is
    rewound afterwards, so it can be passed on to ``iter_orders``.
    """
    rows = iter_rows(source)
    try:
        return _find_header(rows, "auto", None)[1].platform
    finally:
        rows.close()
        if hasattr(source, "seek"):
            source.seek(0)


def _find_header(
    rows: Iterator[tuple[int, list[object] | None]], platform: str, mapping: Mapping[str, Any] | None
) -> tuple[list[object], Layout]:
    first_error: ImportFileError | None = None
    for _attempt in range(HEADER_SEARCH_ROWS):
        try:
            _, header = next(rows)
        except StopIteration:
            break
        if header is None:
            break
        try:
            return header, resolve_layout(header, platform, mapping)
        except ImportFileError as exc:
            first_error = first_error or exc
    if first_error is not None:
        raise first_error
    raise ImportFileError("文件中没有表头或数据行。")


def iter_orders(
    source: Source,
    platform: str = "auto",
    mapping: Mapping[str, Any] | None = None,
    *,
    info: FileInfo | None = None,
    tz: ZoneInfo = v.CHINA_TZ,
) -> Iterator[OrderRecord | RowError]:
    """Yield one ``OrderRecord`` per order and one ``RowError`` per rejected row, in file order.

    ``source`` is a path or a binary file object (CSV or XLSX; the kind is
    sniffed from the content).  ``platform`` is ``"auto"`` or one of
    ``taobao``, ``jd``, ``pdd``, ``douyin``; ``mapping`` is a saved column
    mapping for other platforms (``{"columns": {"order_id": "单号", ...},
    "amounts": "order", ...}``, see ``layouts.mapping_layout``).  A problem with
    the whole file raises ``ImportFileError`` (possibly after records were
    yielded, for a file corrupted half-way: treat the import as failed).
    ``info`` (optional) receives the detected kind, encoding and platform.
    """
    info = info if info is not None else FileInfo()
    rows = iter_rows(source, info)
    header, layout = _find_header(rows, platform, mapping)
    info.platform = layout.platform
    stream = OrderStream(layout, header, info, tz)
    feed = stream.feed
    for row_number, cells in rows:
        yield from feed(row_number, cells)
    yield from stream.end()


class OrderStream:
    """The row-by-row state of ``iter_orders``: the parser, the ids seen, the order being grouped.

    ``feed`` takes the rows after the header in file order and yields what ``iter_orders`` yields
    for each; ``end`` yields what is left. A faster reader of plain rows (``fastrows``) shares one
    stream with this code, so the rows it hands over get exactly these semantics."""

    def __init__(self, layout: Layout, header: Sequence[object], info: FileInfo, tz: ZoneInfo) -> None:
        self.layout = layout
        self.width = len(header)
        self.info = info
        self.parser = _RowParser(layout, header, tz)
        self.seen: set[str] = set()
        self.group: _Group | None = None

    def feed(self, row_number: int, cells: list[object] | None) -> Iterator[OrderRecord | RowError]:
        layout, parser, group, width = self.layout, self.parser, self.group, self.width
        if cells is not None and len(cells) < width and self.info.kind == "xlsx":
            cells = cells + [""] * (width - len(cells))  # sheets may omit trailing blanks
        problem = _shape_problem(cells, width, self.info)
        if problem:
            yield RowError(row_number, problem)
            if group is not None and cells is not None and parser.has_order_id(cells, group.record.order_id):
                # A broken line of the order being grouped: the order cannot be complete.
                group.failed.append(row_number)
                group.record.rows.append(row_number)
            return
        assert cells is not None
        try:
            order_id = parser.order_id(cells)
        except _RowParseError as exc:
            yield RowError(row_number, str(exc))
            return
        if group is not None and order_id == group.record.order_id and layout.amounts != ORDER:
            yield from _add_line(parser, group, row_number, cells)
            return
        if group is not None:
            self.group = None
            yield from _finish(group, layout)
        if order_id in self.seen:
            yield RowError(row_number, f"订单号 {order_id} 在文件中重复出现，已忽略该行。")
            return
        self.seen.add(order_id)
        try:
            group = _Group(parser.order(cells, order_id, row_number))
            if layout.amounts == ORDER:
                yield from _finish(group, layout)
            else:
                group.line_keys.add(parser.line_key(cells))
                self.group = group
        except _RowParseError as exc:
            yield RowError(row_number, str(exc))
            self.group = _Group(OrderRecord(platform=layout.platform, order_id=order_id, rows=[row_number]))
            self.group.failed.append(row_number)

    def end(self) -> Iterator[OrderRecord | RowError]:
        group, self.group = self.group, None
        if group is not None:
            yield from _finish(group, self.layout)


def _shape_problem(cells: list[object] | None, width: int, info: FileInfo) -> str:
    if cells is None:
        if info.truncated:
            return "文件在此行被截断（引号未闭合），该行未导入。请重新导出完整文件。"
        return "该行格式有误（引号不配对），无法分列，该行未导入。"
    if len(cells) < width:
        if info.truncated or not info.ended_with_newline:
            return f"文件在此行被截断（只有 {len(cells)} 列，表头有 {width} 列），该行未导入。"
        return f"该行只有 {len(cells)} 列，少于表头的 {width} 列，该行未导入。"
    return ""


def _add_line(parser: _RowParser, group: _Group, row_number: int, cells: list[object]) -> Iterator[RowError]:
    key = parser.line_key(cells)
    if key in group.line_keys:
        yield RowError(row_number, f"订单 {group.record.order_id} 的这一行与前面的行重复，已忽略。")
        return
    group.line_keys.add(key)
    group.record.rows.append(row_number)
    if group.failed:
        return
    try:
        parser.add_line(group.record, cells)
    except _RowParseError as exc:
        group.failed.append(row_number)
        yield RowError(row_number, str(exc))


def _finish(group: _Group, layout: Layout) -> Iterator[OrderRecord | RowError]:
    record = group.record
    if group.failed:
        if len(record.rows) > 1:
            rows = "、".join(str(r) for r in group.failed)
            yield RowError(record.rows[0], f"订单 {record.order_id} 因第 {rows} 行有误，整单未导入。")
        return
    try:
        _apply_refund_rule(record, layout)
    except _RowParseError as exc:
        yield RowError(record.rows[0], str(exc))
        return
    yield record


def _apply_refund_rule(record: OrderRecord, layout: Layout) -> None:
    """Refunds count only for paid orders: a 退款金额 value when given, else the full paid
    amount when the platform's status says refunded (per line for Douyin)."""
    if not record.is_paid:
        record.refunded = False
        record.refund_amount = ZERO
        for line in record.lines:
            line.refunded, line.refund_amount = False, ZERO
        return
    if layout.amounts == LINES:
        for line in record.lines:
            if line.refund_amount <= ZERO and line.refunded:
                line.refund_amount = line.amount
        record.refund_amount = sum((line.refund_amount for line in record.lines), ZERO)
        record.refunded = bool(record.lines) and all(line.refunded for line in record.lines)
    else:
        if record.refund_amount <= ZERO and record.refunded:
            record.refund_amount = record.paid_amount
    if record.refund_amount > record.paid_amount:
        raise _RowParseError(
            f"订单 {record.order_id} 的退款金额 {record.refund_amount} 大于实付金额 {record.paid_amount}，未导入。"
        )


_ORDER_TEXT = (
    "status", "after_sale_status", "buyer_nick", "receiver_name", "receiver_phone", "receiver_address",
    "province", "city", "district", "salesperson",
)  # fmt: skip
_LINE_TEXT = ("title", "spec", "after_sale_status")
_LINE_IDS = ("product_id", "sku", "line_id")
_text = v.optional_text


class _RowParser:
    """Reads one layout's fields out of row cells, raising ``_RowParseError`` in Chinese."""

    def __init__(self, layout: Layout, header: Sequence[object], tz: ZoneInfo) -> None:
        self.layout = layout
        self.columns = layout.resolve(header)
        # Most fields have one column: look those up without a loop (this is the hot path).
        self.single = {name: idx[0] for name, idx in self.columns.items() if len(idx) == 1}
        self.header = [str(h).strip() for h in header]
        self.tz = tz
        # Only the fields this file has are read, split by how they are looked up.
        self.order_text = [(n, self.single[n]) for n in _ORDER_TEXT if n in self.single]
        self.order_text_multi = [n for n in _ORDER_TEXT if n in self.columns and n not in self.single]
        self.line_text = [(n, self.single[n]) for n in _LINE_TEXT if n in self.single]
        self.line_text_multi = [n for n in _LINE_TEXT if n in self.columns and n not in self.single]
        self.line_ids = [n for n in _LINE_IDS if n in self.columns]

    def _raw(self, cells: list[object], name: str) -> object:
        index = self.single.get(name)
        if index is not None:  # shape checks guarantee the index exists
            return cells[index]
        for index in self.columns.get(name, ()):
            value = cells[index]
            if v.optional_text(value):
                return value
        return ""

    def _column_name(self, name: str) -> str:
        indexes = self.columns.get(name)
        return self.header[indexes[0]] if indexes else name

    def text(self, cells: list[object], name: str) -> str:
        return v.optional_text(self._raw(cells, name))

    def amount(self, cells: list[object], name: str) -> Decimal:
        if name not in self.columns:
            return ZERO
        try:
            return v.parse_amount(self._raw(cells, name))
        except ValueError as exc:
            raise _RowParseError(f"“{self._column_name(name)}”列：{exc}") from None

    def quantity(self, cells: list[object]) -> int:
        if "quantity" not in self.columns:
            return 1
        try:
            return v.parse_quantity(self._raw(cells, "quantity"))
        except ValueError as exc:
            raise _RowParseError(f"“{self._column_name('quantity')}”列：{exc}") from None

    def moment(self, cells: list[object], name: str) -> datetime | None:
        try:
            return v.parse_datetime(self._raw(cells, name), self.tz)
        except ValueError as exc:
            raise _RowParseError(f"“{self._column_name(name)}”列：{exc}") from None

    def has_order_id(self, cells: list[object], order_id: str) -> bool:
        try:
            return self.order_id(cells) == order_id
        except (_RowParseError, IndexError):
            return False

    def order_id(self, cells: list[object]) -> str:
        order_id = v.clean_id(self._raw(cells, "order_id"))
        if not order_id:
            raise _RowParseError(f"“{self._column_name('order_id')}”为空，该行未导入。")
        return order_id

    def line_key(self, cells: list[object]) -> object:
        if "line_id" in self.columns:
            return v.clean_id(self._raw(cells, "line_id"))
        return tuple(v.cell_text(c) for c in cells)

    def _is_refunded(self, cells: list[object]) -> bool:
        return self.text(cells, self.layout.refund_field) in self.layout.refund_values

    def line(self, cells: list[object]) -> OrderLine:
        quantity = self.quantity(cells)
        price = self.amount(cells, "price") if "price" in self.columns else None
        fields: dict[str, Any] = {n: _text(cells[i]) for n, i in self.line_text}
        for n in self.line_text_multi:
            fields[n] = self.text(cells, n)
        for n in self.line_ids:
            fields[n] = v.clean_id(self._raw(cells, n))
        line = OrderLine(quantity=quantity, price=price, **fields)
        if self.layout.amounts == LINES:
            line.amount = self.amount(cells, "paid_amount")
            line.refunded = self._is_refunded(cells)
            line.refund_amount = self.amount(cells, "refund_amount")
        elif self.layout.amounts == REPEATED:
            line.amount = (price or ZERO) * quantity
        return line

    def order(self, cells: list[object], order_id: str, row_number: int) -> OrderRecord:
        layout = self.layout
        fields: dict[str, Any] = {n: _text(cells[i]) for n, i in self.order_text}
        for n in self.order_text_multi:
            fields[n] = self.text(cells, n)
        name = fields.get("receiver_name", "")
        phone = fields.get("receiver_phone", "")
        address = fields.get("receiver_address", "")
        record = OrderRecord(
            platform=layout.platform,
            order_id=order_id,
            created_at=self.moment(cells, "created_at"),
            paid_at=self.moment(cells, "paid_at"),
            shipping_fee=self.amount(cells, "shipping_fee"),
            receiver_encrypted=v.is_encrypted(name) or v.is_encrypted(phone) or v.is_encrypted(address),
            phone_masked=v.is_masked_phone(phone),
            rows=[row_number],
            **fields,
        )
        line = self.line(cells)
        record.lines.append(line)
        if layout.amounts == LINES:
            record.paid_amount = line.amount
        else:
            record.paid_amount = self.amount(cells, "paid_amount")
            record.refund_amount = self.amount(cells, "refund_amount")
            record.refunded = self._is_refunded(cells)
            if layout.amounts == ORDER:
                line.amount = record.paid_amount
        return record

    def add_line(self, record: OrderRecord, cells: list[object]) -> None:
        line = self.line(cells)
        record.lines.append(line)
        if self.layout.amounts == LINES:
            record.paid_amount += line.amount
            record.shipping_fee += self.amount(cells, "shipping_fee")
            paid_at = self.moment(cells, "paid_at")
            if paid_at is not None and (record.paid_at is None or paid_at < record.paid_at):
                record.paid_at = paid_at
