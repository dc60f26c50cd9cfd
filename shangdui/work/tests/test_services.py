"""Plans, tasks and re-planning: what a manager and a member would notice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from shangdui.core.models import Job
from shangdui.org.models import Member
from shangdui.work import services
from shangdui.work.models import DailySummary, ScheduleItem, Task
from shangdui.work.tests.factories import MONDAY, make_plan, make_task

pytestmark = pytest.mark.django_db


def replan(world: Any, today: dt.date = MONDAY) -> dict[str, Any]:
    return services.schedule_replan(organization=world.org, today=today, time_limit_s=1.0)


def test_replan_places_task_hours_into_member_working_days(world: Any) -> None:
    plan = make_plan(world)
    task = make_task(world, plan, hours="12", required_strengths={"修图": 2}, due=MONDAY + dt.timedelta(days=6))
    result = replan(world)
    assert result["unplaced"] == 0
    items = list(ScheduleItem.objects.filter(task=task))
    assert sum(i.hours for i in items) == Decimal("12")
    assert {i.member_id for i in items} == {world.member.pk}  # only Alice has 修图
    assert all(i.date.weekday() < 5 and i.date <= task.due for i in items)
    assert all(i.hours <= world.member.daily_hours for i in items)
    assert all("修图" in i.reason for i in items)


def test_leave_is_respected_and_unplaced_work_gets_a_reason(world: Any) -> None:
    plan = make_plan(world)
    services.leave_create(actor=world.manager, member=world.member, start=MONDAY, end=MONDAY + dt.timedelta(days=1))
    fits = make_task(world, plan, "详情页", hours="8", required_strengths={"修图": 1})
    too_big = make_task(world, plan, "主图", hours="40", required_strengths={"修图": 1},
                        due=MONDAY + dt.timedelta(days=2))
    nobody = make_task(world, plan, "直播", hours="2", required_strengths={"直播": 1})
    replan(world)
    assert not ScheduleItem.objects.filter(member=world.member, date__lte=MONDAY + dt.timedelta(days=1)).exists()
    assert ScheduleItem.objects.filter(task=fits).exists()
    too_big.refresh_from_db()
    nobody.refresh_from_db()
    assert too_big.unplaced_code == "no_capacity"
    assert nobody.unplaced_code == "no_strength"
    assert not ScheduleItem.objects.filter(task__in=[too_big, nobody]).exists()


def test_replan_keeps_done_work_and_pins_and_is_idempotent(world: Any) -> None:
    plan = make_plan(world, members=[world.member, world.peer])
    task = make_task(world, plan, hours="10", assignees=[world.member])
    replan(world)
    first = ScheduleItem.objects.filter(task=task).order_by("date").first()
    assert first is not None
    services.item_set_done(member=world.member, item=first, done=True)
    pinned = ScheduleItem.objects.filter(task=task, done=False).order_by("date").first()
    assert pinned is not None
    services.item_move(actor=world.manager, item=pinned, member=world.peer, date=MONDAY + dt.timedelta(days=3),
                       hours=Decimal("1"))
    replan(world)
    snapshot = sorted(ScheduleItem.objects.filter(task=task).values_list("member_id", "date", "hours", "pinned"))
    assert ScheduleItem.objects.filter(pk=first.pk, done=True).exists()
    assert ScheduleItem.objects.filter(pk=pinned.pk, member=world.peer, pinned=True).exists()
    assert sum(h for _m, _d, h, _p in snapshot) == Decimal("10")
    replan(world)
    again = sorted(ScheduleItem.objects.filter(task=task).values_list("member_id", "date", "hours", "pinned"))
    assert again == snapshot


def test_dependencies_finish_first_and_cycles_are_refused(world: Any) -> None:
    plan = make_plan(world)
    first = make_task(world, plan, "拍摄", hours="8", assignees=[world.member])
    second = make_task(world, plan, "修图", hours="4", assignees=[world.member], dependencies=[first])
    replan(world)
    last_first = max(ScheduleItem.objects.filter(task=first).values_list("date", flat=True))
    assert min(ScheduleItem.objects.filter(task=second).values_list("date", flat=True)) > last_first
    with pytest.raises(ValidationError, match="cycle|循环"):
        services.task_update(actor=world.manager, task=first, title=first.title, estimate_hours=Decimal("8"),
                             dependencies=[second])


@pytest.mark.parametrize("hours", ["0", "-1", "5000"])
def test_absurd_estimates_get_a_clear_message(world: Any, hours: str) -> None:
    plan = make_plan(world)
    with pytest.raises(ValidationError) as info:
        make_task(world, plan, hours=hours)
    assert "estimate_hours" in info.value.message_dict


def test_due_date_in_the_past_is_listed_not_dropped(world: Any) -> None:
    plan = make_plan(world)
    late = make_task(world, plan, hours="2", due=MONDAY - dt.timedelta(days=3))
    ok = make_task(world, plan, "正常", hours="2")
    replan(world)
    late.refresh_from_db()
    assert late.unplaced_code == "due_past"
    assert ScheduleItem.objects.filter(task=ok).exists()


def test_changes_enqueue_one_replan_after_commit(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    plan = make_plan(world)
    with django_capture_on_commit_callbacks(execute=True):
        make_task(world, plan, hours="3")
        make_task(world, plan, "第二个", hours="3")
    jobs = Job.objects.filter(organization=world.org, kind=services.REPLAN_KIND)
    assert jobs.count() == 1
    job = jobs.get()
    assert job.status == Job.Status.DONE, job.error
    assert job.result["placed"] == 2
    assert ScheduleItem.objects.filter(task__plan=plan).exists()


def test_tick_off_push_and_daily_summary_prefill(world: Any) -> None:
    plan = make_plan(world)
    task = make_task(world, plan, hours="3", assignees=[world.member])
    other = make_task(world, plan, "文案", hours="2", assignees=[world.member])
    replan(world)
    day = ScheduleItem.objects.filter(member=world.member).order_by("date").first().date  # type: ignore[union-attr]
    items = list(ScheduleItem.objects.filter(member=world.member, date=day))
    done_item = next(i for i in items if i.task_id == task.pk)
    services.item_set_done(member=world.member, item=done_item, done=True, actual_hours=Decimal("3.5"))
    task.refresh_from_db()
    assert task.status == Task.Status.DONE and task.actual_hours == Decimal("3.5")
    adhoc = services.item_add_adhoc(member=world.member, date=day, title="回复差评", hours=Decimal("0.5"))
    summary = services.daily_summary_submit(member=world.member, date=day, problems="素材晚到", tomorrow_plan="继续")
    assert summary.done_hours == Decimal("3") and summary.actual_hours == Decimal("3.5")
    assert [d["title"] for d in summary.done_items] == [task.title]
    assert {c["title"] for c in summary.carry_over} >= {"回复差评"}
    assert summary.submitted_at is not None
    pushed = services.item_push_to_tomorrow(member=world.member, item=adhoc)
    assert pushed.date > day and pushed.date.weekday() < 5 and pushed.pinned
    assert other.pk  # the other task stays open
    again = services.daily_summary_submit(member=world.member, date=day)
    assert DailySummary.objects.filter(member=world.member, date=day).count() == 1
    assert again.pk == summary.pk


def test_replan_command_runs_the_service(world: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    make_task(world, make_plan(world), hours="2", assignees=[world.member])
    out = StringIO()
    call_command("replan", "org-a", "--time-limit", "1", stdout=out)
    assert "1/1 tasks placed" in out.getvalue()


def test_recurring_task_books_each_occurrence_and_leaves_room_for_other_work(world: Any) -> None:
    plan = make_plan(world)
    daily = make_task(world, plan, "每日数据复盘", hours="1", assignees=[world.member], recurrence="daily",
                      due=MONDAY + dt.timedelta(days=13))
    weekly = make_task(world, plan, "周会", hours="2", assignees=[world.member], recurrence="weekly",
                       recurrence_weekdays=[2])
    nobody = make_task(world, plan, "例行巡店", hours="1", recurrence="daily")
    big = make_task(world, plan, "大图", hours="35", assignees=[world.member], due=MONDAY + dt.timedelta(days=4))
    replan(world)
    days = sorted(ScheduleItem.objects.filter(task=daily).values_list("date", flat=True))
    assert len(days) == 10 and all(d.weekday() < 5 for d in days)  # two working weeks, until the due date
    assert all(d.weekday() == 2 for d in ScheduleItem.objects.filter(task=weekly).values_list("date", flat=True))
    nobody.refresh_from_db()
    assert nobody.unplaced_code == "unknown_member"
    # Monday–Friday Alice has 40 h; 7 h of routine leave 33 h, so the 35 h task does not fit.
    big.refresh_from_db()
    first_week = ScheduleItem.objects.filter(member=world.member, date__lte=MONDAY + dt.timedelta(days=4))
    assert big.unplaced_code == "no_capacity"
    assert sum(i.hours for i in first_week) <= Decimal("40")


def test_plan_from_template_copies_tasks_with_shifted_dates(world: Any) -> None:
    template = make_plan(world, title="新品上架模板", is_template=True)
    shoot = make_task(world, template, "拍摄", hours="4", due=MONDAY + dt.timedelta(days=3), checklist=["布景", "灯光"],
                      assignees=[world.member], required_strengths={"修图": 1})
    make_task(world, template, "上架", hours="2", due=MONDAY + dt.timedelta(days=5), dependencies=[shoot])
    replan(world)
    assert not ScheduleItem.objects.filter(task__plan=template).exists()  # templates are never scheduled
    plan = services.plan_from_template(actor=world.manager, template=template, title="春季新品上架",
                                       start=MONDAY + dt.timedelta(days=14))
    copied = {t.title: t for t in plan.tasks.all()}
    assert copied["拍摄"].due == MONDAY + dt.timedelta(days=17) and not plan.is_template
    assert [c.text for c in copied["拍摄"].checklist.all()] == ["布景", "灯光"]
    assert list(copied["上架"].dependencies.all()) == [copied["拍摄"]]
    assert list(copied["拍摄"].assignees.all()) == [world.member]
    assert list(plan.members.all()) == [world.member]


def test_replan_with_nothing_to_do_and_members_without_working_days(world: Any) -> None:
    assert replan(world)["tasks"] == 0
    Member.objects.filter(pk=world.member.pk).update(working_days=[])
    plan = make_plan(world)
    stuck = make_task(world, plan, hours="2", assignees=[world.member])
    fine = make_task(world, plan, "别人的", hours="2", assignees=[world.peer])
    replan(world)
    stuck.refresh_from_db()
    assert stuck.unplaced_code in ("no_working_days", "no_capacity")
    assert ScheduleItem.objects.filter(task=fine, member=world.peer).exists()
