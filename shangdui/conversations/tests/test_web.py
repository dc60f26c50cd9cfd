"""The web flow: upload a recording, get a transcript with roles and a score, review a rule hit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shangdui.conversations.models import Conversation, RuleHit
from shangdui.conversations.services import scheme_install_default
from shangdui.org import services as org_services

pytestmark = pytest.mark.django_db(transaction=True)


def _upload(client: Any, member: Any, name: str, content: bytes, **extra: Any) -> Any:
    data = {"recordings": [SimpleUploadedFile(name, content)], "member": member.pk, "channel": "phone",
            "customer": "王女士", "consent": "on", **extra}
    return client.post("/conversations/upload/", data, HTTP_ACCEPT="application/json")


@pytest.mark.slow
def test_upload_transcribe_inspect_and_review(world: Any, login: Any, shared_dir: Path) -> None:
    scheme_install_default(organization=world.org)
    client = login(world.member)
    audio = (shared_dir / "samples/conversations/stereo/p01.wav").read_bytes()
    response = _upload(client, world.member, "p01.wav", audio)
    assert response.status_code == 201, response.content
    conversation = Conversation.objects.get(pk=response.json()["created"][0])
    assert conversation.status == "done", conversation.error
    segments = list(conversation.segments.all())
    assert len(segments) >= 5
    assert segments[0].role == "agent" and "玫瑰" in "".join(s.text for s in segments)
    assert {s.role for s in segments} == {"agent", "customer"}
    assert conversation.max_score == 85 and conversation.score is not None
    assert conversation.metrics["talk_ratio"] is not None
    page = client.get(f"/conversations/{conversation.pk}/").content.decode()
    assert 'data-start="0.' in page and "开场自我介绍" in page

    # The manager overturns a passed rule: the score follows the decision.
    hit = conversation.rule_hits.filter(passed=True, points__gt=0).first()
    assert hit is not None
    before = conversation.score
    manager = login(world.manager)
    manager.post(f"/conversations/{conversation.pk}/rules/{hit.pk}/decide/",
                 {"decision": "overturned", "comment": "开场未报店名"})
    conversation.refresh_from_db()
    assert conversation.score == before - hit.points
    assert RuleHit.objects.get(pk=hit.pk).decided_by == world.manager

    # Audio is served with range support so the player can jump to a line.
    partial = manager.get(f"/conversations/{conversation.pk}/audio/", HTTP_RANGE="bytes=0-99")
    assert partial.status_code == 206 and len(partial.content) == 100


def test_bad_files_get_a_clear_status(world: Any, login: Any) -> None:
    client = login(world.member)
    response = _upload(client, world.member, "notes.txt", b"hello")
    assert response.status_code == 400 and "不支持的格式" in response.json()["errors"][0]
    response = _upload(client, world.member, "broken.mp3", b"\x00" * 2000)
    assert response.status_code == 201
    conversation = Conversation.objects.get(pk=response.json()["created"][0])
    assert conversation.status in ("failed", "no_speech") and conversation.error
    body = client.get(f"/conversations/{conversation.pk}/").content.decode()
    assert 'data-testid="conversation-error"' in body


def test_peer_cannot_upload_for_someone_else_but_inspector_sees_all(world: Any, login: Any) -> None:
    client = login(world.peer)
    response = _upload(client, world.member, "x.wav", b"RIFF")
    assert response.status_code == 400  # Alice is not in Bob's choices
    org_services.member_update(actor=world.director, member=world.other_member, is_active=True)
    world.finance.is_inspector = True
    world.finance.save(update_fields=["is_inspector"])
    conversation = Conversation.objects.create(organization=world.org, member=world.member,
                                               occurred_at="2026-11-01T10:00:00+08:00")
    assert login(world.finance).get(f"/conversations/{conversation.pk}/").status_code == 200
    assert login(world.other_manager).get(f"/conversations/{conversation.pk}/").status_code == 404


def test_scheme_with_a_bad_field_is_rejected_with_the_field_named(world: Any, login: Any) -> None:
    client = login(world.manager)
    bad = "id: s1\nname: 测试\nrules:\n  - id: r1\n    kind: shouting\n    points: 5\n"
    body = client.post("/conversations/schemes/new/", {"source": bad}).content.decode()
    assert "rules[0].kind" in body
    good = "id: s1\nname: 测试\nrules:\n  - id: r1\n    kind: keyword\n    any: [\"您好\"]\n    points: 5\n"
    assert client.post("/conversations/schemes/new/", {"source": good, "is_default": "on"}).status_code == 302
    exported = client.get("/conversations/schemes/").content.decode()
    assert "测试" in exported
