"""API of goals, reviews and pay. Same access rules as the pages (``performance.access``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from shangdui.core.api import JobOut
from shangdui.core.api_errors import raise_validation
from shangdui.org.access import get_member_for_user, get_member_private_for_user
from shangdui.org.models import Department, Member
from shangdui.performance import access, goals, people, reviews, selectors, services
from shangdui.performance.models import Feedback, Goal, Meeting, OneOnOne, PayPlan, PayRun, PayStatement, Review

router = Router(tags=["performance"])


def _viewer(request: HttpRequest) -> Member:
    return request.auth  # type: ignore[attr-defined,no-any-return]


class PayLineOut(Schema):
    kind: str
    label: str
    amount: Decimal
    evidence: dict[str, Any]


class StatementOut(Schema):
    id: int
    period: dt.date
    member_id: int
    member: str
    plan: str
    base: Decimal
    commission: Decimal
    bonus: Decimal
    adjustments: Decimal
    total: Decimal
    lines: list[PayLineOut] | None = None

    @staticmethod
    def of(s: PayStatement, *, with_lines: bool = False) -> StatementOut:
        return StatementOut(
            id=s.id, period=s.pay_run.period, member_id=s.member_id, member=s.member_name, plan=s.plan_name,
            base=s.base, commission=s.commission, bonus=s.bonus, adjustments=s.adjustments, total=s.total,
            lines=[PayLineOut(kind=line.kind, label=line.label, amount=line.amount, evidence=line.evidence)
                   for line in s.lines.all()] if with_lines else None)


class PayRunOut(Schema):
    id: int
    period: dt.date
    status: str
    total: Decimal
    statement_count: int
    problems: list[dict[str, Any]]

    @staticmethod
    def of(run: PayRun) -> PayRunOut:
        return PayRunOut(id=run.id, period=run.period, status=run.status, total=run.total,
                         statement_count=run.statement_count, problems=run.problems)


class PayRunIn(Schema):
    period: dt.date = Field(description="任意一天，按其所在月份核算")


class AdvanceIn(Schema):
    to: Literal["reviewed", "approved", "locked"]


class TierIn(Schema):
    start: Decimal = Field(ge=0)
    end: Decimal | None = None
    rate: Decimal


class PayPlanIn(Schema):
    name: str = Field(min_length=1, max_length=80)
    kind: Literal["base", "commission", "bonus"] = "base"
    position: str = Field("", max_length=60, description="岗位名称；不存在时创建")
    member_id: int | None = None
    base_salary: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    scope: Literal["shops", "platforms", "department", "own_orders"] = Field(
        "shops", description="own_orders：本人订单（订单归属的业务员）")
    shop_ids: list[int] = []
    platforms: list[str] = []
    basis: Literal["amount", "completion"] = "amount"
    tiers: list[TierIn] = []
    monthly_target: Decimal | None = None
    bonus_pool: Decimal = Decimal("0")


class PayPlanOut(Schema):
    id: int
    name: str
    kind: str
    position_id: int | None
    member_id: int | None
    base_salary: Decimal | None
    scope: str
    basis: str
    tiers: list[dict[str, Any]]
    bonus_pool: Decimal
    is_active: bool

    @staticmethod
    def of(plan: PayPlan) -> PayPlanOut:
        return PayPlanOut(id=plan.id, name=plan.name, kind=plan.kind, position_id=plan.position_id,
                          member_id=plan.member_id, base_salary=plan.base_salary, scope=plan.scope, basis=plan.basis,
                          tiers=plan.tiers, bonus_pool=plan.bonus_pool, is_active=plan.is_active)


def _require_payroll(viewer: Member) -> None:
    if not access.can_run_pay(viewer):
        raise HttpError(403, "只有总监和财务/人事可以处理薪酬核算。")


@router.get("/pay-runs", response=list[PayRunOut], summary="薪酬核算列表（总监、财务）")
def payrun_list(request: HttpRequest) -> list[PayRunOut]:
    viewer = _viewer(request)
    _require_payroll(viewer)
    return [PayRunOut.of(run) for run in selectors.pay_runs(viewer.organization_id)[:120]]


@router.post("/pay-runs", response={202: JobOut},
             summary="核算某月薪酬（后台任务；用 GET /api/jobs/{id} 查看进度；同月重复调用只产生一次结算）")
def payrun_create(request: HttpRequest, payload: PayRunIn) -> Status[Any]:
    from shangdui.performance.jobs import payrun_enqueue

    viewer = _viewer(request)
    _require_payroll(viewer)
    try:
        job = payrun_enqueue(actor=viewer, organization=viewer.organization, period=payload.period)
    except ValidationError as exc:
        raise_validation(exc)
    return Status(202, job)


@router.get("/pay-runs/{run_id}", response=PayRunOut, summary="薪酬核算详情")
def payrun_detail(request: HttpRequest, run_id: int) -> PayRunOut:
    return PayRunOut.of(access.get_pay_run_for_user(_viewer(request), run_id, request=request))


@router.get("/pay-runs/{run_id}/statements", response=list[StatementOut], summary="某月全部工资条")
def payrun_statements(request: HttpRequest, run_id: int) -> list[StatementOut]:
    run = access.get_pay_run_for_user(_viewer(request), run_id, request=request)
    return [StatementOut.of(s) for s in selectors.run_statements(run).select_related("pay_run")]


@router.post("/pay-runs/{run_id}/advance", response=PayRunOut, summary="复核 / 批准 / 锁定")
def payrun_advance(request: HttpRequest, run_id: int, payload: AdvanceIn) -> PayRunOut:
    viewer = _viewer(request)
    run = access.get_pay_run_for_user(viewer, run_id, request=request)
    try:
        run = services.payrun_advance(actor=viewer, pay_run=run, to=payload.to)
    except ValidationError as exc:
        raise_validation(exc)
    except PermissionError as exc:
        raise HttpError(403, str(exc)) from None
    return PayRunOut.of(run)


@router.get("/pay-statements/{statement_id}", response=StatementOut, summary="工资条及每项依据")
def statement_detail(request: HttpRequest, statement_id: int) -> StatementOut:
    statement = access.get_statement_for_user(_viewer(request), statement_id, request=request)
    return StatementOut.of(statement, with_lines=True)


@router.get("/members/{member_id}/pay-statements", response=list[StatementOut], summary="成员的工资条")
def member_statements(request: HttpRequest, member_id: int) -> list[StatementOut]:
    viewer = _viewer(request)
    member = get_member_private_for_user(viewer, member_id, request=request)
    own = viewer.id == member.id and not access.can_run_pay(viewer)
    return [StatementOut.of(s) for s in selectors.member_statements(member, final_only=own)[:36]]


@router.get("/pay-plans", response=list[PayPlanOut], summary="薪酬方案（总监、财务）")
def plan_list(request: HttpRequest) -> list[PayPlanOut]:
    viewer = _viewer(request)
    _require_payroll(viewer)
    return [PayPlanOut.of(p) for p in selectors.pay_plans(viewer.organization_id)]


@router.post("/pay-plans", response={201: PayPlanOut}, summary="新建薪酬方案（总监、财务）")
def plan_create(request: HttpRequest, payload: PayPlanIn) -> Status[PayPlanOut]:
    from shangdui.org.services import position_get_or_create

    viewer = _viewer(request)
    _require_payroll(viewer)
    data = payload.dict()
    position_name, member_id = data.pop("position"), data.pop("member_id")
    position = position_get_or_create(organization=viewer.organization, name=position_name)
    member = get_member_for_user(viewer, member_id, request=request) if member_id is not None else None
    data["tiers"] = [{"start": str(t["start"]), "end": None if t["end"] is None else str(t["end"]),
                      "rate": str(t["rate"])} for t in data["tiers"]]
    try:
        plan = services.payplan_create(actor=viewer, organization=viewer.organization, position=position,
                                       member=member, **data)
    except ValidationError as exc:
        raise_validation(exc)
    return Status(201, PayPlanOut.of(plan))


class GoalOut(Schema):
    id: int
    title: str
    member_id: int | None
    department_id: int | None
    period_start: dt.date
    period_end: dt.date
    measure: str
    target: Decimal
    weight: Decimal
    state: str
    member_confirmed: bool
    manager_confirmed: bool
    progress: Decimal
    completion: Decimal
    lower_is_better: bool = False
    platforms: list[str] = []
    product_ids: list[str] = []
    benchmark: str = ""
    evidence: dict[str, Any] = {}

    @staticmethod
    def of(goal: Goal) -> GoalOut:
        progress = goals.goal_progress(goal)
        return GoalOut(id=goal.id, title=goal.title, member_id=goal.member_id, department_id=goal.department_id,
                       period_start=goal.period_start, period_end=goal.period_end, measure=goal.measure,
                       target=goal.target, weight=goal.weight, state=goal.state,
                       member_confirmed=goal.member_confirmed, manager_confirmed=goal.manager_confirmed,
                       progress=progress.value, completion=progress.ratio,
                       lower_is_better=progress.lower_is_better, platforms=goal.platforms,
                       product_ids=[str(p) for p in goal.product_ids], benchmark=goal.benchmark,
                       evidence=progress.evidence)


class GoalIn(Schema):
    title: str = Field(min_length=1, max_length=120)
    member_id: int | None = None
    department_id: int | None = Field(None, description="团队目标：填团队（部门），不填成员")
    parent_id: int | None = Field(None, description="所属团队目标")
    period_start: dt.date
    period_end: dt.date
    measure: Literal["net_sales", "tasks_on_time", "daily_summaries", "inspection_score", "good_reviews",
                     "logistics_cost", "manual"] = Field("manual", description="logistics_cost：越低越好")
    target: Decimal = Field(gt=0)
    weight: Decimal = Field(Decimal("100"), ge=0, le=100)
    shop_ids: list[int] = []
    platforms: list[str] = []
    product_ids: list[str] = Field([], description="商品 ID 或 SKU：只计这些商品的净销售额")
    benchmark: str = Field("", description="制定团队目标时参考的竞品店铺与数据")


@router.get("/goals", response=list[GoalOut], summary="目标（本人、团队及下属）")
def goal_list(request: HttpRequest, member_id: int | None = None) -> list[GoalOut]:
    viewer = _viewer(request)
    member = get_member_for_user(viewer, member_id, request=request) if member_id is not None else None
    return [GoalOut.of(g) for g in goals.goals_for(viewer, member=member)]


@router.post("/goals", response={201: GoalOut}, summary="提议目标（成员本人或其主管）")
def goal_create(request: HttpRequest, payload: GoalIn) -> Status[GoalOut]:
    viewer = _viewer(request)
    data = payload.dict()
    member_id, department_id, parent_id = data.pop("member_id"), data.pop("department_id"), data.pop("parent_id")
    department = None
    if department_id is not None:
        department = Department.objects.filter(organization_id=viewer.organization_id, pk=department_id).first()
        if department is None:
            raise HttpError(404, "团队不存在。")
    if member_id is not None:
        member: Member | None = get_member_for_user(viewer, member_id, request=request)
    else:
        member = None if department is not None else viewer
    parent = None
    if parent_id is not None:
        parent = Goal.objects.filter(organization_id=viewer.organization_id, pk=parent_id,
                                     member__isnull=True).first()
        if parent is None:
            raise HttpError(404, "团队目标不存在。")
    try:
        goal = goals.goal_propose(actor=viewer, organization=viewer.organization, member=member,
                                  department=department, parent=parent, **data)
    except ValidationError as exc:
        raise_validation(exc)
    except PermissionError as exc:
        raise HttpError(403, str(exc)) from None
    return Status(201, GoalOut.of(goal))


@router.get("/goals/{goal_id}", response=GoalOut, summary="目标详情与实时进度")
def goal_detail(request: HttpRequest, goal_id: int) -> GoalOut:
    return GoalOut.of(access.get_goal_for_user(_viewer(request), goal_id, request=request))


@router.post("/goals/{goal_id}/confirm", response=GoalOut, summary="确认目标（双方都确认后生效）")
def goal_confirm(request: HttpRequest, goal_id: int) -> GoalOut:
    viewer = _viewer(request)
    goal = access.get_goal_for_user(viewer, goal_id, request=request)
    try:
        goal = goals.goal_confirm(actor=viewer, goal=goal)
    except ValidationError as exc:
        raise_validation(exc)
    except PermissionError as exc:
        raise HttpError(403, str(exc)) from None
    return GoalOut.of(goal)


class ReviewOut(Schema):
    id: int
    cycle: str
    member_id: int
    state: str
    goal_results: list[dict[str, Any]]
    self_text: str
    manager_text: str
    final_score: Decimal | None
    bonus_coefficient: Decimal | None
    reward: Decimal
    penalty: Decimal

    @staticmethod
    def of(r: Review) -> ReviewOut:
        return ReviewOut(id=r.id, cycle=r.cycle.name, member_id=r.member_id, state=r.state,
                         goal_results=r.goal_results, self_text=r.self_text, manager_text=r.manager_text,
                         final_score=r.final_score, bonus_coefficient=r.bonus_coefficient, reward=r.reward,
                         penalty=r.penalty)


class SelfIn(Schema):
    text: str = Field(min_length=1)
    score: Decimal | None = None


@router.get("/reviews/{review_id}", response=ReviewOut, summary="考核详情（本人、上级链、总监、财务/人事）")
def review_detail(request: HttpRequest, review_id: int) -> ReviewOut:
    return ReviewOut.of(access.get_review_for_user(_viewer(request), review_id, request=request))


@router.post("/reviews/{review_id}/self", response=ReviewOut, summary="提交自评（只能提交一次）")
def review_self(request: HttpRequest, review_id: int, payload: SelfIn) -> ReviewOut:
    viewer = _viewer(request)
    review = access.get_review_for_user(viewer, review_id, request=request)
    try:
        review = reviews.review_submit_self(actor=viewer, review=review, text=payload.text, score=payload.score)
    except ValidationError as exc:
        raise_validation(exc)
    except PermissionError as exc:
        raise HttpError(403, str(exc)) from None
    return ReviewOut.of(review)


class PraiseOut(Schema):
    id: int
    member_id: int
    member: str
    author: str | None
    text: str
    created_at: dt.datetime


@router.get("/praise", response=list[PraiseOut], summary="表扬墙")
def praise_list(request: HttpRequest) -> list[PraiseOut]:
    return [PraiseOut(id=f.id, member_id=f.member_id, member=f.member.name,
                      author=f.author.name if f.author else None, text=f.text, created_at=f.created_at)
            for f in people.praise_wall(_viewer(request).organization_id)]


class OverdueOut(Schema):
    member_id: int
    member: str
    last_held: dt.datetime | None
    days: int | None


@router.get("/one-on-ones/overdue", response=list[OverdueOut], summary="超过 15 天未一对一面谈的下属")
def oneonone_overdue(request: HttpRequest) -> list[OverdueOut]:
    return [OverdueOut(member_id=row.member.id, member=row.member.name, last_held=row.last_held, days=row.days)
            for row in people.overdue_one_on_ones(_viewer(request))]


class MeetingItemOut(Schema):
    id: int
    meeting_id: int
    meeting: str
    kind: str
    text: str
    owner_id: int | None
    due: dt.date | None
    state: str


@router.get("/meeting-items", response=list[MeetingItemOut], summary="会议中提出的问题与建议（默认未关闭的）")
def meeting_items(request: HttpRequest, state: Literal["open", "in_progress", "closed", "all"] = "open"
                  ) -> list[MeetingItemOut]:
    from shangdui.performance.models import MeetingItem

    items = MeetingItem.objects.filter(meeting__organization_id=_viewer(request).organization_id).select_related(
        "meeting")
    if state != "all":
        items = items.filter(state=state)
    return [MeetingItemOut(id=i.id, meeting_id=i.meeting_id, meeting=i.meeting.title, kind=i.kind, text=i.text,
                           owner_id=i.owner_id, due=i.due, state=i.state) for i in items.order_by("due", "id")[:500]]


# --- one-to-ones ------------------------------------------------------------------------------

class ActionItemOut(Schema):
    text: str
    task_id: int | None = None


class OneOnOneOut(Schema):
    id: int
    member_id: int
    member: str
    manager_id: int | None
    scheduled_for: dt.datetime
    held_at: dt.datetime | None
    agenda: list[dict[str, Any]]
    shared_notes: str
    private_notes: str | None = Field(None, description="主管私密笔记：只有上级链和总监可见，成员本人看到 null")
    action_items: list[ActionItemOut]

    @staticmethod
    def of(meeting: OneOnOne, viewer: Member) -> OneOnOneOut:
        private = people.can_see_private_notes(viewer, meeting)
        return OneOnOneOut(
            id=meeting.id, member_id=meeting.member_id, member=meeting.member.name, manager_id=meeting.manager_id,
            scheduled_for=meeting.scheduled_for, held_at=meeting.held_at, agenda=meeting.agenda,
            shared_notes=meeting.shared_notes, private_notes=meeting.private_notes if private else None,
            action_items=[ActionItemOut(text=a["text"], task_id=a.get("task_id"))
                          for a in meeting.action_items if isinstance(a, dict) and "text" in a])


class OneOnOneIn(Schema):
    scheduled_for: dt.datetime


class OneOnOneRecordIn(Schema):
    shared_notes: str = Field(min_length=1, description="共享笔记：成员本人可见")
    private_notes: str = Field("", description="私密笔记：只有上级链和总监可见")
    action_items: list[str] = Field([], description="行动项：每项成为成员日程中的任务")
    held_at: dt.datetime | None = None


@router.get("/one-on-ones", response=list[OneOnOneOut], summary="一对一面谈（本人的及下属的）")
def oneonone_list(request: HttpRequest, member_id: int | None = None) -> list[OneOnOneOut]:
    viewer = _viewer(request)
    meetings = people.visible_one_on_ones(viewer)
    if member_id is not None:
        meetings = meetings.filter(member_id=member_id)
    return [OneOnOneOut.of(m, viewer) for m in meetings.order_by("-scheduled_for", "-id")[:200]]


@router.post("/members/{member_id}/one-on-ones", response={201: OneOnOneOut},
             summary="安排一对一面谈（成员的上级；议程自动带入目标进度、日报问题、未关闭事项）")
def oneonone_create(request: HttpRequest, member_id: int, payload: OneOnOneIn) -> Status[OneOnOneOut]:
    viewer = _viewer(request)
    member = get_member_for_user(viewer, member_id, request=request)
    try:
        meeting = people.oneonone_schedule(actor=viewer, member=member, scheduled_for=payload.scheduled_for)
    except PermissionError as exc:
        raise HttpError(403, str(exc)) from None
    return Status(201, OneOnOneOut.of(meeting, viewer))


@router.get("/one-on-ones/{oneonone_id}", response=OneOnOneOut,
            summary="一对一面谈详情（成员本人、上级链、总监；私密笔记只给上级链和总监）")
def oneonone_detail(request: HttpRequest, oneonone_id: int) -> OneOnOneOut:
    viewer = _viewer(request)
    return OneOnOneOut.of(access.get_one_on_one_for_user(viewer, oneonone_id, request=request), viewer)


@router.post("/one-on-ones/{oneonone_id}/record", response=OneOnOneOut,
             summary="记录一对一面谈：共享笔记、私密笔记、行动项（上级）")
def oneonone_record(request: HttpRequest, oneonone_id: int, payload: OneOnOneRecordIn) -> OneOnOneOut:
    viewer = _viewer(request)
    meeting = access.get_one_on_one_for_user(viewer, oneonone_id, request=request)
    try:
        meeting = people.oneonone_record(actor=viewer, one_on_one=meeting, shared_notes=payload.shared_notes,
                                         private_notes=payload.private_notes, action_items=payload.action_items,
                                         held_at=payload.held_at)
    except PermissionError as exc:
        raise HttpError(403, str(exc)) from None
    return OneOnOneOut.of(meeting, viewer)


# --- meetings ---------------------------------------------------------------------------------

class MeetingOut(Schema):
    id: int
    title: str
    held_on: dt.date
    department_id: int | None
    decisions: str
    items: list[MeetingItemOut] = []


class MeetingIn(Schema):
    title: str = Field(min_length=1, max_length=120)
    held_on: dt.date
    department_id: int | None = None
    decisions: str = ""


class MeetingItemIn(Schema):
    kind: Literal["problem", "suggestion"] = "problem"
    text: str = Field(min_length=1)
    owner_id: int | None = Field(None, description="负责人：有负责人的问题成为其日程中的任务")
    due: dt.date | None = None


class MeetingItemPatch(Schema):
    state: Literal["open", "in_progress", "closed"] | None = None
    owner_id: int | None = Field(None, description="新的负责人（与 clear_owner 二选一）")
    clear_owner: bool = False
    due: dt.date | None = None


class DecisionsIn(Schema):
    decisions: str


def _item_out(i: Any) -> MeetingItemOut:
    return MeetingItemOut(id=i.id, meeting_id=i.meeting_id, meeting=i.meeting.title, kind=i.kind, text=i.text,
                          owner_id=i.owner_id, due=i.due, state=i.state)


def _meeting_out(meeting: Meeting, *, with_items: bool = False) -> MeetingOut:
    items = [_item_out(i) for i in meeting.items.select_related("meeting").order_by("state", "due", "id")] \
        if with_items else []
    return MeetingOut(id=meeting.id, title=meeting.title, held_on=meeting.held_on,
                      department_id=meeting.department_id, decisions=meeting.decisions, items=items)


@router.get("/meetings", response=list[MeetingOut], summary="团队会议")
def meeting_list(request: HttpRequest) -> list[MeetingOut]:
    viewer = _viewer(request)
    meetings = Meeting.objects.filter(organization_id=viewer.organization_id).order_by("-held_on", "-id")[:200]
    return [_meeting_out(m) for m in meetings]


@router.post("/meetings", response={201: MeetingOut}, summary="记录一次会议")
def meeting_create(request: HttpRequest, payload: MeetingIn) -> Status[MeetingOut]:
    viewer = _viewer(request)
    department = None
    if payload.department_id is not None:
        department = Department.objects.filter(organization_id=viewer.organization_id, pk=payload.department_id).first()
        if department is None:
            raise HttpError(404, "团队不存在。")
    try:
        meeting = people.meeting_create(actor=viewer, organization=viewer.organization, title=payload.title,
                                        held_on=payload.held_on, department=department, decisions=payload.decisions)
    except ValidationError as exc:
        raise_validation(exc)
    return Status(201, _meeting_out(meeting))


@router.get("/meetings/{meeting_id}", response=MeetingOut, summary="会议详情：问题与建议、决议")
def meeting_detail(request: HttpRequest, meeting_id: int) -> MeetingOut:
    return _meeting_out(access.get_meeting_for_user(_viewer(request), meeting_id, request=request), with_items=True)


@router.post("/meetings/{meeting_id}/items", response={201: MeetingItemOut}, summary="在会议中提出问题或建议")
def meeting_item_add(request: HttpRequest, meeting_id: int, payload: MeetingItemIn) -> Status[MeetingItemOut]:
    viewer = _viewer(request)
    meeting = access.get_meeting_for_user(viewer, meeting_id, request=request)
    owner = get_member_for_user(viewer, payload.owner_id, request=request) if payload.owner_id is not None else None
    try:
        item = people.meetingitem_add(actor=viewer, meeting=meeting, kind=payload.kind, text=payload.text,
                                      owner=owner, due=payload.due)
    except ValidationError as exc:
        raise_validation(exc)
    return Status(201, _item_out(item))


@router.patch("/meeting-items/{item_id}", response=MeetingItemOut,
              summary="修改问题或建议的状态、负责人、截止日期（负责人、提出人或主管）")
def meeting_item_update(request: HttpRequest, item_id: int, payload: MeetingItemPatch) -> MeetingItemOut:
    viewer = _viewer(request)
    item = access.get_meeting_item_for_user(viewer, item_id, request=request)
    changes: dict[str, Any] = {}
    if payload.clear_owner:
        changes["owner"] = None
    elif payload.owner_id is not None:
        changes["owner"] = get_member_for_user(viewer, payload.owner_id, request=request)
    if payload.due is not None:
        changes["due"] = payload.due
    try:
        item = people.meetingitem_update(actor=viewer, item=item, state=payload.state, **changes)
    except ValidationError as exc:
        raise_validation(exc)
    except PermissionError as exc:
        raise HttpError(403, str(exc)) from None
    return _item_out(item)


@router.post("/meetings/{meeting_id}/decisions", response=MeetingOut, summary="记录会议决议（发起人或主管）")
def meeting_decisions(request: HttpRequest, meeting_id: int, payload: DecisionsIn) -> MeetingOut:
    viewer = _viewer(request)
    meeting = access.get_meeting_for_user(viewer, meeting_id, request=request)
    try:
        meeting = people.meeting_set_decisions(actor=viewer, meeting=meeting, decisions=payload.decisions)
    except PermissionError as exc:
        raise HttpError(403, str(exc)) from None
    return _meeting_out(meeting, with_items=True)


# --- praise and criticism ---------------------------------------------------------------------

class FeedbackIn(Schema):
    kind: Literal["praise", "criticism"]
    text: str = Field(min_length=1)
    evidence: str = Field("", max_length=200, description="依据：订单、任务或会话")


class FeedbackOut(Schema):
    id: int
    kind: str
    member_id: int
    author: str | None
    text: str
    evidence: str
    created_at: dt.datetime

    @staticmethod
    def of(f: Feedback) -> FeedbackOut:
        return FeedbackOut(id=f.id, kind=f.kind, member_id=f.member_id, author=f.author.name if f.author else None,
                           text=f.text, evidence=f.evidence, created_at=f.created_at)


@router.post("/members/{member_id}/feedback", response={201: FeedbackOut},
             summary="表扬（任何人，公开上墙）或批评（成员的上级链，私下可见）")
def feedback_create(request: HttpRequest, member_id: int, payload: FeedbackIn) -> Status[FeedbackOut]:
    viewer = _viewer(request)
    member = get_member_for_user(viewer, member_id, request=request)
    try:
        feedback = people.feedback_give(actor=viewer, member=member, kind=payload.kind, text=payload.text,
                                        evidence=payload.evidence)
    except ValidationError as exc:
        raise_validation(exc)
    except PermissionError as exc:
        raise HttpError(403, str(exc)) from None
    return Status(201, FeedbackOut.of(feedback))


@router.get("/members/{member_id}/criticism", response=list[FeedbackOut],
            summary="成员收到的批评（只有本人、上级链和总监可见）")
def member_criticism(request: HttpRequest, member_id: int) -> list[FeedbackOut]:
    viewer = _viewer(request)
    member = get_member_private_for_user(viewer, member_id, request=request)
    if viewer.role == Member.Role.FINANCE and viewer.id != member.id:
        raise HttpError(404, "Not Found")
    return [FeedbackOut.of(f) for f in people.criticism_for(viewer, member)]
