"""Stream ``ReviewRecord``/``RowError`` objects out of a platform's review export (评价导出).

Accepted headers (first present wins; see ``docs/formats.md``):

* order number — 订单编号, 订单号, 主订单编号, 订单ID
* review id — 评价ID, 评价编号, 评论ID (optional: without it a review is keyed by order + product)
* product — 宝贝名称, 商品名称, 商品, 宝贝标题, 商品标题
* rating — 评价, 评价等级, 评价类型, 评分, 星级, 商品评分, 描述相符评分 (好评/中评/差评, or 1–5 stars)
* text — 评价内容, 评论内容, 内容
* time — 评价时间, 评论时间, 创建时间 (required: counts go by the review's China-time date)
* agent — 客服, 客服昵称, 接待客服, 旺旺, 客服旺旺, 子账号

Either an order number or a review id column is required, and the rating and time columns. A row
that cannot be read (no rating, an unreadable date, a duplicate) is a ``RowError`` and the other rows
carry on. Pure Python: no Django models.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from . import values as v
from .layouts import normalise_header
from .reading import FileInfo, Source, iter_rows
from .records import ImportFileError, RowError

GOOD, NEUTRAL, BAD = "good", "neutral", "bad"
HEADER_SEARCH_ROWS = 5

COLUMNS: dict[str, tuple[str, ...]] = {
    "order_number": ("订单编号", "订单号", "主订单编号", "订单ID", "订单id"),
    "review_id": ("评价ID", "评价id", "评价编号", "评论ID", "评论id"),
    "product": ("宝贝名称", "商品名称", "商品", "宝贝标题", "商品标题"),
    "rating": ("评价", "评价等级", "评价类型", "评分", "星级", "商品评分", "描述相符评分"),
    "content": ("评价内容", "评论内容", "内容"),
    "reviewed_at": ("评价时间", "评论时间", "创建时间"),
    "agent": ("客服", "客服昵称", "接待客服", "旺旺", "客服旺旺", "子账号"),
}
LABELS = {"order_number": "订单编号", "review_id": "评价ID", "rating": "评价/评分/星级", "reviewed_at": "评价时间"}
_WORDS = {
    "好评": GOOD, "好": GOOD, "好评价": GOOD, "五星": GOOD, "四星": GOOD, "positive": GOOD, "good": GOOD,
    "中评": NEUTRAL, "中": NEUTRAL, "三星": NEUTRAL, "neutral": NEUTRAL,
    "差评": BAD, "差": BAD, "一星": BAD, "二星": BAD, "两星": BAD, "negative": BAD, "bad": BAD,
}
_STARS = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:星|分|stars?)?$")


@dataclass(slots=True)
class ReviewRecord:
    row: int
    order_number: str
    review_id: str
    product: str
    rating: str
    content: str
    reviewed_at: datetime
    agent: str

    @property
    def key(self) -> tuple[str, str, str]:
        """The review's identity within a shop: the platform's review id, else order + product."""
        return ("id", self.review_id, "") if self.review_id else ("order", self.order_number, self.product)


def parse_rating(value: object) -> str:
    """好评/中评/差评, star counts (5/4 good, 3 neutral, 1–2 bad; ``★★★★★``; ``4.5分``). Raises
    ``ValueError`` with a Chinese message for anything else."""
    text = v.cell_text(value).strip()
    if not text:
        raise ValueError("评价为空")
    lowered = text.lower()
    if lowered in _WORDS:
        return _WORDS[lowered]
    if set(text) <= {"★", "☆"} and "★" in text:
        stars = Decimal(text.count("★"))
    else:
        match = _STARS.match(lowered)
        if not match:
            raise ValueError(f"无法识别的评价“{text[:20]}”（应为好评/中评/差评或 1–5 星）")
        try:
            stars = Decimal(match.group(1))
        except InvalidOperation:
            raise ValueError(f"无法识别的评价“{text[:20]}”") from None
    if not Decimal(0) < stars <= Decimal(5):
        raise ValueError(f"星级“{text[:20]}”不在 1–5 之间")
    return GOOD if stars >= 4 else NEUTRAL if stars >= 3 else BAD


class _Columns:
    def __init__(self, header: list[object]) -> None:
        positions: dict[str, int] = {}
        for index, name in enumerate(header):
            positions.setdefault(normalise_header(name), index)
        self.index: dict[str, int] = {}
        for name, aliases in COLUMNS.items():
            for alias in aliases:
                if normalise_header(alias) in positions:
                    self.index[name] = positions[normalise_header(alias)]
                    break
        self.header = [str(h).strip() for h in header]

    def missing(self) -> list[str]:
        missing = [LABELS[n] for n in ("rating", "reviewed_at") if n not in self.index]
        if "order_number" not in self.index and "review_id" not in self.index:
            missing.insert(0, f"{LABELS['order_number']}或{LABELS['review_id']}")
        return missing

    def cell(self, cells: list[object], name: str) -> object:
        index = self.index.get(name)
        return cells[index] if index is not None and index < len(cells) else ""


def _find_header(rows: Iterator[tuple[int, list[object] | None]]) -> _Columns:
    best: _Columns | None = None
    for _attempt in range(HEADER_SEARCH_ROWS):
        try:
            _, header = next(rows)
        except StopIteration:
            break
        if header is None:
            break
        columns = _Columns(header)
        if not columns.missing():
            return columns
        if best is None or len(columns.index) > len(best.index):
            best = columns
    if best is None:
        raise ImportFileError("文件中没有表头或数据行。")
    if len(best.index) >= 2:
        raise ImportFileError(f"评价文件缺少必需的列：{'、'.join(best.missing())}")
    raise ImportFileError("无法识别评价文件：表头中没有订单编号、评价、评价时间等列。请上传平台导出的评价文件。")


def iter_reviews(source: Source, *, info: FileInfo | None = None,
                 tz: ZoneInfo = v.CHINA_TZ) -> Iterator[ReviewRecord | RowError]:
    """Yield one ``ReviewRecord`` per readable row and a ``RowError`` per rejected one, in file order.
    A second row with the same review (id, or order + product) is a ``RowError``."""
    info = info if info is not None else FileInfo()
    rows = iter_rows(source, info)
    columns = _find_header(rows)
    seen: set[tuple[str, str, str]] = set()
    for row_number, cells in rows:
        if cells is None:
            yield RowError(row_number, "该行格式有误或文件在此被截断，该行未导入。")
            continue
        try:
            record = _record(columns, cells, row_number, tz)
        except ValueError as exc:
            yield RowError(row_number, str(exc))
            continue
        if record.key in seen:
            yield RowError(row_number, "这条评价在文件中重复出现，已忽略该行。")
            continue
        seen.add(record.key)
        yield record


def _record(columns: _Columns, cells: list[object], row_number: int, tz: ZoneInfo) -> ReviewRecord:
    order_number = v.clean_id(columns.cell(cells, "order_number"))
    review_id = v.clean_id(columns.cell(cells, "review_id"))
    if not order_number and not review_id:
        raise ValueError("订单编号和评价ID都为空，该行未导入。")
    try:
        rating = parse_rating(columns.cell(cells, "rating"))
    except ValueError as exc:
        raise ValueError(f"“{columns.header[columns.index['rating']]}”列：{exc}，该行未导入。") from None
    try:
        reviewed_at = v.parse_datetime(columns.cell(cells, "reviewed_at"), tz)
    except ValueError as exc:
        raise ValueError(f"“{columns.header[columns.index['reviewed_at']]}”列：{exc}") from None
    if reviewed_at is None:
        raise ValueError("评价时间为空，该行未导入。")
    return ReviewRecord(
        row=row_number, order_number=order_number[:64], review_id=review_id[:64],
        product=v.optional_text(columns.cell(cells, "product"))[:255], rating=rating,
        content=v.optional_text(columns.cell(cells, "content"))[:2000], reviewed_at=reviewed_at,
        agent=v.optional_text(columns.cell(cells, "agent"))[:64],
    )
