"""One-to-ones, meetings with problems and suggestions, praise and criticism. Writes are audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shangdui.core.audit import audit
from shangdui.core.models import AuditLog
from shangdui.org.access import can_manage, can_view_private, managed_member_ids
from shangdui.org.models import Department, Member, Organization
from shangdui.performance.goals import goal_progress
from shangdui.performance.models import Feedback, Goal, Meeting, MeetingItem, OneOnOne, OneOnOneCadence

OVERDUE_DAYS = 15


def can_see_private_notes(viewer: Member, one_on_one: OneOnOne) -> bool:
    """Manager-only private notes: the member's manager chain and the director, never the member."""
    return viewer.id != one_on_one.member_id and can_manage(viewer, one_on_one.member)


def can_see_feedback(viewer: Member, feedback: Feedback) -> bool:
    if viewer.organization_id != feedback.organization_id:
        return False
    if feedback.kind == Feedback.Kind.PRAISE or viewer.id in (feedback.author_id, feedback.member_id):
        return True
    # Criticism: the member's manager chain and the director; not finance/HR, not peers.
    return viewer.role != Member.Role.FINANCE and can_view_private(viewer, feedback.member)


def agenda_for(member: Member, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Pre-filled agenda: goal progress, recent daily summaries' problems, open items owned by the member."""
    today = today or timezone.localdate()
    agenda: list[dict[str, Any]] = []
    for goal in Goal.objects.filter(member=member, state=Goal.State.AGREED, period_end__gte=today,
                                    period_start__lte=today).order_by("period_end")[:5]:
        progress = goal_progress(goal, today)
        agenda.append({"kind": "goal", "text": f"{goal.title}: {progress.ratio}%", "goal_id": goal.id})
    try:
        summary_model = apps.get_model("work", "DailySummary")
        for summary in summary_model.objects.filter(member=member, date__gte=today - dt.timedelta(days=14)).exclude(
                problems="").order_by("-date")[:3]:
            agenda.append({"kind": "summary", "text": f"{summary.date:%m-%d} {summary.problems[:80]}"})
    except LookupError:
        pass
    for item in MeetingItem.objects.filter(owner=member).exclude(state=MeetingItem.State.CLOSED).order_by("due")[:5]:
        agenda.append({"kind": "item", "text": item.text[:80], "item_id": item.id})
    return agenda


@transaction.atomic
def oneonone_schedule(*, actor: Member, member: Member, scheduled_for: dt.datetime) -> OneOnOne:
    if actor.id == member.id or not can_manage(actor, member):
        raise PermissionError(_("Only the member's manager schedules a one-to-one."))
    meeting = OneOnOne.objects.create(organization_id=member.organization_id, member=member, manager=actor,
                                      scheduled_for=scheduled_for, agenda=agenda_for(member))
    audit(action=AuditLog.Action.CREATE, organization=member.organization, actor=actor.user, target=meeting)
    return meeting


@transaction.atomic
def oneonone_record(*, actor: Member, one_on_one: OneOnOne, shared_notes: str, private_notes: str = "",
                    action_items: list[str] | None = None, held_at: dt.datetime | None = None) -> OneOnOne:
    """The manager records the talk: shared notes, private notes and action items."""
    if not can_see_private_notes(actor, one_on_one):
        raise PermissionError(_("Only the member's manager records the one-to-one."))
    one_on_one.shared_notes = shared_notes.strip()
    one_on_one.private_notes = private_notes.strip()
    one_on_one.action_items = _action_tasks(actor, one_on_one, [a.strip() for a in (action_items or []) if a.strip()])
    one_on_one.held_at = held_at or one_on_one.held_at or timezone.now()
    one_on_one.save()
    audit(action=AuditLog.Action.UPDATE, organization=one_on_one.member.organization, actor=actor.user,
          target=one_on_one, changes={"held_at": [None, one_on_one.held_at]})
    return one_on_one


def _follow_up_task(actor: Member, organization: Organization, plan_title: str, title: str, member: Member,
                    due: dt.date, description: str) -> int:
    """A one-hour task for ``member`` in the month's follow-up plan ``plan_title`` (created if missing)."""
    from decimal import Decimal

    from shangdui.work import services as work_services
    from shangdui.work.models import Plan

    today = timezone.localdate()
    plan = Plan.objects.filter(organization_id=organization.id, title=plan_title).first()
    if plan is None:
        plan = work_services.plan_create(actor=actor, organization=organization, title=plan_title,
                                         start=today.replace(day=1), end=max(due, today + dt.timedelta(days=45)),
                                         stages=[])
    task = work_services.task_create(actor=actor, plan=plan, title=title[:120], estimate_hours=Decimal("1"), due=due,
                                     assignees=[member], description=description)
    return int(task.id)


def _action_tasks(actor: Member, one_on_one: OneOnOne, texts: list[str]) -> list[dict[str, Any]]:
    """Each new action item becomes a task assigned to the member (so it lands in their 日程), in
    the month's "one-to-one action items" plan; items recorded before keep their task."""
    known = {a["text"]: a for a in one_on_one.action_items if isinstance(a, dict) and "text" in a}
    today = timezone.localdate()
    title = _("One-to-one action items %(month)s") % {"month": f"{today:%Y-%m}"}
    description = _("From the one-to-one of %(date)s") % {"date": f"{one_on_one.scheduled_for:%Y-%m-%d}"}
    return [known[text] if text in known else {
        "text": text, "task_id": _follow_up_task(actor, one_on_one.member.organization, title, text,
                                                 one_on_one.member, today + dt.timedelta(days=7), description)}
        for text in texts]


@transaction.atomic
def cadence_set(*, actor: Member, member: Member, per_month: int) -> OneOnOneCadence:
    if not can_manage(actor, member):
        raise PermissionError(_("Only the member's manager sets the cadence."))
    if not 1 <= per_month <= 8:
        raise ValidationError({"per_month": _("Between 1 and 8 one-to-ones a month.")})
    cadence, _created = OneOnOneCadence.objects.update_or_create(member=member, defaults={"per_month": per_month})
    return cadence


def suggest_slots(manager: Member, member: Member, now: dt.datetime | None = None,
                  count: int = 4) -> list[dt.datetime]:
    """Next free slots (10:00 and 16:00 on the member's working days) without another one-to-one
    of the manager within the hour."""
    now = timezone.localtime(now or timezone.now())
    busy = list(OneOnOne.objects.filter(manager=manager, scheduled_for__gte=now,
                                        scheduled_for__lt=now + dt.timedelta(days=21)).values_list(
        "scheduled_for", flat=True))
    slots: list[dt.datetime] = []
    day = now.date()
    while len(slots) < count and day < now.date() + dt.timedelta(days=21):
        if day.weekday() in (member.working_days or [0, 1, 2, 3, 4]):
            for hour in (10, 16):
                slot = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
                if slot > now and all(abs((slot - b).total_seconds()) >= 3600 for b in busy):
                    slots.append(slot)
        day += dt.timedelta(days=1)
    return slots[:count]


def cadence_due(member: Member, last_held: dt.datetime | None, now: dt.datetime | None = None) -> dt.date:
    """When the next one-to-one is due by the member's cadence (default 2 a month)."""
    now = now or timezone.now()
    cadence = OneOnOneCadence.objects.filter(member=member).first()
    per_month = cadence.per_month if cadence else 2
    if last_held is None:
        return timezone.localdate(now)
    return timezone.localdate(last_held) + dt.timedelta(days=30 // per_month)


@dataclass
class OverdueRow:
    member: Member
    last_held: dt.datetime | None
    days: int | None  # None: never had one


def overdue_one_on_ones(viewer: Member, now: dt.datetime | None = None) -> list[OverdueRow]:
    """Members the viewer manages who have gone 15+ days without a held one-to-one (one query)."""
    now = now or timezone.now()
    members = (Member.objects.filter(organization_id=viewer.organization_id, id__in=managed_member_ids(viewer),
                                     is_active=True)
               .annotate(last_held=Max("one_on_ones__held_at", filter=Q(one_on_ones__held_at__isnull=False)))
               .order_by("name", "id"))
    rows = []
    for member in members:
        last = member.last_held  # type: ignore[attr-defined]
        days = (now - last).days if last else None
        if days is None or days >= OVERDUE_DAYS:
            rows.append(OverdueRow(member=member, last_held=last, days=days))
    rows.sort(key=lambda r: -(r.days if r.days is not None else 10_000))
    return rows


@transaction.atomic
def meeting_create(*, actor: Member, organization: Organization, title: str, held_on: dt.date,
                   department: Department | None = None, decisions: str = "") -> Meeting:
    if not title.strip():
        raise ValidationError({"title": _("Please enter a title.")})
    if department is not None and department.organization_id != organization.id:
        raise ValidationError({"department": _("Unknown team.")})
    meeting = Meeting.objects.create(organization=organization, department=department, title=title.strip(),
                                     held_on=held_on, decisions=decisions.strip(), created_by=actor)
    audit(action=AuditLog.Action.CREATE, organization=organization, actor=actor.user, target=meeting)
    return meeting


@transaction.atomic
def meetingitem_add(*, actor: Member, meeting: Meeting, kind: str, text: str, owner: Member | None = None,
                    due: dt.date | None = None) -> MeetingItem:
    if not text.strip():
        raise ValidationError({"text": _("Please describe the problem or suggestion.")})
    if kind not in MeetingItem.Kind.values:
        raise ValidationError({"kind": _("Unknown kind.")})
    if owner is not None and owner.organization_id != meeting.organization_id:
        raise ValidationError({"owner": _("Unknown member.")})
    item = MeetingItem.objects.create(meeting=meeting, kind=kind, text=text.strip(), raised_by=actor, owner=owner,
                                      due=due)
    if owner is not None:
        # An owned problem becomes a task, so it lands in the owner's 日程 like any other work.
        item.task_id = _follow_up_task(
            actor, meeting.organization, _("Meeting follow-ups %(month)s") % {"month": f"{timezone.localdate():%Y-%m}"},
            text.strip(), owner, due or timezone.localdate() + dt.timedelta(days=7),
            _("Raised in the meeting %(title)s of %(date)s") % {"title": meeting.title, "date": f"{meeting.held_on}"})
        item.save(update_fields=["task_id"])
    audit(action=AuditLog.Action.CREATE, organization=meeting.organization, actor=actor.user, target=item)
    return item


@transaction.atomic
def meetingitem_set_state(*, actor: Member, item: MeetingItem, state: str) -> MeetingItem:
    if state not in MeetingItem.State.values:
        raise ValidationError({"state": _("Unknown state.")})
    allowed = actor.id in (item.owner_id, item.raised_by_id) or actor.role in (
        Member.Role.DIRECTOR, Member.Role.MANAGER)
    if not allowed:
        raise PermissionError(_("Only the owner, who raised it or a manager changes its state."))
    old = item.state
    item.state = state
    item.closed_at = timezone.now() if state == MeetingItem.State.CLOSED else None
    item.save()
    if item.task_id is not None and state == MeetingItem.State.CLOSED:
        from shangdui.work import services as work_services
        from shangdui.work.models import Task

        task = Task.objects.filter(organization_id=item.meeting.organization_id, pk=item.task_id).first()
        if task is not None and task.is_open:
            work_services.task_set_status(actor=actor, task=task, status=Task.Status.DONE)
    audit(action=AuditLog.Action.UPDATE, organization=item.meeting.organization, actor=actor.user, target=item,
          changes={"state": [old, state]})
    return item


_UNSET: Any = object()


@transaction.atomic
def meetingitem_update(*, actor: Member, item: MeetingItem, state: str | None = None, owner: Any = _UNSET,
                       due: Any = _UNSET) -> MeetingItem:
    """Change an item's state, owner or due date (the owner, who raised it, a manager or the
    director). Its task follows: a new owner gets it (created if the item had none), a new due
    date moves it, closing the item marks it done."""
    allowed = actor.id in (item.owner_id, item.raised_by_id) or actor.role in (
        Member.Role.DIRECTOR, Member.Role.MANAGER)
    if not allowed:
        raise PermissionError(_("Only the owner, who raised it or a manager changes this item."))
    if owner is not _UNSET and owner is not None and owner.organization_id != item.meeting.organization_id:
        raise ValidationError({"owner": _("Unknown member.")})
    changes: dict[str, list[Any]] = {}
    if owner is not _UNSET and owner != item.owner:
        changes["owner"] = [item.owner.name if item.owner else None, owner.name if owner else None]
        item.owner = owner
    if due is not _UNSET and due != item.due:
        changes["due"] = [str(item.due) if item.due else None, str(due) if due else None]
        item.due = due
    if changes:
        item.save(update_fields=["owner", "due"])
        _sync_item_task(actor, item)
        audit(action=AuditLog.Action.UPDATE, organization=item.meeting.organization, actor=actor.user, target=item,
              changes=changes)
    if state is not None and state != item.state:
        meetingitem_set_state(actor=actor, item=item, state=state)
    return item


def _sync_item_task(actor: Member, item: MeetingItem) -> None:
    from shangdui.work import services as work_services
    from shangdui.work.models import Task

    meeting = item.meeting
    due = item.due or timezone.localdate() + dt.timedelta(days=7)
    task = (Task.objects.filter(organization_id=meeting.organization_id, pk=item.task_id).first()
            if item.task_id else None)
    if item.owner is None:
        return  # an item without an owner keeps its task (if any) until someone takes it
    if task is None:
        item.task_id = _follow_up_task(
            actor, meeting.organization, _("Meeting follow-ups %(month)s") % {"month": f"{timezone.localdate():%Y-%m}"},
            item.text, item.owner, due,
            _("Raised in the meeting %(title)s of %(date)s") % {"title": meeting.title, "date": f"{meeting.held_on}"})
        item.save(update_fields=["task_id"])
        return
    work_services.task_update(
        actor=actor, task=task, title=task.title, estimate_hours=task.estimate_hours, description=task.description,
        due=due, priority=task.priority, assignees=[item.owner], required_strengths=task.required_strengths,
        dependencies=list(task.dependencies.all()), stage=task.stage, status=task.status,
        recurrence=task.recurrence, recurrence_weekdays=task.recurrence_weekdays)


@transaction.atomic
def meeting_set_decisions(*, actor: Member, meeting: Meeting, decisions: str) -> Meeting:
    """Record the meeting's decisions (who created it, a manager or the director)."""
    if actor.id != meeting.created_by_id and actor.role not in (Member.Role.DIRECTOR, Member.Role.MANAGER):
        raise PermissionError(_("Only who created the meeting or a manager records its decisions."))
    old = meeting.decisions
    meeting.decisions = decisions.strip()
    meeting.save(update_fields=["decisions"])
    audit(action=AuditLog.Action.UPDATE, organization=meeting.organization, actor=actor.user, target=meeting,
          changes={"decisions": [old, meeting.decisions]})
    return meeting


def visible_one_on_ones(viewer: Member) -> Any:
    """One-to-ones the viewer takes part in or manages (never a peer's, never finance's)."""
    return (OneOnOne.objects.filter(organization_id=viewer.organization_id,
                                    member_id__in={viewer.id, *managed_member_ids(viewer)})
            .select_related("member", "manager"))


@transaction.atomic
def feedback_give(*, actor: Member, member: Member, kind: str, text: str, evidence: str = "") -> Feedback:
    """Anyone may praise; criticism comes from the member's manager chain (or the director)."""
    if member.organization_id != actor.organization_id:
        raise ValidationError(_("Unknown member."))
    if kind not in Feedback.Kind.values:
        raise ValidationError({"kind": _("Unknown kind.")})
    if kind == Feedback.Kind.CRITICISM and not can_manage(actor, member):
        raise PermissionError(_("Criticism is given in private by the member's manager."))
    if not text.strip():
        raise ValidationError({"text": _("Please say what happened.")})
    feedback = Feedback.objects.create(organization_id=member.organization_id, kind=kind, member=member,
                                       author=actor, text=text.strip(), evidence=evidence.strip())
    audit(action=AuditLog.Action.CREATE, organization=member.organization, actor=actor.user, target=feedback)
    return feedback


def praise_wall(organization_id: int, limit: int = 50) -> list[Feedback]:
    return list(Feedback.objects.filter(organization_id=organization_id, kind=Feedback.Kind.PRAISE)
                .select_related("member", "author").order_by("-created_at", "-id")[:limit])


def criticism_for(viewer: Member, member: Member) -> list[Feedback]:
    if viewer.role == Member.Role.FINANCE and viewer.id != member.id:
        return []
    if not can_view_private(viewer, member):
        return []
    return list(Feedback.objects.filter(organization_id=member.organization_id, member=member,
                                        kind=Feedback.Kind.CRITICISM).select_related("author"))
