"""CP-SAT scheduler: the entry point :func:`schedule`.

Two models share one objective, in this order of importance:

1. maximise the priority weight of tasks placed completely before their due date;
2. balance the team: minimise the spread between the most and least utilised member (per mille),
   then the highest utilisation;
3. give a task without assignee to the member whose strengths fit it best.

*Exact* (small problems, tried first by "auto"): one integer variable per task, candidate member
and day, with day capacities, days off, due dates and finish-to-start dependencies between first
and last days. Its optimum is the true optimum of the rules in :mod:`.types`.

*Aggregated* (large problems, e.g. 500 tasks x 30 members x 20 days): CP-SAT chooses which tasks to
place and who does them, under each member's capacity on every window [release, due] that matters
(Horn's condition for preemptive work with windows). The day-by-day split is then made by
:class:`.greedy.Builder` (deadline order as early as possible, or priority order as late as
possible, whichever is better), which repairs anything the aggregation missed: a task that no
longer fits goes to another qualified member or is listed unplaced with its reason.

Whatever the model, the result is checked by :func:`.validate.validate` and compared with the
greedy schedule; the better sound one is returned, so CP-SAT can only improve on the fallback.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from datetime import date
from typing import Any

from ortools.sat.python import cp_model

from .greedy import (
    ASSIGNED,
    AUTO,
    Builder,
    Prepared,
    best_greedy,
    build_result,
    edf_order,
    prepare,
    priority_order,
    run_greedy,
    score,
)
from .types import Member, ScheduleResult, Task, TaskId
from .validate import validate

PLACED_WEIGHT = 10**7
SPREAD_WEIGHT = 100
MAX_UTIL_WEIGHT = 10
FIT_WEIGHT = 200
#: Up to this many task x member x day variables "auto" tries the exact model first.
EXACT_VARIABLE_LIMIT = 1500
#: Candidate members per unassigned task kept in the aggregated model.
AGGREGATE_CANDIDATES = 12
#: Distinct release days per member used for window constraints in the aggregated model.
AGGREGATE_RELEASES = 8


def _status_name(code: Any) -> str:
    return {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "feasible"}.get(code, "none")


def _balance(model: cp_model.CpModel, p: Prepared, member_terms: dict[int, list[Any]]) -> tuple[Any, Any]:
    """Per-mille utilisation bounds hi >= every member's utilisation >= lo."""
    hi = model.new_int_var(0, 1000, "util_hi")
    lo = model.new_int_var(0, 1000, "util_lo")
    for i, total in enumerate(p.total_cap):
        if total <= 0:
            continue
        load = sum(member_terms.get(i, [])) + p.booked[i]
        model.add(1000 * load <= hi * total)
        model.add(1000 * load >= lo * total)
    return hi, lo


def _objective(
    model: cp_model.CpModel,
    p: Prepared,
    placed: dict[TaskId, Any],
    assign: dict[tuple[TaskId, int], Any],
    hi: Any,
    lo: Any,
) -> None:
    fit_terms = []
    floor = {tid: min(p.fit[tid, j] for j in p.cands[tid]) for tid in p.order if p.mode[tid] == AUTO}
    for (tid, i), var in assign.items():
        if tid in floor and p.fit[tid, i] > floor[tid]:
            fit_terms.append((p.fit[tid, i] - floor[tid]) * var)
    model.maximize(
        PLACED_WEIGHT * sum(p.tasks[t].weight * v for t, v in placed.items())
        - SPREAD_WEIGHT * (hi - lo)
        - MAX_UTIL_WEIGHT * hi
        + FIT_WEIGHT * sum(fit_terms)
    )


def _solver(time_limit_s: float | None, num_workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    if time_limit_s is not None:
        solver.parameters.max_time_in_seconds = max(0.05, time_limit_s)
    solver.parameters.num_workers = num_workers
    solver.parameters.random_seed = seed
    return solver


def exact_variables(p: Prepared, stop_above: int | None = None) -> int:
    """Number of task x member x day variables of the exact model (counting stops above a bound)."""
    n = 0
    for tid in p.order:
        for i in p.cands[tid]:
            n += sum(1 for d in range(p.release[tid], p.due[tid] + 1) if p.cap[i][d] > 0)
        if stop_above is not None and n > stop_above:
            break
    return n


def solve_exact(
    p: Prepared, greedy_b: Builder | None, time_limit_s: float | None, num_workers: int = 2, seed: int = 0
) -> tuple[Builder | None, str, dict[str, Any]]:
    """Time-indexed CP-SAT model; returns the placement, the CP-SAT status and figures."""
    model = cp_model.CpModel()
    placed = {t: model.new_bool_var(f"p{t}") for t in p.order}
    assign: dict[tuple[TaskId, int], Any] = {}
    x: dict[tuple[TaskId, int, int], Any] = {}
    by_day: dict[tuple[int, int], list[Any]] = {}
    by_member: dict[int, list[Any]] = {}
    linked = {t for t in p.order if p.deps[t]} | {d for t in p.order for d in p.deps[t] if d in placed}
    first: dict[TaskId, Any] = {}
    last: dict[TaskId, Any] = {}
    for tid in p.order:
        units = p.units[tid]
        if p.mode[tid] != ASSIGNED:
            for i in p.cands[tid]:
                assign[tid, i] = model.new_bool_var(f"a{tid}_{i}")
            model.add(sum(assign[tid, i] for i in p.cands[tid]) == placed[tid])
        day_vars: dict[int, list[Any]] = {}
        for i in p.cands[tid]:
            for d in range(p.release[tid], p.due[tid] + 1):
                cap = p.cap[i][d]
                if cap <= 0:
                    continue
                v = model.new_int_var(0, min(cap, units), f"x{tid}_{i}_{d}")
                if (tid, i) in assign:
                    model.add(v <= min(cap, units) * assign[tid, i])
                x[tid, i, d] = v
                by_day.setdefault((i, d), []).append(v)
                by_member.setdefault(i, []).append(v)
                day_vars.setdefault(d, []).append(v)
        model.add(sum(v for vs in day_vars.values() for v in vs) == units * placed[tid])
        if tid in linked:
            first[tid] = model.new_int_var(0, p.days, f"f{tid}")
            last[tid] = model.new_int_var(-1, p.days, f"l{tid}")
            for d, vs in day_vars.items():
                works = model.new_bool_var(f"y{tid}_{d}")
                model.add(sum(vs) <= units * works)
                model.add(last[tid] >= d).only_enforce_if(works)
                model.add(first[tid] <= d).only_enforce_if(works)
    for tid in p.order:
        for dep in p.deps[tid]:
            if dep in placed:
                model.add_implication(placed[tid], placed[dep])
                model.add(first[tid] >= last[dep] + 1)
    for (i, d), vs in by_day.items():
        model.add(sum(vs) <= p.cap[i][d])
    hi, lo = _balance(model, p, by_member)
    _objective(model, p, placed, assign, hi, lo)
    if greedy_b is not None:
        for tid, var in placed.items():
            model.add_hint(var, tid in greedy_b.alloc)
        for (tid, i), var in assign.items():
            model.add_hint(var, any(k[0] == i for k in greedy_b.alloc.get(tid, {})))
        for (tid, i, d), var in x.items():
            model.add_hint(var, greedy_b.alloc.get(tid, {}).get((i, d), 0))
    solver = _solver(time_limit_s, num_workers, seed)
    code = solver.solve(model)
    stats: dict[str, Any] = {
        "variables": len(x),
        "objective_bound": solver.best_objective_bound,
        "wall_s": solver.wall_time,
    }
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, _status_name(code), stats
    b = Builder(p)
    for tid in p.order:  # dependencies first, so last days are known when dependents are recorded
        if not solver.value(placed[tid]):
            b.fail(tid)
            continue
        got: dict[tuple[int, int], int] = {}
        for i in p.cands[tid]:
            for d in range(p.release[tid], p.due[tid] + 1):
                cell: Any = x.get((tid, i, d))
                if cell is not None and (val := solver.value(cell)) > 0:
                    got[i, d] = val
                    b.free[i][d] -= val
                    b.load[i] += val
                    b.last[tid] = max(b.last.get(tid, -1), d)
        b.alloc[tid] = got
    stats["objective"] = solver.objective_value
    return _compact(p, b), _status_name(code), stats


def _compact(p: Prepared, b: Builder) -> Builder:
    """The same assignment placed as early as possible, when that keeps every task and the balance.

    Among equally good schedules CP-SAT returns any; a manager expects work to start soon.
    """
    c = Builder(p)
    for tid in edf_order(p):
        if tid in b.alloc:
            if not c.place(tid, sorted({i for i, _d in b.alloc[tid]})):
                return b
        else:
            c.fail(tid)
    return c if c.load == b.load else b


def _aggregate_candidates(p: Prepared, tid: TaskId, hinted: set[int]) -> list[int]:
    """All candidates of a fixed task; for an unassigned one the best fitting few plus the hint."""
    cands = p.cands[tid]
    if p.mode[tid] != AUTO or len(cands) <= AGGREGATE_CANDIDATES:
        return list(cands)
    n = len(p.members)
    salt = sum(map(ord, str(tid))) % n  # spread ties deterministically, unlike hash()
    ranked = sorted(cands, key=lambda i: (-p.fit[tid, i], (i + salt) % n))
    keep = ranked[:AGGREGATE_CANDIDATES]
    return keep + [i for i in cands if i in hinted and i not in keep]


def solve_aggregated(
    p: Prepared, greedy_b: Builder | None, time_limit_s: float | None, num_workers: int = 2, seed: int = 0
) -> tuple[Builder | None, str, dict[str, Any]]:
    """Assignment and selection by CP-SAT under window capacities, then a day-by-day split."""
    model = cp_model.CpModel()
    placed = {t: model.new_bool_var(f"p{t}") for t in p.order}
    assign: dict[tuple[TaskId, int], Any] = {}
    share: dict[tuple[TaskId, int], Any] = {}  # units of a task on a member, as a linear expression
    per_member: dict[int, list[TaskId]] = {}
    for tid in p.order:
        units = p.units[tid]
        hinted = {i for i, _d in greedy_b.alloc.get(tid, {})} if greedy_b is not None else set()
        cands = _aggregate_candidates(p, tid, hinted)
        if p.mode[tid] == ASSIGNED and len(cands) > 1:
            hs = [model.new_int_var(0, units, f"h{tid}_{i}") for i in cands]
            model.add(sum(hs) == units * placed[tid])
            for i, h in zip(cands, hs, strict=True):
                share[tid, i] = h
        elif p.mode[tid] == AUTO:
            for i in cands:
                assign[tid, i] = model.new_bool_var(f"a{tid}_{i}")
                share[tid, i] = units * assign[tid, i]
            model.add(sum(assign[tid, i] for i in cands) == placed[tid])
        else:
            share[tid, cands[0]] = units * placed[tid]
        for i in cands:
            per_member.setdefault(i, []).append(tid)
        for dep in p.deps[tid]:
            if dep in placed:
                model.add_implication(placed[tid], placed[dep])
    windows = 0
    for i, tids in per_member.items():
        prefix = [0]
        for c in p.cap[i]:
            prefix.append(prefix[-1] + c)
        releases = sorted({p.release[t] for t in tids})
        if len(releases) > AGGREGATE_RELEASES:
            step = len(releases) / AGGREGATE_RELEASES
            releases = sorted({releases[int(k * step)] for k in range(AGGREGATE_RELEASES)} | {releases[0]})
        for due in sorted({p.due[t] for t in tids}):
            for rel in releases:
                if rel > due:
                    break
                inside = [t for t in tids if p.release[t] >= rel and p.due[t] <= due]
                room = prefix[due + 1] - prefix[rel]
                if sum(p.units[t] for t in inside) <= room:
                    continue
                model.add(sum(share[t, i] for t in inside) <= room)
                windows += 1
    member_terms: dict[int, list[Any]] = {}
    for (_tid, i), expr in share.items():
        member_terms.setdefault(i, []).append(expr)
    hi, lo = _balance(model, p, member_terms)
    _objective(model, p, placed, assign, hi, lo)
    if greedy_b is not None:
        _hint_aggregated(model, p, greedy_b, placed, assign, share, hi, lo)
    solver = _solver(time_limit_s, num_workers, seed)
    code = solver.solve(model)
    stats: dict[str, Any] = {"variables": len(share), "windows": windows, "wall_s": solver.wall_time}
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, _status_name(code), stats
    chosen: dict[TaskId, list[int]] = {}
    for tid in p.order:
        if solver.value(placed[tid]):
            if p.mode[tid] == AUTO:
                chosen[tid] = [i for i in p.cands[tid] if (tid, i) in assign and solver.value(assign[tid, i])]
            else:
                chosen[tid] = list(p.cands[tid])
    early = _realize(p, chosen, Builder(p), edf_order(p))
    late = _realize(p, chosen, Builder(p, late=True), priority_order(p))
    b = late if score(p, late) > score(p, early) else early
    stats["objective"] = solver.objective_value
    stats["selected"] = len(chosen)
    stats["model_status"] = _status_name(code)
    # Optimal for the aggregation is not proven optimal for the day-by-day problem.
    return b, "feasible", stats


def _realize(p: Prepared, chosen: dict[TaskId, list[int]], b: Builder, order: list[TaskId]) -> Builder:
    """Day-by-day split of CP-SAT's choice; a task that no longer fits tries other members."""
    rest = []
    for tid in order:
        if tid in chosen and b.place(tid, chosen[tid]):
            continue
        if tid in chosen and p.mode[tid] == AUTO and (members := b.choose(tid)) and b.place(tid, members):
            continue
        rest.append(tid)
    run_greedy(p, b, rest)
    return b


def _hint_aggregated(
    model: cp_model.CpModel,
    p: Prepared,
    gb: Builder,
    placed: dict[TaskId, Any],
    assign: dict[tuple[TaskId, int], Any],
    share: dict[tuple[TaskId, int], Any],
    hi: Any,
    lo: Any,
) -> None:
    """A complete hint from the greedy schedule, so CP-SAT starts from it and can only improve."""
    units_on: dict[tuple[TaskId, int], int] = {}
    for tid, got in gb.alloc.items():
        for (i, _d), u in got.items():
            units_on[tid, i] = units_on.get((tid, i), 0) + u
    for tid, var in placed.items():
        model.add_hint(var, tid in gb.alloc)
    for (tid, i), var in assign.items():
        model.add_hint(var, (tid, i) in units_on)
    for (tid, i), expr in share.items():
        if isinstance(expr, cp_model.IntVar):
            model.add_hint(expr, units_on.get((tid, i), 0))
    util = [1000 * gb.load[i] / t for i, t in enumerate(p.total_cap) if t > 0]
    if util:
        model.add_hint(hi, min(1000, math.ceil(max(util))))
        model.add_hint(lo, math.floor(min(util)))


def _score(result: ScheduleResult) -> tuple[float, float, float]:
    s = result.stats
    return (s["weighted_on_time_share"], -s["util_spread"], -s["util_max"])


def schedule(
    members: Sequence[Member],
    tasks: Sequence[Task],
    start: date,
    days: int,
    *,
    time_limit_s: float | None = 4.0,
    num_workers: int = 2,
    mode: str = "auto",
    seed: int = 0,
) -> ScheduleResult:
    """Place every open task's hours into members' days.

    ``mode``: "auto", "exact", "aggregated" or "greedy". "auto" tries the exact model on small
    problems with half the time; unless it proves optimality, the aggregated model gets the rest.
    ``time_limit_s`` bounds the whole call (None: run CP-SAT to optimality). The greedy schedule
    is computed first and returned when CP-SAT finds nothing better or its result fails
    validation; ``stats`` tell which happened.
    """
    began = time.perf_counter()
    p = prepare(members, tasks, start, days)
    gb = best_greedy(p)
    best = build_result(p, gb, "greedy", "fallback")
    if mode == "greedy" or not p.order:
        return _finish(best, began, "optimal" if not p.order else "fallback")
    plan = [mode] if mode != "auto" else ["exact", "aggregated"]
    if mode == "auto" and exact_variables(p, EXACT_VARIABLE_LIMIT) > EXACT_VARIABLE_LIMIT:
        plan = ["aggregated"]
    extra: dict[str, Any] = {}
    # Turning CP-SAT's answer into days and checking it costs about what the greedy pass did;
    # keep that much back so the whole call, not just CP-SAT, stays within the limit.
    setup = time.perf_counter() - began
    reserve = min(0.1 + 1.5 * setup, (time_limit_s or 0.0) / 3)
    for step, model_name in enumerate(plan):
        left = None if time_limit_s is None else time_limit_s - reserve - (time.perf_counter() - began)
        if left is not None and step + 1 < len(plan):
            left /= 2
        solve = solve_exact if model_name == "exact" else solve_aggregated
        b, status, stats = solve(p, gb, left, num_workers, seed)
        extra[f"{model_name}_status"] = status
        if b is None:
            continue
        name = "cp-sat-exact" if model_name == "exact" else "cp-sat"
        result = build_result(p, b, name, status, **{f"cp_sat_{k}": v for k, v in stats.items()})
        violations = validate(members, tasks, start, days, result)
        if violations:  # a bug, not bad input: keep the schedule sound and leave a trace
            extra[f"{model_name}_violations"] = [v.message for v in violations[:5]]
            continue
        if _score(result) >= _score(best):
            best = result
        if status == "optimal" and model_name == "exact":
            break
    return _finish(best, began, best.status, **extra)


def _finish(result: ScheduleResult, began: float, status: str, **extra: Any) -> ScheduleResult:
    stats = {**result.stats, **extra, "elapsed_s": time.perf_counter() - began}
    return ScheduleResult(result.placements, result.unplaced, result.solver, status, stats)
