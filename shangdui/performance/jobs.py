"""Background jobs of the performance app: the payroll export."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.base import ContentFile
from openpyxl import Workbook

from shangdui.core.jobs import PermanentJobError, Progress, job_handler
from shangdui.core.models import Job
from shangdui.core.spreadsheet import escape_cell
from shangdui.performance.models import PayLine, PayRun

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
