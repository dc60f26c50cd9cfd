"""Background jobs of the org app: importing and exporting the member roster."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from shangdui.core.jobs import PermanentJobError, Progress, job_handler
from shangdui.core.models import Job
from shangdui.core.spreadsheet import escape_cell
from shangdui.org import services
from shangdui.org.models import Department, Member
from shangdui.org.roster import EXPORT_HEADER, ROLE_WORDS, parse_strengths, read_roster


def _validation_text(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "；".join(f"{'、'.join(str(m) for m in msgs)}" for msgs in exc.message_dict.values())
    return "；".join(str(m) for m in exc.messages)


@job_handler("org.import_members")
def import_members(job: Job, progress: Progress) -> dict[str, Any]:
    """Create or update members from a roster file. Idempotent: rows are upserts by login name."""
    if not job.input_file:
        raise PermanentJobError(_("The uploaded file is missing."))
    unknown, records = read_roster(Path(job.input_file.path))
    organization = job.organization
    actor = Member.objects.filter(user=job.created_by, organization=organization).first()
    departments = {d.name: d for d in Department.objects.filter(organization=organization)}
    created = updated = unchanged = 0
    errors: list[dict[str, Any]] = []
    total = len(records)
    pending_managers: list[tuple[int, Member, str]] = []
    for index, (row_number, record) in enumerate(records):
        progress(index, total, _("Row %(row)s of %(total)s") % {"row": index + 1, "total": total})
        try:
            with transaction.atomic():
                outcome, member = _import_row(organization, actor, departments, record)
        except (ValidationError, ValueError) as exc:
            message = _validation_text(exc) if isinstance(exc, ValidationError) else str(exc)
            errors.append({"row": row_number, "message": message})
            continue
        created += outcome == "created"
        updated += outcome == "updated"
        unchanged += outcome == "unchanged"
        if record.get("manager"):
            pending_managers.append((row_number, member, record["manager"]))
    # Managers are set after all rows exist, so a file may list a report before their manager.
    by_username = {m.user.username.lower(): m for m in Member.objects.filter(
        organization=organization).select_related("user")}
    for row_number, member, manager_name in pending_managers:
        manager = by_username.get(manager_name.lower())
        if manager is None:
            errors.append({"row": row_number, "message": _("Unknown manager: %(name)s") % {"name": manager_name}})
            continue
        if member.manager_id != manager.id and actor is not None:
            try:
                services.member_update(actor=actor, member=member, manager=manager)
            except ValidationError as exc:
                errors.append({"row": row_number, "message": _validation_text(exc)})
    return {"rows": total, "created": created, "updated": updated, "unchanged": unchanged,
            "errors": errors[:500], "error_count": len(errors), "ignored_columns": unknown}


def _import_row(organization: Any, actor: Member | None, departments: dict[str, Department],
                record: dict[str, str]) -> tuple[str, Member]:
    username = record.get("username", "")
    name = record.get("name", "")
    department = None
    if record.get("department"):
        department = departments.get(record["department"])
        if department is None:
            raise ValueError(_("Unknown department: %(name)s") % {"name": record["department"]})
    role = ROLE_WORDS.get(record.get("role", "").strip().lower(), "") if record.get("role") else "member"
    if not role:
        raise ValueError(_("Unknown role: %(role)s") % {"role": record["role"]})
    join_date = None
    if record.get("join_date"):
        try:
            join_date = dt.date.fromisoformat(record["join_date"].replace("/", "-")[:10])
        except ValueError:
            raise ValueError(_("Join date must look like 2026-03-01: %(value)s") % {
                "value": record["join_date"]}) from None
    strengths = parse_strengths(record.get("strengths", ""))
    position = services.position_get_or_create(organization=organization, name=record.get("position", ""))
    existing = Member.objects.filter(organization=organization, user__username__iexact=username).first()
    if existing is None:
        member = services.member_create(
            actor=actor, organization=organization, username=username, name=name, role=role,
            department=department, position=position, join_date=join_date, phone=record.get("phone", ""),
            email=record.get("email", ""), strengths=strengths, daily_hours=Decimal("8.0"),
        )
        return "created", member
    if actor is None:
        raise ValueError(_("Only a member of the organization can update members."))
    before = (existing.name, existing.department_id, existing.position_id, existing.join_date,
              existing.phone, existing.email)
    services.member_update(actor=actor, member=existing, name=name, department=department, position=position,
                           join_date=join_date, phone=record.get("phone", ""), email=record.get("email", ""))
    if strengths:
        services.member_set_strengths(actor=actor, member=existing, strengths=strengths)
    after = (existing.name, existing.department_id, existing.position_id, existing.join_date,
             existing.phone, existing.email)
    return ("updated" if before != after else "unchanged"), existing


@job_handler("org.export_members")
def export_members(job: Job, progress: Progress) -> dict[str, Any]:
    members = list(
        Member.objects.filter(organization=job.organization)
        .select_related("user", "department", "position", "manager__user")
        .prefetch_related("strengths__tag")
    )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("成员")
    sheet.append(EXPORT_HEADER)
    role_names = {"director": "总监", "manager": "主管", "member": "成员", "finance": "财务/人事"}
    for index, member in enumerate(members):
        progress(index, len(members), "")
        strengths = " ".join(f"{s.tag.name}:{s.level}" for s in member.strengths.all())
        sheet.append([escape_cell(v) for v in (
            member.user.username, member.name, member.department.name if member.department else "",
            member.position.name if member.position else "", role_names[member.role],
            member.manager.user.username if member.manager else "",
            member.join_date.isoformat() if member.join_date else "", member.phone, member.email, strengths)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    filename = f"members-{job.organization.slug}-{timezone.localdate():%Y%m%d}.xlsx"
    # Saving the file and marking the job's result in one place keeps a rerun from leaving two files.
    if job.output_file:
        job.output_file.delete(save=False)
    job.output_file.save(filename, ContentFile(buffer.getvalue()), save=False)
    Job.objects.filter(pk=job.pk).update(output_file=job.output_file.name)
    return {"rows": len(members), "filename": filename}
