"""Writes for recording sources (录音来源), their watched folders, and members' voice profiles (声纹).

Watched folders: a recorder device (or the sync tool of a badge) drops files into
``<SHANGDUI_WATCH_ROOT>/<source folder>/``. Each scan notes new files; a file whose size and mtime
are unchanged at the next scan is complete and is ingested exactly once: its content hash is recorded
(unique per source), it becomes a conversation of the member named by the file name
(``<username>_<anything>.<ext>``, e.g. ``zhangsan_20261127_0930.mp3``) or else of the source's
default member, and it is moved to ``done/``; a file that cannot be used goes to ``failed/`` with a
``<name>.reason.txt`` beside it. The analysis is the normal pipeline job.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from shangdui.conversations.models import Conversation, RecordingSource, VoiceProfile, WatchedFile
from shangdui.conversations.services import AUDIO_SUFFIXES, MAX_AUDIO_BYTES, conversation_upload
from shangdui.org.models import Member, Organization

log = logging.getLogger(__name__)

DONE, FAILED = "done", "failed"


# --- sources ---------------------------------------------------------------------------------------


def watch_root() -> Path:
    return Path(settings.WATCH_ROOT)


def resolve_watch_folder(folder: str) -> Path:
    """The absolute folder of a source; ValidationError for a path outside SHANGDUI_WATCH_ROOT."""
    root = watch_root().resolve()
    candidate = Path(folder.strip())
    path = (candidate if candidate.is_absolute() else root / candidate).resolve()
    if path == root or not path.is_relative_to(root):
        raise ValidationError(
            {
                "watch_folder": _(
                    "The folder must be inside the watch root %(root)s (a sub-folder such as badge-zhangsan)."
                )
                % {"root": root}
            }
        )
    return path


def _folder_key(folder: str) -> str:
    """How the folder is stored: relative to the root, with forward slashes."""
    if not folder.strip():
        return ""
    return resolve_watch_folder(folder).relative_to(watch_root().resolve()).as_posix()


@transaction.atomic
def source_save(
    *,
    organization: Organization,
    name: str,
    kind: str,
    agent_channel: str = "left",
    consent: bool = False,
    default_member: Member | None = None,
    watch_folder: str = "",
    is_active: bool = True,
    instance: RecordingSource | None = None,
) -> RecordingSource:
    """Create or update a source. Changing its consent does not rewrite earlier conversations: consent
    is what held when each was recorded."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the source a name.")})
    if kind not in RecordingSource.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of source.")})
    if agent_channel not in RecordingSource.AgentChannel.values:
        raise ValidationError({"agent_channel": _("Choose the left or the right channel.")})
    if default_member is not None and default_member.organization_id != organization.pk:
        raise ValidationError({"default_member": _("Choose a member of your company.")})
    folder = _folder_key(watch_folder)
    others = RecordingSource.objects.exclude(pk=instance.pk) if instance else RecordingSource.objects.all()
    if others.filter(organization=organization, name=name).exists():
        raise ValidationError({"name": _("Another source already has this name.")})
    if folder and others.filter(watch_folder=folder).exists():
        raise ValidationError({"watch_folder": _("Another source already watches this folder.")})
    source = instance or RecordingSource(organization=organization)
    source.name, source.kind, source.agent_channel = name[:100], kind, agent_channel
    source.consent, source.default_member, source.watch_folder, source.is_active = (
        consent,
        default_member,
        folder,
        is_active,
    )
    source.save()
    if folder:
        resolve_watch_folder(folder).mkdir(parents=True, exist_ok=True)
    return source


# --- voice profiles --------------------------------------------------------------------------------

MAX_ENROL_BYTES = 50 * 1024 * 1024


def voice_profile_enrol(*, actor: Member, member: Member, upload: Any) -> VoiceProfile:
    """Enrol ``member``'s voice from a recording of them speaking (20-60 s). The audio is analysed
    and dropped; only the embedding is stored. ValidationError with the reason when it cannot be used."""
    import tempfile

    from shangdui.conversations.pipeline.decode import AudioError
    from shangdui.conversations.pipeline.run import EnrolmentError, enrol_file
    from shangdui.conversations.pipeline.voiceprint import METHOD, MIN_SPEECH_S

    name = getattr(upload, "name", "") or "voice.webm"
    if not name.lower().endswith(AUDIO_SUFFIXES):
        raise ValidationError(
            _("%(name)s: unsupported format; use wav, mp3, m4a/aac, amr, ogg/opus or flac.") % {"name": name}
        )
    if not upload.size:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    if upload.size > MAX_ENROL_BYTES:
        raise ValidationError(_("A voice sample must be under 50 MB (20-60 seconds of speech)."))
    suffix = Path(name).suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix, dir=settings.FILE_UPLOAD_TEMP_DIR) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        try:
            print_ = enrol_file(handle.name)
        except EnrolmentError as exc:
            raise ValidationError(
                _(
                    "Only %(found).1f seconds of speech were found; record at least %(min)d seconds "
                    "(20-60 seconds is best)."
                )
                % {"found": exc.speech_seconds, "min": int(MIN_SPEECH_S)}
            ) from None
        except AudioError as exc:
            raise ValidationError(_("The recording cannot be read: %(reason)s") % {"reason": exc}) from None
    profile, _created = VoiceProfile.objects.update_or_create(
        member=member,
        defaults={
            "organization_id": member.organization_id,
            "method": METHOD,
            "embedding": print_.to_json(),
            "speech_seconds": round(print_.speech_seconds, 1),
            "enrolled_by": actor,
        },
    )
    return profile


def voice_profile_delete(*, member: Member) -> bool:
    return bool(VoiceProfile.objects.filter(member=member).delete()[0])


# --- watched folders -------------------------------------------------------------------------------


@dataclass
class ScanReport:
    seen: int = 0
    waiting: int = 0
    ingested: list[int] = field(default_factory=list)  # conversation ids
    duplicates: int = 0
    failed: list[str] = field(default_factory=list)  # "folder/name: reason"

    def as_text(self) -> str:
        return (
            f"seen {self.seen}, waiting {self.waiting}, ingested {len(self.ingested)}, "
            f"duplicates {self.duplicates}, failed {len(self.failed)}"
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _move(path: Path, sub: str) -> Path:
    target_dir = path.parent / sub
    target_dir.mkdir(exist_ok=True)
    target = target_dir / path.name
    n = 1
    while target.exists():
        target = target_dir / f"{path.stem}.{n}{path.suffix}"
        n += 1
    shutil.move(str(path), str(target))
    return target


def _fail(path: Path, row: WatchedFile, reason: str, english: str = "") -> None:
    moved = _move(path, FAILED)
    text = f"{reason}\n{english}\n" if english else f"{reason}\n"
    moved.with_name(moved.name + ".reason.txt").write_text(text, encoding="utf-8")
    WatchedFile.objects.filter(pk=row.pk).update(status=WatchedFile.Status.FAILED, reason=reason[:2000])


def member_for_file(source: RecordingSource, name: str) -> Member | None:
    """``<username>_<anything>`` names the member (an active member of the source's company);
    otherwise the source's default member."""
    stem = Path(name).stem
    if "_" in stem:
        username = stem.split("_", 1)[0]
        member = Member.objects.filter(
            organization_id=source.organization_id, is_active=True, user__username=username
        ).first()
        if member is not None:
            return member
    return source.default_member if source.default_member and source.default_member.is_active else None


def _readable(path: Path) -> str | None:
    """None when PyAV finds an audio stream, else the reason (the full decode happens in the job)."""
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                return _("the file has no audio stream")
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        return _("the file cannot be read (%(error)s)") % {"error": type(exc).__name__}
    return None


def _problem(source: RecordingSource, path: Path, row: WatchedFile) -> str:
    """Why the file cannot be ingested (in the active language), or "" when it can."""
    if not path.name.lower().endswith(AUDIO_SUFFIXES):
        return _("%(name)s: unsupported format; use wav, mp3, m4a/aac, amr, ogg/opus or flac.") % {"name": path.name}
    if row.size == 0:
        return _("%(name)s is empty.") % {"name": path.name}
    if row.size > MAX_AUDIO_BYTES:
        return _("%(name)s is larger than 500 MB.") % {"name": path.name}
    unreadable = _readable(path)
    if unreadable:
        return unreadable
    if member_for_file(source, path.name) is None:
        return _("No member for %(name)s: name the file <username>_<anything> or set the source's default member.") % {
            "name": path.name
        }
    return ""


def _ingest(source: RecordingSource, path: Path, row: WatchedFile, report: ScanReport) -> None:
    label = f"{source.watch_folder}/{path.name}"
    reason = _problem(source, path, row)
    if reason:
        with translation.override("en"):
            english = _problem(source, path, row)
        # The reason file is read by whoever looks after the device: in Chinese and in English.
        _fail(path, row, reason, english if english != reason else "")
        report.failed.append(f"{label}: {reason}")
        return
    member = member_for_file(source, path.name)
    assert member is not None
    digest = _sha256(path)
    earlier = WatchedFile.objects.filter(source=source, sha256=digest, status=WatchedFile.Status.INGESTED).first()
    if earlier is None:
        try:
            with transaction.atomic():
                # Compare-and-set: of two scanners that reach the same pending row, one ingests.
                if not WatchedFile.objects.filter(pk=row.pk, status=WatchedFile.Status.PENDING).update(
                    status=WatchedFile.Status.INGESTED, sha256=digest
                ):
                    return
                mtime = dt.datetime.fromtimestamp(row.mtime, tz=dt.UTC)
                channel = (
                    Conversation.Channel.PHONE
                    if source.kind == RecordingSource.Kind.PHONE_LINE
                    else Conversation.Channel.FACE_TO_FACE
                )
                with path.open("rb") as handle:
                    conversation = conversation_upload(
                        actor=None,
                        member=member,
                        upload=File(handle, name=path.name),
                        channel=channel,
                        occurred_at=mtime,
                        source=source,
                    )
                WatchedFile.objects.filter(pk=row.pk).update(conversation=conversation)
        except IntegrityError:
            earlier = WatchedFile.objects.filter(
                source=source, sha256=digest, status=WatchedFile.Status.INGESTED
            ).first()
        else:
            _move(path, DONE)
            report.ingested.append(conversation.pk)
            return
    # The same recording was ingested before (copied twice, or a crash before the move): keep it
    # with the done files, and do not analyse it again.
    WatchedFile.objects.filter(pk=row.pk, status=WatchedFile.Status.PENDING).update(
        status=WatchedFile.Status.DUPLICATE,
        sha256=digest,
        reason=_("Same recording as conversation %(id)s.") % {"id": earlier.conversation_id if earlier else "?"},
    )
    _move(path, DONE)
    report.duplicates += 1


def watch_scan() -> ScanReport:
    """Scan every active source's watched folder once (beat runs this every
    ``SHANGDUI_WATCH_SCAN_SECONDS``; ``shangdui scan-watch-folders`` for cron). Idempotent."""
    report = ScanReport()
    sources = (
        RecordingSource.objects.filter(is_active=True)
        .exclude(watch_folder="")
        .select_related("default_member")
        .order_by("pk")
    )
    for source in sources:
        try:
            folder = resolve_watch_folder(source.watch_folder)
        except ValidationError:
            log.warning("source %s: folder %s is outside the watch root; skipped", source.pk, source.watch_folder)
            continue
        if not folder.is_dir():
            folder.mkdir(parents=True, exist_ok=True)
            continue
        present = set()
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if (
                not entry.is_file(follow_symlinks=False)
                or entry.name.startswith(".")
                or entry.name.endswith((".part", ".tmp", ".crdownload"))
            ):
                continue
            report.seen += 1
            present.add(entry.name)
            stat = entry.stat()
            row = WatchedFile.objects.filter(source=source, path=entry.name, status=WatchedFile.Status.PENDING).first()
            if row is None:
                WatchedFile.objects.create(source=source, path=entry.name, size=stat.st_size, mtime=stat.st_mtime)
                report.waiting += 1
            elif row.size != stat.st_size or row.mtime != stat.st_mtime:
                WatchedFile.objects.filter(pk=row.pk).update(size=stat.st_size, mtime=stat.st_mtime)
                report.waiting += 1
            else:
                _ingest(source, Path(entry.path), row, report)
        # A pending file that vanished before it was complete (moved away by hand) is forgotten.
        WatchedFile.objects.filter(source=source, status=WatchedFile.Status.PENDING).exclude(path__in=present).delete()
    return report
