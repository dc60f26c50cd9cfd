"""Pages: a manager plans and runs the scheduler; a member works through the day and reports."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from shangdui.core.models import Job
from shangdui.work import services
from shangdui.work.models import DailySummary, Plan, ScheduleItem, Task
from shangdui.work.tests.factories import make_plan, make_task

pytestmark = pytest.mark.django_db


def _today_item(world: Any, title: str = "主图", hours: str = "2") -> ScheduleItem:
    plan = make_plan(world, start=timezone.localdate())
    task = make_task(world, plan, title, hours=hours, assignees=[world.member])
    return ScheduleItem.objects.create(organization=world.org, member=world.member, task=task,
                                       date=timezone.localdate(), hours=Decimal(hours), reason="已指派")


def test_manager_creates_plan_and_task_then_runs_scheduler(world: Any, login: Any,
                                                            django_capture_on_commit_callbacks: Any) -> None:
    client = login(world.manager)
    today = timezone.localdate()
    response = client.post("/work/plans/new/", {
        "title": "双11复盘", "start": today.isoformat(), "end": (today + dt.timedelta(days=20)).isoformat(),
        "members": [world.member.pk, world.peer.pk], "status": "active"})
    plan = Plan.objects.get(title="双11复盘")
    assert response.status_code == 302 and response["Location"] == f"/work/plans/{plan.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/work/plans/{plan.pk}/tasks/new/", {
            "title": "活动数据复盘", "estimate_hours": "6", "priority": "3", "status": "todo",
            "required_strengths": "修图:2", "checklist": "导出数据\n写结论",
            "due": (today + dt.timedelta(days=14)).isoformat()})
    assert response.status_code == 302, response.content.decode()[:2000]
    task = Task.objects.get(title="活动数据复盘")
    assert task.required_strengths == {"修图": 2} and task.checklist.count() == 2
    assert ScheduleItem.objects.filter(task=task, member=world.member).exists()  # re-planned after commit
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/work/team/run/")
    job = Job.objects.filter(kind=services.REPLAN_KIND).latest("created_at")
    assert response["Location"] == f"/work/team/run/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="done"' in page and "排不下" in page
    board = client.get(f"/work/plans/{plan.pk}/").content.decode()
    assert "活动数据复盘" in board and 'data-testid="board"' in board
    assert "活动数据复盘" in client.get(f"/work/plans/{plan.pk}/?view=list").content.decode()


def test_bad_task_input_shows_clear_messages(world: Any, login: Any) -> None:
    plan = make_plan(world)
    response = login(world.manager).post(f"/work/plans/{plan.pk}/tasks/new/", {
        "title": "x", "estimate_hours": "0", "priority": "2", "status": "todo", "required_strengths": "修图:9"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="error-estimate_hours"' in page and 'data-testid="error-required_strengths"' in page


def test_unplaced_tasks_are_listed_with_reasons_for_managers(world: Any, login: Any) -> None:
    plan = make_plan(world)
    make_task(world, plan, "直播脚本", hours="3", required_strengths={"直播": 2})
    services.schedule_replan(organization=world.org, time_limit_s=1.0)
    page = login(world.manager).get("/work/team/").content.decode()
    assert "直播脚本" in page and "无人具备所需能力" in page
    assert 'data-chart="team-load-option"' in page


def test_member_ticks_off_logs_hours_pushes_and_adds_items(world: Any, login: Any) -> None:
    item = _today_item(world)
    client = login(world.member)
    page = client.get("/work/").content.decode()
    assert "主图" in page and 'data-testid="tick"' in page
    fragment = client.post(f"/work/day/items/{item.pk}/done/", {"done": "on"}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    item.refresh_from_db()
    assert item.done and item.actual_hours == Decimal("2")
    client.post(f"/work/day/items/{item.pk}/done/", {"actual_hours": "2.5"})
    item.refresh_from_db()
    assert item.done and item.actual_hours == Decimal("2.5")
    client.post("/work/day/items/new/", {"title": "回复差评", "hours": "0.5"}, HTTP_HX_REQUEST="true")
    adhoc = ScheduleItem.objects.get(title="回复差评")
    assert adhoc.member == world.member and adhoc.date == timezone.localdate()
    client.post(f"/work/day/items/{adhoc.pk}/push/")
    adhoc.refresh_from_db()
    assert adhoc.date > timezone.localdate() and adhoc.pinned


def test_peer_cannot_tick_someone_elses_item(world: Any, login: Any) -> None:
    item = _today_item(world)
    assert login(world.peer).post(f"/work/day/items/{item.pk}/done/", {"done": "on"}).status_code == 404
    item.refresh_from_db()
    assert not item.done


def test_daily_summary_prefilled_submitted_and_seen_by_manager(world: Any, login: Any, client: Any) -> None:
    item = _today_item(world, hours="3")
    _today_item(world, "详情页", hours="2")
    services.item_set_done(member=world.member, item=item, done=True)
    nxt = services.next_working_day(world.member, timezone.localdate())
    ScheduleItem.objects.create(organization=world.org, member=world.member, title="直播脚本", date=nxt,
                                hours=Decimal("2"))
    page = login(world.member).get("/work/summary/").content.decode()
    assert "主图" in page and "详情页" in page  # done and carried over
    assert "直播脚本（2h）" in page  # tomorrow's plan starts as the next working day's items
    client.post("/work/summary/", {"problems": "素材晚到", "tomorrow_plan": "完成详情页"})
    summary = DailySummary.objects.get(member=world.member, date=timezone.localdate())
    assert summary.submitted_at and summary.done_hours == Decimal("3") and summary.planned_hours == Decimal("5")
    client.logout()
    team = login(world.manager).get("/work/summaries/").content.decode()
    assert "素材晚到" in team and "已提交 1 / 2" in team  # Alice has, Bob has not
    assert f'data-testid="summary-row-{world.member.pk}"' in team and f'summary-row-{world.peer.pk}"' in team


def test_calendar_feed_is_private_and_valid(world: Any, client: Any) -> None:
    _today_item(world)
    feed = services.calendar_feed_for(world.member)
    response = client.get(f"/work/ics/{feed.token}.ics")
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in body and "主图" in body and "DTSTART;VALUE=DATE" in body
    assert client.get("/work/ics/not-a-token.ics").status_code == 404
    old = feed.token
    services.calendar_feed_for(world.member, renew=True)
    assert client.get(f"/work/ics/{old}.ics").status_code == 404


def test_my_day_query_budget(world: Any, login: Any, django_assert_max_num_queries: Any) -> None:
    for n in range(6):
        _today_item(world, f"任务{n}")
    client = login(world.member)
    with django_assert_max_num_queries(12):
        assert client.get("/work/").status_code == 200


def test_plan_detail_has_no_n_plus_one(world: Any, login: Any, django_assert_max_num_queries: Any) -> None:
    plan = make_plan(world)
    for n in range(8):
        make_task(world, plan, f"任务{n}", assignees=[world.member], checklist=["a", "b"])
    client = login(world.manager)
    with django_assert_max_num_queries(18):
        assert client.get(f"/work/plans/{plan.pk}/").status_code == 200


def test_weekly_review_compiles_the_week_and_team_rollup(world: Any, login: Any, client: Any) -> None:
    item = _today_item(world, hours="3")
    _today_item(world, "详情页", hours="2")
    services.item_set_done(member=world.member, item=item, done=True, actual_hours=Decimal("4"))
    services.daily_summary_submit(member=world.member, date=timezone.localdate(), problems="素材晚到")
    page = login(world.member).get("/work/weekly/").content.decode()
    assert "素材晚到" in page and "详情页" in page  # problems and what carries over
    assert 'data-testid="week-planned">5.0 h' in page and 'data-testid="week-done">3.0 h' in page
    assert 'data-testid="team-week"' not in page
    client.logout()
    team = login(world.manager).get("/work/weekly/").content.decode()
    assert 'data-testid="team-week"' in team and "Alice" in team
    assert "5.0 / 3.0 h" in team, team[team.find("team-week"):][:600]


def test_plan_review_shows_planned_vs_actual_and_keeps_causes_and_lessons(world: Any, login: Any,
                                                                          client: Any) -> None:
    today = timezone.localdate()
    plan = make_plan(world, start=today - dt.timedelta(days=10))
    done = make_task(world, plan, "主图", hours="4", assignees=[world.member], due=today - dt.timedelta(days=5))
    late = make_task(world, plan, "详情页", hours="6", assignees=[world.member], due=today - dt.timedelta(days=2))
    item = ScheduleItem.objects.create(organization=world.org, member=world.member, task=done,
                                       date=today - dt.timedelta(days=3), hours=Decimal("4"))
    services.item_set_done(member=world.member, item=item, done=True, actual_hours=Decimal("5"))
    manager = login(world.manager)
    page = manager.get(f"/work/plans/{plan.pk}/review/").content.decode()
    assert 'data-testid="review-hours">4.0 / 5.0 h' in page and f'name="cause-{late.pk}"' in page
    assert f'name="cause-{done.pk}"' in page  # finished after its due date: late too
    manager.post(f"/work/plans/{plan.pk}/review/", {f"cause-{late.pk}": "素材未到", "lessons": "提前备素材"})
    page = manager.get(f"/work/plans/{plan.pk}/review/").content.decode()
    assert "素材未到" in page and "提前备素材" in page
    client.logout()
    assert login(world.member).post(f"/work/plans/{plan.pk}/review/", {"lessons": "x"}).status_code == 404


def test_plan_timeline_charts_scheduled_spans(world: Any, login: Any) -> None:
    item = _today_item(world, "主图")
    page = login(world.member).get(f"/work/plans/{item.task.plan_id}/?view=timeline").content.decode()  # type: ignore[union-attr]
    assert 'data-chart="timeline-option"' in page and json.dumps("主图") in page  # json_script escapes
