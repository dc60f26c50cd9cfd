"""Every write of the work app: plans, tasks, leave, schedule items, daily summaries, re-planning.

Keyword-only, atomic, audited where people's work is assigned. Changes that affect the schedule
(tasks, estimates, assignees, dependencies, leave) call :func:`schedule_request`, which enqueues one
re-plan job per organization after commit (a re-plan already waiting absorbs later requests).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from shangdui.core.audit import audit
from shangdui.core.jobs import job_enqueue
from shangdui.core.models import AuditLog, Job
from shangdui.org.models import Member, Organization
from shangdui.work import scheduling
from shangdui.work.models import (
    CalendarFeed,
    ChecklistItem,
    DailySummary,
    Leave,
    Note,
    Plan,
    PlanReview,
    ReminderChannel,
    ScheduleItem,
    Stage,
    Task,
    TaskAttachment,
    TaskComment,
)
from shangdui.work.selectors import summary_figures

REPLAN_KIND = "work.replan"
#: Whole-call time limit of the solver inside the re-plan job (the greedy result is the fallback).
REPLAN_TIME_LIMIT_S = 4.0
HORIZON_DAYS = 28
MAX_HORIZON_DAYS = 90


def _hours(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- plans -----------------------------------------------------------------------------------------

def default_stage_names() -> list[str]:
    return [_("Preparation"), _("Execution"), _("Wrap-up")]


@transaction.atomic
def plan_create(*, actor: Member, organization: Organization, title: str, start: dt.date, end: dt.date,
                members: Iterable[Member] = (), description: str = "", is_template: bool = False,
                status: str = Plan.Status.ACTIVE, stages: Iterable[str] | None = None) -> Plan:
    if end < start:
        raise ValidationError({"end": _("The end date is before the start date.")})
    plan = Plan.objects.create(organization=organization, title=title, description=description, owner=actor,
                               start=start, end=end, is_template=is_template, status=status)
    plan.members.set([m for m in members if m.organization_id == organization.id])
    for order, name in enumerate(stages if stages is not None else default_stage_names()):
        Stage.objects.create(plan=plan, name=name, order=order)
    audit(action=AuditLog.Action.CREATE, organization=organization, actor=actor.user, target=plan)
    return plan


@transaction.atomic
def plan_update(*, actor: Member, plan: Plan, title: str, start: dt.date, end: dt.date,
                members: Iterable[Member], description: str = "", is_template: bool = False,
                status: str = Plan.Status.ACTIVE) -> Plan:
    if end < start:
        raise ValidationError({"end": _("The end date is before the start date.")})
    plan.title, plan.description, plan.start, plan.end = title, description, start, end
    plan.is_template, plan.status = is_template, status
    plan.save()
    plan.members.set([m for m in members if m.organization_id == plan.organization_id])
    audit(action=AuditLog.Action.UPDATE, organization=plan.organization, actor=actor.user, target=plan)
    schedule_request(organization=plan.organization, actor=actor)
    return plan


# --- tasks -----------------------------------------------------------------------------------------

def _validate_task(*, estimate_hours: Decimal, priority: int, required_strengths: dict[str, int],
                   recurrence_weekdays: Iterable[int]) -> dict[str, int]:
    errors: dict[str, list[str]] = {}
    if estimate_hours is None or estimate_hours <= 0:
        errors["estimate_hours"] = [_("The estimate must be more than 0 hours.")]
    elif estimate_hours > Decimal(str(scheduling.MAX_TASK_HOURS)):
        errors["estimate_hours"] = [_("An estimate above %(max)s hours looks like a typo; split the task.")
                                    % {"max": int(scheduling.MAX_TASK_HOURS)}]
    if not 1 <= priority <= 5:
        errors["priority"] = [_("Priority goes from 1 (low) to 5 (urgent).")]
    clean: dict[str, int] = {}
    for tag, level in (required_strengths or {}).items():
        tag = str(tag).strip()
        if not tag:
            continue
        if not isinstance(level, int) or not 1 <= level <= 4:
            errors["required_strengths"] = [_("Strength levels go from 1 to 4.")]
            break
        clean[tag[:30]] = level
    if any(not isinstance(d, int) or not 0 <= d <= 6 for d in recurrence_weekdays):
        errors["recurrence_weekdays"] = [_("Weekdays go from 0 (Monday) to 6 (Sunday).")]
    if errors:
        raise ValidationError(errors)
    return clean


def _check_dependencies(task: Task, dependencies: list[Task]) -> None:
    """Refuse a dependency on another organization's task or one that closes a cycle."""
    if any(d.organization_id != task.organization_id for d in dependencies):
        raise ValidationError({"dependencies": _("Unknown task.")})
    if any(d.pk == task.pk for d in dependencies):
        raise ValidationError({"dependencies": _("A task cannot depend on itself.")})
    edges: dict[int, list[int]] = defaultdict(list)
    for src, dst in Task.dependencies.through.objects.filter(
            from_task__organization_id=task.organization_id).values_list("from_task_id", "to_task_id"):
        if src != task.pk:
            edges[src].append(dst)
    stack, seen = [d.pk for d in dependencies], set()
    while stack:
        current = stack.pop()
        if current == task.pk:
            raise ValidationError({"dependencies": _("These dependencies would form a cycle.")})
        if current in seen:
            continue
        seen.add(current)
        stack.extend(edges.get(current, []))


@transaction.atomic
def task_create(*, actor: Member, plan: Plan, title: str, estimate_hours: Decimal, description: str = "",
                due: dt.date | None = None, priority: int = 2, assignees: Iterable[Member] = (),
                required_strengths: dict[str, int] | None = None, dependencies: Iterable[Task] = (),
                stage: Stage | None = None, checklist: Iterable[str] = (), status: str = Task.Status.TODO,
                recurrence: str = "", recurrence_weekdays: Iterable[int] = ()) -> Task:
    weekdays = sorted(set(recurrence_weekdays))
    required = _validate_task(estimate_hours=estimate_hours, priority=priority,
                              required_strengths=required_strengths or {}, recurrence_weekdays=weekdays)
    task = Task.objects.create(
        organization_id=plan.organization_id, plan=plan, title=title, description=description,
        estimate_hours=estimate_hours, due=due, priority=priority, required_strengths=required,
        stage=stage if stage is not None and stage.plan_id == plan.pk else None, status=status,
        recurrence=recurrence, recurrence_weekdays=weekdays)
    task.assignees.set([m for m in assignees if m.organization_id == plan.organization_id])
    deps = list(dependencies)
    _check_dependencies(task, deps)
    task.dependencies.set(deps)
    ChecklistItem.objects.bulk_create(
        [ChecklistItem(task=task, text=text[:200], order=i) for i, text in enumerate(checklist) if text.strip()])
    audit(action=AuditLog.Action.CREATE, organization=plan.organization, actor=actor.user, target=task)
    schedule_request(organization=plan.organization, actor=actor)
    return task


@transaction.atomic
def task_update(*, actor: Member, task: Task, title: str, estimate_hours: Decimal, description: str = "",
                due: dt.date | None = None, priority: int = 2, assignees: Iterable[Member] = (),
                required_strengths: dict[str, int] | None = None, dependencies: Iterable[Task] = (),
                stage: Stage | None = None, checklist: Iterable[str] | None = None,
                status: str = Task.Status.TODO, recurrence: str = "",
                recurrence_weekdays: Iterable[int] = ()) -> Task:
    weekdays = sorted(set(recurrence_weekdays))
    required = _validate_task(estimate_hours=estimate_hours, priority=priority,
                              required_strengths=required_strengths or {}, recurrence_weekdays=weekdays)
    deps = list(dependencies)
    _check_dependencies(task, deps)
    task.title, task.description, task.estimate_hours, task.due = title, description, estimate_hours, due
    task.priority, task.required_strengths, task.status = priority, required, status
    task.stage = stage if stage is not None and stage.plan_id == task.plan_id else None
    task.recurrence, task.recurrence_weekdays = recurrence, weekdays
    task.save()
    task.assignees.set([m for m in assignees if m.organization_id == task.organization_id])
    task.dependencies.set(deps)
    if checklist is not None:
        existing = {c.text: c for c in task.checklist.all()}
        task.checklist.exclude(text__in=list(checklist)).delete()
        for i, text in enumerate(t for t in checklist if t.strip()):
            item = existing.get(text)
            if item is None:
                ChecklistItem.objects.create(task=task, text=text[:200], order=i)
            elif item.order != i:
                item.order = i
                item.save(update_fields=["order"])
    audit(action=AuditLog.Action.UPDATE, organization=task.plan.organization, actor=actor.user, target=task)
    schedule_request(organization=task.plan.organization, actor=actor)
    return task


@transaction.atomic
def task_set_status(*, actor: Member, task: Task, status: str) -> Task:
    if status not in Task.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if task.status != status:
        task.status = status
        task.save(update_fields=["status", "updated_at"])
        schedule_request(organization=task.plan.organization, actor=actor)
    return task


# --- leave -----------------------------------------------------------------------------------------

@transaction.atomic
def leave_create(*, actor: Member, member: Member, start: dt.date, end: dt.date, note: str = "") -> Leave:
    if end < start:
        raise ValidationError({"end": _("The end date is before the start date.")})
    leave = Leave.objects.create(organization_id=member.organization_id, member=member, start=start, end=end,
                                 note=note)
    audit(action=AuditLog.Action.CREATE, organization=member.organization, actor=actor.user, target=leave)
    schedule_request(organization=member.organization, actor=actor)
    return leave


# --- my day ----------------------------------------------------------------------------------------

def _sync_task_progress(task: Task | None) -> None:
    if task is None:
        return
    actual = task.schedule_items.filter(done=True).aggregate(
        total=Sum("actual_hours"))["total"] or Decimal("0")
    fields = {"actual_hours": actual}
    if task.status == Task.Status.TODO and task.schedule_items.filter(done=True).exists():
        fields["status"] = Task.Status.DOING
    if task.status in Task.OPEN and not task.schedule_items.filter(done=False).exists() \
            and task.schedule_items.exists():
        done = task.schedule_items.filter(done=True).aggregate(total=Sum("hours"))["total"] or 0
        if done >= task.estimate_hours:
            fields["status"] = Task.Status.DONE
    Task.objects.filter(pk=task.pk).update(**fields)


@transaction.atomic
def item_set_done(*, member: Member, item: ScheduleItem, done: bool,
                  actual_hours: Decimal | None = None) -> ScheduleItem:
    if actual_hours is not None and not Decimal("0") <= actual_hours <= Decimal("24"):
        raise ValidationError({"actual_hours": _("Hours of one day go from 0 to 24.")})
    item.done = done
    if actual_hours is not None:
        item.actual_hours = actual_hours
    elif done and item.actual_hours is None:
        item.actual_hours = item.hours
    item.save(update_fields=["done", "actual_hours"])
    _sync_task_progress(item.task)
    return item


def next_working_day(member: Member, after: dt.date) -> dt.date:
    days = set(member.working_days or []) or {0, 1, 2, 3, 4, 5, 6}
    leave = list(Leave.objects.filter(member=member, end__gt=after).values_list("start", "end"))
    day = after + dt.timedelta(days=1)
    for _i in range(370):
        if day.weekday() in days and not any(s <= day <= e for s, e in leave):
            return day
        day += dt.timedelta(days=1)
    return after + dt.timedelta(days=1)


@transaction.atomic
def item_push_to_tomorrow(*, member: Member, item: ScheduleItem) -> ScheduleItem:
    """Move an unfinished item to the member's next working day; pinned so re-planning keeps it."""
    if item.done:
        raise ValidationError(_("This item is already done."))
    item.date = next_working_day(member, max(item.date, timezone.localdate()))
    item.pinned = True
    item.reason = _("Pushed by %(name)s") % {"name": member.name}
    item.save(update_fields=["date", "pinned", "reason"])
    return item


@transaction.atomic
def item_add_adhoc(*, member: Member, date: dt.date, title: str, hours: Decimal) -> ScheduleItem:
    if not title.strip():
        raise ValidationError({"title": _("Enter what you will do.")})
    if not Decimal("0") < hours <= Decimal("24"):
        raise ValidationError({"hours": _("Hours of one day go from 0 to 24.")})
    return ScheduleItem.objects.create(organization_id=member.organization_id, member=member, date=date,
                                       title=title.strip()[:120], hours=hours, pinned=True,
                                       reason=_("Added by %(name)s") % {"name": member.name})


@transaction.atomic
def item_move(*, actor: Member, item: ScheduleItem, member: Member, date: dt.date,
              hours: Decimal | None = None) -> ScheduleItem:
    """A manager moves an item (to another day or member) and pins it there."""
    if member.organization_id != item.organization_id:
        raise ValidationError({"member": _("Unknown member.")})
    if hours is not None and not Decimal("0") < hours <= Decimal("24"):
        raise ValidationError({"hours": _("Hours of one day go from 0 to 24.")})
    changes = {"member": [item.member_id, member.id], "date": [str(item.date), str(date)]}
    item.member, item.date, item.pinned = member, date, True
    if hours is not None:
        item.hours = hours
    item.reason = _("Pinned by %(name)s") % {"name": actor.name}
    item.save()
    audit(action=AuditLog.Action.UPDATE, organization=actor.organization, actor=actor.user, target=item,
          target_repr=item.label, changes=changes)
    return item


# --- calendar feed ---------------------------------------------------------------------------------

def calendar_feed_for(member: Member, *, renew: bool = False) -> CalendarFeed:
    feed = CalendarFeed.objects.filter(member=member).first()
    if feed is None:
        feed, _created = CalendarFeed.objects.get_or_create(member=member,
                                                            defaults={"token": secrets.token_urlsafe(32)})
    elif renew:
        feed.token = secrets.token_urlsafe(32)
        feed.save(update_fields=["token"])
    return feed


# --- daily summary ---------------------------------------------------------------------------------

@transaction.atomic
def daily_summary_submit(*, member: Member, date: dt.date, problems: str = "",
                         tomorrow_plan: str = "") -> DailySummary:
    """Create or update the member's 日报 of that day with the day's figures and mark it submitted."""
    figures = summary_figures(member=member, date=date)
    summary, _created = DailySummary.objects.update_or_create(
        member=member, date=date,
        defaults={"organization_id": member.organization_id, "problems": problems.strip(),
                  "tomorrow_plan": tomorrow_plan.strip(), "submitted_at": timezone.now(), **figures})
    return summary


# --- re-planning -----------------------------------------------------------------------------------

def schedule_request(*, organization: Organization, actor: Member | None = None) -> Job | None:
    """Enqueue a re-plan after commit unless one is already waiting (debounce)."""
    waiting = Job.objects.filter(organization=organization, kind=REPLAN_KIND, status=Job.Status.QUEUED).first()
    if waiting is not None:
        return waiting
    return job_enqueue(organization=organization, kind=REPLAN_KIND, title=_("Re-plan schedules"),
                       created_by=actor.user if actor is not None else None)


Routine = tuple[int, int, dt.date, float]  # (task id, member id, date, hours) of a recurring task


def _occurs(task: Task, day: dt.date) -> bool:
    if task.due is not None and day > task.due:
        return False
    if task.recurrence == Task.Recurrence.DAILY:
        return True
    if task.recurrence == Task.Recurrence.WEEKLY:
        return day.weekday() in (task.recurrence_weekdays or [0])
    anchor = task.created_at.date() if task.created_at else day
    return day.day == anchor.day


def _engine_inputs(organization: Organization, today: dt.date) -> tuple[
        list[scheduling.Member], list[scheduling.Task], int, dict[int, Task], list[Routine], dict[int, str]]:
    tasks = {t.pk: t for t in Task.objects.filter(
        organization=organization, status__in=Task.OPEN, plan__is_template=False,
        plan__status__in=(Plan.Status.ACTIVE, Plan.Status.DRAFT),
    ).prefetch_related("assignees", "dependencies")}
    last_due = max((t.due for t in tasks.values() if t.due is not None), default=today)
    days = max(HORIZON_DAYS, min(MAX_HORIZON_DAYS, (last_due - today).days + 1))
    horizon_end = today + dt.timedelta(days=days - 1)

    done_rows = ScheduleItem.objects.filter(task_id__in=tasks, done=True).values_list("task_id", "member_id", "hours")
    done_hours: dict[int, float] = defaultdict(float)
    started_by: dict[int, int] = {}
    for task_id, member_id, hours in done_rows:
        done_hours[task_id] += float(hours)
        started_by.setdefault(task_id, member_id)
    pins: dict[int, list[scheduling.Pin]] = defaultdict(list)
    for task_id, member_id, date, hours in ScheduleItem.objects.filter(
            task_id__in=tasks, pinned=True, done=False, date__gte=today).values_list(
            "task_id", "member_id", "date", "hours"):
        pins[task_id].append(scheduling.Pin(member_id, date, float(hours)))

    pool = set(Member.objects.filter(
        organization=organization, is_active=True,
    ).filter(Q(plans__status=Plan.Status.ACTIVE, plans__is_template=False) | Q(assigned_tasks__in=list(tasks))
             ).values_list("pk", flat=True))
    pool |= {int(pin.member_id) for task_pins in pins.values() for pin in task_pins}
    members_qs = Member.objects.filter(organization=organization, pk__in=pool).prefetch_related("strengths__tag")
    leave: dict[int, set[dt.date]] = defaultdict(set)
    for member_id, start, end in Leave.objects.filter(organization=organization, member_id__in=pool, end__gte=today,
                                                      start__lte=horizon_end).values_list("member_id", "start",
                                                                                          "end"):
        day = max(start, today)
        while day <= min(end, horizon_end):
            leave[member_id].add(day)
            day += dt.timedelta(days=1)
    load: dict[int, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
    for member_id, date, hours in ScheduleItem.objects.filter(
            organization=organization, task__isnull=True, done=False, date__gte=today,
            member_id__in=pool).values_list("member_id", "date", "hours"):
        load[member_id][date] += float(hours)
    # Recurring tasks (每日数据复盘) are routine: their hours are booked on each occurrence day of each
    # assignee, as load the engine plans around, and written as schedule items.
    routine: list[Routine] = []
    routine_unplaced: dict[int, str] = {}
    member_rows = {m.pk: m for m in members_qs}
    kept = set(ScheduleItem.objects.filter(task_id__in=tasks, date__gte=today).filter(
        Q(done=True) | Q(pinned=True)).values_list("task_id", "member_id", "date"))
    for t in [t for t in tasks.values() if t.recurrence]:
        people = [a for a in t.assignees.all() if a.pk in member_rows]
        if not people:
            routine_unplaced[t.pk] = scheduling.Reason.UNKNOWN_MEMBER
            continue
        for person in people:
            for offset in range(days):
                day = today + dt.timedelta(days=offset)
                if (day.weekday() not in (person.working_days or []) or day in leave.get(person.pk, ())
                        or not _occurs(t, day) or (t.pk, person.pk, day) in kept):
                    continue
                routine.append((t.pk, person.pk, day, float(t.estimate_hours)))
                load[person.pk][day] += float(t.estimate_hours)
    members = [
        scheduling.Member(
            id=m.pk, name=m.name, weekdays=frozenset(m.working_days or []), daily_hours=float(m.daily_hours),
            leave=frozenset(leave.get(m.pk, ())), strengths={s.tag.name: s.level for s in m.strengths.all()},
            load=dict(load.get(m.pk, {})))
        for m in members_qs
    ]
    engine_tasks = []
    for t in tasks.values():
        if t.recurrence:
            continue
        engine_tasks.append(scheduling.Task(
            id=t.pk, title=t.title, hours=float(t.estimate_hours), due=t.due, priority=t.priority,
            required={str(k): int(v) for k, v in (t.required_strengths or {}).items()},
            depends_on=tuple(d.pk for d in t.dependencies.all() if d.pk in tasks),
            assignees=tuple(a.pk for a in t.assignees.all()),
            started_by=started_by.get(t.pk) if not t.assignees.all() else None,
            done_hours=min(done_hours.get(t.pk, 0.0), float(t.estimate_hours)),
            pins=tuple(pins.get(t.pk, ()))))
    return members, engine_tasks, days, tasks, routine, routine_unplaced


def schedule_replan(*, organization: Organization, today: dt.date | None = None,
                    progress: Callable[[int, int, str], None] | None = None,
                    time_limit_s: float = REPLAN_TIME_LIMIT_S, mode: str = "auto") -> dict[str, Any]:
    """Re-place every open task's remaining hours into members' days.

    Kept: done items (their hours count as worked), pinned items from today on, ad-hoc items.
    Replaced: every other unfinished task item, past ones included (their hours are placed again).
    Tasks that do not fit get ``unplaced_code`` (排不下) with the engine's reason; others are cleared.
    Idempotent: a rerun with the same inputs writes the same schedule.
    """
    today = today or timezone.localdate()
    report: Callable[[int, int, str], None] = progress or (lambda done, total, message: None)
    report(5, 100, _("Collecting tasks and members"))
    members, engine_tasks, days, tasks, routine, routine_unplaced = _engine_inputs(organization, today)
    report(20, 100, _("Solving"))
    result = scheduling.schedule(members, engine_tasks, today, days, time_limit_s=time_limit_s, num_workers=2,
                                 mode=mode)
    report(80, 100, _("Writing schedules"))
    unplaced = {u.task_id: u for u in result.unplaced}
    for task_id, code in routine_unplaced.items():
        unplaced[task_id] = scheduling.Unplaced(task_id, code, _("A recurring task needs an assignee."))
    with transaction.atomic():
        # Two re-plans of one organization (two workers) must not interleave their delete and insert,
        # or both sets of items would stay: the organization row is the lock (PostgreSQL; SQLite
        # serializes writers anyway).
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        ScheduleItem.objects.filter(organization=organization, task__isnull=False, done=False, pinned=False).delete()
        ScheduleItem.objects.bulk_create([
            ScheduleItem(organization=organization, member_id=p.member_id, date=p.date, task_id=p.task_id,
                         hours=_hours(p.hours), reason=p.reason[:200])
            for p in result.placements if not p.pinned and p.task_id in tasks
        ] + [
            ScheduleItem(organization=organization, member_id=member_id, date=day, task_id=task_id,
                         hours=_hours(hours), reason=_("Routine task"))
            for task_id, member_id, day, hours in routine
        ])
        Task.objects.filter(organization=organization).exclude(pk__in=list(unplaced)).exclude(
            unplaced_code="").update(unplaced_code="", unplaced_detail="")
        for unplaced_id, u in unplaced.items():
            Task.objects.filter(pk=unplaced_id).update(unplaced_code=u.code[:30], unplaced_detail=u.reason[:200])
    return {
        "solver": result.solver, "status": result.status, "placed": len(tasks) - len(unplaced),
        "unplaced": len(unplaced), "tasks": len(tasks), "members": len(members), "start": today.isoformat(),
        "days": days,
    }


# --- reminders -------------------------------------------------------------------------------------

@transaction.atomic
def reminder_channel_create(*, actor: Member, name: str, kind: str, webhook_url: str = "", secret: str = "",
                            department: Any = None, morning_at: dt.time | None = None,
                            evening_at: dt.time | None = None, is_active: bool = True) -> ReminderChannel:
    if kind != ReminderChannel.Kind.EMAIL and not webhook_url.startswith(("https://", "http://")):
        raise ValidationError({"webhook_url": _("Enter the robot's webhook URL.")})
    if department is not None and department.organization_id != actor.organization_id:
        raise ValidationError({"department": _("Unknown department.")})
    channel = ReminderChannel.objects.create(
        organization_id=actor.organization_id, name=name, kind=kind, webhook_url=webhook_url, secret=secret.strip(),
        department=department, morning_at=morning_at, evening_at=evening_at, is_active=is_active)
    audit(action=AuditLog.Action.CREATE, organization=actor.organization, actor=actor.user, target=channel)
    return channel


@transaction.atomic
def reminder_channel_delete(*, actor: Member, channel: ReminderChannel) -> None:
    audit(action=AuditLog.Action.DELETE, organization=actor.organization, actor=actor.user, target=channel)
    channel.delete()


# --- notes -----------------------------------------------------------------------------------------

@transaction.atomic
def note_save(*, author: Member, title: str, body: str = "", plan: Plan | None = None, task: Task | None = None,
              date: dt.date | None = None, note: Note | None = None) -> Note:
    from shangdui.work.notes import search_text

    if task is not None:
        plan = task.plan
    if plan is not None and plan.organization_id != author.organization_id:
        raise ValidationError({"plan": _("Unknown plan.")})
    note = note or Note(organization_id=author.organization_id, author=author)
    note.title, note.body, note.plan, note.task, note.date = title.strip(), body, plan, task, date
    note.search_text = search_text(note.title, body)
    note.save()
    return note


@transaction.atomic
def plan_review_save(*, actor: Member, plan: Plan, lessons: str, late_causes: dict[int, str]) -> PlanReview:
    """Keep the lessons and the causes of late tasks (only tasks of this plan)."""
    own = set(plan.tasks.values_list("pk", flat=True))
    causes = {str(pk): text.strip()[:300] for pk, text in late_causes.items() if pk in own and text.strip()}
    review, _created = PlanReview.objects.update_or_create(
        plan=plan, defaults={"lessons": lessons.strip(), "late_causes": causes, "updated_by": actor})
    audit(action=AuditLog.Action.UPDATE, organization=plan.organization, actor=actor.user, target=plan,
          target_repr=f"{plan.title} 复盘")
    return review


@transaction.atomic
def plan_from_template(*, actor: Member, template: Plan, title: str, start: dt.date) -> Plan:
    """Copy a template's stages, tasks (due dates shifted to the new start), dependencies and checklists."""
    shift = start - template.start
    plan = plan_create(actor=actor, organization=template.organization, title=title, start=start,
                       end=template.end + shift, members=list(template.members.all()),
                       description=template.description, stages=[s.name for s in template.stages.all()])
    stages = {s.name: s for s in plan.stages.all()}
    copies: dict[int, Task] = {}
    originals = list(template.tasks.exclude(status=Task.Status.CANCELLED).select_related("stage")
                     .prefetch_related("assignees", "dependencies", "checklist").order_by("id"))
    for t in originals:
        copies[t.pk] = Task.objects.create(
            organization=plan.organization, plan=plan, title=t.title, description=t.description,
            estimate_hours=t.estimate_hours, due=t.due + shift if t.due else None, priority=t.priority,
            required_strengths=t.required_strengths, stage=stages.get(t.stage.name) if t.stage else None,
            recurrence=t.recurrence, recurrence_weekdays=t.recurrence_weekdays)
        copies[t.pk].assignees.set(t.assignees.all())
        ChecklistItem.objects.bulk_create([ChecklistItem(task=copies[t.pk], text=c.text, order=c.order)
                                           for c in t.checklist.all()])
    for t in originals:
        copies[t.pk].dependencies.set([copies[d.pk] for d in t.dependencies.all() if d.pk in copies])
    schedule_request(organization=plan.organization, actor=actor)
    return plan


# --- task comments and attachments -----------------------------------------------------------------

#: Largest attachment accepted (bytes).
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
#: Office documents, images, PDF and archives; anything else is refused.
ATTACHMENT_EXTENSIONS = frozenset({
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "csv", "txt", "md", "wps", "et", "dps",
    "png", "jpg", "jpeg", "gif", "webp", "bmp", "heic", "zip", "rar", "7z",
})
COMMENT_MAX_CHARS = 5000


def attachment_check(upload: UploadedFile) -> None:
    """Refuse files over 20 MB and types outside :data:`ATTACHMENT_EXTENSIONS` (message in the UI language)."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ATTACHMENT_EXTENSIONS:
        raise ValidationError(
            _("This file type is not accepted. Upload office documents, images, PDF or ZIP files."),
            code="file_type")
    if (upload.size or 0) > ATTACHMENT_MAX_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."), code="file_size")


def can_remove(actor: Member, *, task: Task, author_id: int) -> bool:
    """A comment or attachment is removed by its author or by whoever edits the task's plan."""
    from shangdui.work.access import can_edit_plan

    return actor.id == author_id or can_edit_plan(actor, task.plan)


@transaction.atomic
def task_comment_add(*, author: Member, task: Task, body: str) -> TaskComment:
    text = body.strip()
    if not text:
        raise ValidationError({"body": _("Write a comment.")})
    if len(text) > COMMENT_MAX_CHARS:
        raise ValidationError({"body": _("A comment has at most 5000 characters.")})
    if task.organization_id != author.organization_id:
        raise ValidationError(_("Unknown task."))
    return TaskComment.objects.create(task=task, author=author, body=text)


@transaction.atomic
def task_comment_delete(*, actor: Member, comment: TaskComment) -> None:
    if not can_remove(actor, task=comment.task, author_id=comment.author_id):
        raise ValidationError(_("Only the author or who edits the plan may remove this."))
    comment.delete()


@transaction.atomic
def task_attachment_add(*, actor: Member, task: Task, upload: UploadedFile) -> TaskAttachment:
    attachment_check(upload)
    if task.organization_id != actor.organization_id:
        raise ValidationError(_("Unknown task."))
    name = (upload.name or "file").replace("\\", "/").rsplit("/", 1)[-1][:255]
    attachment = TaskAttachment(task=task, uploaded_by=actor, original_name=name, size=upload.size or 0)
    attachment.file.save(name, upload, save=False)
    # The file is written before the row; if the transaction rolls back, remove it again.
    stored = attachment.file.name or ""
    storage = attachment.file.storage
    try:
        attachment.save()
        audit(action=AuditLog.Action.CREATE, organization=task.organization, actor=actor.user, target=attachment,
              target_repr=f"{task.title}: {name}")
    except Exception:
        storage.delete(stored)
        raise
    return attachment


@transaction.atomic
def task_attachment_delete(*, actor: Member, attachment: TaskAttachment) -> None:
    if not can_remove(actor, task=attachment.task, author_id=attachment.uploaded_by_id):
        raise ValidationError(_("Only the author or who edits the plan may remove this."))
    stored, storage = attachment.file.name or "", attachment.file.storage
    audit(action=AuditLog.Action.DELETE, organization=attachment.task.organization, actor=actor.user,
          target=attachment, target_repr=f"{attachment.task.title}: {attachment.original_name}")
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored))
