"""API of the org app. Same access rules as the pages (``org.access``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from shangdui.core.api_errors import raise_validation
from shangdui.org import access, selectors, services
from shangdui.org.models import Department, Member

router = Router(tags=["org"])

RoleName = Literal["director", "manager", "member", "finance"]
KindName = Literal["operations", "design", "customer_service", "logistics", "sales", "other"]


class StrengthOut(Schema):
    name: str
    level: int


class MemberOut(Schema):
    id: int
    username: str
    name: str
    role: str
    department_id: int | None
    department: str | None
    manager_id: int | None
    position: str | None
    join_date: dt.date | None
    working_days: list[int]
    daily_hours: Decimal
    strengths: list[StrengthOut]
    is_active: bool

    @staticmethod
    def from_member(member: Member) -> MemberOut:
        return MemberOut(
            id=member.id, username=member.user.username, name=member.name, role=member.role,
            department_id=member.department_id, department=member.department.name if member.department else None,
            manager_id=member.manager_id, position=member.position.name if member.position else None,
            join_date=member.join_date, working_days=member.working_days, daily_hours=member.daily_hours,
            strengths=[StrengthOut(name=s.tag.name, level=s.level) for s in member.strengths.all()],
            is_active=member.is_active,
        )


class MemberCreateIn(Schema):
    username: str = Field(min_length=2, max_length=150)
    name: str = Field(min_length=1, max_length=60)
    role: RoleName = "member"
    department_id: int | None = None
    manager_id: int | None = None
    position: str = ""
    join_date: dt.date | None = None
    working_days: list[int] = [0, 1, 2, 3, 4]
    daily_hours: Decimal = Field(Decimal("8.0"), ge=Decimal("0.5"), le=Decimal("16"))
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    password: str | None = None
    strengths: dict[str, int] = {}


class MemberPatchIn(Schema):
    name: str | None = Field(None, min_length=1, max_length=60)
    department_id: int | None = None
    manager_id: int | None = None
    position: str | None = None
    join_date: dt.date | None = None
    working_days: list[int] | None = None
    daily_hours: Decimal | None = Field(None, ge=Decimal("0.5"), le=Decimal("16"))
    phone: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    is_active: bool | None = None
    strengths: dict[str, int] | None = None


class PayOut(Schema):
    member_id: int
    base_salary: Decimal | None


class PayIn(Schema):
    base_salary: Decimal | None = Field(None, ge=Decimal("0"), max_digits=12, decimal_places=2)


class RoleIn(Schema):
    role: RoleName


class DepartmentOut(Schema):
    id: int
    name: str
    kind: str
    parent_id: int | None
    head_id: int | None
    responsibilities: list[str]

    @staticmethod
    def from_department(department: Department) -> DepartmentOut:
        return DepartmentOut(id=department.id, name=department.name, kind=department.kind,
                             parent_id=department.parent_id, head_id=department.head_id,
                             responsibilities=department.responsibility_list)


class DepartmentIn(Schema):
    name: str = Field(min_length=1, max_length=60)
    kind: KindName = "other"
    parent_id: int | None = None
    head_id: int | None = None
    responsibilities: list[str] = []


class ChartNodeOut(Schema):
    id: int
    name: str
    role: str
    department: str | None
    children: list[ChartNodeOut]


def _viewer(request: HttpRequest) -> Member:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _department_or_404(viewer: Member, pk: int | None, request: HttpRequest) -> Department | None:
    return None if pk is None else access.get_department_for_user(viewer, pk, request=request)


def _member_or_404(viewer: Member, pk: int | None, request: HttpRequest) -> Member | None:
    return None if pk is None else access.get_member_for_user(viewer, pk, request=request)


@router.get("/departments", response=list[DepartmentOut], summary="部门列表")
def department_list(request: HttpRequest) -> list[DepartmentOut]:
    return [DepartmentOut.from_department(d) for d in selectors.department_list(_viewer(request).organization_id)]


@router.post("/departments", response={201: DepartmentOut}, summary="新建部门（总监）")
def department_create(request: HttpRequest, payload: DepartmentIn) -> Status[DepartmentOut]:
    viewer = _viewer(request)
    if not access.can_edit_structure(viewer):
        raise HttpError(403, "只有总监可以调整组织结构。")
    try:
        department = services.department_create(
            actor=viewer, organization=viewer.organization, name=payload.name, kind=payload.kind,
            parent=_department_or_404(viewer, payload.parent_id, request),
            head=_member_or_404(viewer, payload.head_id, request),
            responsibilities="\n".join(payload.responsibilities))
    except ValidationError as exc:
        raise_validation(exc)
    return Status(201, DepartmentOut.from_department(department))


@router.post("/departments/template", response={201: list[DepartmentOut]}, summary="一键创建标准部门（总监）")
def department_template(request: HttpRequest) -> Status[list[DepartmentOut]]:
    viewer = _viewer(request)
    if not access.can_edit_structure(viewer):
        raise HttpError(403, "只有总监可以调整组织结构。")
    created = services.department_apply_template(organization=viewer.organization, actor=viewer)
    return Status(201, [DepartmentOut.from_department(d) for d in created])


@router.get("/departments/{department_id}", response=DepartmentOut, summary="部门详情")
def department_detail(request: HttpRequest, department_id: int) -> DepartmentOut:
    department = access.get_department_for_user(_viewer(request), department_id, request=request)
    return DepartmentOut.from_department(department)


@router.put("/departments/{department_id}", response=DepartmentOut, summary="修改部门（总监）")
def department_update(request: HttpRequest, department_id: int, payload: DepartmentIn) -> DepartmentOut:
    viewer = _viewer(request)
    department = access.get_department_for_user(viewer, department_id, request=request)
    if not access.can_edit_structure(viewer):
        raise HttpError(403, "只有总监可以调整组织结构。")
    try:
        services.department_update(
            actor=viewer, department=department, name=payload.name, kind=payload.kind,
            parent=_department_or_404(viewer, payload.parent_id, request),
            head=_member_or_404(viewer, payload.head_id, request),
            responsibilities="\n".join(payload.responsibilities))
    except ValidationError as exc:
        raise_validation(exc)
    return DepartmentOut.from_department(department)


@router.delete("/departments/{department_id}", response={204: None}, summary="删除部门（总监）")
def department_delete(request: HttpRequest, department_id: int) -> Status[None]:
    viewer = _viewer(request)
    department = access.get_department_for_user(viewer, department_id, request=request)
    if not access.can_edit_structure(viewer):
        raise HttpError(403, "只有总监可以调整组织结构。")
    services.department_delete(actor=viewer, department=department)
    return Status(204, None)


@router.get("/members", response=list[MemberOut], summary="成员列表")
@paginate(PageNumberPagination)
def member_list(request: HttpRequest, q: str = "", department_id: int | None = None):  # type: ignore[no-untyped-def]
    members = selectors.member_list(_viewer(request), query=q[:60], department_id=department_id)
    return [MemberOut.from_member(m) for m in members]


@router.post("/members", response={201: MemberOut}, summary="新建成员")
def member_create(request: HttpRequest, payload: MemberCreateIn) -> Status[MemberOut]:
    viewer = _viewer(request)
    if not access.can_add_members(viewer):
        raise HttpError(403, "没有添加成员的权限。")
    if payload.role != "member" and not access.can_change_roles(viewer):
        raise HttpError(403, "只有总监可以设置该角色。")
    try:
        member = services.member_create(
            actor=viewer, organization=viewer.organization, username=payload.username, name=payload.name,
            role=payload.role, department=_department_or_404(viewer, payload.department_id, request),
            manager=_member_or_404(viewer, payload.manager_id, request),
            position=services.position_get_or_create(organization=viewer.organization, name=payload.position),
            join_date=payload.join_date, working_days=payload.working_days, daily_hours=payload.daily_hours,
            phone=payload.phone, email=payload.email, password=payload.password, strengths=payload.strengths)
    except ValidationError as exc:
        raise_validation(exc)
    return Status(201, MemberOut.from_member(member))


@router.get("/members/{member_id}", response=MemberOut, summary="成员详情")
def member_detail(request: HttpRequest, member_id: int) -> MemberOut:
    return MemberOut.from_member(access.get_member_for_user(_viewer(request), member_id, request=request))


@router.patch("/members/{member_id}", response=MemberOut, summary="修改成员资料（总监、上级）")
def member_update(request: HttpRequest, member_id: int, payload: MemberPatchIn) -> MemberOut:
    viewer = _viewer(request)
    member = access.get_member_manageable_for_user(viewer, member_id, request=request)
    data = payload.dict(exclude_unset=True)
    strengths = data.pop("strengths", None)
    fields: dict[str, object] = {}
    for key, value in data.items():
        if key == "department_id":
            fields["department"] = _department_or_404(viewer, value, request)
        elif key == "manager_id":
            fields["manager"] = _member_or_404(viewer, value, request)
        elif key == "position":
            fields["position"] = services.position_get_or_create(organization=viewer.organization,
                                                                 name=value or "")
        elif value is not None:
            fields[key] = value
    try:
        services.member_update(actor=viewer, member=member, **fields)  # type: ignore[arg-type]
        if strengths is not None:
            services.member_set_strengths(actor=viewer, member=member, strengths=strengths)
    except ValidationError as exc:
        raise_validation(exc)
    return MemberOut.from_member(access.get_member_for_user(viewer, member_id))


@router.get("/members/{member_id}/pay", response=PayOut, summary="薪酬（本人、上级链、总监、财务/人事）")
def member_pay(request: HttpRequest, member_id: int) -> PayOut:
    member = access.get_member_private_for_user(_viewer(request), member_id, request=request)
    return PayOut(member_id=member.id, base_salary=member.base_salary)


@router.put("/members/{member_id}/pay", response=PayOut, summary="修改薪酬（总监、财务/人事）")
def member_pay_update(request: HttpRequest, member_id: int, payload: PayIn) -> PayOut:
    viewer = _viewer(request)
    member = access.get_member_private_for_user(viewer, member_id, request=request)
    if not access.can_edit_pay(viewer, member):
        raise HttpError(403, "只有总监和财务/人事可以修改薪酬。")
    try:
        services.member_set_pay(actor=viewer, member=member, base_salary=payload.base_salary)
    except ValidationError as exc:
        raise_validation(exc)
    return PayOut(member_id=member.id, base_salary=member.base_salary)


@router.put("/members/{member_id}/role", response=MemberOut, summary="修改角色（总监）")
def member_role_update(request: HttpRequest, member_id: int, payload: RoleIn) -> MemberOut:
    viewer = _viewer(request)
    member = access.get_member_for_user(viewer, member_id, request=request)
    if not access.can_change_roles(viewer):
        raise HttpError(403, "只有总监可以修改角色。")
    try:
        services.member_set_role(actor=viewer, member=member, role=payload.role)
    except ValidationError as exc:
        raise_validation(exc)
    return MemberOut.from_member(member)


def _chart_out(node: selectors.ChartNode) -> ChartNodeOut:
    m = node.member
    return ChartNodeOut(id=m.id, name=m.name, role=m.role, department=m.department.name if m.department else None,
                        children=[_chart_out(c) for c in node.children])


@router.get("/org-chart", response=list[ChartNodeOut], summary="组织架构图")
def org_chart(request: HttpRequest) -> list[ChartNodeOut]:
    return [_chart_out(n) for n in selectors.org_chart(_viewer(request).organization_id)]
