"""Every read of the work app used by pages, the API and the calendar feed."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet, Sum
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shangdui.core.models import Job
from shangdui.org.access import managed_member_ids
from shangdui.org.models import Member
from shangdui.work import access
from shangdui.work.models import DailySummary, Plan, ScheduleItem, Stage, Task
from shangdui.work.scheduling import Reason

#: 排不下 reasons by code, in the UI language (the engine's own text is Chinese).
UNPLACED_TEXT = {
    Reason.NO_STRENGTH: gettext_lazy("No one has the required strength"),
    Reason.NO_CAPACITY: gettext_lazy("Not enough capacity before the due date"),
    Reason.CYCLE: gettext_lazy("Its dependencies form a cycle"),
    Reason.DEPENDENCY_UNPLACED: gettext_lazy("A task it depends on cannot be placed"),
    Reason.BAD_ESTIMATE: gettext_lazy("The estimate is invalid"),
    Reason.DUE_PAST: gettext_lazy("The due date has passed"),
    Reason.UNKNOWN_MEMBER: gettext_lazy("An assignee is not available"),
    Reason.NO_WORKING_DAYS: gettext_lazy("The possible members have no working days in the horizon"),
}


def unplaced_text(task: Task) -> str:
    return str(UNPLACED_TEXT.get(task.unplaced_code, task.unplaced_detail or task.unplaced_code))


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _items(member: Member) -> QuerySet[ScheduleItem]:
    return ScheduleItem.objects.filter(member=member).select_related("task", "task__plan")


def my_day(member: Member, today: dt.date) -> dict[str, Any]:
    """Today's items and the rest of this week, with totals (one query for the items)."""
    start = week_start(today)
    items = list(_items(member).filter(date__gte=start, date__lt=start + dt.timedelta(days=7)))
    overdue = list(_items(member).filter(date__lt=today, date__gte=today - dt.timedelta(days=14), done=False))
    by_day: dict[dt.date, list[ScheduleItem]] = defaultdict(list)
    for item in items:
        by_day[item.date].append(item)
    today_items = by_day.get(today, [])
    return {
        "today": today,
        "today_items": today_items,
        "overdue": overdue,
        "planned": sum((i.hours for i in today_items), Decimal("0")),
        "done": sum((i.hours for i in today_items if i.done), Decimal("0")),
        "week": [{"date": start + dt.timedelta(days=d), "items": by_day.get(start + dt.timedelta(days=d), []),
                  "hours": sum((i.hours for i in by_day.get(start + dt.timedelta(days=d), [])), Decimal("0"))}
                 for d in range(7) if start + dt.timedelta(days=d) > today
                 and (by_day.get(start + dt.timedelta(days=d))
                      or (start + dt.timedelta(days=d)).weekday() in (member.working_days or []))],
    }


def member_week(member: Member, start: dt.date) -> list[dict[str, Any]]:
    items = list(_items(member).filter(date__gte=start, date__lt=start + dt.timedelta(days=7)))
    days = []
    for d in range(7):
        day = start + dt.timedelta(days=d)
        day_items = [i for i in items if i.date == day]
        days.append({"date": day, "items": day_items, "hours": sum((i.hours for i in day_items), Decimal("0")),
                     "working": day.weekday() in (member.working_days or [])})
    return days


def team_members(viewer: Member) -> list[Member]:
    ids = set(managed_member_ids(viewer))
    return list(Member.objects.filter(organization_id=viewer.organization_id, pk__in=ids, is_active=True)
                .exclude(role=Member.Role.FINANCE).select_related("department").order_by("department_id", "name"))


def team_load(viewer: Member, start: dt.date, days: int = 14) -> dict[str, Any]:
    """Scheduled hours per member and day as a share of the day's hours: the heatmap's data."""
    members = team_members(viewer)
    dates = [start + dt.timedelta(days=d) for d in range(days)]
    hours: dict[tuple[int, dt.date], Decimal] = defaultdict(Decimal)
    for member_id, date, total in ScheduleItem.objects.filter(
            organization_id=viewer.organization_id, member__in=members, date__gte=start,
            date__lt=start + dt.timedelta(days=days)).values_list("member_id", "date").annotate(total=Sum("hours")):
        hours[member_id, date] = total
    data = []
    for y, member in enumerate(members):
        for x, date in enumerate(dates):
            value = hours.get((member.pk, date), Decimal("0"))
            if value or date.weekday() in (member.working_days or []):
                data.append([x, y, int(round(float(value) * 100 / float(member.daily_hours)))])
    option = {
        "tooltip": {"position": "top"},
        "grid": {"left": 70, "right": 10, "top": 10, "bottom": 70},
        "xAxis": {"type": "category", "data": [date_format(d, "m/d") + " " + _weekday(d) for d in dates],
                  "splitArea": {"show": True}},
        "yAxis": {"type": "category", "data": [m.name for m in members], "splitArea": {"show": True}},
        "visualMap": {"min": 0, "max": 120, "calculable": True, "orient": "horizontal", "left": "center",
                      "bottom": 0, "inRange": {"color": ["#f1f5f9", "#60a5fa", "#f97316", "#dc2626"]}},
        "series": [{"name": _("Load %"), "type": "heatmap", "data": data, "label": {"show": True}}],
    }
    return {"members": members, "dates": dates, "option": option, "height": max(200, 36 * len(members) + 90)}


def _weekday(day: dt.date) -> str:
    return str([_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")][day.weekday()])


def unplaced_tasks(viewer: Member) -> list[Task]:
    tasks = list(Task.objects.filter(plan__in=access.visible_plans(viewer), status__in=Task.OPEN)
                 .exclude(unplaced_code="").select_related("plan").order_by("plan_id", "-priority"))
    for task in tasks:
        task.unplaced_text = unplaced_text(task)  # type: ignore[attr-defined]
    return tasks


def last_replan(organization_id: int) -> Job | None:
    from shangdui.work.services import REPLAN_KIND

    return Job.objects.filter(organization_id=organization_id, kind=REPLAN_KIND).order_by("-created_at").first()


def plan_list(viewer: Member) -> QuerySet[Plan]:
    return access.visible_plans(viewer).select_related("owner").annotate(
        task_count=Count("tasks", distinct=True),
        done_count=Count("tasks", filter=Q(tasks__status=Task.Status.DONE), distinct=True),
    ).order_by("is_template", "-start", "-id")


def plan_tasks(plan: Plan) -> list[Task]:
    tasks: list[Task] = list(plan.tasks.select_related("stage").prefetch_related(
        "assignees", Prefetch("dependencies", queryset=Task.objects.only("id", "title")), "checklist",
    ).annotate(scheduled=Sum("schedule_items__hours"),
               done_hours=Sum("schedule_items__hours", filter=Q(schedule_items__done=True)),
               first_day=Min("schedule_items__date"), last_day=Max("schedule_items__date")))
    for task in tasks:
        task.unplaced_text = unplaced_text(task) if task.unplaced_code else ""  # type: ignore[attr-defined]
    return tasks


def plan_board(plan: Plan, tasks: list[Task]) -> list[dict[str, Any]]:
    stages = list(Stage.objects.filter(plan=plan))
    columns = [{"stage": s, "tasks": [t for t in tasks if t.stage_id == s.pk]} for s in stages]
    loose = [t for t in tasks if t.stage_id is None]
    if loose:
        columns.insert(0, {"stage": None, "tasks": loose})
    return columns


def plan_progress(tasks: list[Task]) -> dict[str, Any]:
    live = [t for t in tasks if t.status != Task.Status.CANCELLED]
    estimate = sum((t.estimate_hours for t in live), Decimal("0"))
    done = sum((t.estimate_hours for t in live if t.status == Task.Status.DONE), Decimal("0"))
    return {"tasks": len(live), "done": sum(1 for t in live if t.status == Task.Status.DONE),
            "estimate": estimate, "percent": int(done * 100 / estimate) if estimate else 0,
            "unplaced": sum(1 for t in live if t.unplaced_code and t.is_open)}


def team_summaries(viewer: Member, date: dt.date) -> list[dict[str, Any]]:
    """Who has and has not submitted the 日报 of ``date``, with the figures."""
    members = team_members(viewer)
    summaries = {s.member_id: s for s in DailySummary.objects.filter(
        organization_id=viewer.organization_id, date=date, member__in=members)}
    return [{"member": m, "summary": summaries.get(m.pk)} for m in members]


def feed_items(member: Member, today: dt.date) -> QuerySet[ScheduleItem]:
    return _items(member).filter(date__gte=today - dt.timedelta(days=14), date__lte=today + dt.timedelta(days=60))


def summary_figures(*, member: Member, date: dt.date) -> dict[str, Any]:
    """Figures of the member's day: planned vs done, hours, what carries over."""
    items = list(ScheduleItem.objects.filter(member=member, date=date).select_related("task"))
    done = [i for i in items if i.done]
    return {
        "planned_hours": sum((i.hours for i in items), Decimal("0")),
        "done_hours": sum((i.hours for i in done), Decimal("0")),
        "actual_hours": sum((i.actual_hours or Decimal("0") for i in done), Decimal("0")),
        "done_items": [{"title": i.label, "hours": str(i.hours),
                        "actual_hours": str(i.actual_hours if i.actual_hours is not None else i.hours)}
                       for i in done],
        "carry_over": [{"title": i.label, "hours": str(i.hours)} for i in items if not i.done],
    }


def weekly_review(member: Member, start: dt.date) -> dict[str, Any]:
    """周报 compiled from the week's schedule items and daily summaries."""
    end = start + dt.timedelta(days=7)
    items = list(_items(member).filter(date__gte=start, date__lt=end))
    summaries = {s.date: s for s in DailySummary.objects.filter(member=member, date__gte=start, date__lt=end)}
    days = []
    for d in range(7):
        day = start + dt.timedelta(days=d)
        day_items = [i for i in items if i.date == day]
        if not day_items and day not in summaries and day.weekday() not in (member.working_days or []):
            continue
        days.append({"date": day, "planned": sum((i.hours for i in day_items), Decimal("0")),
                     "done": sum((i.hours for i in day_items if i.done), Decimal("0")),
                     "summary": summaries.get(day)})
    finished = sorted({i.task for i in items if i.task is not None and i.task.status == Task.Status.DONE},
                      key=lambda t: t.title)
    return {
        "days": days,
        "planned": sum((i.hours for i in items), Decimal("0")),
        "done": sum((i.hours for i in items if i.done), Decimal("0")),
        "actual": sum((i.actual_hours or Decimal("0") for i in items if i.done), Decimal("0")),
        "finished_tasks": finished,
        "carry_over": [i for i in items if not i.done],
        "problems": [(s.date, s.problems) for s in summaries.values() if s.problems],
        "submitted": sum(1 for s in summaries.values() if s.submitted_at),
    }


def team_week(viewer: Member, start: dt.date) -> list[dict[str, Any]]:
    """Team roll-up of a week: hours planned and done, 日报 submitted, per member."""
    members = team_members(viewer)
    end = start + dt.timedelta(days=7)
    rows = {m.pk: {"member": m, "planned": Decimal("0"), "done": Decimal("0"), "submitted": 0} for m in members}
    for member_id, done, total in ScheduleItem.objects.filter(
            member__in=members, date__gte=start, date__lt=end).values_list("member_id", "done").annotate(
            total=Sum("hours")):
        rows[member_id]["planned"] += total
        if done:
            rows[member_id]["done"] += total
    for member_id, count in DailySummary.objects.filter(
            member__in=members, date__gte=start, date__lt=end, submitted_at__isnull=False).values_list(
            "member_id").annotate(count=Count("id")):
        rows[member_id]["submitted"] = count
    return list(rows.values())


def plan_review(plan: Plan, today: dt.date) -> dict[str, Any]:
    """Planned vs actual per task, late tasks (finished after, or still open past, their due date)."""
    tasks = list(plan.tasks.exclude(status=Task.Status.CANCELLED).annotate(
        finished_on=Max("schedule_items__date", filter=Q(schedule_items__done=True))).order_by("due", "id"))
    rows: list[dict[str, Any]] = []
    for task in tasks:
        done = task.status == Task.Status.DONE
        late = task.due is not None and ((done and task.finished_on is not None and task.finished_on > task.due)
                                         or (not done and task.due < today))
        rows.append({"task": task, "done": done, "late": late,
                     "variance": task.actual_hours - task.estimate_hours if done else None})
    finished_tasks: list[Task] = [r["task"] for r in rows if r["done"]]
    finished = [r for r in rows if r["done"]]
    estimate = sum((t.estimate_hours for t in finished_tasks), Decimal("0"))
    actual = sum((t.actual_hours for t in finished_tasks), Decimal("0"))
    return {
        "rows": rows, "late": [r for r in rows if r["late"]], "finished": len(finished), "total": len(rows),
        "estimate": estimate, "actual": actual,
        "on_time": int(100 * sum(1 for r in finished if not r["late"]) / len(finished)) if finished else None,
    }


def plan_timeline(plan: Plan, tasks: list[Task], today: dt.date) -> dict[str, Any]:
    """Gantt-like chart: each task's scheduled span in days from the plan's start (stacked bars)."""
    rows = [t for t in tasks if getattr(t, "first_day", None) is not None]
    rows.sort(key=lambda t: (t.first_day, t.pk))  # type: ignore[attr-defined]
    offsets = [(t.first_day - plan.start).days for t in rows]  # type: ignore[attr-defined]
    spans = [(t.last_day - t.first_day).days + 1 for t in rows]  # type: ignore[attr-defined]
    done_color, open_color = "#16a34a", "#3b82f6"
    option = {
        "tooltip": {"trigger": "item"},
        "grid": {"left": 150, "right": 20, "top": 10, "bottom": 40},
        "xAxis": {"type": "value", "min": 0, "name": _("days from the start"), "nameLocation": "middle",
                  "nameGap": 25},
        "yAxis": {"type": "category", "inverse": True, "data": [t.title for t in rows]},
        "series": [
            {"type": "bar", "stack": "span", "data": offsets, "itemStyle": {"color": "transparent"},
             "tooltip": {"show": False}},
            {"type": "bar", "stack": "span", "name": _("Scheduled"),
             "data": [{"value": span, "itemStyle": {"color": done_color if t.status == Task.Status.DONE
                                                    else open_color}} for t, span in zip(rows, spans, strict=True)],
             "markLine": {"symbol": "none", "label": {"formatter": _("today")},
                          "data": [{"xAxis": (today - plan.start).days}]}},
        ],
    }
    return {"option": option, "height": max(160, 28 * len(rows) + 60), "count": len(rows)}
