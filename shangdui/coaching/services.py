"""Writes of the coaching library: playlists, clips (cut in the background), listened marks."""

from __future__ import annotations

import os

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shangdui.coaching.access import can_curate
from shangdui.coaching.models import Clip, ClipListen, CoachingPlaylist, Scenario
from shangdui.conversations.access import can_view
from shangdui.conversations.models import Conversation
from shangdui.core.jobs import job_enqueue
from shangdui.org.models import Member, Organization

MAX_CLIP_SECONDS = 300  # a coaching moment, not a whole call


def has_consent(conversation: Conversation) -> bool:
    """The conversation's own consent flag (copied from its recording source at ingest) and, while the
    source exists, the source's current flag: a source whose consent was withdrawn shares nothing new."""
    source = conversation.source
    return conversation.consent and (source is None or source.consent)


def playlists_ensure(*, organization: Organization) -> list[CoachingPlaylist]:
    """The four scenario playlists exist in every organization (created on first use)."""
    existing = {p.scenario for p in CoachingPlaylist.objects.filter(organization=organization).exclude(scenario="")}
    for scenario in Scenario:
        if scenario.value not in existing:
            try:
                with transaction.atomic():
                    CoachingPlaylist.objects.create(
                        organization=organization, scenario=scenario.value, name=scenario.value
                    )
            except IntegrityError:
                pass  # created by a concurrent request: the constraint allows one per scenario
    return list(CoachingPlaylist.objects.filter(organization=organization))


@transaction.atomic
def playlist_create(*, actor: Member, name: str) -> CoachingPlaylist:
    if not can_curate(actor):
        raise ValidationError(_("Only managers and inspectors create playlists."))
    name = name.strip()
    if not name or len(name) > 60:
        raise ValidationError(_("Give the playlist a name of 1 to 60 characters."))
    if (
        CoachingPlaylist.objects.filter(organization_id=actor.organization_id, name=name).exists()
        or name in Scenario.values
    ):
        raise ValidationError(_("A playlist named %(name)s already exists.") % {"name": name})
    return CoachingPlaylist.objects.create(organization_id=actor.organization_id, name=name, created_by=actor)


@transaction.atomic
def clip_create(
    *,
    actor: Member,
    conversation: Conversation,
    from_line: int,
    to_line: int,
    playlist: CoachingPlaylist,
    title: str,
    note: str = "",
) -> Clip:
    """Share turns ``from_line``..``to_line`` (segment indexes) of ``conversation`` as a clip.

    Only with the customer's consent to the recording; the excerpt's audio is cut by a job.
    """
    if not can_curate(actor) or not can_view(actor, conversation):
        raise ValidationError(_("Only managers and inspectors who may see the conversation add clips."))
    if playlist.organization_id != conversation.organization_id or actor.organization_id != playlist.organization_id:
        raise ValidationError(_("Choose a playlist of your organization."))
    if not has_consent(conversation):
        raise ValidationError(_("The customer did not consent to this recording, so no clip can be shared from it."))
    if conversation.status != Conversation.Status.DONE:
        raise ValidationError(_("Only an analysed conversation can be clipped."))
    if from_line > to_line:
        raise ValidationError(_("The first line must come before the last line."))
    segments = list(conversation.segments.filter(index__gte=from_line, index__lte=to_line).order_by("index"))
    if not segments or segments[0].index != from_line or segments[-1].index != to_line:
        raise ValidationError(_("Choose lines of this conversation's transcript."))
    start, end = segments[0].start, max(s.end for s in segments)
    if end - start > MAX_CLIP_SECONDS:
        raise ValidationError(_("A clip is at most %(n)s seconds long; choose fewer lines.") % {"n": MAX_CLIP_SECONDS})
    if end <= start:
        raise ValidationError(_("The chosen lines have no duration."))
    has_audio = bool(conversation.audio)
    if not has_audio and conversation.channel != Conversation.Channel.IM:
        raise ValidationError(
            _("The recording has been deleted under the retention policy; no clip can be cut from it.")
        )
    title = title.strip() or segments[0].text[:40]
    clip = Clip.objects.create(
        organization_id=conversation.organization_id,
        playlist=playlist,
        conversation=conversation,
        member_id=conversation.member_id,
        start=start,
        end=end,
        title=title[:100],
        note=note.strip()[:2000],
        lines=[
            {"start": round(s.start - start, 2), "end": round(s.end - start, 2), "role": s.role, "text": s.text}
            for s in segments
        ],
        status=Clip.Status.QUEUED if has_audio else Clip.Status.READY,
        added_by=actor,
    )
    if has_audio:
        job = job_enqueue(
            organization=actor.organization,
            kind="coaching.cut_clip",
            title=_("Cut clip %(title)s") % {"title": clip.title[:80]},
            params={"clip_id": clip.pk},
            created_by=actor.user,
        )
        Clip.objects.filter(pk=clip.pk).update(job=job)
        clip.job = job
    return clip


def clip_delete(*, actor: Member, clip: Clip) -> None:
    if not can_curate(actor):
        raise ValidationError(_("Only managers and inspectors remove clips."))
    path = clip.audio.path if clip.audio else None
    clip.delete()
    if path and os.path.exists(path):
        os.remove(path)


def clip_mark_listened(*, member: Member, clip: Clip) -> ClipListen:
    if member.organization_id != clip.organization_id:
        raise ValidationError(_("Choose a clip of your organization."))
    listen, _created = ClipListen.objects.get_or_create(clip=clip, member=member)
    return listen
