"""Writes: uploads, analysis results, verification decisions, schemes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shangdui.conversations.inspection import SchemeError, parse_scheme
from shangdui.conversations.models import Conversation, InspectionScheme, RuleHit, Segment
from shangdui.core.jobs import job_enqueue
from shangdui.org.models import Member, Organization

AUDIO_SUFFIXES = (".wav", ".mp3", ".m4a", ".aac", ".amr", ".ogg", ".opus", ".flac", ".webm")  # webm: browser recordings
MAX_AUDIO_BYTES = 500 * 1024 * 1024


def check_audio_upload(name: str, size: int) -> None:
    if not name.lower().endswith(AUDIO_SUFFIXES):
        raise ValidationError(_("%(name)s: unsupported format; use wav, mp3, m4a/aac, amr, ogg/opus or flac.")
                              % {"name": name})
    if size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    if size > MAX_AUDIO_BYTES:
        raise ValidationError(_("%(name)s is larger than 500 MB.") % {"name": name})


@transaction.atomic
def conversation_upload(*, actor: Member, member: Member, upload: Any, channel: str,
                        occurred_at: dt.datetime | None = None, customer: str = "", order_no: str = "",
                        consent: bool = False) -> Conversation:
    """Store a recording and queue its analysis (decode → recognise → speakers → inspect)."""
    check_audio_upload(upload.name, upload.size)
    conversation = Conversation(
        organization=member.organization, member=member, channel=channel,
        occurred_at=occurred_at or timezone.now(), customer=customer.strip()[:100], order_no=order_no.strip()[:64],
        original_name=upload.name[:255], consent=consent, created_by=actor.user,
        scheme=InspectionScheme.objects.filter(organization=member.organization, is_default=True).first(),
    )
    conversation.audio.save(upload.name, upload, save=False)
    conversation.save()
    job = job_enqueue(organization=member.organization, kind="conversations.analyze",
                      title=_("Analyse %(name)s") % {"name": upload.name[:80]},
                      params={"conversation_id": conversation.pk}, created_by=actor.user)
    Conversation.objects.filter(pk=conversation.pk).update(job=job)
    conversation.job = job
    return conversation


@transaction.atomic
def conversation_store_result(*, conversation: Conversation, result: dict[str, Any],
                              scheme_rules: dict[str, Any]) -> Conversation:
    """Replace transcript and rule hits with a fresh analysis (idempotent on rerun)."""
    conversation.segments.all().delete()
    conversation.rule_hits.all().delete()
    if "error" in result:
        message = str(result["error"])
        status = Conversation.Status.NO_SPEECH if "无有效语音" in message else Conversation.Status.FAILED
        Conversation.objects.filter(pk=conversation.pk).update(status=status, error=message[:2000])
        conversation.status, conversation.error = status, message
        return conversation
    Segment.objects.bulk_create([
        Segment(conversation=conversation, index=i, start=s["start"], end=s["end"], role=s["role"],
                speaker=str(s.get("speaker", ""))[:32], text=s["text"])
        for i, s in enumerate(result["segments"])
    ])
    inspection = result.get("inspection") or {}
    hits = []
    for rule in inspection.get("rules", []):
        meta = scheme_rules.get(rule["id"], {})
        hits.append(RuleHit(conversation=conversation, rule_id=rule["id"], name=meta.get("name", rule["id"]),
                            kind=meta.get("kind", ""), points=int(meta.get("points", 0)), passed=rule["passed"],
                            evidence=rule.get("evidence", [])))
    RuleHit.objects.bulk_create(hits)
    conversation.duration = result.get("duration")
    conversation.metrics = result.get("metrics", {})
    conversation.status = Conversation.Status.DONE
    conversation.error = ""
    conversation.save(update_fields=["duration", "metrics", "status", "error"])
    return conversation_rescore(conversation=conversation)


def conversation_rescore(*, conversation: Conversation) -> Conversation:
    hits = list(conversation.rule_hits.all())
    if conversation.scheme_id is None or not hits:
        score = max_score = None
    else:
        score = sum(h.points for h in hits if h.effective_passed)
        max_score = sum(h.points for h in hits)
    Conversation.objects.filter(pk=conversation.pk).update(score=score, max_score=max_score)
    conversation.score, conversation.max_score = score, max_score
    return conversation


@transaction.atomic
def rule_hit_decide(*, actor: Member, hit: RuleHit, decision: str, comment: str = "") -> RuleHit:
    if decision not in (RuleHit.Decision.CONFIRMED, RuleHit.Decision.OVERTURNED):
        raise ValidationError(_("Choose confirm or overturn."))
    hit.decision, hit.decided_by, hit.comment = decision, actor, comment.strip()[:2000]
    hit.save(update_fields=["decision", "decided_by", "comment"])
    conversation_rescore(conversation=hit.conversation)
    return hit


def _validate_scheme(source: str) -> Any:
    try:
        return parse_scheme(source)
    except SchemeError as exc:
        raise ValidationError({"source": _("Field %(field)s: %(message)s") % {
            "field": exc.field, "message": exc.message}}) from None


@transaction.atomic
def scheme_save(*, organization: Organization, source: str, is_default: bool,
                instance: InspectionScheme | None = None) -> InspectionScheme:
    parsed = _validate_scheme(source)
    duplicate = InspectionScheme.objects.filter(organization=organization, key=parsed.id)
    if instance is not None:
        duplicate = duplicate.exclude(pk=instance.pk)
    if duplicate.exists():
        raise ValidationError({"source": _("Another scheme already uses the id %(id)s.") % {"id": parsed.id}})
    scheme = instance or InspectionScheme(organization=organization)
    scheme.key, scheme.name, scheme.source, scheme.is_default = parsed.id, parsed.name or parsed.id, source, is_default
    scheme.save()
    if is_default:
        InspectionScheme.objects.filter(organization=organization).exclude(pk=scheme.pk).update(is_default=False)
    return scheme


def scheme_install_default(*, organization: Organization) -> InspectionScheme:
    """The starter scheme every company gets (editable): greeting, questions, forbidden words, closing."""
    from pathlib import Path

    source = (Path(__file__).resolve().parent / "default_scheme.yaml").read_text(encoding="utf-8")
    existing = InspectionScheme.objects.filter(organization=organization, key="service-basic").first()
    return existing or scheme_save(organization=organization, source=source, is_default=True)
