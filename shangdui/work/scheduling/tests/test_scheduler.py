"""Behaviour a manager would notice: who gets what, on which day, and why something is 排不下."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta

import pytest

from shangdui.work.scheduling import (
    Member,
    Pin,
    Placement,
    Reason,
    ScheduleResult,
    Task,
    greedy,
    least_loaded,
    round_robin,
    schedule,
    validate,
)

MON = date(2026, 11, 30)
MODES = ["greedy", "exact", "aggregated"]


def run(members, tasks, days=14, mode="exact", **kw) -> ScheduleResult:
    result = schedule(members, tasks, MON, days, mode=mode, time_limit_s=kw.pop("time_limit_s", 5), **kw)
    assert validate(members, tasks, MON, days, result) == []
    return result


def hours_by(result: ScheduleResult, task_id, pinned=None) -> dict:
    out: dict = {}
    for p in result.placements:
        if p.task_id == task_id and (pinned is None or p.pinned == pinned):
            out[p.member_id, p.date] = out.get((p.member_id, p.date), 0) + p.hours
    return out


def codes(result: ScheduleResult) -> dict:
    return {u.task_id: u.code for u in result.unplaced}


@pytest.mark.parametrize("mode", MODES)
def test_unassigned_task_goes_to_best_fitting_member_with_readable_reason(mode):
    members = [Member(1, "小王", strengths={"修图": 1}), Member(2, "小李", strengths={"修图": 4})]
    result = run(members, [Task("a", "修主图", 6, due=MON + timedelta(days=4), required={"修图": 1})], mode=mode)
    assert {m for m, _d in hours_by(result, "a")} == {2}
    reason = next(p.reason for p in result.placements if p.task_id == "a")
    assert reason.startswith("擅长修图（4级），本周剩余")
    assert reason.endswith("小时")


@pytest.mark.parametrize("mode", MODES)
def test_load_is_balanced_between_equally_able_members(mode):
    members = [Member(1, "甲"), Member(2, "乙")]
    tasks = [Task(k, f"任务{k}", 8, due=MON + timedelta(days=9)) for k in range(4)]
    result = run(members, tasks, mode=mode)
    per_member = {1: 0.0, 2: 0.0}
    for p in result.placements:
        per_member[p.member_id] += p.hours
    assert per_member == {1: 16.0, 2: 16.0}


@pytest.mark.parametrize("mode", MODES)
def test_days_off_leave_and_daily_hours_are_respected(mode):
    member = Member(1, "小王", weekdays=frozenset({0, 2}), daily_hours=4, leave=frozenset({MON}))
    result = run([member], [Task("a", "做表", 6)], mode=mode)
    assert hours_by(result, "a") == {(1, MON + timedelta(days=2)): 4.0, (1, MON + timedelta(days=7)): 2.0}


@pytest.mark.parametrize("mode", MODES)
def test_dependent_starts_on_a_later_day_than_its_dependency_ends(mode):
    members = [Member(1, "甲"), Member(2, "乙")]
    tasks = [Task("shoot", "拍摄", 4), Task("edit", "修图", 4, depends_on=("shoot",))]
    result = run(members, tasks, mode=mode)
    shoot_end = max(d for _m, d in hours_by(result, "shoot"))
    assert min(d for _m, d in hours_by(result, "edit")) > shoot_end


@pytest.mark.parametrize("mode", MODES)
def test_pins_are_kept_exactly_and_use_up_capacity(mode):
    pin = Pin(1, MON + timedelta(days=5), 3)  # a Saturday: the manager's call, kept anyway
    tasks = [Task("a", "直播", 5, pins=(pin,), assignees=(1,)), Task("b", "备货", 7, assignees=(1,))]
    result = run([Member(1, "小王")], tasks, mode=mode)
    assert hours_by(result, "a", pinned=True) == {(1, pin.date): 3}
    assert sum(hours_by(result, "a", pinned=False).values()) == 2
    assert [p.reason for p in result.placements if p.pinned] == ["手动固定"]


@pytest.mark.parametrize("mode", MODES)
def test_started_work_stays_with_who_started_it(mode):
    members = [Member(1, "忙碌", load={MON + timedelta(days=k): 6 for k in range(5)}), Member(2, "空闲")]
    task = Task("a", "写文案", 10, started_by=1, done_hours=4, assignees=(2,))
    result = run(members, [task], mode=mode)
    placed = hours_by(result, "a")
    assert {m for m, _d in placed} == {1}
    assert sum(placed.values()) == 6
    assert all(h <= 2 for (_m, d), h in placed.items() if d.weekday() < 5 and d < MON + timedelta(days=5))


@pytest.mark.parametrize("mode", MODES)
def test_bad_input_gets_clear_reasons_and_blocks_nothing_else(mode):
    members = [
        Member(1, "小王", strengths={"修图": 2}),
        Member(2, "休假中", weekdays=frozenset(), strengths={"直播": 5}),
    ]
    tasks = [
        Task("ok", "正常任务", 4),
        Task("zero", "零估时", 0),
        Task("neg", "负估时", -3),
        Task("nan", "无效估时", math.nan),
        Task("huge", "离谱估时", 80000),
        Task("past", "过期", 2, due=MON - timedelta(days=1)),
        Task("c1", "循环1", 2, depends_on=("c2",)),
        Task("c2", "循环2", 2, depends_on=("c1",)),
        Task("self", "自依赖", 2, depends_on=("self",)),
        Task("after", "依赖循环任务", 2, depends_on=("c1",)),
        Task("live", "直播", 2, required={"直播": 1}),
        Task("dance", "跳舞", 2, required={"舞蹈": 1}),
        Task("ghost", "指派给不存在的人", 2, assignees=(99,)),
        Task("done-dep", "依赖已完成任务", 2, depends_on=("archived",)),
        Task("big", "太大", 200, due=MON + timedelta(days=2)),
        Task("ok2", "正常任务2", 4, depends_on=("ok",)),
    ]
    result = run(members, tasks, mode=mode)
    assert codes(result) == {
        "zero": Reason.BAD_ESTIMATE,
        "neg": Reason.BAD_ESTIMATE,
        "nan": Reason.BAD_ESTIMATE,
        "huge": Reason.BAD_ESTIMATE,
        "past": Reason.DUE_PAST,
        "c1": Reason.CYCLE,
        "c2": Reason.CYCLE,
        "self": Reason.CYCLE,
        "after": Reason.DEPENDENCY_UNPLACED,
        "live": Reason.NO_WORKING_DAYS,
        "dance": Reason.NO_STRENGTH,
        "ghost": Reason.UNKNOWN_MEMBER,
        "big": Reason.NO_CAPACITY,
    }
    text = {u.task_id: u.reason for u in result.unplaced}
    assert text["c1"] == "依赖存在循环"
    assert text["dance"] == "无人具备所需能力：舞蹈"
    assert text["big"].startswith("截止日期前产能不足")
    assert text["zero"].startswith("估时无效")
    for tid in ("ok", "ok2", "done-dep"):
        assert sum(hours_by(result, tid).values()) > 0


def test_dependent_of_a_task_that_does_not_fit_is_listed_with_its_reason():
    tasks = [
        Task("a", "太大", 40, due=MON + timedelta(days=1)),
        Task("b", "后续", 2, depends_on=("a",)),
    ]
    result = run([Member(1, "小王")], tasks)
    assert codes(result) == {"a": Reason.NO_CAPACITY, "b": Reason.DEPENDENCY_UNPLACED}
    assert next(u.reason for u in result.unplaced if u.task_id == "b") == "依赖任务无法安排"


def test_higher_priority_wins_when_only_one_task_fits():
    due = MON + timedelta(days=1)
    tasks = [Task("low", "低优先", 12, due=due, priority=1), Task("high", "高优先", 12, due=due, priority=5)]
    result = run([Member(1, "小王")], tasks)
    assert codes(result) == {"low": Reason.NO_CAPACITY}
    assert result.solver == "cp-sat-exact"
    assert result.status == "optimal"


def test_greedy_keeps_urgent_work_when_an_earlier_small_task_competes():
    # Deadline order alone would place the small task first and lose the urgent one.
    tasks = [
        Task("small", "小任务", 4, due=MON, priority=1),
        Task("urgent", "大促主图", 16, due=MON + timedelta(days=1), priority=5),
    ]
    members = [Member(1, "小王")]
    for result in (greedy(members, tasks, MON, 7), run(members, tasks, days=7)):
        assert codes(result) == {"small": Reason.NO_CAPACITY}


def test_exact_solver_beats_greedy_when_assignment_matters():
    # Greedy gives the copy task to the better writer, who is also the only retoucher.
    members = [
        Member("a", "全能", strengths={"修图": 1, "文案": 5}),
        Member("b", "新人", strengths={"文案": 1}),
    ]
    tasks = [
        Task("copy", "写文案", 8, due=MON, priority=5, required={"文案": 1}),
        Task("photo", "修图", 8, due=MON, priority=2, required={"修图": 1}),
    ]
    assert codes(greedy(members, tasks, MON, 1)) == {"photo": Reason.NO_CAPACITY}
    result = run(members, tasks, days=1)
    assert codes(result) == {}
    assert hours_by(result, "copy") == {("b", MON): 8.0}


def test_nothing_to_do_and_already_finished_tasks():
    result = run([Member(1, "小王")], [Task("done", "已完成", 4, done_hours=4)])
    assert result.placements == () and result.unplaced == ()
    assert run([Member(1, "小王")], []).status == "optimal"


def test_multi_assignee_task_is_split_between_its_assignees_only():
    members = [Member(1, "甲"), Member(2, "乙"), Member(3, "丙")]
    result = run(members, [Task("a", "上新", 16, due=MON, assignees=(1, 2))])
    assert hours_by(result, "a") == {(1, MON): 8.0, (2, MON): 8.0}


def test_baselines_follow_the_same_rules():
    members = [Member(k, f"成员{k}", strengths={"修图": k}) for k in range(1, 4)]
    tasks = [Task(k, f"任务{k}", 6, due=MON + timedelta(days=6), required={"修图": 2}) for k in range(6)]
    for fn in (round_robin, least_loaded, greedy):
        result = fn(members, tasks, MON, 10)
        assert validate(members, tasks, MON, 10, result) == []
        assert {p.member_id for p in result.placements} == {2, 3}


def test_validator_reports_broken_schedules():
    members = [Member(1, "小王", strengths={"修图": 1})]
    tasks = [Task("a", "修图", 4, required={"修图": 3}), Task("b", "后续", 2, depends_on=("a",))]
    sat = MON + timedelta(days=5)
    bad = ScheduleResult(
        (
            Placement("a", 1, sat, 4, "x"),
            Placement("b", 1, sat, 12, "x"),
        ),
        (),
        "test",
        "feasible",
    )
    found = {v.code for v in validate(members, tasks, MON, 7, bad)}
    assert {"day_off", "strength", "capacity", "dependency", "hours"} <= found


def test_large_instance_stays_within_the_time_limit():
    members = [Member(k, f"成员{k}", strengths={"修图": 1 + k % 3}) for k in range(10)]
    tasks = [
        Task(
            k,
            f"任务{k}",
            1 + k % 7,
            due=MON + timedelta(days=3 + k % 18),
            priority=1 + k % 5,
            required={"修图": 2} if k % 3 == 0 else {},
            depends_on=(k - 1,) if k % 5 == 4 else (),
        )
        for k in range(150)
    ]
    result = schedule(members, tasks, MON, 21, time_limit_s=1.5)
    assert result.stats["elapsed_s"] < 4
    assert validate(members, tasks, MON, 21, result) == []
    assert result.stats["on_time_share"] > 0.9


def test_500_tasks_30_members_20_working_days_within_5_seconds_and_better_than_round_robin():
    rng = random.Random(3)
    tags = ["修图", "文案", "直播", "客服", "运营"]
    members = [Member(k, f"成员{k}", strengths={t: rng.randint(1, 5) for t in rng.sample(tags, 2)}) for k in range(30)]
    tasks = [
        Task(
            k,
            f"任务{k}",
            rng.choice([2, 4, 8, 12, 16]),
            due=MON + timedelta(days=rng.randint(4, 27)),
            priority=rng.randint(1, 5),
            required={rng.choice(tags): rng.randint(1, 3)} if k % 2 else {},
            depends_on=(k - 1,) if k % 4 == 3 else (),
        )
        for k in range(500)
    ]
    result = schedule(members, tasks, MON, 28, time_limit_s=3)
    assert result.stats["elapsed_s"] < 5
    assert validate(members, tasks, MON, 28, result) == []
    baseline = round_robin(members, tasks, MON, 28).stats
    assert result.stats["weighted_on_time_share"] > baseline["weighted_on_time_share"]
    assert result.stats["util_spread"] < baseline["util_spread"]


@pytest.mark.parametrize("mode", MODES)
def test_dependent_waits_for_pinned_hours_of_its_dependency(mode):
    late_pin = Pin(1, MON + timedelta(days=3), 2)
    tasks = [Task("a", "拍摄", 4, pins=(late_pin,), assignees=(1,)), Task("b", "修图", 2, depends_on=("a",))]
    result = run([Member(1, "甲"), Member(2, "乙")], tasks, mode=mode)
    assert min(d for _m, d in hours_by(result, "b")) > late_pin.date
