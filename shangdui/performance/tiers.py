"""Commission tiers: pure, Decimal, cent-exact. No database here.

A tier is a section ``[start, end)`` with a rate. Commission is progressive, like a tax table:
each section of the base earns its own rate. With ``basis="amount"`` the sections are amounts of
net sales (¥); with ``basis="completion"`` they are completion ratios in percent of a target (0–300),
and a section of width ``w`` percent stands for ``target × w / 100`` of sales. Sales beyond 300 % of
the target earn nothing more (a cap agreed with finance: no runaway commission on a bad target).

Intermediate products are exact Decimals; the total is rounded once, half up, to the cent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
MAX_COMPLETION = Decimal("300")
BASIS_AMOUNT = "amount"
BASIS_COMPLETION = "completion"


class TierError(ValueError):
    """The tier table is not usable; the message is shown to the user."""


@dataclass(frozen=True)
class Tier:
    start: Decimal
    end: Decimal | None  # None: open-ended (amount basis), or up to 300 % (completion basis)
    rate: Decimal  # percent, e.g. Decimal("3.5") for 3.5 %

    def as_json(self) -> dict[str, str | None]:
        return {"start": str(self.start), "end": None if self.end is None else str(self.end),
                "rate": str(self.rate)}


def money(value: Decimal) -> Decimal:
    """Round once, half up, to the cent."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _dec(value: Any, what: str) -> Decimal:
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise TierError(_("%(what)s is not a number: %(value)s") % {"what": what, "value": value}) from None
    if not result.is_finite():
        raise TierError(_("%(what)s is not a number: %(value)s") % {"what": what, "value": value})
    return result


def parse_tiers(rows: Iterable[dict[str, Any]], basis: str) -> list[Tier]:
    """Turn stored/posted rows ``{"start", "end", "rate"}`` into a validated tier list.

    Rules (each broken one is a clear message): at least one tier; the first starts at 0; each
    starts exactly where the previous one ends (no overlap, no gap); ends are above starts; rates are
    between 0 and 100 %; only the last may be open; completion tiers end at 300 % at most.
    """
    tiers: list[Tier] = []
    for index, row in enumerate(rows, start=1):
        start = _dec(row.get("start", "0") if row.get("start") not in (None, "") else "0",
                     _("Tier %(n)d start") % {"n": index})
        raw_end = row.get("end")
        end = None if raw_end in (None, "") else _dec(raw_end, _("Tier %(n)d end") % {"n": index})
        rate = _dec(row.get("rate", ""), _("Tier %(n)d rate") % {"n": index})
        tiers.append(Tier(start=start, end=end, rate=rate))
    validate_tiers(tiers, basis)
    return tiers


def validate_tiers(tiers: Sequence[Tier], basis: str) -> None:
    if basis not in (BASIS_AMOUNT, BASIS_COMPLETION):
        raise TierError(_("Unknown tier basis."))
    if not tiers:
        raise TierError(_("A commission plan needs at least one tier."))
    if tiers[0].start != 0:
        raise TierError(_("The first tier must start at 0."))
    for index, tier in enumerate(tiers, start=1):
        if tier.rate < 0 or tier.rate > 100:
            raise TierError(_("Tier %(n)d: the rate must be between 0 and 100%%.") % {"n": index})
        if tier.start < 0:
            raise TierError(_("Tier %(n)d: the start cannot be negative.") % {"n": index})
        if tier.end is not None and tier.end <= tier.start:
            raise TierError(_("Tier %(n)d: the end must be above the start.") % {"n": index})
        if tier.end is None and index != len(tiers):
            raise TierError(_("Tier %(n)d: only the last tier may be open-ended.") % {"n": index})
        if basis == BASIS_COMPLETION and tier.end is not None and tier.end > MAX_COMPLETION:
            raise TierError(_("Tier %(n)d: completion tiers go up to 300%% at most.") % {"n": index})
        if index > 1:
            previous = tiers[index - 2]
            assert previous.end is not None  # noqa: S101 - checked above: only the last is open
            if tier.start < previous.end:
                raise TierError(_("Tiers %(a)d and %(b)d overlap: %(start)s is below %(end)s.") % {
                    "a": index - 1, "b": index, "start": tier.start, "end": previous.end})
            if tier.start > previous.end:
                raise TierError(_("Gap between tiers %(a)d and %(b)d: nothing covers %(end)s to %(start)s.") % {
                    "a": index - 1, "b": index, "end": previous.end, "start": tier.start})


@dataclass(frozen=True)
class SectionResult:
    start: Decimal  # in ¥, whatever the basis
    end: Decimal
    rate: Decimal
    amount: Decimal  # exact, unrounded


def commission_sections(net_sales: Decimal, tiers: Sequence[Tier], basis: str,
                        target: Decimal | None = None) -> list[SectionResult]:
    """The part of ``net_sales`` that falls in each tier and what it earns (exact, unrounded).

    Negative net sales (refunds above sales) earn nothing; a commission is never negative.
    """
    if basis == BASIS_COMPLETION:
        if target is None or target <= 0:
            raise TierError(_("A completion-based commission needs a target above 0."))
        scale = target / Decimal(100)
    else:
        scale = Decimal(1)
    sales = max(net_sales, Decimal(0))
    results = []
    for tier in tiers:
        start = tier.start * scale
        end_units = tier.end if tier.end is not None else (MAX_COMPLETION if basis == BASIS_COMPLETION else None)
        end = end_units * scale if end_units is not None else None
        if sales <= start:
            break
        upper = sales if end is None else min(sales, end)
        results.append(SectionResult(start=start, end=upper, rate=tier.rate,
                                     amount=(upper - start) * tier.rate / Decimal(100)))
    return results


def commission(net_sales: Decimal, tiers: Sequence[Tier], basis: str, target: Decimal | None = None) -> Decimal:
    """Commission on ``net_sales``: the sum of each section × its rate, rounded once to the cent."""
    return money(sum((s.amount for s in commission_sections(net_sales, tiers, basis, target)), Decimal(0)))


def completion_ratio(net_sales: Decimal, target: Decimal | None) -> Decimal | None:
    """Completion in percent, two places, or None without a target."""
    if target is None or target <= 0:
        return None
    return money(net_sales * 100 / target)


def bonus(pool: Decimal, coefficient: Decimal) -> Decimal:
    """Performance bonus = pool × score coefficient, rounded once; neither may be negative."""
    if pool < 0:
        raise TierError(_("The bonus pool cannot be negative."))
    if coefficient < 0:
        raise TierError(_("The score coefficient cannot be negative."))
    return money(pool * coefficient)
