"""The clip job: cut the excerpt of the source recording into the clip's own file."""

from __future__ import annotations

import os
import tempfile
from typing import Any

from django.core.files import File
from django.utils.translation import gettext as _

from shangdui.coaching.audio import cut_excerpt
from shangdui.coaching.models import Clip
from shangdui.conversations.pipeline.decode import AudioError
from shangdui.core.jobs import PermanentJobError, Progress, job_handler
from shangdui.core.models import Job


@job_handler("coaching.cut_clip")
def cut_clip(job: Job, progress: Progress) -> dict[str, Any]:
    clip = (
        Clip.objects.select_related("conversation")
        .filter(pk=job.params.get("clip_id"), organization=job.organization)
        .first()
    )
    if clip is None:
        raise PermanentJobError(_("The clip no longer exists."))
    if clip.status == Clip.Status.READY and clip.audio:
        return {"clip_id": clip.pk, "duration": clip.duration}  # a rerun after the file was saved
    conversation = clip.conversation
    if conversation is None or not conversation.audio:
        reason = _("The source recording has been deleted.")
        Clip.objects.filter(pk=clip.pk).update(status=Clip.Status.FAILED, error=reason)
        raise PermanentJobError(reason)
    Clip.objects.filter(pk=clip.pk).update(status=Clip.Status.CUTTING, error="")
    progress(1, 3, _("Cutting the excerpt"))
    handle, target = tempfile.mkstemp(suffix=".m4a")
    os.close(handle)
    try:
        try:
            duration = cut_excerpt(conversation.audio.path, target, clip.start, clip.end)
        except AudioError as exc:
            Clip.objects.filter(pk=clip.pk).update(status=Clip.Status.FAILED, error=str(exc))
            raise PermanentJobError(str(exc)) from exc
        progress(2, 3, _("Saving the excerpt"))
        with open(target, "rb") as excerpt:
            clip.audio.save(f"clip-{clip.pk}.m4a", File(excerpt), save=False)
        Clip.objects.filter(pk=clip.pk).update(audio=clip.audio.name, status=Clip.Status.READY, error="")
    finally:
        os.remove(target)
    return {"clip_id": clip.pk, "duration": round(duration, 2)}
