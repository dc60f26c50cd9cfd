"""Independent checker of a schedule against the rules in :mod:`.types`.

It recomputes everything from the input values (not from the solver's internal state), so tests
and the post-solve safety net catch solver bugs rather than repeat them.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

from .types import MAX_TASK_HOURS, UNIT_HOURS, Member, MemberId, Placement, ScheduleResult, Task, TaskId, Violation

_EPS = 1e-6


def _units(hours: float) -> int:
    return math.ceil(hours / UNIT_HOURS - 1e-9)


def _ok_hours(value: float) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and 0 < value <= MAX_TASK_HOURS


def validate(
    members: Sequence[Member], tasks: Sequence[Task], start: date, days: int, result: ScheduleResult
) -> list[Violation]:
    """Every broken rule in ``result``; an empty list means the schedule is sound."""
    out: list[Violation] = []
    mmap = {m.id: m for m in members}
    tmap = {t.id: t for t in tasks}
    end = start + timedelta(days=days - 1)
    free_pl = [p for p in result.placements if not p.pinned]
    unplaced = {u.task_id: u for u in result.unplaced}
    if len(unplaced) != len(result.unplaced):
        out.append(Violation("duplicate_unplaced", "a task is listed twice as unplaced"))

    # Pins kept exactly: every valid pin appears once as a pinned placement, and nothing else is pinned.
    want: Counter[tuple[object, ...]] = Counter()
    for t in tasks:
        for pin in t.pins:
            if _ok_hours(pin.hours) and pin.member_id in mmap:
                want[t.id, pin.member_id, pin.date, pin.hours] += 1
    got: Counter[tuple[object, ...]] = Counter()
    for p in result.placements:
        if p.pinned:
            got[p.task_id, p.member_id, p.date, p.hours] += 1
    if want != got:
        out.append(Violation("pins", f"pins not kept exactly: missing {dict(want - got)}, extra {dict(got - want)}"))

    per_day: dict[tuple[MemberId, date], float] = defaultdict(float)
    pinned_day: dict[tuple[MemberId, date], float] = defaultdict(float)
    for p in result.placements:
        (pinned_day if p.pinned else per_day)[p.member_id, p.date] += p.hours
    by_task: dict[TaskId, list[Placement]] = defaultdict(list)
    for p in free_pl:
        by_task[p.task_id].append(p)
        m, task = mmap.get(p.member_id), tmap.get(p.task_id)
        if m is None or task is None:
            out.append(Violation("unknown", "placement of an unknown task or member", p.task_id, p.member_id))
            continue
        if p.hours <= 0:
            out.append(Violation("empty", "placement without hours", p.task_id, p.member_id, p.date))
        if not start <= p.date <= end:
            out.append(Violation("horizon", "placement outside the horizon", p.task_id, p.member_id, p.date))
        if p.date.weekday() not in m.weekdays or p.date in m.leave:
            out.append(Violation("day_off", "work on a day off or leave", p.task_id, p.member_id, p.date))
        if task.due is not None and p.date > task.due:
            out.append(Violation("due", "work after the due date", p.task_id, p.member_id, p.date))
        if task.started_by is not None and task.started_by in mmap:
            if p.member_id != task.started_by:
                out.append(Violation("started", "started work moved to someone else", task.id, p.member_id))
        elif task.assignees:
            if p.member_id not in task.assignees:
                out.append(Violation("assignee", "work given to a non-assignee", task.id, p.member_id))
        elif any(m.strengths.get(tag, 0) < lvl for tag, lvl in task.required.items()):
            out.append(Violation("strength", "member lacks a required strength", task.id, p.member_id))
        if not p.reason:
            out.append(Violation("reason", "placement without a reason", task.id, p.member_id, p.date))

    for (mid, day), hours in per_day.items():
        m = mmap.get(mid)
        if m is None:
            continue
        cap = m.daily_hours - float(m.load.get(day, 0.0) or 0.0) - pinned_day.get((mid, day), 0.0)
        if hours > max(0.0, cap) + _EPS:
            out.append(Violation("capacity", f"{hours:g} h on a day with {max(0.0, cap):g} h free", None, mid, day))

    last: dict[TaskId, date] = {}
    for p in result.placements:
        if p.task_id not in last or p.date > last[p.task_id]:
            last[p.task_id] = p.date
    for t in tasks:
        mine = by_task.get(t.id, [])
        if t.id in unplaced:
            if mine:
                out.append(Violation("partial", "unplaced task still has placements", t.id))
            continue
        if _ok_hours(t.hours):
            done = t.done_hours if isinstance(t.done_hours, int | float) and t.done_hours > 0 else 0.0
            pinned = sum(_units(x.hours) for x in t.pins if _ok_hours(x.hours) and x.member_id in mmap)
            need = max(0, _units(t.hours) - _units(done) - pinned) if done < t.hours else 0
            have = sum(_units(p.hours) for p in mine)
            if have != need:
                out.append(Violation("hours", f"{have} of {need} half-hours placed, not listed unplaced", t.id))
        else:
            out.append(Violation("hours", "task with an invalid estimate not listed unplaced", t.id))
        for dep in t.depends_on:
            if dep not in tmap:
                continue
            if mine and dep in unplaced:
                out.append(Violation("dependency", f"placed although dependency {dep} is unplaced", t.id))
            elif mine and dep in last and min(p.date for p in mine) <= last[dep]:
                out.append(Violation("dependency", f"starts before dependency {dep} finishes", t.id))
    return out
