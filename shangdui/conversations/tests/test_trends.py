"""Scorecard trends (what customers raise, competitors named) and coaching advice."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from shangdui.conversations.models import Conversation, Segment
from shangdui.conversations.trends import coaching, competitor_names, customer_trends


def test_topics_are_counted_from_customer_words_and_own_shops_are_not_competitors() -> None:
    trends = customer_trends([
        (1, "我在别家优衣库旗舰店看到一样的，便宜20块"), (2, "这个太贵了，京东上的森马官方旗舰店有货"),
        (2, "你们发货太慢了，快递什么时候到"), (3, "甲店旗舰店的质量怎么样"), (3, "您贵姓"),
    ], ["甲店"])
    topics = {t["key"]: t for t in trends["topics"]}
    assert topics["price"]["conversations"] == 2 and dict(topics["price"]["words"]) == {"便宜": 1, "贵": 1}
    assert topics["delivery"]["mentions"] == 2 and topics["quality"]["conversations"] == 1
    assert topics["competitor"]["words"] == [("别家", 1)]
    assert dict(trends["competitors"]) == {"优衣库旗舰店": 1, "森马官方旗舰店": 1, "京东": 1}
    assert trends["conversations"] == 3


def test_competitor_names_take_the_words_before_the_shop_suffix() -> None:
    assert competitor_names(["南极", "人", "旗舰店", "也", "在", "卖"], []) == ["南极人旗舰店"]
    assert competitor_names(["我", "在", "旗舰店"], []) == []


def test_coaching_only_below_the_top_quartile_and_only_where_the_metric_lags() -> None:
    rows = [
        {"member_id": 1, "score_percent": 90, "talk_ratio": 0.45, "questions": 4.0, "longest_monologue": 20},
        {"member_id": 2, "score_percent": 60, "talk_ratio": 0.75, "questions": 1.0, "longest_monologue": 25},
        {"member_id": 3, "score_percent": 70, "talk_ratio": 0.47, "questions": 4.5, "longest_monologue": 80},
    ]
    advice = coaching(rows, 90)
    assert 1 not in advice
    assert len(advice[2]) == 2 and "75%" in advice[2][0] and "45%" in advice[2][0]
    assert len(advice[3]) == 1 and "80" in advice[3][0]
    assert coaching(rows, None) == {}


@pytest.mark.django_db
def test_scorecard_shows_trends_competitors_and_chinese_advice(world: Any, login: Any) -> None:
    def conversation(member: Any, score: int | None, metrics: dict[str, Any], said: str) -> None:
        c = Conversation.objects.create(organization=world.org, member=member, occurred_at=timezone.now(),
                                        status="done", score=score, max_score=100 if score is not None else None,
                                        metrics=metrics)
        Segment.objects.create(conversation=c, index=0, start=0, end=3, role="customer", text=said)
        Segment.objects.create(conversation=c, index=1, start=3, end=5, role="agent", text="别家快递也慢")

    conversation(world.peer, 95, {"talk_ratio": 0.4, "questions": 5, "longest_monologue": 15}, "能便宜点吗")
    conversation(world.member, 50, {"talk_ratio": 0.8, "questions": 1, "longest_monologue": 90},
                 "李宁专卖店的质量更好，发货快吗")
    conversation(world.member, None, {}, "森马旗舰店包邮吗")  # no scheme applied: still a customer voice
    page = login(world.manager).get("/conversations/scorecard/").content.decode()
    assert 'data-testid="trends-table"' in page and "便宜 × 1" in page
    assert "李宁专卖店" in page and "森马旗舰店" in page
    assert "快递" not in page.split('data-testid="trends-table"')[1].split("</table>")[0]  # agent words don't count
    assert "您的预算大概多少" in page and "你的说话时间占 80%" in page
