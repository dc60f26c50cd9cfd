"""Background jobs of the performance app: the monthly pay run and the payroll export."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from shangdui.core.jobs import PermanentJobError, Progress, job_enqueue, job_handler
from shangdui.core.models import Job
from shangdui.core.spreadsheet import escape_cell
from shangdui.org.models import Member, Organization
from shangdui.performance import selectors, services
from shangdui.performance.models import PayLine, PayRun

PAYRUN_KIND = "performance.payrun"


def payrun_enqueue(*, actor: Member, organization: Organization, period: dt.date) -> Job:
    """Start the pay run of ``period``'s month as a background job (or return the one already
    queued or running for that month). A locked or approved month is refused here, at once, with
    the same message the run itself would give; the job's compute keeps the one-settlement rule."""
    period = selectors.month_start(period)
    with transaction.atomic():
        # Serialise the check-then-enqueue per organization so two clicks do not queue two jobs.
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        services.payrun_check_runnable(organization=organization, period=period)
        existing = (Job.objects.filter(organization=organization, kind=PAYRUN_KIND,
                                       status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
                                       params__period=period.isoformat()).order_by("-id").first())
        if existing is not None:
            return existing
        return job_enqueue(organization=organization, kind=PAYRUN_KIND,
                           title=_("Pay run %(month)s") % {"month": services.month_label(period)},
                           params={"period": period.isoformat(), "member_id": actor.id},
                           created_by=actor.user)


def recent_payrun_jobs(organization_id: int, limit: int = 5) -> list[Job]:
    """The latest pay-run jobs of the organization (for the pay page's progress panel)."""
    return list(Job.objects.filter(organization_id=organization_id, kind=PAYRUN_KIND).order_by("-id")[:limit])


@job_handler(PAYRUN_KIND)
def run_payrun(job: Job, progress: Progress) -> dict[str, Any]:
    """Compute the month. A rerun after a lost worker recomputes the same draft (idempotent); a
    month approved or locked meanwhile fails with the reason, never half-done."""
    actor = Member.objects.filter(organization=job.organization, pk=job.params.get("member_id")).first()
    if actor is None:
        raise PermanentJobError("发起核算的成员不存在。")
    try:
        period = dt.date.fromisoformat(str(job.params.get("period")))
    except ValueError:
        raise PermanentJobError("月份无效。") from None
    # The compute is one transaction (about 1 s for 500 members over 1M orders): progress written
    # inside it would stay invisible until the commit, so it is reported around it.
    progress(0, 1, "核算中")
    try:
        run = services.payrun_run(actor=actor, organization=job.organization, period=period)
    except ValidationError as exc:
        raise PermanentJobError("；".join(str(m) for m in exc.messages)) from None
    return {"pay_run_id": run.pk, "period": run.period.isoformat(), "statements": run.statement_count,
            "total": str(run.total), "problems": len(run.problems),
            "url": f"/performance/pay/runs/{run.pk}/"}

EXPORT_HEADER = ["成员", "登录名", "部门", "薪酬方案", "底薪", "提成", "奖金", "奖惩与调整", "实发合计", "明细"]


def payrun_workbook(run: PayRun) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(f"{run.period:%Y-%m}")
    sheet.append(EXPORT_HEADER)
    statements = (run.statements.select_related("member__user", "member__department")
                  .prefetch_related("lines").order_by("member_name", "id"))
    for statement in statements:
        member = statement.member
        detail = "；".join(f"{line.label} {line.amount}" for line in statement.lines.all()
                          if line.kind != PayLine.Kind.BASE)
        sheet.append([escape_cell(v) for v in (
            statement.member_name, member.user.username, member.department.name if member.department else "",
            statement.plan_name)] + [statement.base, statement.commission, statement.bonus, statement.adjustments,
                                     statement.total, escape_cell(detail)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@job_handler("performance.export_payrun")
def export_payrun(job: Job, progress: Progress) -> dict[str, Any]:
    run = PayRun.objects.filter(organization=job.organization, pk=job.params.get("pay_run_id")).first()
    if run is None:
        raise PermanentJobError("核算不存在。")
    progress(0, 1, "")
    data = payrun_workbook(run)
    filename = f"pay-{job.organization.slug}-{run.period:%Y-%m}.xlsx"
    if job.output_file:
        job.output_file.delete(save=False)
    job.output_file.save(filename, ContentFile(data), save=False)
    Job.objects.filter(pk=job.pk).update(output_file=job.output_file.name)
    return {"rows": run.statement_count, "filename": filename}
