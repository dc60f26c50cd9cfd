"""Commission tiers: properties (hypothesis) and the bad tier tables a user can type."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shangdui.performance import tiers
from shangdui.performance.tiers import BASIS_AMOUNT, BASIS_COMPLETION, Tier, TierError

cents = st.integers(min_value=-10_000_00, max_value=50_000_000_00).map(lambda c: Decimal(c) / 100)
rates = st.integers(min_value=0, max_value=2000).map(lambda r: Decimal(r) / 100)  # 0.00 .. 20.00 %


@st.composite
def tier_tables(draw: st.DrawFn, basis: str = BASIS_AMOUNT) -> list[Tier]:
    """Contiguous tables from 0; rates non-decreasing is NOT assumed (a plan may lower a rate)."""
    count = draw(st.integers(min_value=1, max_value=6))
    limit = 300 if basis == BASIS_COMPLETION else 5_000_000
    cuts = sorted(set(draw(st.lists(st.integers(min_value=1, max_value=limit - 1), min_size=count - 1,
                                    max_size=count - 1))))
    bounds = [Decimal(0)] + [Decimal(c) for c in cuts]
    open_end = draw(st.booleans())
    ends: list[Decimal | None] = [*bounds[1:], None if open_end else Decimal(limit)]
    return [Tier(start=s, end=e, rate=draw(rates)) for s, e in zip(bounds, ends, strict=True)]


def reference(sales: Decimal, table: list[Tier], basis: str, target: Decimal | None = None) -> Decimal:
    """The plain way a payroll clerk would do it: walk ¥-sections one by one."""
    scale = target / 100 if basis == BASIS_COMPLETION and target else Decimal(1)
    total = Decimal(0)
    for tier in table:
        low = tier.start * scale
        if tier.end is None:
            high = Decimal(300) * scale if basis == BASIS_COMPLETION else None
        else:
            high = tier.end * scale
        if sales > low:
            part = (sales if high is None else min(sales, high)) - low
            total += part * tier.rate / 100
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@settings(max_examples=300, deadline=None)
@given(table=tier_tables(), a=cents, b=cents)
def test_commission_is_monotone_in_sales(table: list[Tier], a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    assert tiers.commission(low, table, BASIS_AMOUNT) <= tiers.commission(high, table, BASIS_AMOUNT)


@settings(max_examples=300, deadline=None)
@given(table=tier_tables(), sales=cents)
def test_commission_is_cent_exact_and_equals_the_reference(table: list[Tier], sales: Decimal) -> None:
    result = tiers.commission(sales, table, BASIS_AMOUNT)
    assert result == result.quantize(Decimal("0.01"))
    assert result.as_tuple().exponent == -2
    assert result == reference(sales, table, BASIS_AMOUNT)
    assert result >= 0


@settings(max_examples=200, deadline=None)
@given(table=tier_tables(BASIS_COMPLETION), a=cents, b=cents,
       target=st.integers(min_value=1, max_value=10_000_000_00).map(lambda c: Decimal(c) / 100))
def test_completion_tiers_monotone_exact_and_capped(table: list[Tier], a: Decimal, b: Decimal,
                                                    target: Decimal) -> None:
    low, high = sorted((a, b))
    c_low = tiers.commission(low, table, BASIS_COMPLETION, target)
    c_high = tiers.commission(high, table, BASIS_COMPLETION, target)
    assert c_low <= c_high
    assert c_high == reference(high, table, BASIS_COMPLETION, target)
    # Nothing more is earned past 300 % of the target.
    assert tiers.commission(target * 3 + high.copy_abs() + 1, table, BASIS_COMPLETION, target) == \
        tiers.commission(target * 3, table, BASIS_COMPLETION, target)


def test_rounds_once_at_the_end_not_per_section() -> None:
    # Two sections each earn ¥0.005: rounding per section would give 0.02, once at the end 0.01.
    table = [Tier(Decimal(0), Decimal("0.5"), Decimal(1)), Tier(Decimal("0.5"), None, Decimal(1))]
    assert tiers.commission(Decimal("1.00"), table, BASIS_AMOUNT) == Decimal("0.01")
    # Half up: 0.125 → 0.13
    assert tiers.commission(Decimal("12.50"), [Tier(Decimal(0), None, Decimal(1))], BASIS_AMOUNT) == Decimal("0.13")


def test_known_example_progressive() -> None:
    table = tiers.parse_tiers([{"start": "0", "end": "100000", "rate": "2"},
                               {"start": "100000", "end": "300000", "rate": "3"},
                               {"start": "300000", "end": None, "rate": "5"}], BASIS_AMOUNT)
    # 100000×2% + 200000×3% + 50000×5% = 2000 + 6000 + 2500
    assert tiers.commission(Decimal("350000"), table, BASIS_AMOUNT) == Decimal("10500.00")
    assert tiers.commission(Decimal("-500"), table, BASIS_AMOUNT) == Decimal("0.00")


def test_known_example_completion() -> None:
    table = tiers.parse_tiers([{"start": "0", "end": "80", "rate": "1"},
                               {"start": "80", "end": "120", "rate": "3"},
                               {"start": "120", "end": "300", "rate": "5"}], BASIS_COMPLETION)
    # target 100000, sales 150000 (150 %): 80000×1% + 40000×3% + 30000×5% = 800+1200+1500
    assert tiers.commission(Decimal("150000"), table, BASIS_COMPLETION, Decimal("100000")) == Decimal("3500.00")
    assert tiers.completion_ratio(Decimal("150000"), Decimal("100000")) == Decimal("150.00")


@pytest.mark.parametrize(("rows", "basis", "message"), [
    ([], BASIS_AMOUNT, "至少"),
    ([{"start": "0", "end": "100", "rate": "2"}, {"start": "90", "end": None, "rate": "3"}], BASIS_AMOUNT, "重叠"),
    ([{"start": "0", "end": "100", "rate": "2"}, {"start": "120", "end": None, "rate": "3"}], BASIS_AMOUNT, "空档"),
    ([{"start": "10", "end": None, "rate": "2"}], BASIS_AMOUNT, "从 0"),
    ([{"start": "0", "end": None, "rate": "2"}, {"start": "100", "end": None, "rate": "3"}], BASIS_AMOUNT, "最后"),
    ([{"start": "0", "end": "350", "rate": "2"}], BASIS_COMPLETION, "300%"),
    ([{"start": "0", "end": None, "rate": "-1"}], BASIS_AMOUNT, "0 到 100%"),
    ([{"start": "0", "end": "abc", "rate": "1"}], BASIS_AMOUNT, "不是数字"),
])
def test_bad_tier_tables_give_clear_chinese_messages(rows: list[dict[str, str | None]], basis: str,
                                                     message: str) -> None:
    with pytest.raises(TierError, match=message):
        tiers.parse_tiers(rows, basis)


def test_bonus_pool_and_coefficient() -> None:
    assert tiers.bonus(Decimal("3000"), Decimal("1.15")) == Decimal("3450.00")
    with pytest.raises(TierError, match="奖金池不能为负"):
        tiers.bonus(Decimal("-1"), Decimal("1"))
