"""Writes: uploads, analysis results, verification decisions, schemes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shangdui.conversations.inspection import SchemeError, parse_scheme
from shangdui.conversations.models import (
    Appeal,
    Conversation,
    InspectionScheme,
    RecordingSource,
    RetentionPolicy,
    RuleHit,
    Segment,
)
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
def conversation_upload(*, actor: Member | None, member: Member, upload: Any, channel: str,
                        occurred_at: dt.datetime | None = None, customer: str = "", order_no: str = "",
                        consent: bool = False, source: RecordingSource | None = None) -> Conversation:
    """Store a recording and queue its analysis (decode → recognise → speakers → inspect).

    With a recording source, the consent is the source's (the customer is told by the line or the
    badge, or not) and its agent channel decides the stereo roles. ``actor`` is None for files that
    arrive through a watched folder."""
    check_audio_upload(upload.name, upload.size)
    if source is not None:
        if source.organization_id != member.organization_id:
            raise ValidationError(_("Choose a recording source of your company."))
        consent = source.consent
    conversation = Conversation(
        organization=member.organization, member=member, channel=channel, source=source,
        occurred_at=occurred_at or timezone.now(), customer=customer.strip()[:100], order_no=order_no.strip()[:64],
        original_name=upload.name[:255], consent=consent, created_by=actor.user if actor else None,
        scheme=InspectionScheme.objects.filter(organization=member.organization, is_default=True).first(),
    )
    conversation.audio.save(upload.name, upload, save=False)
    conversation.save()
    job = job_enqueue(organization=member.organization, kind="conversations.analyze",
                      title=_("Analyse %(name)s") % {"name": upload.name[:80]},
                      params={"conversation_id": conversation.pk}, created_by=actor.user if actor else None)
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


CHAT_SUFFIXES = (".txt", ".log", ".csv", ".json")
MAX_CHAT_BYTES = 20 * 1024 * 1024


def chat_inspect(segments: list[Any], scheme: InspectionScheme | None) -> dict[str, Any]:
    """Inspect chat turns with the same scheme and engine as transcripts; the result as the pipeline gives it."""
    from shangdui.conversations.chats import char_talk_ratio
    from shangdui.conversations.inspection import Inspector, parse_scheme
    from shangdui.conversations.pipeline.metrics import summary

    duration = max((s.end for s in segments), default=0.0)
    result: dict[str, Any] = {"duration": round(duration, 2), "segments": [s.to_dict() for s in segments]}
    if scheme is not None:
        result["inspection"] = Inspector(parse_scheme(scheme.source)).inspect(segments, duration).to_dict()
    metrics = summary(segments, duration)
    metrics["talk_ratio"] = char_talk_ratio(segments)  # chat messages have no duration: share of characters
    result["metrics"] = metrics
    return result


def scheme_rules_meta(scheme: InspectionScheme | None) -> dict[str, Any]:
    if scheme is None:
        return {}
    parsed = parse_scheme(scheme.source)
    return {r.id: {"name": r.name or r.id, "kind": r.kind, "points": r.points} for r in parsed.rules}


def conversation_import_chat(*, actor: Member | None, member: Member, name: str, text: str,
                             agent_nicknames: list[str] | tuple[str, ...] = (),
                             scheme: InspectionScheme | None = None,
                             customer: str = "") -> tuple[Conversation, list[dict[str, Any]]]:
    """One chat log → one ``im`` Conversation whose segments are its messages, inspected at once (text
    inspection takes milliseconds: no job). Returns the conversation and the bad lines (line numbers).
    Raises ValidationError when the file holds no usable message."""
    from shangdui.conversations.chats import ChatError, parse_chat, to_segments
    from shangdui.shop.models import Shop

    if not name.lower().endswith(CHAT_SUFFIXES):
        raise ValidationError(_("%(name)s: unsupported format; use a text (.txt), CSV or JSON chat export.")
                              % {"name": name})
    tz = timezone.get_current_timezone()
    try:
        log = parse_chat(name, text, timezone.localdate())
    except ChatError as exc:
        raise ValidationError(_("%(name)s: %(reason)s") % {"name": name, "reason": exc}) from None
    shops = list(Shop.objects.filter(organization_id=member.organization_id).values_list("name", flat=True))
    segments = to_segments(log.messages, [*agent_nicknames, *shops])
    if scheme is None:
        scheme = InspectionScheme.objects.filter(organization_id=member.organization_id, is_default=True).first()
    first_customer = next((s.speaker for s in segments if s.role == "customer"), "")
    with transaction.atomic():
        conversation = Conversation.objects.create(
            organization_id=member.organization_id, member=member, channel=Conversation.Channel.IM,
            occurred_at=timezone.make_aware(log.messages[0].time, tz), customer=(customer or first_customer)[:100],
            original_name=name[:255], status=Conversation.Status.PROCESSING, scheme=scheme,
            created_by=actor.user if actor else None)
        conversation_store_result(conversation=conversation, result=chat_inspect(segments, scheme),
                                  scheme_rules=scheme_rules_meta(scheme))
    return conversation, [b.to_dict() for b in log.bad_lines]


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
    if Appeal.objects.filter(rule_hit=hit).exists():
        # The member's manager decides an appealed hit; a later verification must not undo that.
        raise ValidationError(_("This rule hit is under appeal; its manager's decision stands."))
    hit.decision, hit.decided_by, hit.comment = decision, actor, comment.strip()[:2000]
    hit.decided_at = timezone.now()
    hit.save(update_fields=["decision", "decided_by", "decided_at", "comment"])
    conversation_rescore(conversation=hit.conversation)
    return hit


@transaction.atomic
def appeal_create(*, actor: Member, hit: RuleHit, reason: str) -> Appeal:
    """The member contests a rule hit of their own conversation (once per hit)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the appeal.")})
    if hit.conversation.member_id != actor.id:
        raise ValidationError(_("Only the member of the conversation can appeal."))
    if hit.effective_passed:
        raise ValidationError(_("Only a failed rule can be appealed."))
    if Appeal.objects.filter(rule_hit=hit).exists():
        raise ValidationError(_("This rule hit has already been appealed."))
    return Appeal.objects.create(organization_id=hit.conversation.organization_id, rule_hit=hit, member=actor,
                                 reason=reason[:2000])


@transaction.atomic
def appeal_decide(*, actor: Member, appeal: Appeal, uphold: bool, comment: str = "") -> Appeal:
    """Close an open appeal and make the score follow: upheld flips the hit's effective result as it
    stood when appealed; rejected confirms it. The hit records who decided, when and why."""
    comment = comment.strip()[:2000]
    if actor.id == appeal.member_id:
        raise ValidationError(_("You cannot decide your own appeal."))
    now = timezone.now()
    status = Appeal.Status.UPHELD if uphold else Appeal.Status.REJECTED
    # Compare-and-set: two managers deciding at once must not both win.
    if not Appeal.objects.filter(pk=appeal.pk, status=Appeal.Status.OPEN).update(
            status=status, decided_by=actor, decided_at=now, decision_comment=comment):
        raise ValidationError(_("This appeal has already been decided."))
    appeal.refresh_from_db()
    hit = RuleHit.objects.select_related("conversation").get(pk=appeal.rule_hit_id)
    if uphold:
        decision = (RuleHit.Decision.CONFIRMED if hit.decision == RuleHit.Decision.OVERTURNED
                    else RuleHit.Decision.OVERTURNED)
    else:
        decision = RuleHit.Decision.OVERTURNED if hit.decision == RuleHit.Decision.OVERTURNED \
            else RuleHit.Decision.CONFIRMED
    hit.decision, hit.decided_by, hit.decided_at = decision, actor, now
    hit.comment = comment or (_("Appeal upheld") if uphold else _("Appeal rejected"))
    hit.save(update_fields=["decision", "decided_by", "decided_at", "comment"])
    conversation_rescore(conversation=hit.conversation)
    return appeal


def retention_days(organization_id: int) -> int:
    policy = RetentionPolicy.objects.filter(organization_id=organization_id).first()
    return policy.audio_days if policy else RetentionPolicy.DEFAULT_DAYS


@transaction.atomic
def retention_set(*, organization: Organization, audio_days: int) -> RetentionPolicy:
    if not 1 <= audio_days <= 3650:
        raise ValidationError({"audio_days": _("Keep recordings between 1 and 3650 days.")})
    policy, _created = RetentionPolicy.objects.update_or_create(
        organization=organization, defaults={"audio_days": audio_days})
    return policy


def audio_purge(*, now: dt.datetime | None = None) -> int:
    """Delete recordings older than each organization's retention (recorded and uploaded before the
    cutoff, analysis finished); transcripts, rule hits and scores stay. Idempotent: a purged
    conversation has no audio left."""
    from shangdui.org.models import Organization as Org

    now = now or timezone.now()
    purged = 0
    policies = dict(RetentionPolicy.objects.values_list("organization_id", "audio_days"))
    for org_id in Org.objects.values_list("id", flat=True).order_by("id"):
        cutoff = now - dt.timedelta(days=policies.get(org_id, RetentionPolicy.DEFAULT_DAYS))
        # Both recorded and uploaded before the cutoff: an old recording uploaded today is analysed first.
        stale = (Conversation.objects.filter(organization_id=org_id, occurred_at__lt=cutoff, created_at__lt=cutoff)
                 .exclude(audio="").exclude(status__in=[Conversation.Status.QUEUED, Conversation.Status.PROCESSING]))
        for conversation in stale.only("id", "audio").order_by("pk").iterator():
            name = conversation.audio.name or ""
            # Clear the row first (compare-and-set on the file name), then delete the file: a crash in
            # between leaves an orphan file for the operator, never a row pointing to nothing.
            if Conversation.objects.filter(pk=conversation.pk, audio=name).update(audio="", audio_deleted_at=now):
                conversation.audio.storage.delete(name)
                purged += 1
    return purged


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
