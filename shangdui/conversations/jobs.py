"""The analysis job: one conversation through the audio pipeline and the inspection scheme."""

from __future__ import annotations

import threading
from typing import Any

from django.utils.translation import gettext as _

from shangdui.conversations.models import Conversation
from shangdui.conversations.services import conversation_store_result
from shangdui.core.jobs import PermanentJobError, Progress, job_handler
from shangdui.core.models import Job

_engine_lock = threading.Lock()
_engine: Any = None


def engine() -> Any:
    """Load the speech model once per worker process (a few seconds), reuse it for every job."""
    global _engine
    with _engine_lock:
        if _engine is None:
            from shangdui.conversations.engines.base import get_engine

            _engine = get_engine()
        return _engine


def pipeline_options(conversation: Conversation, **kwargs: Any) -> Any:
    """The pipeline options a conversation implies: the source's agent channel, the number of
    speakers its channel allows (a call has two parties; a face-to-face talk one to three), and the
    member's enrolled voice."""
    from shangdui.conversations.models import VoiceProfile
    from shangdui.conversations.pipeline.run import Options
    from shangdui.conversations.pipeline.voiceprint import Voiceprint

    options = Options(**kwargs)
    if conversation.source is not None:
        options.channel_roles = conversation.source.channel_roles
    if conversation.channel == Conversation.Channel.FACE_TO_FACE:
        options.min_speakers, options.max_speakers = 1, 3
    profile = VoiceProfile.objects.filter(member_id=conversation.member_id).first()
    if profile is not None:
        try:
            options.voice_profile = Voiceprint.from_json(profile.embedding, profile.speech_seconds)
        except (KeyError, TypeError, ValueError):
            pass  # a profile of an older method: content-based roles until the member enrols again
    return options


@job_handler("conversations.analyze")
def analyze(job: Job, progress: Progress) -> dict[str, Any]:
    from shangdui.conversations.inspection import Inspector, parse_scheme
    from shangdui.conversations.pipeline.analyze import analyze_file
    from shangdui.shop.models import Shop

    conversation = Conversation.objects.select_related("scheme", "organization", "source").filter(
        pk=job.params.get("conversation_id"), organization=job.organization).first()
    if conversation is None:
        raise PermanentJobError(_("The conversation no longer exists."))
    if not conversation.audio:
        raise PermanentJobError(_("The recording has been deleted."))
    Conversation.objects.filter(pk=conversation.pk).update(status=Conversation.Status.PROCESSING)
    progress(1, 4, _("Loading the speech model"))
    asr = engine()
    inspector = None
    keywords: list[str] = []
    rules_meta: dict[str, Any] = {}
    if conversation.scheme is not None:
        scheme = parse_scheme(conversation.scheme.source)
        inspector = Inspector(scheme)
        keywords = [w for rule in scheme.rules for w in rule.words()]
        rules_meta = {r.id: {"name": r.name or r.id, "kind": r.kind, "points": r.points} for r in scheme.rules}
    vocabulary = list(Shop.objects.filter(organization=conversation.organization).values_list("name", flat=True))
    options = pipeline_options(conversation, vocabulary=vocabulary, extra_words=keywords)
    progress(2, 4, _("Recognising speech"))
    result = analyze_file(conversation.audio.path, asr, options, inspector)
    if "error" not in result:
        from shangdui.conversations.pipeline.metrics import summary
        from shangdui.conversations.pipeline.types import Segment

        turns = [Segment(start=s["start"], end=s["end"], role=s["role"], speaker=str(s.get("speaker", "")),
                         text=s["text"]) for s in result["segments"]]
        result["metrics"] = summary(turns, float(result.get("duration") or 0.0))
    progress(3, 4, _("Saving the transcript"))
    conversation = conversation_store_result(conversation=conversation, result=result, scheme_rules=rules_meta)
    if conversation.status == Conversation.Status.FAILED:
        raise PermanentJobError(conversation.error)
    return {"conversation_id": conversation.pk, "status": conversation.status,
            "segments": conversation.segments.count(), "score": conversation.score}
