"""Review cycles (考核): self-assessment pre-filled with goal results, manager assessment, joint
confirmation and the outcome (bonus coefficient, reward, penalty) that the pay run picks up."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shangdui.core.audit import audit
from shangdui.core.models import AuditLog
from shangdui.org.access import can_manage
from shangdui.org.models import Member, Organization
from shangdui.performance.goals import goal_progress
from shangdui.performance.models import Goal, Review, ReviewCycle

MAX_COEFFICIENT = Decimal(3)


def goal_results(member: Member, start: dt.date, end: dt.date, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Each agreed goal of the member overlapping the period, with its result and evidence."""
    results = []
    goals = Goal.objects.filter(organization_id=member.organization_id, member=member, state=Goal.State.AGREED,
                                period_start__lte=end, period_end__gte=start).order_by("period_start", "id")
    for goal in goals:
        progress = goal_progress(goal, today=today or end)
        results.append({"goal_id": goal.id, "title": goal.title, "measure": goal.measure,
                        "target": str(goal.target), "weight": str(goal.weight), "value": str(progress.value),
                        "ratio": str(progress.ratio), "evidence": progress.evidence})
    return results


def weighted_completion(results: list[dict[str, Any]]) -> Decimal | None:
    """Weighted completion (%) of the goals, each capped at 300 %; None without weights."""
    weights = sum((Decimal(r["weight"]) for r in results), Decimal(0))
    if not weights:
        return None
    total = sum((min(Decimal(r["ratio"]), Decimal(300)) * Decimal(r["weight"]) for r in results), Decimal(0))
    return (total / weights).quantize(Decimal("0.01"))


@transaction.atomic
def reviewcycle_create(*, actor: Member, organization: Organization, name: str, period_start: dt.date,
                       period_end: dt.date, deadline: dt.date, members: list[Member]) -> ReviewCycle:
    if actor.role not in (Member.Role.DIRECTOR, Member.Role.MANAGER, Member.Role.FINANCE):
        raise PermissionError(_("Only a manager, the director or HR starts a review cycle."))
    if not name.strip():
        raise ValidationError({"name": _("Please enter a name.")})
    if period_end < period_start:
        raise ValidationError({"period_end": _("The period ends before it starts.")})
    cycle = ReviewCycle.objects.create(organization=organization, name=name.strip(), period_start=period_start,
                                       period_end=period_end, deadline=deadline)
    for member in members:
        if member.organization_id != organization.id:
            raise ValidationError(_("Unknown member."))
        Review.objects.create(organization=organization, cycle=cycle, member=member, reviewer=member.manager,
                              goal_results=goal_results(member, period_start, period_end))
    audit(action=AuditLog.Action.CREATE, organization=organization, actor=actor.user, target=cycle,
          changes={"members": [None, [m.name for m in members]]})
    return cycle


def _locked(review_id: int) -> Review:
    return (Review.objects.select_for_update(of=("self",)).select_related("member", "cycle", "organization")
            .get(pk=review_id))


@transaction.atomic
def review_submit_self(*, actor: Member, review: Review, text: str, score: Decimal | None = None) -> Review:
    review = _locked(review.pk)
    if actor.id != review.member_id:
        raise PermissionError(_("Only the member writes their self-assessment."))
    if review.state != Review.State.SELF:
        raise ValidationError(_("The self-assessment was already submitted; it cannot be submitted twice."))
    if not text.strip():
        raise ValidationError({"text": _("Please write your self-assessment.")})
    review.self_text, review.self_score, review.state = text.strip(), score, Review.State.MANAGER
    review.save()
    audit(action=AuditLog.Action.UPDATE, organization=review.organization, actor=actor.user, target=review,
          changes={"state": [Review.State.SELF, review.state]})
    return review


@transaction.atomic
def review_submit_manager(*, actor: Member, review: Review, text: str, score: Decimal,
                          bonus_coefficient: Decimal, reward: Decimal = Decimal(0),
                          penalty: Decimal = Decimal(0)) -> Review:
    review = _locked(review.pk)
    if actor.id == review.member_id or not can_manage(actor, review.member):
        raise PermissionError(_("Only the member's manager assesses them."))
    if review.state == Review.State.SELF:
        raise ValidationError(_("The member has not submitted the self-assessment yet."))
    if review.state != Review.State.MANAGER:
        raise ValidationError(_("The manager assessment was already submitted; it cannot be submitted twice."))
    errors = {}
    if not (Decimal(0) <= bonus_coefficient <= MAX_COEFFICIENT):
        errors["bonus_coefficient"] = _("The bonus coefficient must be between 0 and 3.")
    if reward < 0 or penalty < 0:
        errors["reward"] = _("Reward and penalty are amounts of 0 or more.")
    if not text.strip():
        errors["text"] = _("Please write the assessment.")
    if errors:
        raise ValidationError(errors)
    review.manager_text, review.manager_score = text.strip(), score
    review.bonus_coefficient, review.reward, review.penalty = bonus_coefficient, reward, penalty
    review.reviewer, review.state = actor, Review.State.JOINT
    review.save()
    audit(action=AuditLog.Action.PAY_CHANGE, organization=review.organization, actor=actor.user, target=review,
          changes={"bonus_coefficient": [None, bonus_coefficient], "reward": [None, reward],
                   "penalty": [None, penalty], "manager_score": [None, score]})
    return review


@transaction.atomic
def review_confirm(*, actor: Member, review: Review, conversation: str = "",
                   final_score: Decimal | None = None) -> Review:
    """Joint review: both confirm; the manager may set the final score and records the conversation."""
    review = _locked(review.pk)
    if review.state != Review.State.JOINT:
        raise ValidationError(_("This review is not waiting for the joint confirmation."))
    if actor.id == review.member_id:
        if review.member_confirmed:
            raise ValidationError(_("You have already confirmed this review."))
        review.member_confirmed = True
    elif can_manage(actor, review.member):
        if review.manager_confirmed:
            raise ValidationError(_("You have already confirmed this review."))
        review.manager_confirmed = True
        review.final_score = final_score if final_score is not None else review.manager_score
        if conversation.strip():
            review.conversation = conversation.strip()
    else:
        raise PermissionError(_("Only the member and their manager confirm the review."))
    if review.member_confirmed and review.manager_confirmed:
        review.state = Review.State.DONE
        review.finished_at = timezone.now()
    review.save()
    audit(action=AuditLog.Action.PAY_CHANGE if review.state == Review.State.DONE else AuditLog.Action.UPDATE,
          organization=review.organization, actor=actor.user, target=review,
          changes={"state": [Review.State.JOINT, review.state], "final_score": [None, review.final_score]})
    return review


def capability_profile(member: Member) -> list[dict[str, Any]]:
    """Completion over periods: one row per finished review (oldest first)."""
    rows = []
    for review in Review.objects.filter(member=member, state=Review.State.DONE).select_related("cycle").order_by(
            "cycle__period_end"):
        rows.append({"cycle": review.cycle.name, "period_end": review.cycle.period_end,
                     "completion": weighted_completion(review.goal_results), "final_score": review.final_score,
                     "coefficient": review.bonus_coefficient})
    return rows


def capability_chart(profile: list[dict[str, Any]]) -> dict[str, Any] | None:
    """ECharts option: weighted completion (%) and final score per finished cycle."""
    if not profile:
        return None
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [_("Completion (%)"), _("Final score")]},
        "xAxis": {"type": "category", "data": [row["cycle"] for row in profile]},
        "yAxis": {"type": "value"},
        "series": [
            {"name": _("Completion (%)"), "type": "line",
             "data": [float(row["completion"]) if row["completion"] is not None else None for row in profile]},
            {"name": _("Final score"), "type": "bar",
             "data": [float(row["final_score"]) if row["final_score"] is not None else None for row in profile]},
        ],
    }
