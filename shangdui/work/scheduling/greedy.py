"""Problem preparation, day-by-day placement and the greedy scheduler.

:func:`prepare` turns members and tasks into integer capacities (half-hour units per member and
day), candidate members per task and static time windows, and sorts out every task that cannot be
scheduled at all (bad estimate, cycle, nobody with the strength ...). :class:`Builder` places a
task's hours as early as possible on chosen members' free days, never across a dependency, a due
date or a day off. The CP-SAT scheduler uses both; :func:`greedy` is its fast fallback and
:func:`round_robin` / :func:`least_loaded` are the baselines of ERPNext-style assignment rules.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from .types import (
    MAX_TASK_HOURS,
    UNIT_HOURS,
    Member,
    MemberId,
    Placement,
    Reason,
    ScheduleResult,
    Task,
    TaskId,
    Unplaced,
)

AUTO, ASSIGNED, STARTED = "auto", "assigned", "started"


def to_units(hours: float) -> int:
    """Hours to planning units, rounded up (1.2 h -> 3 units of 0.5 h)."""
    return math.ceil(hours / UNIT_HOURS - 1e-9)


def fmt_hours(units: int) -> str:
    hours = units * UNIT_HOURS
    return f"{hours:g}"


def _valid_hours(value: float) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and 0 < value <= MAX_TASK_HOURS


@dataclass
class Prepared:
    """Integer view of one scheduling problem. Day index 0 is ``start``."""

    start: date
    days: int
    members: list[Member]
    mindex: dict[MemberId, int]
    tasks: dict[TaskId, Task]
    cap: list[list[int]]  # free units per member and day, after outside load and pins
    total_cap: list[int]  # working units per member over the horizon (utilisation denominator)
    booked: list[int]  # units of outside load and pins inside the horizon per member
    units: dict[TaskId, int] = field(default_factory=dict)  # remaining units to place
    cands: dict[TaskId, list[int]] = field(default_factory=dict)
    mode: dict[TaskId, str] = field(default_factory=dict)
    fit: dict[tuple[TaskId, int], int] = field(default_factory=dict)
    due: dict[TaskId, int] = field(default_factory=dict)
    deps: dict[TaskId, list[TaskId]] = field(default_factory=dict)
    pin_last: dict[TaskId, int] = field(default_factory=dict)
    release: dict[TaskId, int] = field(default_factory=dict)
    latest: dict[TaskId, int] = field(default_factory=dict)
    weight: dict[TaskId, int] = field(default_factory=dict)
    order: list[TaskId] = field(default_factory=list)  # active tasks, dependencies first
    unplaced: dict[TaskId, Unplaced] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def day(self, index: int) -> date:
        return self.start + timedelta(days=index)

    def mark(self, tid: TaskId, code: str, detail: str = "") -> None:
        text = Reason.TEXT[code] + (f"：{detail}" if detail else "")
        self.unplaced[tid] = Unplaced(tid, code, text)


def _cycles(tasks: dict[TaskId, Task]) -> set[TaskId]:
    """Ids of tasks on a dependency cycle (Tarjan's SCC, iterative)."""
    index: dict[TaskId, int] = {}
    low: dict[TaskId, int] = {}
    stack: list[TaskId] = []
    on_stack: set[TaskId] = set()
    found: set[TaskId] = set()
    counter = 0
    for root in tasks:
        if root in index:
            continue
        work: list[tuple[TaskId, int]] = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            deps = [d for d in tasks[node].depends_on if d in tasks]
            if i < len(deps):
                work.append((node, i + 1))
                nxt = deps[i]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                comp = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    comp.append(top)
                    if top == node:
                        break
                if len(comp) > 1 or node in tasks[node].depends_on:
                    found.update(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found


def _topological(tasks: dict[TaskId, Task], ids: Iterable[TaskId]) -> list[TaskId]:
    """Acyclic ids ordered so that dependencies come first (input order otherwise)."""
    wanted = set(ids)
    seen: set[TaskId] = set()
    out: list[TaskId] = []
    for root in tasks:
        if root not in wanted or root in seen:
            continue
        work = [(root, False)]
        while work:
            node, expanded = work.pop()
            if expanded:
                out.append(node)
                continue
            if node in seen:
                continue
            seen.add(node)
            work.append((node, True))
            for dep in reversed(tasks[node].depends_on):
                if dep in wanted and dep not in seen:
                    work.append((dep, False))
    return out


def prepare(members: Sequence[Member], tasks: Sequence[Task], start: date, days: int) -> Prepared:
    """Check the input and compute capacities, candidates and static windows."""
    if days < 1:
        raise ValueError("days must be at least 1")
    mindex = {m.id: i for i, m in enumerate(members)}
    if len(mindex) != len(members):
        raise ValueError("duplicate member id")
    tmap = {t.id: t for t in tasks}
    if len(tmap) != len(tasks):
        raise ValueError("duplicate task id")
    cap, total, booked = [], [], []
    notes: list[str] = []
    for m in members:
        daily = (
            math.floor(m.daily_hours / UNIT_HOURS + 1e-9) if _valid_hours(m.daily_hours) and m.daily_hours <= 24 else 0
        )
        if daily == 0:
            notes.append(f"member {m.id} has no usable daily hours: {m.daily_hours!r}")
        row, tot, bk = [], 0, 0
        for d in range(days):
            day = start + timedelta(days=d)
            works = day.weekday() in m.weekdays and day not in m.leave
            base = daily if works else 0
            extra = min(to_units(max(0.0, float(m.load.get(day, 0.0) or 0.0))), base)
            row.append(base - extra)
            tot += base
            bk += extra
        cap.append(row)
        total.append(tot)
        booked.append(bk)
    p = Prepared(start, days, list(members), mindex, tmap, cap, total, booked, notes=notes)

    end = start + timedelta(days=days - 1)
    for t in tasks:  # pins first: they use capacity whatever happens to their task
        last = -1
        for pin in t.pins:
            if not _valid_hours(pin.hours) or pin.member_id not in mindex:
                p.notes.append(f"ignored pin of task {t.id}: {pin}")
                continue
            d = (pin.date - start).days
            last = max(last, d)
            if 0 <= d < days:
                mi = mindex[pin.member_id]
                used = min(to_units(pin.hours), p.cap[mi][d])
                p.cap[mi][d] -= used
                p.booked[mi] += to_units(pin.hours)
        p.pin_last[t.id] = last

    for tid in _cycles(tmap):
        p.mark(tid, Reason.CYCLE)
    for t in tasks:
        if t.id in p.unplaced:
            continue
        done = t.done_hours if isinstance(t.done_hours, int | float) and t.done_hours > 0 else 0.0
        if not _valid_hours(t.hours) or not math.isfinite(done):
            p.mark(t.id, Reason.BAD_ESTIMATE, f"{t.hours!r} 小时")
            continue
        pinned = sum(to_units(x.hours) for x in t.pins if _valid_hours(x.hours) and x.member_id in mindex)
        p.units[t.id] = max(0, to_units(t.hours) - to_units(done) - pinned) if done < t.hours else 0
        if p.units[t.id] == 0:
            continue
        if t.due is not None and t.due < start:
            p.mark(t.id, Reason.DUE_PAST, f"{t.due.isoformat()}")
            continue
        p.due[t.id] = (min(t.due, end) - start).days if t.due is not None else days - 1
        if t.started_by is not None and t.started_by in mindex:
            p.mode[t.id], cands = STARTED, [mindex[t.started_by]]
        elif t.assignees:
            known = [mindex[a] for a in dict.fromkeys(t.assignees) if a in mindex]
            if not known:
                p.mark(t.id, Reason.UNKNOWN_MEMBER)
                continue
            p.mode[t.id], cands = ASSIGNED, known
        else:
            cands = [
                i
                for i, m in enumerate(members)
                if all(m.strengths.get(tag, 0) >= lvl for tag, lvl in t.required.items())
            ]
            if not cands:
                p.mark(t.id, Reason.NO_STRENGTH, "、".join(t.required))
                continue
            p.mode[t.id] = AUTO
        for i in cands:
            p.fit[t.id, i] = sum(members[i].strengths.get(tag, 0) for tag in t.required)
        cands = [i for i in cands if p.total_cap[i] > 0]
        if not cands:
            p.mark(t.id, Reason.NO_WORKING_DAYS)
            continue
        p.cands[t.id] = cands

    active = [tid for tid in tmap if tid in p.cands]
    for tid in _topological(tmap, active):
        blocked = [d for d in tmap[tid].depends_on if d in p.unplaced]
        if blocked:
            p.mark(tid, Reason.DEPENDENCY_UNPLACED, "、".join(tmap[d].title for d in blocked))
            continue
        p.order.append(tid)
        p.deps[tid] = [d for d in tmap[tid].depends_on if d in tmap]
    for tid in list(p.cands):
        if tid in p.unplaced:
            del p.cands[tid]
    _windows(p)
    return p


def _window_capacity(p: Prepared, tid: TaskId, days: Iterable[int]) -> int | None:
    """First day (in the given order) by which the task's candidates could have done it alone."""
    units, cands, single = p.units[tid], p.cands[tid], p.mode[tid] != ASSIGNED
    acc = [0] * len(cands)
    total = 0
    for d in days:
        for k, i in enumerate(cands):
            acc[k] += p.cap[i][d]
            total += p.cap[i][d]
        if (max(acc) if single else total) >= units:
            return d
    return None


def _windows(p: Prepared) -> None:
    """Static earliest start (release) and latest finish (from due dates of dependents)."""
    finish: dict[TaskId, int] = {}
    for tid in p.order:
        rel = 0
        for dep in p.deps[tid]:
            rel = max(rel, finish.get(dep, -1) + 1, p.pin_last.get(dep, -1) + 1)
        p.release[tid] = rel
        ef = _window_capacity(p, tid, range(rel, p.days))
        finish[tid] = ef if ef is not None else p.days
    dependents: dict[TaskId, list[TaskId]] = {}
    for tid in p.order:
        for dep in p.deps[tid]:
            dependents.setdefault(dep, []).append(tid)
    start_by: dict[TaskId, int] = {}
    weight: dict[TaskId, int] = {}
    for tid in reversed(p.order):
        lf = p.due[tid]
        w = p.tasks[tid].weight
        for s in dependents.get(tid, ()):
            lf = min(lf, start_by[s] - 1)
            w = max(w, weight[s])
        p.latest[tid] = lf
        weight[tid] = w
        ls = _window_capacity(p, tid, range(min(lf, p.days - 1), -1, -1))
        start_by[tid] = ls if ls is not None else -1
    p.weight = weight


class Builder:
    """Mutable day-by-day placement on top of a :class:`Prepared` problem."""

    def __init__(self, p: Prepared, late: bool = False) -> None:
        self.p = p
        self.late = late
        self.free = [row[:] for row in p.cap]
        self.load = p.booked[:]
        self.alloc: dict[TaskId, dict[tuple[int, int], int]] = {}
        self.last: dict[TaskId, int] = {}
        self.failed: dict[TaskId, str] = {}

    def ready_day(self, tid: TaskId) -> int | None:
        """First day the task may use, or None when a dependency is not placed."""
        rel = 0
        for dep in self.p.deps[tid]:
            if dep in self.last:  # a dependency's pins may lie after its scheduled hours
                rel = max(rel, self.last[dep] + 1, self.p.pin_last.get(dep, -1) + 1)
            elif self.p.units.get(dep, 0) == 0 and dep not in self.p.unplaced and dep not in self.failed:
                rel = max(rel, self.p.pin_last.get(dep, -1) + 1)
            else:
                return None
        return rel

    def walk(self, tid: TaskId, members: Sequence[int]) -> list[int] | None:
        """Days the task would use on these members, in filling order, without placing it.

        As early as possible by default; with ``late`` as late as its window allows (latest finish
        that leaves its dependents room, else its due date), keeping early days for other work.
        """
        rel = self.ready_day(tid)
        if rel is None:
            return None
        due = self.p.due[tid]
        spans = [range(rel, due + 1)]
        if self.late:
            spans = [range(b, rel - 1, -1) for b in dict.fromkeys((min(self.p.latest[tid], due), due))]
        for span in spans:
            rem, used = self.p.units[tid], []
            for d in span:
                room = sum(self.free[i][d] for i in members)
                if room:
                    used.append(d)
                    rem -= room
                if rem <= 0:
                    return used
        return None

    def finish_day(self, tid: TaskId, members: Sequence[int]) -> int | None:
        """Last day the task would use on these members, or None when it does not fit."""
        used = self.walk(tid, members)
        return None if used is None else max(used)

    def place(self, tid: TaskId, members: Sequence[int]) -> bool:
        """Place all remaining units of a task, or nothing at all."""
        used = self.walk(tid, members)
        if used is None:
            return False
        rem, got = self.p.units[tid], {}
        for d in used:
            for i in sorted(members, key=lambda i: self.load[i] / max(1, self.p.total_cap[i])):
                take = min(self.free[i][d], rem)
                if take > 0:
                    self.free[i][d] -= take
                    self.load[i] += take
                    got[i, d] = take
                    rem -= take
                if rem == 0:
                    break
        self.alloc[tid] = got
        self.last[tid] = max(d for _i, d in got)
        self.failed.pop(tid, None)
        return True

    def choose(self, tid: TaskId, cands: Sequence[int] | None = None) -> list[int] | None:
        """Best members for a task: fitting strengths, balanced load, on time."""
        p = self.p
        if p.mode[tid] != AUTO:
            return list(p.cands[tid])
        best: tuple[float, int, int] | None = None
        pick: int | None = None
        pool = p.cands[tid] if cands is None else cands
        min_fit = min(p.fit[tid, i] for i in pool)
        for i in pool:
            fin = self.finish_day(tid, [i])
            if fin is None:
                continue
            util = (self.load[i] + p.units[tid]) / p.total_cap[i]
            key = (util - 0.03 * (p.fit[tid, i] - min_fit), fin, i)
            if best is None or key < best:
                best, pick = key, i
        return None if pick is None else [pick]

    def fail(self, tid: TaskId) -> None:
        blocked = self.ready_day(tid) is None
        self.failed[tid] = Reason.DEPENDENCY_UNPLACED if blocked else Reason.NO_CAPACITY


def edf_order(p: Prepared) -> list[TaskId]:
    """Earliest latest-finish first; dependencies always precede their dependents."""
    rank = {tid: k for k, tid in enumerate(p.order)}
    return sorted(p.order, key=lambda t: (p.latest[t], -p.weight[t], rank[t]))


def run_greedy(p: Prepared, b: Builder, order: Iterable[TaskId]) -> None:
    for tid in order:
        members = b.choose(tid)
        if members is None or not b.place(tid, members):
            b.fail(tid)


def priority_order(p: Prepared) -> list[TaskId]:
    """Most important first (a dependency inherits the weight of its dependents), then deadline."""
    rank = {tid: k for k, tid in enumerate(p.order)}
    return sorted(p.order, key=lambda t: (-p.weight[t], p.latest[t], rank[t]))


def score(p: Prepared, b: Builder) -> tuple[int, float]:
    """Priority weight placed, then the negated utilisation spread: higher is better."""
    util = [b.load[i] / t for i, t in enumerate(p.total_cap) if t > 0]
    spread = max(util) - min(util) if util else 0.0
    return sum(p.tasks[t].weight for t in b.alloc), -spread


def best_greedy(p: Prepared) -> Builder:
    """The better of two passes: deadline order as early as possible, and priority order as late
    as possible (urgent work first, yet leaving early days to tasks due early)."""
    edf = Builder(p)
    run_greedy(p, edf, edf_order(p))
    by_weight = Builder(p, late=True)
    run_greedy(p, by_weight, priority_order(p))
    return by_weight if score(p, by_weight) > score(p, edf) else edf


def greedy(members: Sequence[Member], tasks: Sequence[Task], start: date, days: int) -> ScheduleResult:
    """Greedy schedule: each task to the best fitting, least utilised member that finishes it in time."""
    p = prepare(members, tasks, start, days)
    return build_result(p, best_greedy(p), "greedy", "fallback")


def _fixed_assignment(p: Prepared, pick: Callable[[TaskId, list[int]], int], name: str) -> ScheduleResult:
    chosen: dict[TaskId, list[int]] = {}
    for tid in p.tasks:  # creation order, as assignment rules see new documents
        if tid in p.cands:
            chosen[tid] = [pick(tid, p.cands[tid])] if p.mode[tid] == AUTO else p.cands[tid]
    b = Builder(p)
    for tid in edf_order(p):
        if not b.place(tid, chosen[tid]):
            b.fail(tid)
    return build_result(p, b, name, "baseline")


def round_robin(members: Sequence[Member], tasks: Sequence[Task], start: date, days: int) -> ScheduleResult:
    """Baseline: each new task to the next qualified member in turn (ERPNext "Round Robin")."""
    p = prepare(members, tasks, start, days)
    turn = [0]

    def pick(tid: TaskId, cands: list[int]) -> int:
        n = len(p.members)
        for step in range(n):
            i = (turn[0] + step) % n
            if i in cands:
                turn[0] = i + 1
                return i
        return cands[0]

    return _fixed_assignment(p, pick, "round-robin")


def least_loaded(members: Sequence[Member], tasks: Sequence[Task], start: date, days: int) -> ScheduleResult:
    """Baseline: each new task to the qualified member with the fewest open tasks ("Load Balancing")."""
    p = prepare(members, tasks, start, days)
    count = [0] * len(p.members)

    def pick(tid: TaskId, cands: list[int]) -> int:
        i = min(cands, key=lambda i: (count[i], i))
        count[i] += 1
        return i

    return _fixed_assignment(p, pick, "least-loaded")


def build_result(p: Prepared, b: Builder, solver: str, status: str, **stats: object) -> ScheduleResult:
    """Placements (pins first) with readable reasons, every missing task in unplaced, figures."""
    placements: list[Placement] = []
    for t in p.tasks.values():
        for pin in t.pins:
            if _valid_hours(pin.hours) and pin.member_id in p.mindex:
                placements.append(Placement(t.id, pin.member_id, pin.date, pin.hours, "手动固定", True))
    week_free: dict[tuple[int, tuple[int, int]], int] = {}
    for i, row in enumerate(b.free):
        for d, units in enumerate(row):
            key = (i, p.day(d).isocalendar()[:2])
            week_free[key] = week_free.get(key, 0) + units
    for tid in p.order:
        if tid not in b.alloc:
            continue
        task = p.tasks[tid]
        for (i, d), units in sorted(b.alloc[tid].items(), key=lambda kv: (kv[0][1], kv[0][0])):
            day = p.day(d)
            left = f"本周剩余 {fmt_hours(week_free[i, day.isocalendar()[:2]])} 小时"
            if p.mode[tid] == STARTED:
                why = "已开始，由其继续"
            elif p.mode[tid] == ASSIGNED:
                why = "已指派"
            elif task.required:
                why = "擅长" + "、".join(f"{tag}（{p.members[i].strengths.get(tag, 0)}级）" for tag in task.required)
            else:
                why = "负载较低"
            placements.append(Placement(tid, p.members[i].id, day, units * UNIT_HOURS, f"{why}，{left}"))
    unplaced = dict(p.unplaced)
    for tid in p.order:  # dependencies first, so a failure propagates to its dependents
        if tid in b.alloc:
            continue
        code = b.failed.get(tid, Reason.NO_CAPACITY)
        if any(d in unplaced for d in p.deps[tid]):
            code = Reason.DEPENDENCY_UNPLACED
        detail = f"需要 {fmt_hours(p.units[tid])} 小时" if code == Reason.NO_CAPACITY else ""
        unplaced[tid] = Unplaced(tid, code, Reason.TEXT[code] + (f"：{detail}" if detail else ""))
    ordered = [unplaced[t] for t in p.tasks if t in unplaced]
    return ScheduleResult(tuple(placements), tuple(ordered), solver, status, {**figures(p, b), **stats})


def figures(p: Prepared, b: Builder) -> dict[str, object]:
    """On-time share (plain and priority-weighted) and member utilisation."""
    todo = [tid for tid in p.tasks if p.units.get(tid, 1) > 0]
    placed = [tid for tid in todo if tid in b.alloc]
    weight = sum(p.tasks[t].weight for t in todo)
    util = [b.load[i] / p.total_cap[i] for i in range(len(p.members)) if p.total_cap[i] > 0]
    lo, hi = (min(util), max(util)) if util else (0.0, 0.0)
    return {
        "tasks": len(todo),
        "placed": len(placed),
        "on_time_share": len(placed) / len(todo) if todo else 1.0,
        "weighted_on_time_share": sum(p.tasks[t].weight for t in placed) / weight if weight else 1.0,
        "util_max": hi,
        "util_min": lo,
        "util_spread": hi - lo,
        "util_ratio": hi / lo if lo > 0 else math.inf,
        "notes": list(p.notes),
    }
