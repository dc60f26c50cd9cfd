"""Appeals (申诉) and the inspector's review queue; recording retention."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from shangdui.conversations import services
from shangdui.conversations.models import Appeal, Conversation, RuleHit, Segment

pytestmark = pytest.mark.django_db


def _inspected(member: Any, *, days_ago: int = 0) -> Conversation:
    scheme = services.scheme_install_default(organization=member.organization)
    conversation = Conversation.objects.create(
        organization=member.organization, member=member, scheme=scheme,
        occurred_at=timezone.now() - dt.timedelta(days=days_ago), status=Conversation.Status.DONE)
    Segment.objects.create(conversation=conversation, index=0, start=0, end=2, role="agent", text="您好，我是小美")
    RuleHit.objects.create(conversation=conversation, rule_id="self_intro", name="开场自我介绍", points=10, passed=True)
    RuleHit.objects.create(conversation=conversation, rule_id="needs", name="需求探询", points=15, passed=False)
    return services.conversation_rescore(conversation=conversation)


def test_member_appeals_and_the_manager_upholds_so_the_score_follows(world: Any, login: Any) -> None:
    conversation = _inspected(world.member)
    assert conversation.score == 10
    hit = conversation.rule_hits.get(rule_id="needs")
    alice = login(world.member)
    detail = alice.get(f"/conversations/{conversation.pk}/").content.decode()
    assert f"/rules/{hit.pk}/appeal/" in detail
    assert f"/rules/{conversation.rule_hits.get(rule_id='self_intro').pk}/appeal/" not in detail
    alice.post(f"/conversations/{conversation.pk}/rules/{hit.pk}/appeal/", {"reason": "我问了预算和尺码"})
    appeal = Appeal.objects.get(rule_hit=hit)
    assert appeal.member == world.member and appeal.status == "open" and appeal.created_at

    # A second appeal of the same hit is refused.
    with pytest.raises(ValidationError):
        services.appeal_create(actor=world.member, hit=hit, reason="再申诉")

    # The manager's queue lists the open appeal and the unreviewed failed rule, newest first.
    older = _inspected(world.peer, days_ago=3)
    mia = login(world.manager)
    queue = mia.get("/conversations/queue/").content.decode()
    assert "我问了预算和尺码" in queue
    assert queue.index(f"/conversations/{conversation.pk}/") < queue.index(f"/conversations/{older.pk}/")

    response = mia.post(f"/conversations/{conversation.pk}/appeals/{appeal.pk}/decide/",
                        {"decision": "upheld", "comment": "第 3 句确实在问需求"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    hit.refresh_from_db()
    conversation.refresh_from_db()
    assert appeal.status == "upheld" and appeal.decided_by == world.manager and appeal.decided_at
    assert hit.decision == "overturned" and hit.effective_passed and hit.decided_by == world.manager
    assert conversation.score == 25
    # Decided: out of the queue; deciding again changes nothing.
    assert "我问了预算和尺码" not in mia.get("/conversations/queue/").content.decode()
    with pytest.raises(ValidationError):
        services.appeal_decide(actor=world.director, appeal=appeal, uphold=False)
    assert "第 3 句确实在问需求" in alice.get(f"/conversations/{conversation.pk}/").content.decode()


def test_a_rejected_appeal_confirms_the_hit_and_keeps_the_score(world: Any) -> None:
    conversation = _inspected(world.member)
    hit = conversation.rule_hits.get(rule_id="needs")
    appeal = services.appeal_create(actor=world.member, hit=hit, reason="不同意")
    services.appeal_decide(actor=world.director, appeal=appeal, uphold=False, comment="只问了一个问题")
    hit.refresh_from_db()
    conversation.refresh_from_db()
    assert hit.decision == "confirmed" and not hit.effective_passed and conversation.score == 10
    # The manager's decision stands: an inspector cannot overturn an appealed hit afterwards.
    with pytest.raises(ValidationError):
        services.rule_hit_decide(actor=world.director, hit=hit, decision="overturned")


def test_only_the_member_appeals_and_only_their_managers_decide(world: Any, login: Any) -> None:
    conversation = _inspected(world.member)
    hit = conversation.rule_hits.get(rule_id="needs")
    with pytest.raises(ValidationError):
        services.appeal_create(actor=world.peer, hit=hit, reason="x")
    with pytest.raises(ValidationError):  # a passed rule has nothing to appeal
        services.appeal_create(actor=world.member, hit=conversation.rule_hits.get(rule_id="self_intro"), reason="x")
    appeal = services.appeal_create(actor=world.member, hit=hit, reason="不同意")
    url = f"/conversations/{conversation.pk}/appeals/{appeal.pk}/decide/"
    # Ken manages another department; Alice cannot decide her own appeal.
    assert login(world.other_manager).post(url, {"decision": "upheld"}).status_code == 404
    assert login(world.member).post(url, {"decision": "upheld"}).status_code == 404
    assert Appeal.objects.get(pk=appeal.pk).status == "open"


def test_queue_leaves_out_reviewed_hits_and_the_viewers_own(world: Any, login: Any) -> None:
    mine = _inspected(world.manager)
    reviewed = _inspected(world.member)
    services.rule_hit_decide(actor=world.director, hit=reviewed.rule_hits.get(rule_id="needs"), decision="confirmed")
    assert reviewed.rule_hits.get(rule_id="needs").decided_at is not None
    pending = _inspected(world.peer)
    queue = login(world.manager).get("/conversations/queue/").content.decode()
    assert f"/conversations/{pending.pk}/" in queue
    assert f"/conversations/{reviewed.pk}/" not in queue and f"/conversations/{mine.pk}/" not in queue
    # An inspector (here finance Fay) works the whole organization's queue; a plain member has none.
    world.finance.is_inspector = True
    world.finance.save(update_fields=["is_inspector"])
    assert f"/conversations/{mine.pk}/" in login(world.finance).get("/conversations/queue/").content.decode()
    assert login(world.member).get("/conversations/queue/").status_code == 404


def test_retention_deletes_old_recordings_and_keeps_transcripts_and_scores(world: Any, login: Any) -> None:
    old, recent = _inspected(world.member, days_ago=100), _inspected(world.member, days_ago=10)
    for conversation in (old, recent):
        conversation.audio.save("call.wav", ContentFile(b"RIFF0000WAVE"))
    path = old.audio.path
    Conversation.objects.filter(pk__in=[old.pk, recent.pk]).update(created_at=timezone.now() - dt.timedelta(days=99))
    # An old recording uploaded just now, still being analysed: never purged under the analysis.
    just_uploaded = _inspected(world.member, days_ago=400)
    just_uploaded.audio.save("late.wav", ContentFile(b"RIFF0000WAVE"))
    assert services.audio_purge() == 0  # default 180 days
    director = login(world.director)
    assert 'data-testid="retention-form"' in director.get("/conversations/schemes/").content.decode()
    director.post("/conversations/retention/", {"audio_days": "30"})
    assert services.retention_days(world.org.pk) == 30
    assert services.audio_purge() == 1
    assert services.audio_purge() == 0  # idempotent
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.audio and old.audio_deleted_at is not None and recent.audio
    just_uploaded.refresh_from_db()
    assert just_uploaded.audio
    assert old.segments.count() == 1 and old.score == 10
    import os

    assert not os.path.exists(path)
    page = director.get(f"/conversations/{old.pk}/").content.decode()
    assert 'data-testid="audio-deleted"' in page and "您好，我是小美" in page
    assert director.get(f"/conversations/{old.pk}/audio/").status_code == 404


def test_the_daily_purge_is_on_the_beat_schedule() -> None:
    from shangdui.celery import app

    app.loader.import_default_modules()
    entries = {e["task"] for e in app.conf.beat_schedule.values()}
    assert "shangdui.conversations.tasks.purge_audio" in entries
    assert "shangdui.conversations.tasks.purge_audio" in app.tasks


def test_appeal_and_decision_through_the_api(world: Any, login: Any) -> None:
    conversation = _inspected(world.member)
    hit = conversation.rule_hits.get(rule_id="needs")
    alice = login(world.member)
    response = alice.post(f"/api/conversations/{conversation.pk}/rules/{hit.pk}/appeal",
                          {"reason": "问了两个问题"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "open"
    appeal_id = response.json()["id"]
    rules = alice.get(f"/api/conversations/{conversation.pk}").json()["rules"]
    assert {r["id"]: r["appeal_status"] for r in rules} == {"self_intro": None, "needs": "open"}
    mia = login(world.manager)
    decided = mia.post(f"/api/conversations/{conversation.pk}/appeals/{appeal_id}/decide",
                       {"decision": "upheld", "comment": "同意"}, content_type="application/json")
    assert decided.status_code == 200 and decided.json()["score"] == 25
    assert decided.json()["decided_by_id"] == world.manager.pk
    again = mia.post(f"/api/conversations/{conversation.pk}/appeals/{appeal_id}/decide",
                     {"decision": "rejected"}, content_type="application/json")
    assert again.status_code == 422


def test_queue_page_queries_do_not_grow_with_the_queue(world: Any, login: Any,
                                                        django_assert_max_num_queries: Any) -> None:
    mia = login(world.manager)
    for _ in range(2):
        conversation = _inspected(world.member)
        services.appeal_create(actor=world.member, hit=conversation.rule_hits.get(rule_id="needs"), reason="理由")
    mia.get("/conversations/queue/")
    with django_assert_max_num_queries(12) as small:
        mia.get("/conversations/queue/")
    for _ in range(6):
        conversation = _inspected(world.peer)
        services.appeal_create(actor=world.peer, hit=conversation.rule_hits.get(rule_id="needs"), reason="理由")
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = mia.get("/conversations/queue/").content.decode()
    assert page.count("理由") == 8
