"""Template helpers: money and dates in Chinese conventions, role badges, progress."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def cny(value: object) -> str:
    """¥1,234.50 — always two decimals, thousands separators, minus before the sign."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


WEEKDAY_NAMES = ["一", "二", "三", "四", "五", "六", "日"]


@register.filter
def weekdays(days: list[int] | None) -> str:
    if not days:
        return "—"
    return "、".join("周" + WEEKDAY_NAMES[d] for d in sorted(days) if 0 <= d <= 6)


@register.filter
def level_dots(level: int) -> str:
    return "●" * int(level) + "○" * (4 - int(level))
