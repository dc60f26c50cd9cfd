"""The scorecard's top quartile by sales outcome: conversations link to shop orders by order number;
a member's outcome is paid minus refunds of the distinct linked orders in the period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from shangdui.conversations import selectors
from shangdui.conversations.models import Conversation
from shangdui.shop.models import Order, Shop

pytestmark = pytest.mark.django_db


def _talk(
    member: Any,
    percent: int,
    *,
    order_no: str = "",
    days_ago: int = 1,
    talk_ratio: float = 0.5,
    questions: float = 3,
    monologue: float = 30,
) -> Conversation:
    return Conversation.objects.create(
        organization=member.organization,
        member=member,
        occurred_at=timezone.now() - dt.timedelta(days=days_ago),
        status=Conversation.Status.DONE,
        score=percent,
        max_score=100,
        order_no=order_no,
        metrics={"talk_ratio": talk_ratio, "questions": questions, "longest_monologue": monologue},
    )


def _order(shop: Shop, order_id: str, paid: str, refund: str = "0.00") -> Order:
    return Order.objects.create(
        organization=shop.organization,
        shop=shop,
        platform=shop.platform,
        order_id=order_id,
        order_date=timezone.localdate(),
        paid_amount=Decimal(paid),
        refund_amount=Decimal(refund),
    )


@pytest.fixture
def team(world: Any) -> Any:
    # Alice scores best but sells nothing; Bob sells most; Carl a little; Mia neither.
    _talk(world.member, 90, talk_ratio=0.7, questions=1.5, monologue=30)
    _talk(world.peer, 50, order_no="TB1001", talk_ratio=0.35, questions=5, monologue=25)
    _talk(world.peer, 55, order_no="TB1001", talk_ratio=0.35, questions=5, monologue=25)  # same order: once
    _talk(world.other_member, 60, order_no="TB2002", talk_ratio=0.5, questions=3, monologue=30)
    _talk(world.other_member, 60, order_no="TB3003", talk_ratio=0.5, questions=3, monologue=30)
    _talk(world.manager, 40, order_no="NO-SUCH-ORDER", talk_ratio=0.8, questions=1, monologue=90)
    _order(world.shop, "TB1001", "1200.50", refund="200.25")  # net 1000.25
    _order(world.shop, "TB2002", "300.00", refund="300.00")  # refunded in full: 0
    _order(world.shop, "TB3003", "99.99")
    # The same order number in another company never counts here.
    other_shop = Shop.objects.create(organization=world.other_org, name="乙店", platform="taobao")
    _order(other_shop, "TB1001", "999999.00")
    return world


def _rows(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in card["rows"]}


def test_sales_outcome_is_paid_minus_refunds_of_distinct_linked_orders(team: Any) -> None:
    card = selectors.scorecard(team.director, by="sales")
    rows = _rows(card)
    assert card["by"] == "sales" and card["sales_available"]
    assert rows["Bob"]["sales"] == Decimal("1000.25") and rows["Bob"]["orders"] == 1
    assert rows["Carl"]["sales"] == Decimal("99.99") and rows["Carl"]["orders"] == 2
    assert rows["Alice"]["sales"] == Decimal("0.00") and rows["Mia"]["sales"] == Decimal("0.00")
    assert card["linked"] == 4 and card["with_order_no"] == 5
    assert card["top_quartile_sales"] == Decimal("1000.25")
    assert [n for n, r in rows.items() if r["in_top"]] == ["Bob"]


def test_coaching_advice_follows_the_chosen_top_group(team: Any) -> None:
    by_score = _rows(selectors.scorecard(team.director, by="score"))
    by_sales = _rows(selectors.scorecard(team.director, by="sales"))
    # By score Alice is the top quartile: nothing to coach; by sales she is measured against Bob,
    # who lets the customer talk and asks more questions.
    assert by_score["Alice"]["in_top"] and by_score["Alice"]["advice"] == []
    assert not by_sales["Alice"]["in_top"]
    advice = " ".join(by_sales["Alice"]["advice"])
    assert "70%" in advice and "35%" in advice  # talk share against the top group's
    assert "1.5" in advice and "5.0" in advice  # questions against the top group's
    # Against Alice (by score) Bob talks less and asks more already: only the sales view praises him.
    assert by_sales["Bob"]["in_top"] and by_sales["Bob"]["advice"] == []


def test_the_period_counts_only_its_conversations(team: Any) -> None:
    _talk(team.other_member, 60, order_no="TB4004", days_ago=120)
    _order(team.shop, "TB4004", "5000.00")
    assert _rows(selectors.scorecard(team.director, by="sales"))["Carl"]["in_top"]
    recent = _rows(selectors.scorecard(team.director, by="sales", days=90))
    assert recent["Carl"]["sales"] == Decimal("99.99") and not recent["Carl"]["in_top"]


def test_the_page_offers_sales_only_where_conversations_link_to_orders(world: Any, login: Any) -> None:
    _talk(world.member, 90)
    _talk(world.peer, 50, order_no="TB-UNKNOWN")
    page = login(world.director).get("/conversations/scorecard/?by=sales").content.decode()
    assert 'data-testid="by-sales"' not in page
    assert 'data-testid="by-score"' in page
    assert selectors.scorecard(world.director, by="sales")["by"] == "score"  # nothing links: falls back
    _order(world.shop, "TB-UNKNOWN", "88.00")
    page = login(world.director).get("/conversations/scorecard/?by=sales&days=30").content.decode()
    assert 'data-testid="by-sales"' in page and "¥88.00" in page
    assert 'data-testid="top-quartile"' in page and "¥88.00" in page.split('data-testid="top-quartile"')[1][:300]
