"""The coaching library: clips cut from consented recordings, shared as excerpts only, playlists by
scenario, listened marks per member, suggested moments, and the API."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shangdui.coaching import services
from shangdui.coaching.models import Clip, ClipListen
from shangdui.coaching.scenarios import scenario_of_rule
from shangdui.conversations.models import Conversation, RecordingSource, RuleHit, Segment
from shangdui.conversations.tests.conftest import write_wav

pytestmark = pytest.mark.django_db

RATE = 16000
# One tone per second: second n sounds at 300 + 100 n Hz, so a cut's position can be heard (measured).
TONES = [300 + 100 * n for n in range(10)]
LINES = [
    (1.0, 3.0, "agent", "您好，我是小美，很高兴为您服务"),
    (3.0, 5.0, "customer", "我想看看羽绒服"),
    (6.0, 9.0, "agent", "这是客户的私人电话号码 13800000000"),
]


def _tone_wav(path: Path) -> Path:
    t = np.arange(RATE) / RATE
    signal = np.concatenate([0.4 * np.sin(2 * np.pi * f * t) for f in TONES]).astype(np.float32)
    return write_wav(path, signal, RATE)


def _conversation(
    member: Any, tmp_path: Path, *, consent: bool = True, score: int = 10, audio: bytes | None = None
) -> Conversation:
    conversation = Conversation.objects.create(
        organization=member.organization,
        member=member,
        occurred_at=timezone.now() - dt.timedelta(hours=1),
        status=Conversation.Status.DONE,
        consent=consent,
        score=score,
        max_score=10,
        duration=10.0,
    )
    if audio is None:
        with open(_tone_wav(tmp_path / f"call-{conversation.pk}.wav"), "rb") as handle:
            conversation.audio.save("call.wav", File(handle))
    else:
        conversation.audio.save("call.wav", ContentFile(audio))
    for index, (start, end, role, text) in enumerate(LINES):
        Segment.objects.create(conversation=conversation, index=index, start=start, end=end, role=role, text=text)
    return conversation


def _opening(org: Any) -> Any:
    return next(p for p in services.playlists_ensure(organization=org) if p.scenario == "opening")


def _dominant_hz(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[int(np.argmax(spectrum))])


def _decode(path: str) -> tuple[np.ndarray, int]:
    import av

    with av.open(path) as container:
        stream = container.streams.audio[0]
        rate = stream.rate
        data = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(stream)])
    return data.astype(np.float32), rate


def test_a_clip_is_cut_into_its_own_file_and_only_the_excerpt_is_shared(
    world: Any, login: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    conversation = _conversation(world.member, tmp_path)
    mia = login(world.manager)
    detail = mia.get(f"/conversations/{conversation.pk}/").content.decode()
    assert 'data-testid="clip-form"' in detail  # the manager gets the action on the transcript
    with django_capture_on_commit_callbacks(execute=True):
        response = mia.post(
            "/coaching/clips/new/",
            {
                "conversation": conversation.pk,
                "from_line": 0,
                "to_line": 1,
                "playlist": _opening(world.org).pk,
                "title": "标准开场",
                "note": "先自我介绍，再让客户说需求",
            },
        )
    assert response.status_code == 302
    clip = Clip.objects.get()
    assert clip.status == Clip.Status.READY, clip.error or (clip.job and clip.job.error)
    assert (clip.start, clip.end, clip.member, clip.added_by) == (1.0, 5.0, world.member, world.manager)
    assert clip.job is not None and clip.job.status == "done"
    samples, rate = _decode(clip.audio.path)
    assert abs(len(samples) / rate - 4.0) < 0.15  # AAC priming/padding only
    # The excerpt starts in second 1 and ends in second 4 of the recording (not at its start).
    assert abs(_dominant_hz(samples[int(0.1 * rate) : int(0.9 * rate)], rate) - TONES[1]) < 15
    assert abs(_dominant_hz(samples[int(3.1 * rate) : int(3.9 * rate)], rate) - TONES[4]) < 15
    assert Path(clip.audio.path).stat().st_size < Path(conversation.audio.path).stat().st_size / 5

    # Bob, a peer, may not open Alice's conversation, but hears the shared excerpt and reads its lines.
    bob = login(world.peer)
    assert bob.get(f"/conversations/{conversation.pk}/").status_code == 404
    page = bob.get(f"/coaching/clips/{clip.pk}/").content.decode()
    assert "您好，我是小美" in page and "我想看看羽绒服" in page and "先自我介绍" in page
    assert "13800000000" not in page  # a line outside the clip stays private
    audio = bob.get(f"/coaching/clips/{clip.pk}/audio/", HTTP_RANGE="bytes=0-99")
    assert audio.status_code == 206 and audio["Content-Type"] == "audio/mp4" and len(audio.content) == 100
    assert f"/conversations/{conversation.pk}/audio/" not in page


def test_no_clip_without_the_customers_consent(world: Any, login: Any, tmp_path: Path) -> None:
    refused = _conversation(world.member, tmp_path, consent=False)
    mia = login(world.manager)
    assert 'data-testid="clip-no-consent"' in mia.get(f"/conversations/{refused.pk}/").content.decode()
    response = mia.post(
        "/coaching/clips/new/",
        {"conversation": refused.pk, "from_line": 0, "to_line": 0, "playlist": _opening(world.org).pk},
        follow=True,
    )
    assert "客户未同意录音" in response.content.decode()
    assert not Clip.objects.exists()
    # Consent withdrawn on the recording source: nothing new is shared from its conversations.
    source = RecordingSource.objects.create(organization=world.org, name="门店工牌", kind="badge", consent=False)
    withdrawn = _conversation(world.member, tmp_path, consent=True)
    Conversation.objects.filter(pk=withdrawn.pk).update(source=source)
    withdrawn.refresh_from_db()
    with pytest.raises(ValidationError):
        services.clip_create(
            actor=world.manager, conversation=withdrawn, from_line=0, to_line=0, playlist=_opening(world.org), title="x"
        )
    # A member is no curator: no action on their own conversation page, and the post is refused.
    alice = login(world.member)
    ok = _conversation(world.member, tmp_path)
    assert 'data-testid="clip-form"' not in alice.get(f"/conversations/{ok.pk}/").content.decode()
    assert (
        alice.post(
            "/coaching/clips/new/",
            {"conversation": ok.pk, "from_line": 0, "to_line": 0, "playlist": _opening(world.org).pk},
        ).status_code
        == 404
    )


def test_bad_line_ranges_are_refused_with_a_reason(world: Any, tmp_path: Path) -> None:
    conversation = _conversation(world.member, tmp_path)
    playlist = _opening(world.org)
    for first, last in ((1, 0), (0, 7)):
        with pytest.raises(ValidationError):
            services.clip_create(
                actor=world.manager,
                conversation=conversation,
                from_line=first,
                to_line=last,
                playlist=playlist,
                title="x",
            )
    assert not Clip.objects.exists()


def test_a_source_that_cannot_be_cut_fails_with_the_reason_shown(
    world: Any, login: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    conversation = _conversation(world.member, tmp_path, audio=b"RIFF0000WAVEnot really audio")
    with django_capture_on_commit_callbacks(execute=True):
        clip = services.clip_create(
            actor=world.manager,
            conversation=conversation,
            from_line=0,
            to_line=0,
            playlist=_opening(world.org),
            title="坏文件",
        )
    clip.refresh_from_db()
    assert clip.status == Clip.Status.FAILED and clip.error
    assert clip.job is not None and clip.job.status == "failed"
    page = login(world.peer).get("/coaching/").content.decode()
    assert 'data-testid="clip-error"' in page and clip.error in page


def test_playlists_by_scenario_and_listened_marks_per_member(world: Any, login: Any, tmp_path: Path) -> None:
    conversation = _conversation(world.member, tmp_path, audio=b"x")
    clip = Clip.objects.create(
        organization=world.org,
        playlist=_opening(world.org),
        conversation=conversation,
        member=world.member,
        start=1,
        end=3,
        title="开场示范",
        status=Clip.Status.READY,
        lines=[{"start": 0, "end": 2, "role": "agent", "text": "您好，我是小美"}],
    )
    bob = login(world.peer)
    assert "开场示范" in bob.get("/coaching/?scenario=opening").content.decode()
    assert "开场示范" not in bob.get("/coaching/?scenario=closing").content.decode()
    assert 'data-testid="mark-listened"' in bob.get("/coaching/?scenario=opening").content.decode()
    fragment = bob.post(f"/coaching/clips/{clip.pk}/listened/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="listened"' in fragment
    bob.post(f"/coaching/clips/{clip.pk}/listened/")  # twice is still once
    assert ClipListen.objects.filter(clip=clip).count() == 1
    alice = login(world.member)
    assert 'data-testid="mark-listened"' in alice.get("/coaching/?scenario=opening").content.decode()
    # A manager adds a custom playlist; a member cannot.
    mia = login(world.manager)
    mia.post("/coaching/playlists/new/", {"name": "老客户回访"})
    assert "老客户回访" in mia.get("/coaching/").content.decode()
    assert login(world.member).post("/coaching/playlists/new/", {"name": "我的"}).status_code == 404
    # Other companies see nothing of it.
    assert login(world.other_director).get(f"/coaching/clips/{clip.pk}/").status_code == 404


def test_rules_map_to_scenarios() -> None:
    assert scenario_of_rule("self_intro", "开场自我介绍") == "opening"
    assert scenario_of_rule("needs", "需求探询（至少问两个问题）") == "discovery"
    assert scenario_of_rule("price_objection", "嫌贵时讲价值") == "objection"
    assert scenario_of_rule("closing", "结束语") == "closing"
    assert scenario_of_rule("long_silence", "冷场（超过 6 秒无人说话）") is None
    assert scenario_of_rule("forbidden_words", "服务禁语") is None


def test_suggested_moments_come_from_top_conversations_and_add_in_one_click(
    world: Any, login: Any, tmp_path: Path
) -> None:
    best = _conversation(world.member, tmp_path, score=10)
    weak = _conversation(world.peer, tmp_path, score=3)
    private = _conversation(world.peer, tmp_path, score=10, consent=False)
    for conversation in (best, weak, private):
        RuleHit.objects.create(
            conversation=conversation,
            rule_id="self_intro",
            name="开场自我介绍",
            points=10,
            passed=True,
            evidence=[{"segment": 0, "text": "您好，我是小美"}],
        )
        RuleHit.objects.create(
            conversation=conversation, rule_id="closing", name="结束语", points=5, passed=False, evidence=[]
        )
    # An overturned pass is no example.
    RuleHit.objects.filter(conversation=weak).update(decision=RuleHit.Decision.OVERTURNED)
    mia = login(world.manager)
    page = mia.get("/coaching/").content.decode()
    assert page.count('data-testid="suggestion"') == 1
    assert f'name="conversation" value="{best.pk}"' in page
    assert f'value="{private.pk}"' not in page and f'value="{weak.pk}"' not in page
    assert 'data-testid="suggestions"' not in login(world.member).get("/coaching/").content.decode()
    mia = login(world.manager)  # one test client: log the manager in again
    added = mia.post(
        "/coaching/clips/new/",
        {
            "conversation": best.pk,
            "from_line": 0,
            "to_line": 1,
            "playlist": _opening(world.org).pk,
            "title": "开场自我介绍 · Alice",
            "next": "library",
        },
        follow=True,
    )
    assert added.redirect_chain[-1][0] == f"/coaching/?playlist={_opening(world.org).pk}"
    clip = Clip.objects.get()
    assert clip.playlist.scenario == "opening" and len(clip.lines) == 2
    assert 'data-testid="suggestion"' not in mia.get("/coaching/").content.decode()  # already clipped


def test_api_creates_lists_and_marks_clips(world: Any, login: Any, tmp_path: Path) -> None:
    conversation = _conversation(world.member, tmp_path)
    dora = login(world.director)
    playlist = _opening(world.org)
    created = dora.post(
        "/api/coaching/clips",
        {"conversation_id": conversation.pk, "from_line": 0, "to_line": 0, "playlist_id": playlist.pk, "title": "开场"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["lines"][0]["text"].startswith("您好")
    refused = dora.post(
        "/api/coaching/clips",
        {"conversation_id": conversation.pk, "from_line": 2, "to_line": 0, "playlist_id": playlist.pk},
        content_type="application/json",
    )
    assert refused.status_code == 422 and "第一行" in refused.json()["message"]
    bob = login(world.peer)
    listed = bob.get(f"/api/coaching/clips?playlist_id={playlist.pk}").json()
    assert [c["title"] for c in listed] == ["开场"] and listed[0]["listened"] is False
    assert bob.post(f"/api/coaching/clips/{listed[0]['id']}/listened").json()["listened"] is True
    assert {p["scenario"] for p in bob.get("/api/coaching/playlists").json()} >= {
        "opening",
        "discovery",
        "objection",
        "closing",
    }


def test_the_library_page_does_not_grow_queries_with_clips(world: Any, login: Any, tmp_path: Path) -> None:
    conversation = _conversation(world.member, tmp_path, audio=b"x")
    playlist = _opening(world.org)

    def add(n: int) -> None:
        for i in range(n):
            Clip.objects.create(
                organization=world.org,
                playlist=playlist,
                conversation=conversation,
                member=world.member,
                start=1,
                end=3,
                title=f"片段{i}",
                status=Clip.Status.READY,
                added_by=world.manager,
                lines=[{"start": 0, "end": 2, "role": "agent", "text": "您好"}],
            )

    mia = login(world.manager)
    add(2)
    mia.get("/coaching/")  # warm up: sessions, playlists created
    with CaptureQueriesContext(connection) as few:
        assert mia.get("/coaching/").status_code == 200
    add(10)
    with CaptureQueriesContext(connection) as many:
        page = mia.get("/coaching/").content.decode()
    assert page.count('data-testid="clip"') == 12
    assert len(many.captured_queries) == len(few.captured_queries) <= 20
