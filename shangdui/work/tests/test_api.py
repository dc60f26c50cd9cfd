"""API: the same flow as the pages, with Chinese error messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from shangdui.work import services
from shangdui.work.models import ScheduleItem
from shangdui.work.tests.factories import make_plan, make_task

pytestmark = pytest.mark.django_db


def test_plan_task_schedule_and_summary_through_the_api(world: Any, login: Any, client: Any) -> None:
    today = timezone.localdate()
    manager = login(world.manager)
    plan = manager.post("/api/plans", {"title": "新品上架", "start": today.isoformat(),
                                       "end": (today + dt.timedelta(days=20)).isoformat(),
                                       "member_ids": [world.member.pk]}, content_type="application/json").json()
    response = manager.post(f"/api/plans/{plan['id']}/tasks", {
        "title": "主图拍摄", "estimate_hours": "3", "assignee_ids": [world.member.pk],
        "required_strengths": {"修图": 1}}, content_type="application/json")
    assert response.status_code == 201, response.content
    task = response.json()
    assert task["assignee_ids"] == [world.member.pk] and task["required_strengths"] == {"修图": 1}
    zero = manager.patch(f"/api/tasks/{task['id']}", {"estimate_hours": "0"}, content_type="application/json")
    assert zero.status_code == 422 and "数值太小" in zero.json()["message"]
    services.schedule_replan(organization=world.org, time_limit_s=1.0)
    client.logout()
    member = login(world.member)
    items = ScheduleItem.objects.filter(member=world.member).order_by("date")
    first = items.first()
    assert first is not None
    day = member.get(f"/api/my-day?date={first.date.isoformat()}").json()
    assert [i["title"] for i in day] == ["主图拍摄"]
    done = member.patch(f"/api/schedule-items/{first.pk}", {"done": True, "actual_hours": "3.5"},
                        content_type="application/json").json()
    assert done["done"] and done["actual_hours"] == "3.5"
    if first.date <= today:
        summary = member.post("/api/summaries", {"date": first.date.isoformat(), "problems": "无"},
                              content_type="application/json").json()
        assert summary["done_items"][0]["title"] == "主图拍摄"


def test_api_refuses_bad_input_with_chinese_messages(world: Any, login: Any) -> None:
    plan = make_plan(world)
    first = make_task(world, plan, "拍摄")
    second = make_task(world, plan, "修图", dependencies=[first])
    client = login(world.manager)
    response = client.post(f"/api/plans/{plan.pk}/tasks", {"title": "x", "estimate_hours": "9999"},
                           content_type="application/json")
    assert response.status_code == 422 and "数值太大" in response.json()["message"]
    bad_end = client.post("/api/plans", {"title": "x", "start": "2026-12-10", "end": "2026-12-01"},
                          content_type="application/json")
    assert bad_end.status_code == 422 and "结束日期早于开始日期" in bad_end.json()["message"]
    future = client.post("/api/summaries", {"date": (timezone.localdate() + dt.timedelta(days=2)).isoformat()},
                         content_type="application/json")
    assert future.status_code == 422
    assert second.dependencies.get() == first


def test_notes_api_searches_in_chinese_and_respects_plan_access(world: Any, login: Any, client: Any) -> None:
    plan = make_plan(world)
    services.note_save(author=world.manager, plan=plan, title="直通车复盘", body="点击率下降，主图需要优化")
    assert [n["title"] for n in login(world.member).get("/api/notes?q=主图").json()] == ["直通车复盘"]
    client.logout()
    assert login(world.peer).get("/api/notes?q=主图").json() == []  # Bob is not on the plan
    response = client.post("/api/notes", {"title": "x", "plan_id": plan.pk}, content_type="application/json")
    assert response.status_code == 404
