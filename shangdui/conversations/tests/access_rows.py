"""Access-matrix rows for the conversation pages: recordings are personal information."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from shangdui.core.testing import everyone, expect


def _alice_conversation(w: Any) -> Any:
    from shangdui.conversations.models import Conversation

    conversation = Conversation.objects.create(organization=w.org, member=w.member, occurred_at=timezone.now(),
                                               status=Conversation.Status.DONE)
    conversation.audio.save("call.wav", ContentFile(b"RIFF0000WAVE"))
    return conversation


def _hit(w: Any, *, passed: bool = True) -> str:
    from shangdui.conversations.models import RuleHit

    conversation = _alice_conversation(w)
    hit = RuleHit.objects.create(conversation=conversation, rule_id="r", name="r", points=5, passed=passed)
    return f"/conversations/{conversation.pk}/rules/{hit.pk}/decide/"


def _appeal_url(w: Any) -> str:
    from shangdui.conversations.models import Appeal, RuleHit

    conversation = _alice_conversation(w)
    hit = RuleHit.objects.create(conversation=conversation, rule_id="r", name="r", points=5, passed=False)
    appeal = Appeal.objects.create(organization=w.org, rule_hit=hit, member=w.member, reason="客户没问")
    return f"/conversations/{conversation.pk}/appeals/{appeal.pk}/decide/"


def _source(w: Any) -> Any:
    from shangdui.conversations.models import RecordingSource

    return RecordingSource.objects.get_or_create(organization=w.org, name="电话线路", kind="phone_line")[0]


def _scheme(w: Any) -> Any:
    from shangdui.conversations.services import scheme_install_default

    return scheme_install_default(organization=w.org)


# The member sees their own; their manager chain and the director see them; a peer, finance and
# another company do not. (Inspectors — a flag on the member — see all; tested in test_web.py.)
OWN_AND_MANAGERS = expect(302, 200, 404, 200, 200, 404, 404)

PAGES = {
    "conversations:list": ("get", lambda w: "/conversations/", {}, everyone(200)),
    "conversations:upload": ("get", lambda w: "/conversations/upload/", {}, everyone(200)),
    "conversations:record": ("get", lambda w: "/conversations/record/", {}, everyone(200)),
    "conversations:scorecard": ("get", lambda w: "/conversations/scorecard/", {}, everyone(200)),
    "conversations:scheme_list": ("get", lambda w: "/conversations/schemes/", {}, everyone(200)),
    "conversations:scheme_new": ("get", lambda w: "/conversations/schemes/new/", {},
                                 expect(302, 404, 404, 200, 200, 404, 200)),
    "conversations:scheme_edit": ("get", lambda w: f"/conversations/schemes/{_scheme(w).pk}/", {},
                                  expect(302, 404, 404, 200, 200, 404, 404)),
    "conversations:scheme_export": ("get", lambda w: f"/conversations/schemes/{_scheme(w).pk}/export/", {},
                                    expect(302, 200, 200, 200, 200, 200, 404)),
    "conversations:detail": ("get", lambda w: f"/conversations/{_alice_conversation(w).pk}/", {}, OWN_AND_MANAGERS),
    "conversations:audio": ("get", lambda w: f"/conversations/{_alice_conversation(w).pk}/audio/", {},
                            OWN_AND_MANAGERS),
    "conversations:rule_decide": ("post", _hit, {"decision": "overturned"},
                                  expect(302, 404, 404, 302, 302, 404, 404)),
    # Only the member appeals their own conversation's hit; their manager chain or the director decides.
    "conversations:appeal_create": ("post", lambda w: _hit(w, passed=False).replace("/decide/", "/appeal/"),
                                    {"reason": "我说了您好"}, expect(302, 302, 404, 404, 404, 404, 404)),
    "conversations:appeal_decide": ("post", _appeal_url, {"decision": "upheld"},
                                    expect(302, 404, 404, 302, 302, 404, 404)),
    "conversations:queue": ("get", lambda w: "/conversations/queue/", {}, expect(302, 404, 404, 200, 200, 404, 200)),
    "conversations:retention": ("post", lambda w: "/conversations/retention/", {"audio_days": "90"},
                                expect(302, 404, 404, 404, 302, 404, 302)),
    "conversations:import_chats": ("get", lambda w: "/conversations/import-chats/", {}, everyone(200)),
    # Recording sources: the director and managers of the company set them up.
    "conversations:source_list": ("get", lambda w: "/conversations/sources/", {},
                                  expect(302, 404, 404, 200, 200, 404, 200)),
    "conversations:source_new": ("get", lambda w: "/conversations/sources/new/", {},
                                 expect(302, 404, 404, 200, 200, 404, 200)),
    "conversations:source_edit": ("get", lambda w: f"/conversations/sources/{_source(w).pk}/", {},
                                  expect(302, 404, 404, 200, 200, 404, 404)),
    # A voice profile: the member's own, or enrolled by their manager chain or the director.
    "conversations:voice": ("get", lambda w: "/conversations/voice/", {}, everyone(200)),
    "conversations:voice_member": ("get", lambda w: f"/conversations/voice/{w.member.pk}/", {}, OWN_AND_MANAGERS),
}


API: dict[tuple[str, str], Any] = {
    ("GET", "/api/conversations"): (lambda w: "/api/conversations", None, everyone(200, anonymous=401)),
    ("GET", "/api/conversations/{conversation_id}"): (
        lambda w: f"/api/conversations/{_alice_conversation(w).pk}", None, expect(401, 200, 404, 200, 200, 404, 404)),
    ("POST", "/api/conversations"): (lambda w: "/api/conversations", {"multipart": True},
                                     expect(401, 201, 201, 201, 201, 201, 201)),
    ("POST", "/api/conversations/{conversation_id}/rules/{hit_id}/appeal"): (
        lambda w: "/api" + _hit(w, passed=False).replace("/decide/", "/appeal"),
        {"reason": "我说了您好"}, expect(401, 201, 404, 404, 404, 404, 404)),
    ("POST", "/api/conversations/{conversation_id}/appeals/{appeal_id}/decide"): (
        lambda w: "/api" + _appeal_url(w).rstrip("/"),
        {"decision": "upheld"}, expect(401, 404, 404, 200, 200, 404, 404)),
    # The matrix uploads a .wav for everyone: signed-in personas get past access to the format check (422);
    # a real chat import through the API is in test_chats.py.
    ("POST", "/api/conversations/chats/import"): (lambda w: "/api/conversations/chats/import", {"multipart": True},
                                           expect(401, 422, 422, 422, 422, 422, 422)),
}
