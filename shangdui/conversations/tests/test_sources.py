"""Recording sources: consent and the agent channel from the source, watched folders for recorder
devices (real files in a temp folder, the real analysis job running eagerly), voice enrolment pages."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from shangdui.conversations import sources
from shangdui.conversations.jobs import pipeline_options
from shangdui.conversations.models import Conversation, RecordingSource, VoiceProfile, WatchedFile
from shangdui.conversations.services import scheme_install_default

from .conftest import write_wav

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def watch_root(settings: Any, tmp_path: Path) -> Path:
    settings.WATCH_ROOT = tmp_path / "watch"
    return settings.WATCH_ROOT


def _tone(path: Path, seconds: float = 2.0, freq: float = 440.0) -> Path:
    t = np.arange(int(16000 * seconds)) / 16000
    return write_wav(path, (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32))


def test_folder_must_stay_inside_the_watch_root(world: Any, watch_root: Path) -> None:
    for bad in ("../outside", "/etc", "a/../../b", ""):
        if not bad:
            continue
        with pytest.raises(ValidationError) as exc:
            sources.source_save(organization=world.org, name=f"x{bad}", kind="badge", watch_folder=bad)
        assert "watch_folder" in exc.value.message_dict
    source = sources.source_save(organization=world.org, name="工牌", kind="badge", watch_folder="badges/alice")
    assert source.watch_folder == "badges/alice" and (watch_root / "badges/alice").is_dir()
    with pytest.raises(ValidationError):
        sources.source_save(
            organization=world.org, name="另一个", kind="badge", watch_folder=str(watch_root / "badges/alice")
        )


@pytest.mark.slow
def test_watched_folder_ingests_a_complete_file_exactly_once(world: Any, watch_root: Path, samples: Path) -> None:
    scheme_install_default(organization=world.org)
    source = sources.source_save(
        organization=world.org,
        name="张三的工牌",
        kind="badge",
        consent=True,
        default_member=world.member,
        watch_folder="badge-alice",
    )
    folder = watch_root / "badge-alice"
    audio = (samples / "mono" / "p02.wav").read_bytes()

    # A device is still writing: half the file, then the rest; nothing is taken while the size moves.
    target = folder / "rec_0001.wav"
    target.write_bytes(audio[: len(audio) // 2])
    assert sources.watch_scan().waiting == 1
    with target.open("ab") as handle:
        handle.write(audio[len(audio) // 2 :])
    report = sources.watch_scan()
    assert report.waiting == 1 and not report.ingested and Conversation.objects.count() == 0
    report = sources.watch_scan()
    assert len(report.ingested) == 1, report

    conversation = Conversation.objects.get(pk=report.ingested[0])
    assert conversation.member == world.member and conversation.source == source
    assert conversation.consent is True and conversation.channel == "face_to_face"
    assert conversation.status == "done", conversation.error  # the normal pipeline job ran
    assert {s.role for s in conversation.segments.all()} == {"agent", "customer"}
    assert not target.exists() and (folder / "done" / "rec_0001.wav").exists()

    # The same recording copied again under another name: recorded, moved, not analysed twice.
    shutil.copy(folder / "done" / "rec_0001.wav", folder / "copy.wav")
    sources.watch_scan()
    report = sources.watch_scan()
    assert report.duplicates == 1 and not report.ingested
    assert Conversation.objects.count() == 1
    assert WatchedFile.objects.get(path="copy.wav").status == WatchedFile.Status.DUPLICATE


def test_file_name_names_the_member_and_unreadable_files_fail_with_a_reason(world: Any, watch_root: Path) -> None:
    source = sources.source_save(
        organization=world.org, name="门店录音笔", kind="badge", consent=False, watch_folder="shop"
    )
    folder = watch_root / "shop"
    _tone(folder / f"{world.peer.user.username}_20261127.wav")
    (folder / "broken.wav").write_bytes(b"this is not audio at all " * 40)
    _tone(folder / "nobody.wav", freq=300)
    (folder / "notes.txt").write_text("hello", encoding="utf-8")
    assert sources.watch_scan().waiting == 4
    out = StringIO()
    call_command("scan_watch_folders", stdout=out, stderr=StringIO())
    assert "导入 1" in out.getvalue() and "失败 3" in out.getvalue()

    conversation = Conversation.objects.get(source=source)
    assert conversation.member == world.peer and conversation.consent is False
    assert conversation.status == "no_speech"  # a tone: the job ran and found no speech
    failed = folder / "failed"
    assert sorted(p.name for p in failed.iterdir()) == sorted(
        [
            "broken.wav",
            "broken.wav.reason.txt",
            "nobody.wav",
            "nobody.wav.reason.txt",
            "notes.txt",
            "notes.txt.reason.txt",
        ]
    )
    reason = (failed / "nobody.wav.reason.txt").read_text(encoding="utf-8")
    assert "<用户名>_<任意>" in reason and "<username>_<anything>" in reason  # Chinese and English
    assert (failed / "broken.wav.reason.txt").read_text(encoding="utf-8").strip()
    # Nothing is left pending, and a later scan does nothing.
    assert not WatchedFile.objects.filter(status=WatchedFile.Status.PENDING).exists()
    assert sources.watch_scan().seen == 0


def test_upload_with_a_source_takes_its_consent_and_agent_channel(world: Any, login: Any, tmp_path: Path) -> None:
    source = sources.source_save(
        organization=world.org, name="400 热线", kind="phone_line", consent=False, agent_channel="right"
    )
    client = login(world.member)
    wav = _tone(tmp_path / "call.wav").read_bytes()
    response = client.post(
        "/conversations/upload/",
        {
            "recordings": [SimpleUploadedFile("call.wav", wav)],
            "member": world.member.pk,
            "channel": "phone",
            "consent": "on",
            "source": source.pk,
        },
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 201, response.content
    conversation = Conversation.objects.get(pk=response.json()["created"][0])
    assert conversation.source == source and conversation.consent is False  # the source says no consent
    options = pipeline_options(conversation)
    assert options.channel_roles == ("customer", "agent") and options.max_speakers == 2
    page = client.get(f"/conversations/{conversation.pk}/").content.decode()
    assert 'data-testid="no-consent"' in page and "400 热线" in page

    other_source = RecordingSource.objects.create(organization=world.other_org, name="别家")
    response = client.post(
        "/api/conversations", {"file": SimpleUploadedFile("c.wav", wav), "source_id": other_source.pk}
    )
    assert response.status_code == 404


def test_sources_page_for_managers_only(world: Any, login: Any, watch_root: Path) -> None:
    manager = login(world.manager)
    response = manager.post(
        "/conversations/sources/new/",
        {
            "name": "工牌-A",
            "kind": "badge",
            "agent_channel": "left",
            "consent": "on",
            "default_member": world.member.pk,
            "watch_folder": "../escape",
            "is_active": "on",
        },
    )
    assert response.status_code == 200 and str(watch_root.resolve()) in response.content.decode()
    assert not RecordingSource.objects.exists()
    response = manager.post(
        "/conversations/sources/new/",
        {
            "name": "工牌-A",
            "kind": "badge",
            "agent_channel": "left",
            "consent": "on",
            "default_member": world.member.pk,
            "watch_folder": "badge-a",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    source = RecordingSource.objects.get()
    assert source.consent and source.default_member == world.member and source.watch_folder == "badge-a"
    assert login(world.member).get("/conversations/sources/").status_code == 404


def test_voice_enrolment_page(world: Any, login: Any, samples: Path, tmp_path: Path) -> None:
    from shangdui.conversations.pipeline.decode import decode

    agent = decode(str(samples / "stereo" / "p01.wav")).channels[0]
    sample = write_wav(tmp_path / "me.wav", agent).read_bytes()
    client = login(world.member)
    short = client.post(
        "/conversations/voice/",
        {"sample": SimpleUploadedFile("me.wav", sample[: 16000 * 2 * 4])},
        HTTP_ACCEPT="application/json",
    )
    assert short.status_code == 400 and "秒" in short.json()["message"]
    assert not VoiceProfile.objects.exists()
    ok = client.post(
        "/conversations/voice/", {"sample": SimpleUploadedFile("me.wav", sample)}, HTTP_ACCEPT="application/json"
    )
    assert ok.status_code == 201, ok.content
    profile = VoiceProfile.objects.get(member=world.member)
    assert profile.speech_seconds >= 10 and len(profile.embedding["wide"]["mean"]) == 19
    # The manager may re-enrol for the member; a peer may not even see the page.
    assert login(world.manager).get(f"/conversations/voice/{world.member.pk}/").status_code == 200
    assert login(world.peer).get(f"/conversations/voice/{world.member.pk}/").status_code == 404
    # The member's next mono conversation is analysed with the profile.
    conversation = Conversation.objects.create(
        organization=world.org, member=world.member, occurred_at=profile.updated_at, channel="face_to_face"
    )
    options = pipeline_options(conversation)
    assert options.voice_profile is not None and (options.min_speakers, options.max_speakers) == (1, 3)
