"""Access-matrix rows of the coaching library: clips are shared with the whole organization (only the
excerpt); managers, the director and inspectors curate; another company sees nothing."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from shangdui.core.testing import everyone, expect


def _alice_conversation(w: Any) -> Any:
    from shangdui.conversations.models import Conversation, Segment

    conversation = Conversation.objects.create(
        organization=w.org, member=w.member, occurred_at=timezone.now(), status=Conversation.Status.DONE, consent=True
    )
    conversation.audio.save("call.wav", ContentFile(b"RIFF0000WAVE"))
    Segment.objects.create(conversation=conversation, index=0, start=0.5, end=3.0, role="agent", text="您好，我是小美")
    return conversation


def _playlist(w: Any) -> Any:
    from shangdui.coaching.services import playlists_ensure

    return next(p for p in playlists_ensure(organization=w.org) if p.scenario == "opening")


def _clip(w: Any) -> Any:
    from shangdui.coaching.models import Clip

    clip = Clip.objects.create(
        organization=w.org,
        playlist=_playlist(w),
        conversation=_alice_conversation(w),
        member=w.member,
        start=0.5,
        end=3.0,
        title="开场示范",
        status=Clip.Status.READY,
        lines=[{"start": 0, "end": 2.5, "role": "agent", "text": "您好，我是小美"}],
    )
    clip.audio.save("clip.m4a", ContentFile(b"\x00\x00\x00\x18ftypM4A "))
    return clip


# POST data that needs ids of this world's objects: the url function fills the dict in before the
# request is made (the matrix calls url_of(world) first, then posts the same dict object).
_CLIP_FORM: dict[str, Any] = {}
_CLIP_JSON: dict[str, Any] = {}


def _clip_create_url(w: Any) -> str:
    _CLIP_FORM.update(
        conversation=_alice_conversation(w).pk, from_line=0, to_line=0, playlist=_playlist(w).pk, title="开场"
    )
    return "/coaching/clips/new/"


def _clip_create_api(w: Any) -> str:
    _CLIP_JSON.update(
        conversation_id=_alice_conversation(w).pk, from_line=0, to_line=0, playlist_id=_playlist(w).pk, title="开场"
    )
    return "/api/coaching/clips"


CURATORS = expect(302, 404, 404, 302, 302, 404, 404)
ORG_WIDE = expect(302, 200, 200, 200, 200, 200, 404)

PAGES = {
    "coaching:library": ("get", lambda w: "/coaching/", {}, everyone(200)),
    "coaching:playlist_create": (
        "post",
        lambda w: "/coaching/playlists/new/",
        {"name": "老客户回访"},
        expect(302, 404, 404, 302, 302, 404, 302),
    ),
    "coaching:clip_create": ("post", _clip_create_url, _CLIP_FORM, CURATORS),
    "coaching:clip_detail": ("get", lambda w: f"/coaching/clips/{_clip(w).pk}/", {}, ORG_WIDE),
    "coaching:clip_audio": ("get", lambda w: f"/coaching/clips/{_clip(w).pk}/audio/", {}, ORG_WIDE),
    "coaching:clip_listened": (
        "post",
        lambda w: f"/coaching/clips/{_clip(w).pk}/listened/",
        {},
        expect(302, 302, 302, 302, 302, 302, 404),
    ),
    "coaching:clip_delete": ("post", lambda w: f"/coaching/clips/{_clip(w).pk}/delete/", {}, CURATORS),
}

API: dict[tuple[str, str], Any] = {
    ("GET", "/api/coaching/playlists"): (lambda w: "/api/coaching/playlists", None, everyone(200, anonymous=401)),
    ("GET", "/api/coaching/clips"): (lambda w: "/api/coaching/clips", None, everyone(200, anonymous=401)),
    ("POST", "/api/coaching/clips"): (_clip_create_api, _CLIP_JSON, expect(401, 404, 404, 201, 201, 404, 404)),
    ("POST", "/api/coaching/clips/{clip_id}/listened"): (
        lambda w: f"/api/coaching/clips/{_clip(w).pk}/listened",
        None,
        expect(401, 200, 200, 200, 200, 200, 404),
    ),
}
