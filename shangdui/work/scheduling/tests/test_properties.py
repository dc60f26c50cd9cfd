"""Property tests: on any input, every scheduler keeps every rule (checked by validate()).

The rules: no member beyond capacity or on a day off/leave, no task before its dependencies finish,
no unassigned task to a member without the required strength, pins kept exactly, and every task's
hours either all placed or the task listed unplaced with a reason.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shangdui.work.scheduling import (
    PRIORITY_WEIGHT,
    Member,
    Pin,
    Reason,
    Task,
    greedy,
    least_loaded,
    round_robin,
    schedule,
    validate,
)

START = date(2026, 11, 30)
TAGS = ["修图", "文案", "直播"]
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)


@st.composite
def problems(draw, max_members=4, max_tasks=8, max_days=10):
    days = draw(st.integers(1, max_days))
    n_members = draw(st.integers(1, max_members))
    members = []
    for k in range(n_members):
        members.append(
            Member(
                k,
                f"成员{k}",
                weekdays=frozenset(draw(st.sets(st.integers(0, 6), max_size=7))) if k else frozenset(range(5)),
                daily_hours=draw(st.sampled_from([0, 2, 4, 7.5, 8, 8, 10])),
                leave=frozenset(START + timedelta(days=d) for d in draw(st.sets(st.integers(0, days), max_size=3))),
                strengths=draw(st.dictionaries(st.sampled_from(TAGS), st.integers(1, 5), max_size=3)),
                load=draw(
                    st.dictionaries(
                        st.builds(lambda d: START + timedelta(days=d), st.integers(0, days)),
                        st.sampled_from([1, 3, 12]),
                        max_size=2,
                    )
                ),
            )
        )
    n_tasks = draw(st.integers(0, max_tasks))
    member_ids = st.integers(0, n_members)  # n_members itself is an unknown member
    tasks = []
    for k in range(n_tasks):
        bad = draw(st.integers(0, 9)) == 0
        hours = draw(st.sampled_from([0, -2, 1e9, float("nan")] if bad else [0.5, 1, 2, 3.5, 6, 8, 16, 30]))
        # Mostly earlier tasks (a DAG); now and then any task, which may close a cycle.
        dep_ids = st.integers(0, n_tasks) if draw(st.integers(0, 9)) == 0 else st.integers(0, max(0, k - 1))
        deps = tuple(draw(st.sets(dep_ids, max_size=2))) if k and draw(st.booleans()) else ()
        due_offset = draw(st.one_of(st.none(), st.integers(-2, days + 2)))
        pins = tuple(
            Pin(
                draw(member_ids),
                START + timedelta(days=draw(st.integers(-1, days))),
                draw(st.sampled_from([1, 2, 4])),
            )
            for _ in range(draw(st.integers(0, 1)))
        )
        tasks.append(
            Task(
                k,
                f"任务{k}",
                hours,
                due=None if due_offset is None else START + timedelta(days=due_offset),
                priority=draw(st.integers(1, 5)),
                required=draw(st.dictionaries(st.sampled_from(TAGS), st.integers(1, 3), max_size=1)) if k % 2 else {},
                depends_on=deps,
                assignees=tuple(draw(st.lists(member_ids, max_size=2))) if draw(st.booleans()) else (),
                started_by=draw(st.one_of(st.none(), member_ids)) if draw(st.integers(0, 4)) == 0 else None,
                done_hours=draw(st.sampled_from([0, 0, 1, 3])),
                pins=pins,
            )
        )
    return members, tasks, START, days


def check(members, tasks, start, days, result):
    violations = validate(members, tasks, start, days, result)
    assert violations == [], violations
    for u in result.unplaced:
        assert u.code in Reason.TEXT and u.reason.startswith(Reason.TEXT[u.code])
    return result


def weight(result, tasks):
    gone = {u.task_id for u in result.unplaced}
    return sum(PRIORITY_WEIGHT[t.priority] for t in tasks if t.id not in gone)


@settings(SETTINGS, max_examples=300)
@given(problems())
def test_greedy_and_baselines_keep_every_rule(problem):
    for fn in (greedy, round_robin, least_loaded):
        check(*problem, fn(*problem))


@settings(SETTINGS, max_examples=80)
@given(problems())
def test_cp_sat_models_keep_every_rule_and_never_lose_to_greedy(problem):
    members, tasks, start, days = problem
    fallback = weight(greedy(*problem), tasks)
    for mode in ("exact", "aggregated"):
        result = check(*problem, schedule(*problem, mode=mode, time_limit_s=2))
        assert weight(result, tasks) >= fallback


@settings(SETTINGS, max_examples=30)
@given(problems(max_members=3, max_tasks=5, max_days=6))
def test_proven_optimum_is_at_least_as_good_as_every_heuristic(problem):
    members, tasks, start, days = problem
    best = check(*problem, schedule(*problem, mode="exact", time_limit_s=None))
    assert best.status == "optimal" or best.solver == "greedy"
    for fn in (greedy, round_robin, least_loaded):
        assert weight(best, tasks) >= weight(fn(*problem), tasks)
