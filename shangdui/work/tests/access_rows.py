"""Access-matrix rows of the work app (merged by core/tests/test_access_matrix.py).

Alice (member) is on Mia's (manager) plan and has items on her day; Bob (peer) is not on the plan.
Personas: anonymous, member, peer, manager, director, finance, other.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from shangdui.core.models import Job
from shangdui.core.testing import everyone, expect
from shangdui.work import services
from shangdui.work.models import Note, Plan, ReminderChannel, ScheduleItem, Task, TaskAttachment, TaskComment

TODAY = dt.date(2026, 11, 30)


def _plan(w: Any) -> Plan:
    return services.plan_create(actor=w.manager, organization=w.org, title="首页改版", start=TODAY,
                                end=TODAY + dt.timedelta(days=20), members=[w.member])


def _task(w: Any) -> Task:
    return services.task_create(actor=w.manager, plan=_plan(w), title="主图", estimate_hours=Decimal("4"))


def _item(w: Any) -> ScheduleItem:
    task = _task(w)
    return ScheduleItem.objects.create(organization=w.org, member=w.member, task=task, date=TODAY,
                                       hours=Decimal("2"), reason="擅长修图")


def _token(w: Any) -> str:
    return services.calendar_feed_for(w.member).token


def _run(w: Any) -> Job:
    return Job.objects.create(organization=w.org, kind=services.REPLAN_KIND, status=Job.Status.DONE,
                              progress=100, created_by=w.manager.user,
                              result={"placed": 1, "tasks": 1, "members": 1, "solver": "greedy"})


def _note(w: Any) -> Note:
    return services.note_save(author=w.manager, plan=_plan(w), title="直通车复盘", body="**点击率**下降")


def _robot(w: Any) -> ReminderChannel:
    return ReminderChannel.objects.create(organization=w.org, name="运营群", kind="wecom",
                                          webhook_url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x")


def _comment(w: Any) -> TaskComment:
    return services.task_comment_add(author=w.member, task=_task(w), body="主图初稿已上传")


def _attachment(w: Any) -> TaskAttachment:
    return services.task_attachment_add(actor=w.member, task=_task(w),
                                        upload=SimpleUploadedFile("主图.png", b"\x89PNG data", "image/png"))


OWN = expect(302, 302, 404, 404, 404, 404, 404)
MANAGERS = expect(302, 404, 404, 200, 200, 404, 200)
PLAN_VIEW = expect(302, 200, 404, 200, 200, 404, 404)
PLAN_EDIT = expect(302, 404, 404, 200, 200, 404, 404)
SCHEDULE_VIEW = expect(302, 200, 404, 200, 200, 404, 404)

PAGES: dict[str, Any] = {
    "work:my_day": ("get", lambda w: "/work/", {}, everyone(200)),
    "work:item_add": ("post", lambda w: "/work/day/items/new/", {"title": "回复差评", "hours": "1"}, everyone(302)),
    "work:item_done": ("post", lambda w: f"/work/day/items/{_item(w).pk}/done/", {"done": "on"}, OWN),
    "work:item_push": ("post", lambda w: f"/work/day/items/{_item(w).pk}/push/", {}, OWN),
    "work:feed_renew": ("post", lambda w: "/work/day/calendar-link/", {}, everyone(302)),
    "work:calendar_feed": ("get", lambda w: f"/work/ics/{_token(w)}.ics", {}, everyone(200, anonymous=200)),
    "work:summary": ("get", lambda w: "/work/summary/", {}, everyone(200)),
    "work:summary_list": ("get", lambda w: "/work/summaries/", {}, MANAGERS),
    "work:weekly": ("get", lambda w: f"/work/weekly/?member={w.member.pk}", {}, SCHEDULE_VIEW),
    "work:leave_create": ("get", lambda w: "/work/leave/new/", {}, everyone(200)),
    "work:reminder_settings": ("get", lambda w: "/work/reminders/", {}, MANAGERS),
    "work:reminder_channel_delete": ("post", lambda w: f"/work/reminders/{_robot(w).pk}/delete/", {},
                                     expect(302, 404, 404, 302, 302, 404, 404)),
    "work:team": ("get", lambda w: "/work/team/", {}, MANAGERS),
    "work:team_run": ("post", lambda w: "/work/team/run/", {}, expect(302, 404, 404, 302, 302, 404, 302)),
    "work:team_run_status": ("get", lambda w: f"/work/team/run/{_run(w).pk}/", {}, PLAN_EDIT),
    "work:member_week": ("get", lambda w: f"/work/members/{w.member.pk}/week/", {}, SCHEDULE_VIEW),
    "work:item_move": ("get", lambda w: f"/work/items/{_item(w).pk}/move/", {}, PLAN_EDIT),
    "work:note_list": ("get", lambda w: f"/work/notes/?q=直通车&plan={_plan(w).pk}", {}, PLAN_VIEW),
    "work:note_create": ("get", lambda w: "/work/notes/new/", {}, everyone(200)),
    "work:note_detail": ("get", lambda w: f"/work/notes/{_note(w).pk}/", {}, PLAN_VIEW),
    "work:note_edit": ("get", lambda w: f"/work/notes/{_note(w).pk}/edit/", {},
                       expect(302, 404, 404, 200, 404, 404, 404)),
    "work:plan_list": ("get", lambda w: "/work/plans/", {}, everyone(200)),
    "work:plan_create": ("get", lambda w: "/work/plans/new/", {}, MANAGERS),
    "work:plan_detail": ("get", lambda w: f"/work/plans/{_plan(w).pk}/", {}, PLAN_VIEW),
    "work:plan_edit": ("get", lambda w: f"/work/plans/{_plan(w).pk}/edit/", {}, PLAN_EDIT),
    "work:plan_review": ("get", lambda w: f"/work/plans/{_plan(w).pk}/review/", {}, PLAN_VIEW),
    "work:plan_copy": ("post", lambda w: f"/work/plans/{_plan(w).pk}/copy/", {"start": "2026-12-07"},
                       expect(302, 404, 404, 302, 302, 404, 404)),
    "work:task_create": ("get", lambda w: f"/work/plans/{_plan(w).pk}/tasks/new/", {}, PLAN_EDIT),
    "work:task_detail": ("get", lambda w: f"/work/tasks/{_task(w).pk}/", {}, PLAN_VIEW),
    "work:task_comment_add": ("post", lambda w: f"/work/tasks/{_task(w).pk}/comments/", {"body": "收到"},
                              expect(302, 302, 404, 302, 302, 404, 404)),
    "work:task_comment_delete": ("post", lambda w: f"/work/comments/{_comment(w).pk}/delete/", {},
                                 expect(302, 302, 404, 302, 302, 404, 404)),
    # No file in the form: who sees the task gets the form back with its error (400), anyone else 404.
    "work:task_attachment_add": ("post", lambda w: f"/work/tasks/{_task(w).pk}/attachments/", {},
                                 expect(302, 400, 404, 400, 400, 404, 404)),
    "work:attachment_download": ("get", lambda w: f"/work/attachments/{_attachment(w).pk}/", {}, PLAN_VIEW),
    "work:task_attachment_delete": ("post", lambda w: f"/work/attachments/{_attachment(w).pk}/delete/", {},
                                    expect(302, 302, 404, 302, 302, 404, 404)),
    "work:task_edit": ("get", lambda w: f"/work/tasks/{_task(w).pk}/edit/", {}, PLAN_EDIT),
    "work:task_status": ("post", lambda w: f"/work/tasks/{_task(w).pk}/status/", {"status": "doing"},
                         expect(302, 404, 404, 302, 302, 404, 404)),
}

PLAN = {"title": "新品上架", "start": "2026-12-01", "end": "2026-12-20"}
TASK = {"title": "拍摄", "estimate_hours": "4"}

API: dict[tuple[str, str], Any] = {
    ("GET", "/api/plans"): (lambda w: "/api/plans", None, everyone(200, anonymous=401)),
    ("POST", "/api/plans"): (lambda w: "/api/plans", PLAN, expect(401, 403, 403, 201, 201, 403, 201)),
    ("GET", "/api/plans/{plan_id}"): (lambda w: f"/api/plans/{_plan(w).pk}", None,
                                      expect(401, 200, 404, 200, 200, 404, 404)),
    ("POST", "/api/plans/{plan_id}/tasks"): (lambda w: f"/api/plans/{_plan(w).pk}/tasks", TASK,
                                             expect(401, 404, 404, 201, 201, 404, 404)),
    ("PATCH", "/api/tasks/{task_id}"): (lambda w: f"/api/tasks/{_task(w).pk}", {"priority": 3},
                                        expect(401, 404, 404, 200, 200, 404, 404)),
    ("GET", "/api/tasks/{task_id}/comments"): (lambda w: f"/api/tasks/{_comment(w).task_id}/comments", None,
                                               expect(401, 200, 404, 200, 200, 404, 404)),
    ("POST", "/api/tasks/{task_id}/comments"): (lambda w: f"/api/tasks/{_task(w).pk}/comments", {"body": "收到"},
                                                expect(401, 201, 404, 201, 201, 404, 404)),
    ("GET", "/api/tasks/{task_id}/attachments"): (lambda w: f"/api/tasks/{_attachment(w).task_id}/attachments",
                                                  None, expect(401, 200, 404, 200, 200, 404, 404)),
    ("GET", "/api/my-day"): (lambda w: "/api/my-day", None, everyone(200, anonymous=401)),
    ("PATCH", "/api/schedule-items/{item_id}"): (lambda w: f"/api/schedule-items/{_item(w).pk}", {"done": True},
                                                 expect(401, 200, 404, 404, 404, 404, 404)),
    ("GET", "/api/members/{member_id}/schedule"): (lambda w: f"/api/members/{w.member.pk}/schedule", None,
                                                   expect(401, 200, 404, 200, 200, 404, 404)),
    ("POST", "/api/summaries"): (lambda w: "/api/summaries", {"problems": "无"}, everyone(200, anonymous=401)),
    ("GET", "/api/summaries/team"): (lambda w: "/api/summaries/team", None,
                                     expect(401, 403, 403, 200, 200, 403, 200)),
    ("GET", "/api/notes"): (lambda w: f"/api/notes?q=直通车&_={_note(w).pk}", None, everyone(200, anonymous=401)),
    ("POST", "/api/notes"): (lambda w: "/api/notes", {"title": "心得", "body": "直通车"}, everyone(201, anonymous=401)),
    ("POST", "/api/schedule/replan"): (lambda w: "/api/schedule/replan", {},
                                       expect(401, 403, 403, 202, 202, 403, 202)),
}
