"""Cell-level parsing shared by all layouts: ids, amounts, dates, masked/encrypted text.

Every parser raises ``ValueError`` with a Chinese message; the row builder turns
it into a ``RowError`` naming the column.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

CHINA_TZ = ZoneInfo("Asia/Shanghai")
CENT = Decimal("0.01")
# Amounts are stored as numeric(14, 2): a larger one is a bad cell, not a failed import.
MAX_AMOUNT = Decimal("1000000000000")
_AMOUNT_NOISE = str.maketrans("", "", ",，¥￥元 ")

# Platforms write "no value" in many ways; all of them mean empty.
_EMPTY = frozenset({"", "-", "--", "—", "null", "NULL", "None", "无", "0000-00-00 00:00:00", "0000-00-00"})

# Douyin (and some Taobao/Tmall exports since 2022) encrypt receiver fields:
# "##<hex>" / "$$<hex>" are ciphertexts that only the platform can decrypt.
_ENCRYPTED_RE = re.compile(r"^(##|\$\$|~~)\S+")
_MASKED_PHONE_RE = re.compile(r"\d{3}\*{3,4}\d{3,4}|\*{3,}")


def cell_text(value: object) -> str:
    """Any cell (CSV string or XLSX typed value) as stripped text."""
    if type(value) is str:  # the CSV case, by far the most common: keep it cheap
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float):
        # XLSX stores ids such as 800000 as 800000.0
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def clean_id(value: object) -> str:
    """An order/product id without export armour.

    Taobao writes ``="3900…"`` so that Excel keeps the digits; Douyin prefixes a
    tab for the same reason; some tools add a leading apostrophe.
    """
    text = cell_text(value).strip().lstrip("\t'")
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1]
    elif text.startswith("=") and len(text) > 1 and text[1:].isdigit():
        text = text[1:]
    text = text.strip()
    return "" if text in _EMPTY else text


def optional_text(value: object) -> str:
    text = value.strip() if type(value) is str else cell_text(value)
    return "" if text in _EMPTY else text


def is_encrypted(text: str) -> bool:
    return bool(_ENCRYPTED_RE.match(text))


def is_masked_phone(text: str) -> bool:
    return bool(_MASKED_PHONE_RE.search(text))


def parse_amount(value: object) -> Decimal:
    """Money cell → Decimal with two places; empty → 0.00.

    Accepts ``¥1,234.50``, ``1234.5``, ``￥ 12``, XLSX numbers; anything else
    raises ``ValueError``.
    """
    if type(value) is str and value and value[0] in "0123456789":
        try:  # fast path for the plain "123.45" every platform writes
            amount = Decimal(value)
            if amount.is_finite() and abs(amount) < MAX_AMOUNT:
                return amount.quantize(CENT, ROUND_HALF_UP)
        except InvalidOperation:
            pass
    if isinstance(value, bool):
        raise ValueError("不是有效的金额")
    if isinstance(value, int | float) and not isinstance(value, bool):
        # repr() of a float is its shortest round-tripping text: 1143.8 stays 1143.8
        return Decimal(repr(value) if isinstance(value, float) else value).quantize(CENT, ROUND_HALF_UP)
    text = optional_text(value)
    if not text:
        return Decimal("0.00")
    text = text.translate(_AMOUNT_NOISE).strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{cell_text(value)[:30]}”不是有效的金额") from None
    if not amount.is_finite():
        raise ValueError(f"“{cell_text(value)[:30]}”不是有效的金额")
    if abs(amount) >= MAX_AMOUNT:  # also keeps quantize() within the context's precision
        raise ValueError(f"“{cell_text(value)[:30]}”金额过大（不能超过 {MAX_AMOUNT:,.0f} 元）")
    return amount.quantize(CENT, ROUND_HALF_UP)


def parse_quantity(value: object) -> int:
    text = optional_text(value)
    if not text:
        return 0
    try:
        qty = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise ValueError(f"“{text[:30]}”不是有效的数量") from None
    if not qty.is_finite() or qty != qty.to_integral_value():
        raise ValueError(f"“{text[:30]}”不是有效的数量")
    return int(qty)


_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y.%m.%d %H:%M:%S",
    "%Y%m%d%H%M%S",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y%m%d",
)
_CN_DATE_RE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日\s*(?:(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})秒?)?)?$")
# Excel's day 0 (with the 1900 leap-year bug folded in).
_EXCEL_EPOCH = datetime(1899, 12, 30, tzinfo=CHINA_TZ)


def parse_datetime(value: object, tz: ZoneInfo = CHINA_TZ) -> datetime | None:
    """A date/time cell → aware datetime in ``tz`` (platform exports use China time).

    Empty/placeholder → ``None``; an unreadable value raises ``ValueError``.
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=tz)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 < value < 80000:  # an Excel serial date that lost its format
            return (_EXCEL_EPOCH + timedelta(days=float(value))).replace(tzinfo=tz)
        raise ValueError(f"“{value}”不是有效的日期时间")
    text = optional_text(value)
    if not text or text.startswith("1970-01-01"):
        return None
    if len(text) in (10, 16, 19) and text[4] == "-" and text[:4].isdigit():
        # The usual "2026-10-07 10:45:00": the C ISO parser is ~20x faster than strptime.
        try:
            return datetime.fromisoformat(text).replace(tzinfo=tz)
        except ValueError:
            pass
    text = " ".join(text.split())
    if text.endswith("Z") or "+" in text[10:]:
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(tz)
        except ValueError:
            pass
    match = _CN_DATE_RE.match(text)
    if match:
        y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
        try:
            return datetime(y, mo, d, h, mi, s, tzinfo=tz)
        except ValueError:
            raise ValueError(f"“{text[:30]}”不是有效的日期时间") from None
    if "." in text[19:]:  # fractional seconds
        text = text.split(".")[0] if text[4] in "-/" else text
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=tz)
        except ValueError:
            continue
    # 2026/1/5 8:03 (no zero padding) is what Excel re-saves
    parts = re.match(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:\s+(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?$", text)
    if parts:
        y, mo, d, h, mi, s = (int(g) if g else 0 for g in parts.groups())
        try:
            return datetime(y, mo, d, h, mi, s, tzinfo=tz)
        except ValueError:
            pass
    raise ValueError(f"“{text[:30]}”不是有效的日期时间")
