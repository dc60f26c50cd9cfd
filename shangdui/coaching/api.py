"""API of the coaching library: playlists, clips (excerpt and its lines only), listened marks."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status

from shangdui.coaching import access, selectors, services
from shangdui.coaching.models import Clip
from shangdui.conversations.access import get_conversation_for_user
from shangdui.core.api_errors import raise_validation
from shangdui.org.access import refuse
from shangdui.org.models import Member

router = Router(tags=["coaching"])


class PlaylistOut(Schema):
    id: int
    scenario: str
    label: str
    clips: int


class LineOut(Schema):
    start: float
    end: float
    role: str
    text: str


class ClipOut(Schema):
    id: int
    playlist_id: int
    member_id: int
    title: str
    note: str
    duration: float
    status: str
    error: str
    audio_url: str | None
    lines: list[LineOut]
    listened: bool
    created_at: dt.datetime


class ClipIn(Schema):
    conversation_id: int
    from_line: int
    to_line: int
    playlist_id: int
    title: str = ""
    note: str = ""


def _viewer(request: HttpRequest) -> Member:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _out(clip: Clip, listened: set[int]) -> ClipOut:
    return ClipOut(
        id=clip.pk,
        playlist_id=clip.playlist_id,
        member_id=clip.member_id,
        title=clip.title,
        note=clip.note,
        duration=round(clip.duration, 2),
        status=clip.status,
        error=clip.error or (clip.job.error if clip.job else ""),
        audio_url=reverse("coaching:clip_audio", args=[clip.pk]) if clip.audio else None,
        lines=[LineOut(**line) for line in clip.lines],
        listened=clip.pk in listened,
        created_at=clip.created_at,
    )


@router.get("/coaching/playlists", response=list[PlaylistOut], summary="教练素材库：播放列表（四个场景与自定义）")
def playlist_list(request: HttpRequest) -> list[PlaylistOut]:
    return [PlaylistOut(**p) for p in selectors.playlists(_viewer(request))]


@router.get("/coaching/clips", response=list[ClipOut], summary="素材片段（仅片段音频与片段文字，按播放顺序）")
def clip_list(request: HttpRequest, playlist_id: int | None = None) -> list[ClipOut]:
    viewer = _viewer(request)
    playlist = access.get_playlist_for_user(viewer, playlist_id, request=request) if playlist_id else None
    clips = list(selectors.clips(viewer, playlist=playlist)[:500])
    listened = selectors.listened_ids(viewer, [c.pk for c in clips])
    return [_out(c, listened) for c in clips]


@router.post("/coaching/clips", response={201: ClipOut}, summary="从会话中选取若干行加入素材库（主管、质检员）")
def clip_create(request: HttpRequest, payload: ClipIn) -> Status[ClipOut]:
    viewer = _viewer(request)
    if not access.can_curate(viewer):
        raise refuse(viewer, what="coaching clip create", object_id="-", request=request)
    conversation = get_conversation_for_user(viewer, payload.conversation_id, request=request)
    playlist = access.get_playlist_for_user(viewer, payload.playlist_id, request=request)
    try:
        clip = services.clip_create(
            actor=viewer,
            conversation=conversation,
            from_line=payload.from_line,
            to_line=payload.to_line,
            playlist=playlist,
            title=payload.title,
            note=payload.note,
        )
    except ValidationError as exc:
        raise_validation(exc)
    clip.refresh_from_db()
    return Status(201, _out(clip, set()))


@router.post("/coaching/clips/{clip_id}/listened", response=ClipOut, summary="标记为已听")
def clip_listened(request: HttpRequest, clip_id: int) -> ClipOut:
    viewer = _viewer(request)
    clip = access.get_clip_for_user(viewer, clip_id, request=request)
    services.clip_mark_listened(member=viewer, clip=clip)
    return _out(clip, {clip.pk})
