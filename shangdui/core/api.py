"""API of the core app: who am I, background jobs, the audit log."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from shangdui.core.models import AuditLog, Job
from shangdui.org import access
from shangdui.org.models import Member

router = Router(tags=["core"])


class MeOut(Schema):
    id: int
    username: str
    name: str
    role: str
    organization: str
    department: str | None


class JobOut(Schema):
    id: int
    kind: str
    title: str
    status: str
    progress: int
    message: str
    error: str
    result: dict
    created_at: dt.datetime
    finished_at: dt.datetime | None


class AuditOut(Schema):
    id: int
    created_at: dt.datetime
    actor_name: str
    action: str
    target_type: str
    target_id: str
    target_repr: str
    changes: dict
    ip_address: str | None


@router.get("/me", response=MeOut, summary="当前用户")
def me(request: HttpRequest) -> MeOut:
    member: Member = request.auth  # type: ignore[attr-defined]
    return MeOut(id=member.id, username=member.user.username, name=member.name, role=member.role,
                 organization=member.organization.name,
                 department=member.department.name if member.department_id and member.department else None)


def _jobs_for(member: Member, request: HttpRequest):  # type: ignore[no-untyped-def]
    jobs = Job.objects.filter(organization_id=member.organization_id)
    if member.role != Member.Role.DIRECTOR:
        jobs = jobs.filter(created_by=member.user)
    return jobs


@router.get("/jobs", response=list[JobOut], summary="后台任务列表")
@paginate(PageNumberPagination)
def job_list(request: HttpRequest):  # type: ignore[no-untyped-def]
    return _jobs_for(request.auth, request)  # type: ignore[attr-defined]


@router.get("/jobs/{job_id}", response=JobOut, summary="后台任务状态")
def job_detail(request: HttpRequest, job_id: int) -> Job:
    member: Member = request.auth  # type: ignore[attr-defined]
    job = _jobs_for(member, request).filter(pk=job_id).first()
    if job is None:
        raise access.refuse(member, what="job", object_id=job_id, request=request)
    return job


@router.get("/audit", response=list[AuditOut], summary="审计日志（总监、财务/人事）")
@paginate(PageNumberPagination)
def audit_list(request: HttpRequest):  # type: ignore[no-untyped-def]
    member: Member = request.auth  # type: ignore[attr-defined]
    if not access.can_view_audit(member):
        raise access.refuse(member, what="audit log", object_id="-", request=request)
    return AuditLog.objects.filter(organization_id=member.organization_id)
