"""Property test of the whole re-plan (database in, database out): the rules hold for any input."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shangdui.org.models import Member
from shangdui.work import services
from shangdui.work.models import Leave, Plan, ScheduleItem, Task
from shangdui.work.tests.factories import MONDAY

pytestmark = pytest.mark.django_db

task_st = st.fixed_dictionaries({
    "hours": st.sampled_from(["0.5", "1", "2", "3.5", "6", "9", "14"]),
    "due": st.one_of(st.none(), st.integers(min_value=0, max_value=13)),
    "priority": st.integers(min_value=1, max_value=5),
    "strength": st.one_of(st.none(), st.sampled_from([("修图", 1), ("修图", 3), ("文案", 1)])),
    "assignee": st.sampled_from([None, "member", "peer"]),
    "depends": st.booleans(),
})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tasks=st.lists(task_st, min_size=1, max_size=7), leave_day=st.integers(min_value=0, max_value=9),
       peer_days=st.sets(st.integers(min_value=0, max_value=6), max_size=6))
def test_replan_never_breaks_the_rules(world: Any, tasks: list[dict[str, Any]], leave_day: int,
                                        peer_days: set[int]) -> None:
    Plan.objects.filter(organization=world.org).delete()
    Leave.objects.filter(organization=world.org).delete()
    Member.objects.filter(pk=world.peer.pk).update(working_days=sorted(peer_days), daily_hours=Decimal("6"))
    services.leave_create(actor=world.manager, member=world.member, start=MONDAY + dt.timedelta(days=leave_day),
                          end=MONDAY + dt.timedelta(days=leave_day + 1))
    plan = services.plan_create(actor=world.manager, organization=world.org, title="p", start=MONDAY,
                                end=MONDAY + dt.timedelta(days=27), members=[world.member, world.peer])
    people = {"member": world.member, "peer": world.peer}
    made: list[Task] = []
    for spec in tasks:
        made.append(services.task_create(
            actor=world.manager, plan=plan, title="t", estimate_hours=Decimal(spec["hours"]),
            due=MONDAY + dt.timedelta(days=spec["due"]) if spec["due"] is not None else None,
            priority=spec["priority"], required_strengths=dict([spec["strength"]]) if spec["strength"] else {},
            assignees=[people[spec["assignee"]]] if spec["assignee"] else [],
            dependencies=made[-1:] if spec["depends"] else []))
    services.schedule_replan(organization=world.org, today=MONDAY, time_limit_s=0.5)

    members = {m.pk: m for m in Member.objects.filter(organization=world.org).prefetch_related("strengths__tag")}
    leave = {(world.member.pk, MONDAY + dt.timedelta(days=leave_day + d)) for d in (0, 1)}
    items = list(ScheduleItem.objects.filter(task__plan=plan))
    per_day: dict[tuple[int, dt.date], Decimal] = defaultdict(Decimal)
    by_task: dict[int, list[ScheduleItem]] = defaultdict(list)
    for item in items:
        member = members[item.member_id]
        per_day[item.member_id, item.date] += item.hours
        by_task[item.task_id].append(item)  # type: ignore[index]
        assert item.date.weekday() in member.working_days, "scheduled on a day off"
        assert (item.member_id, item.date) not in leave, "scheduled on leave"
    for (member_id, _date), hours in per_day.items():
        assert hours <= members[member_id].daily_hours, "beyond the day's capacity"
    for task in Task.objects.filter(plan=plan).prefetch_related("dependencies", "assignees"):
        placed = by_task.get(task.pk, [])
        if task.unplaced_code:
            assert not placed, "an unplaced task still has items"
            continue
        assert sum(i.hours for i in placed) == task.estimate_hours, "hours lost or doubled"
        if task.due:
            assert all(i.date <= task.due for i in placed), "placed after its due date"
        for dep in task.dependencies.all():
            assert min(i.date for i in placed) > max(i.date for i in by_task[dep.pk]), "starts before its dependency"
        assignees = {a.pk for a in task.assignees.all()}
        if assignees:  # the manager's choice wins over the strengths
            assert {i.member_id for i in placed} <= assignees, "given to someone not assigned"
            continue
        for tag, level in task.required_strengths.items():
            for i in placed:
                strengths = {s.tag.name: s.level for s in members[i.member_id].strengths.all()}
                assert strengths.get(tag, 0) >= level, "member without the required strength"
