"""A shop's one-time column mapping for platforms without a built-in layout (平台 "other").

The user uploads a sample export, sees its header and first rows, and names, for each field, the
column that holds it. The mapping is saved on the shop (``Shop.column_mapping``) in this form::

    {"columns": {"order_id": "单号", "paid_at": "付款时间", "paid_amount": "实收", ...},
     "amounts": "order",                 # one row per order; "repeated" / "lines": see layouts.py
     "refund_field": "status",           # the column whose value says "refunded in full"
     "refund_values": ["退款成功", "已退款"],
     "header": ["单号", "付款时间", ...]}  # the sample's header, shown again on the page

and every later import of the shop reads its files with it (``import_options``). Pure Python: no
Django models here; messages are Chinese, for the user.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .layouts import FIELD_LABELS, LINES, ORDER, REPEATED, mapping_layout, normalise_header
from .reading import FileInfo, Source, iter_rows
from .records import ImportFileError
from .values import cell_text

# The fields a user maps, in the order the page shows them; the first three are required.
REQUIRED_FIELDS = ("order_id", "paid_at", "paid_amount")
MAPPABLE_FIELDS = (
    "order_id", "paid_at", "paid_amount", "created_at", "status", "refund_amount", "title", "quantity",
    "sku", "receiver_name", "receiver_phone", "receiver_address", "salesperson", "buyer_nick", "shipping_fee",
    "line_id",
)  # fmt: skip
AMOUNT_MODES = (ORDER, REPEATED, LINES)
DEFAULT_REFUND_VALUES = ("退款成功", "交易关闭", "已退款", "已取消")
PREVIEW_ROWS = 5
HEADER_SEARCH_ROWS = 5


@dataclass(slots=True)
class Preview:
    """The header row of a sample file and the rows after it (cells as text)."""

    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    header_row: int = 1
    info: FileInfo = field(default_factory=FileInfo)


def preview(source: Source, *, rows: int = PREVIEW_ROWS) -> Preview:
    """Read the header and the first ``rows`` data rows of a CSV/XLSX sample.

    The header is the fullest of the first few rows (exports may put a title line above it).
    Raises ``ImportFileError`` for an unreadable file or one without a header of two columns.
    """
    info = FileInfo()
    stream = iter_rows(source, info)
    head: list[tuple[int, list[str]]] = []
    try:
        for row_number, cells in stream:
            if cells is None:
                continue
            head.append((row_number, [cell_text(c).strip() for c in cells]))
            if len(head) >= HEADER_SEARCH_ROWS + rows:
                break
    finally:
        stream.close()
    if not head:
        raise ImportFileError("文件中没有表头或数据行。")
    candidates = head[:HEADER_SEARCH_ROWS]
    fullest = max(sum(1 for c in cells if c) for _, cells in candidates)
    index = next(i for i, (_, cells) in enumerate(candidates) if sum(1 for c in cells if c) == fullest)
    header_row, header = head[index]
    if fullest < 2:
        raise ImportFileError("找不到表头：文件前几行都只有一列。请上传带表头行的订单导出文件。")
    body = [cells + [""] * (len(header) - len(cells)) for _, cells in head[index + 1:index + 1 + rows]]
    return Preview(header=header, rows=body, header_row=header_row, info=info)


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name)


def clean_mapping(header: Sequence[str], columns: Mapping[str, str], *, amounts: str = ORDER,
                  refund_values: Sequence[str] = DEFAULT_REFUND_VALUES) -> dict[str, Any]:
    """Check a mapping against the sample's ``header`` and return the form saved on the shop.

    Raises ``ImportFileError`` naming every problem: an unmapped required field, a column that
    is not in the header, an order-number column used for another field, an unknown option.
    """
    problems: list[str] = []
    unknown = sorted(set(columns) - set(MAPPABLE_FIELDS))
    if unknown:
        problems.append(f"未知字段：{'、'.join(unknown)}")
    chosen = {name: str(columns.get(name) or "").strip() for name in MAPPABLE_FIELDS}
    chosen = {name: column for name, column in chosen.items() if column}
    absent = [field_label(name) for name in REQUIRED_FIELDS if name not in chosen]
    if absent:
        problems.append(f"以下必填字段还没有指定列：{'、'.join(absent)}")
    keys = {normalise_header(h) for h in header}
    foreign = [f"{field_label(name)}→“{column}”" for name, column in chosen.items()
               if normalise_header(column) not in keys]
    if foreign:
        problems.append(f"所选的列不在文件表头中：{'、'.join(foreign)}")
    order_column = chosen.get("order_id")
    clash = [field_label(name) for name, column in chosen.items()
             if name != "order_id" and order_column and normalise_header(column) == normalise_header(order_column)]
    if clash:
        problems.append(f"订单号所在的列不能同时作为：{'、'.join(clash)}")
    if amounts not in AMOUNT_MODES:
        problems.append(f"未知的金额口径：{amounts}")
    if amounts == LINES and "line_id" not in chosen:
        problems.append("“每行一个子订单、金额按行相加”需要指定子订单号列")
    values = [v.strip() for v in refund_values if v and v.strip()]
    if "status" in chosen and not values:
        problems.append("已指定订单状态列，请填写表示“全额退款”的状态值（如：退款成功）")
    if problems:
        raise ImportFileError("列映射有误：" + "；".join(problems) + "。")
    return {"columns": chosen, "amounts": amounts, "refund_field": "status", "refund_values": values,
            "header": [str(h) for h in header]}


def import_options(saved: Mapping[str, Any] | None, *, shop_name: str = "") -> dict[str, Any]:
    """The ``mapping`` argument of ``iter_orders`` for a shop's saved mapping (the page-only
    ``header`` left out). Raises ``ImportFileError`` when the shop has none yet."""
    if not saved or not saved.get("columns"):
        where = f"店铺“{shop_name}”" if shop_name else "该店铺"
        raise ImportFileError(
            f"{where}属于其他平台，还没有设置列映射：请先在店铺的“列映射”页上传一份样例文件并指定各列。")
    options = {key: saved[key] for key in ("columns", "amounts", "refund_field", "refund_values") if key in saved}
    mapping_layout(options["columns"], **{k: v for k, v in options.items() if k != "columns"})  # validates
    return options
