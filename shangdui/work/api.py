"""API of the work app: plans, tasks, schedules (my day) and daily summaries. Same rules as the pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from shangdui.core.api_errors import raise_validation
from shangdui.org.models import Member
from shangdui.work import access, notes, selectors, services
from shangdui.work.models import DailySummary, Note, Plan, ScheduleItem, Task, TaskAttachment, TaskComment

router = Router(tags=["work"])

TaskStatus = Literal["todo", "doing", "done", "cancelled"]
PlanStatus = Literal["draft", "active", "done", "archived"]


class TaskOut(Schema):
    id: int
    plan_id: int
    title: str
    description: str
    status: str
    estimate_hours: Decimal
    actual_hours: Decimal
    due: dt.date | None
    priority: int
    stage: str | None
    assignee_ids: list[int]
    required_strengths: dict[str, int]
    dependency_ids: list[int]
    checklist: list[str]
    unplaced_code: str
    unplaced_reason: str

    @staticmethod
    def from_task(task: Task) -> TaskOut:
        return TaskOut(
            id=task.pk, plan_id=task.plan_id, title=task.title, description=task.description, status=task.status,
            estimate_hours=task.estimate_hours, actual_hours=task.actual_hours, due=task.due, priority=task.priority,
            stage=task.stage.name if task.stage else None, assignee_ids=[a.pk for a in task.assignees.all()],
            required_strengths=task.required_strengths, dependency_ids=[d.pk for d in task.dependencies.all()],
            checklist=[c.text for c in task.checklist.all()], unplaced_code=task.unplaced_code,
            unplaced_reason=selectors.unplaced_text(task) if task.unplaced_code else "")


class PlanOut(Schema):
    id: int
    title: str
    description: str
    owner_id: int
    member_ids: list[int]
    start: dt.date
    end: dt.date
    status: str
    is_template: bool

    @staticmethod
    def from_plan(plan: Plan) -> PlanOut:
        return PlanOut(id=plan.pk, title=plan.title, description=plan.description, owner_id=plan.owner_id,
                       member_ids=[m.pk for m in plan.members.all()], start=plan.start, end=plan.end,
                       status=plan.status, is_template=plan.is_template)


class PlanDetailOut(PlanOut):
    tasks: list[TaskOut]


class PlanIn(Schema):
    title: str = Field(min_length=1, max_length=100)
    description: str = ""
    start: dt.date
    end: dt.date
    member_ids: list[int] = []
    status: PlanStatus = "active"
    is_template: bool = False


class TaskIn(Schema):
    title: str = Field(min_length=1, max_length=120)
    description: str = ""
    estimate_hours: Decimal = Field(gt=Decimal("0"), le=Decimal("2000"), max_digits=6, decimal_places=1)
    due: dt.date | None = None
    priority: int = Field(2, ge=1, le=5)
    assignee_ids: list[int] = []
    required_strengths: dict[str, int] = {}
    dependency_ids: list[int] = []
    checklist: list[str] = []
    status: TaskStatus = "todo"


class TaskPatchIn(Schema):
    title: str | None = Field(None, min_length=1, max_length=120)
    estimate_hours: Decimal | None = Field(None, gt=Decimal("0"), le=Decimal("2000"), max_digits=6,
                                           decimal_places=1)
    due: dt.date | None = None
    priority: int | None = Field(None, ge=1, le=5)
    status: TaskStatus | None = None


class ScheduleItemOut(Schema):
    id: int
    member_id: int
    date: dt.date
    task_id: int | None
    title: str
    plan: str | None
    hours: Decimal
    reason: str
    pinned: bool
    done: bool
    actual_hours: Decimal | None

    @staticmethod
    def from_item(item: ScheduleItem) -> ScheduleItemOut:
        return ScheduleItemOut(id=item.pk, member_id=item.member_id, date=item.date, task_id=item.task_id,
                               title=item.label, plan=item.task.plan.title if item.task is not None else None,
                               hours=item.hours, reason=item.reason, pinned=item.pinned, done=item.done,
                               actual_hours=item.actual_hours)


class ItemPatchIn(Schema):
    done: bool | None = None
    actual_hours: Decimal | None = Field(None, ge=Decimal("0"), le=Decimal("24"), decimal_places=1)


class SummaryIn(Schema):
    date: dt.date | None = None
    problems: str = Field("", max_length=5000)
    tomorrow_plan: str = Field("", max_length=5000)


class SummaryOut(Schema):
    id: int
    member_id: int
    date: dt.date
    planned_hours: Decimal
    done_hours: Decimal
    actual_hours: Decimal
    done_items: list[dict[str, str]]
    carry_over: list[dict[str, str]]
    problems: str
    tomorrow_plan: str
    submitted_at: dt.datetime | None

    @staticmethod
    def from_summary(s: DailySummary) -> SummaryOut:
        return SummaryOut(id=s.pk, member_id=s.member_id, date=s.date, planned_hours=s.planned_hours,
                          done_hours=s.done_hours, actual_hours=s.actual_hours, done_items=s.done_items,
                          carry_over=s.carry_over, problems=s.problems, tomorrow_plan=s.tomorrow_plan,
                          submitted_at=s.submitted_at)


class TeamSummaryOut(Schema):
    member_id: int
    name: str
    submitted: bool
    summary: SummaryOut | None


class ReplanOut(Schema):
    job_id: int
    status: str


def _viewer(request: HttpRequest) -> Member:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _members(viewer: Member, ids: list[int]) -> list[Member]:
    found = list(Member.objects.filter(organization_id=viewer.organization_id, pk__in=ids))
    if len(found) != len(set(ids)):
        raise HttpError(422, "成员不存在。")
    return found


def _tasks(viewer: Member, ids: list[int]) -> list[Task]:
    found = list(Task.objects.filter(organization_id=viewer.organization_id, pk__in=ids))
    if len(found) != len(set(ids)):
        raise HttpError(422, "前置任务不存在。")
    return found


def _task_detail(task: Task) -> Task:
    return Task.objects.select_related("stage").prefetch_related("assignees", "dependencies", "checklist").get(
        pk=task.pk)


@router.get("/plans", response=list[PlanOut], summary="计划列表")
def plan_list(request: HttpRequest) -> list[PlanOut]:
    plans = access.visible_plans(_viewer(request)).prefetch_related("members")
    return [PlanOut.from_plan(p) for p in plans]


@router.post("/plans", response={201: PlanOut}, summary="新建计划（主管、总监）")
def plan_create(request: HttpRequest, payload: PlanIn) -> Status[PlanOut]:
    viewer = _viewer(request)
    if not access.can_create_plan(viewer):
        raise HttpError(403, "只有主管和总监可以新建计划。")
    try:
        plan = services.plan_create(actor=viewer, organization=viewer.organization, title=payload.title,
                                    description=payload.description, start=payload.start, end=payload.end,
                                    members=_members(viewer, payload.member_ids), status=payload.status,
                                    is_template=payload.is_template)
    except ValidationError as exc:
        raise_validation(exc)
    return Status(201, PlanOut.from_plan(plan))


@router.get("/plans/{plan_id}", response=PlanDetailOut, summary="计划详情（含任务）")
def plan_detail(request: HttpRequest, plan_id: int) -> PlanDetailOut:
    plan = access.get_plan_for_user(_viewer(request), plan_id, request=request)
    tasks = plan.tasks.select_related("stage").prefetch_related("assignees", "dependencies", "checklist")
    return PlanDetailOut(**PlanOut.from_plan(plan).dict(), tasks=[TaskOut.from_task(t) for t in tasks])


@router.post("/plans/{plan_id}/tasks", response={201: TaskOut}, summary="新建任务")
def task_create(request: HttpRequest, plan_id: int, payload: TaskIn) -> Status[TaskOut]:
    viewer = _viewer(request)
    plan = access.get_plan_for_user(viewer, plan_id, edit=True, request=request)
    try:
        task = services.task_create(
            actor=viewer, plan=plan, title=payload.title, description=payload.description,
            estimate_hours=payload.estimate_hours, due=payload.due, priority=payload.priority,
            assignees=_members(viewer, payload.assignee_ids), required_strengths=payload.required_strengths,
            dependencies=_tasks(viewer, payload.dependency_ids), checklist=payload.checklist, status=payload.status,
            stage=plan.stages.first())
    except ValidationError as exc:
        raise_validation(exc)
    return Status(201, TaskOut.from_task(_task_detail(task)))


@router.patch("/tasks/{task_id}", response=TaskOut, summary="修改任务")
def task_update(request: HttpRequest, task_id: int, payload: TaskPatchIn) -> TaskOut:
    viewer = _viewer(request)
    task = _task_detail(access.get_task_for_user(viewer, task_id, edit=True, request=request))
    fields = payload.dict(exclude_unset=True)
    try:
        services.task_update(
            actor=viewer, task=task, title=fields.get("title", task.title),
            estimate_hours=fields.get("estimate_hours", task.estimate_hours), description=task.description,
            due=fields.get("due", task.due), priority=fields.get("priority", task.priority),
            assignees=list(task.assignees.all()), required_strengths=task.required_strengths,
            dependencies=list(task.dependencies.all()), stage=task.stage, status=fields.get("status", task.status),
            recurrence=task.recurrence, recurrence_weekdays=task.recurrence_weekdays)
    except ValidationError as exc:
        raise_validation(exc)
    return TaskOut.from_task(_task_detail(task))


@router.get("/my-day", response=list[ScheduleItemOut], summary="我的日程（某一天）")
def my_day(request: HttpRequest, date: dt.date | None = None) -> list[ScheduleItemOut]:
    viewer = _viewer(request)
    items = ScheduleItem.objects.filter(member=viewer, date=date or timezone.localdate()).select_related(
        "task", "task__plan")
    return [ScheduleItemOut.from_item(i) for i in items]


@router.patch("/schedule-items/{item_id}", response=ScheduleItemOut, summary="勾选完成、记录实际工时（本人）")
def item_update(request: HttpRequest, item_id: int, payload: ItemPatchIn) -> ScheduleItemOut:
    viewer = _viewer(request)
    item = access.get_item_for_user(viewer, item_id, request=request)
    try:
        services.item_set_done(member=viewer, item=item, done=item.done if payload.done is None else payload.done,
                               actual_hours=payload.actual_hours)
    except ValidationError as exc:
        raise_validation(exc)
    return ScheduleItemOut.from_item(item)


@router.get("/members/{member_id}/schedule", response=list[ScheduleItemOut], summary="成员日程（本人与上级）")
def member_schedule(request: HttpRequest, member_id: int, start: dt.date | None = None,
                    days: int = 7) -> list[ScheduleItemOut]:
    member = access.get_schedule_member_for_user(_viewer(request), member_id, request=request)
    first = start or selectors.week_start(timezone.localdate())
    days = max(1, min(days, 62))
    items = ScheduleItem.objects.filter(member=member, date__gte=first, date__lt=first + dt.timedelta(days=days))
    return [ScheduleItemOut.from_item(i) for i in items.select_related("task", "task__plan")]


@router.post("/summaries", response=SummaryOut, summary="提交日报（本人，按当天日程预填）")
def summary_submit(request: HttpRequest, payload: SummaryIn) -> SummaryOut:
    viewer = _viewer(request)
    today = timezone.localdate()
    date = payload.date or today
    if date > today:
        raise HttpError(422, "不能提交未来日期的日报。")
    summary = services.daily_summary_submit(member=viewer, date=date, problems=payload.problems,
                                            tomorrow_plan=payload.tomorrow_plan)
    return SummaryOut.from_summary(summary)


@router.get("/summaries/team", response=list[TeamSummaryOut], summary="团队日报提交情况（主管、总监）")
def summary_team(request: HttpRequest, date: dt.date | None = None) -> list[TeamSummaryOut]:
    viewer = _viewer(request)
    if not access.is_manager(viewer):
        raise HttpError(403, "只有主管和总监可以查看团队日报。")
    rows = selectors.team_summaries(viewer, date or timezone.localdate())
    return [TeamSummaryOut(member_id=r["member"].pk, name=r["member"].name,
                           submitted=bool(r["summary"] and r["summary"].submitted_at),
                           summary=SummaryOut.from_summary(r["summary"]) if r["summary"] else None) for r in rows]


@router.post("/schedule/replan", response={202: ReplanOut}, summary="重新排程（主管、总监）")
def replan(request: HttpRequest) -> Status[ReplanOut]:
    viewer = _viewer(request)
    if not access.can_run_scheduler(viewer):
        raise HttpError(403, "只有主管和总监可以运行排程。")
    job = services.schedule_request(organization=viewer.organization, actor=viewer)
    assert job is not None
    return Status(202, ReplanOut(job_id=job.pk, status=job.status))


class NoteOut(Schema):
    id: int
    title: str
    body: str
    author_id: int
    plan_id: int | None
    task_id: int | None
    date: dt.date | None
    updated_at: dt.datetime

    @staticmethod
    def from_note(note: Note) -> NoteOut:
        return NoteOut(id=note.pk, title=note.title, body=note.body, author_id=note.author_id, plan_id=note.plan_id,
                       task_id=note.task_id, date=note.date, updated_at=note.updated_at)


class NoteIn(Schema):
    title: str = Field(min_length=1, max_length=120)
    body: str = Field("", max_length=50000)
    plan_id: int | None = None
    task_id: int | None = None
    date: dt.date | None = None


@router.get("/notes", response=list[NoteOut], summary="笔记列表与中文搜索（q）")
def note_list(request: HttpRequest, q: str = "") -> list[NoteOut]:
    found = notes.visible_notes(_viewer(request))
    if q.strip():
        found = notes.search(found, q[:100])
    return [NoteOut.from_note(n) for n in found[:100]]


@router.post("/notes", response={201: NoteOut}, summary="新建笔记（计划、任务或某一天）")
def note_create(request: HttpRequest, payload: NoteIn) -> Status[NoteOut]:
    viewer = _viewer(request)
    plan = access.get_plan_for_user(viewer, payload.plan_id, request=request) if payload.plan_id else None
    task = access.get_task_for_user(viewer, payload.task_id, request=request) if payload.task_id else None
    try:
        note = services.note_save(author=viewer, title=payload.title, body=payload.body, plan=plan, task=task,
                                  date=payload.date)
    except ValidationError as exc:
        raise_validation(exc)
    return Status(201, NoteOut.from_note(note))


# --- task comments and attachments -----------------------------------------------------------------

class CommentOut(Schema):
    id: int
    task_id: int
    author_id: int
    author: str
    body: str
    created_at: dt.datetime

    @staticmethod
    def from_comment(comment: TaskComment) -> CommentOut:
        return CommentOut(id=comment.pk, task_id=comment.task_id, author_id=comment.author_id,
                          author=comment.author.name, body=comment.body, created_at=comment.created_at)


class CommentIn(Schema):
    body: str = Field(min_length=1, max_length=services.COMMENT_MAX_CHARS)


class AttachmentOut(Schema):
    id: int
    task_id: int
    uploaded_by_id: int
    name: str
    size: int
    created_at: dt.datetime
    download_url: str

    @staticmethod
    def from_attachment(attachment: TaskAttachment) -> AttachmentOut:
        return AttachmentOut(id=attachment.pk, task_id=attachment.task_id, uploaded_by_id=attachment.uploaded_by_id,
                             name=attachment.original_name, size=attachment.size, created_at=attachment.created_at,
                             download_url=reverse("work:attachment_download", args=[attachment.pk]))


@router.get("/tasks/{task_id}/comments", response=list[CommentOut], summary="任务评论")
def task_comments(request: HttpRequest, task_id: int) -> list[CommentOut]:
    task = access.get_task_for_user(_viewer(request), task_id, request=request)
    return [CommentOut.from_comment(c) for c in task.comments.select_related("author")]


@router.post("/tasks/{task_id}/comments", response={201: CommentOut}, summary="发表评论（能看到任务的人）")
def task_comment_add(request: HttpRequest, task_id: int, payload: CommentIn) -> Status[CommentOut]:
    viewer = _viewer(request)
    task = access.get_task_for_user(viewer, task_id, request=request)
    try:
        comment = services.task_comment_add(author=viewer, task=task, body=payload.body)
    except ValidationError as exc:
        raise_validation(exc)
    return Status(201, CommentOut.from_comment(comment))


@router.get("/tasks/{task_id}/attachments", response=list[AttachmentOut], summary="任务附件（下载地址检查权限）")
def task_attachments(request: HttpRequest, task_id: int) -> list[AttachmentOut]:
    task = access.get_task_for_user(_viewer(request), task_id, request=request)
    return [AttachmentOut.from_attachment(a) for a in task.attachments.all()]
