"""The demo company's conversations: imported chats scored by the default scheme, members who differ,
a queue to work through, appeals, sales outcomes and trends, and pages that render them."""

from __future__ import annotations

import time
from typing import Any

import pytest

from shangdui.conversations import selectors, services
from shangdui.conversations.demo import PROFILES, demo_conversations
from shangdui.conversations.models import Appeal, Conversation, RuleHit
from shangdui.org.demo import build_demo
from shangdui.org.models import Member
from shangdui.performance import goals
from shangdui.performance.models import Goal

pytestmark = pytest.mark.django_db


def test_demo_conversations(client: Any) -> None:
    organization, _logins = build_demo(slug="demo-conv")
    conversations = Conversation.objects.filter(organization=organization)
    assert 40 <= conversations.count() <= 80
    assert set(conversations.values_list("channel", flat=True)) == {Conversation.Channel.IM}
    assert not conversations.exclude(status=Conversation.Status.DONE).exists()
    # Scored by the default scheme's rules, through the real pipeline: roles, segments, hits, metrics.
    scheme_rules = {
        "self_intro",
        "needs",
        "forbidden_words",
        "long_silence",
        "monologue",
        "closing",
        "competitor_mention",
    }
    for conversation in conversations.filter(pk__in=conversations.values("pk")[:10]):
        assert conversation.scheme is not None and conversation.scheme.is_default
        assert set(conversation.rule_hits.values_list("rule_id", flat=True)) == scheme_rules
        meta = services.scheme_rules_meta(conversation.scheme)
        assert conversation.max_score == sum(rule["points"] for rule in meta.values()) == 85
        assert conversation.score is not None
        assert {"agent", "customer"} <= set(conversation.segments.values_list("role", flat=True))
        assert conversation.metrics.get("talk_ratio") is not None
    assert set(conversations.values_list("member__name", flat=True)) == set(PROFILES)
    assert (
        conversations.values("occurred_at").order_by("occurred_at").first()["occurred_at"]
        < conversations.order_by("-occurred_at").first().occurred_at
    )  # spread over weeks
    span = (
        conversations.order_by("-occurred_at").first().occurred_at
        - conversations.order_by("occurred_at").first().occurred_at
    )
    assert span.days >= 28

    manager = Member.objects.get(organization=organization, name="张丽")
    card = selectors.scorecard(manager)
    scores = {row["name"]: row["score_percent"] for row in card["rows"]}
    assert scores["杨晓敏"] == max(scores.values()) and len(set(scores.values())) >= 4
    # 何雨欣 improves: her last two weeks score better than her first two.
    mine = list(conversations.filter(member__name="何雨欣").order_by("occurred_at"))
    early = sum(c.score for c in mine[:4]) / 4
    late = sum(c.score for c in mine[-4:]) / 4
    assert late > early
    failed = RuleHit.objects.filter(conversation__organization=organization, passed=False)
    assert failed.filter(rule_id="forbidden_words", conversation__member__name="郭磊").exists()
    assert failed.filter(rule_id="self_intro", conversation__member__name="马婷婷").exists()
    raised = {topic["key"]: topic["conversations"] for topic in card["trends"]["topics"]}
    assert all(raised.get(key, 0) >= 3 for key in ("price", "competitor", "delivery", "quality")), raised
    assert any(name.endswith("旗舰店") for name, _n in card["trends"]["competitors"])
    assert any(row["advice"] for row in card["rows"])  # coaching for those below the top quartile

    queue = selectors.review_queue(manager)
    assert queue["unreviewed"] and len(queue["appeals"]) == 1
    assert queue["appeals"][0].member.name == "马婷婷"
    assert RuleHit.objects.filter(conversation__organization=organization, decision="confirmed").exists()
    decided = Appeal.objects.get(organization=organization, status=Appeal.Status.UPHELD)
    assert decided.member.name == "郭磊" and decided.decided_by == manager
    hit = decided.rule_hit
    assert hit.rule_id == "forbidden_words" and hit.effective_passed
    assert hit.conversation.score == sum(h.points for h in hit.conversation.rule_hits.all() if h.effective_passed)

    # Sales chats that ended in a purchase name real demo orders: the scorecard ranks by sales outcome.
    sales_manager = Member.objects.get(organization=organization, name="郑伟")
    sales_card = selectors.scorecard(sales_manager, by="sales")
    assert sales_card["sales_available"] and sales_card["by"] == "sales" and sales_card["linked"] >= 5

    # The inspection-score goal of the demo now has progress.
    goal = Goal.objects.get(organization=organization, measure="inspection_score", state=Goal.State.AGREED)
    assert goals.goal_progress(goal).value > 0

    client.force_login(manager.user, backend="django.contrib.auth.backends.ModelBackend")
    for url in (
        "/conversations/",
        "/conversations/scorecard/",
        "/conversations/queue/",
        "/conversations/scorecard/?by=sales",
        f"/conversations/{hit.conversation_id}/",
    ):
        assert client.get(url).status_code == 200, url
    body = client.get("/conversations/queue/").content.decode()
    assert "马婷婷" in body
    body = client.get("/conversations/scorecard/").content.decode()
    assert "杨晓敏" in body and "曹雪梅" not in body  # 张丽 sees her own team only


def test_demo_conversations_fast_and_once() -> None:
    """``make run`` builds the demo: the conversations are a few seconds of it, and are made once."""
    organization, _logins = build_demo(slug="demo-conv-fast")
    Conversation.objects.filter(organization=organization).delete()
    started_cpu, started = time.process_time(), time.monotonic()
    made = demo_conversations(organization=organization)
    cpu, wall = time.process_time() - started_cpu, time.monotonic() - started
    print(f"demo_conversations: {made} conversations, {cpu:.2f} s CPU, {wall:.2f} s wall")
    assert made >= 40 and cpu < 10
    assert demo_conversations(organization=organization) == 0
    first = list(
        Conversation.objects.filter(organization=organization)
        .order_by("occurred_at", "pk")
        .values_list("member__name", "score", "order_no")
    )
    Conversation.objects.filter(organization=organization).delete()
    demo_conversations(organization=organization)
    # Talks later today than "now - 30 min" are all placed at that moment: ties in occurred_at, which
    # PostgreSQL returns in any order. Both runs create in the same order, so pk breaks the ties alike.
    again = list(
        Conversation.objects.filter(organization=organization)
        .order_by("occurred_at", "pk")
        .values_list("member__name", "score", "order_no")
    )
    assert first == again  # fixed seed
