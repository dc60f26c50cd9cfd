"""Every write to organizations, departments and members. Keyword-only, atomic, audited."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shangdui.core.audit import audit, diff
from shangdui.core.models import AuditLog, User
from shangdui.org.models import Department, Member, MemberStrength, Organization, Position, StrengthTag
from shangdui.org.templates_structure import DEFAULT_STRENGTHS, DEPARTMENT_TEMPLATE

USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@+-]{2,150}$")


@transaction.atomic
def organization_create(
    *, name: str, slug: str, director_username: str, director_name: str, password: str | None
) -> Member:
    """Create a company with its director account. ``password=None`` leaves it unusable."""
    if Organization.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": _("An organization with this short name already exists.")})
    org = Organization.objects.create(name=name, slug=slug)
    for tag in DEFAULT_STRENGTHS:
        StrengthTag.objects.create(organization=org, name=tag)
    director = member_create(
        actor=None, organization=org, username=director_username, name=director_name,
        role=Member.Role.DIRECTOR, password=password,
    )
    return director


@transaction.atomic
def organization_rename(*, actor: Member, organization: Organization, name: str) -> Organization:
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": _("A company name has 1 to 100 characters.")})
    if organization.name != name:
        audit(action=AuditLog.Action.UPDATE, organization=organization, actor=actor.user, target=organization,
              changes={"name": [organization.name, name]})
        organization.name = name
        organization.save(update_fields=["name"])
    return organization


@transaction.atomic
def department_apply_template(*, organization: Organization, actor: Member | None) -> list[Department]:
    """Create the five standard departments; existing ones (same name) are left as they are."""
    created = []
    start = Department.objects.filter(organization=organization).count()
    for index, (kind, name, duties) in enumerate(DEPARTMENT_TEMPLATE):
        department, was_created = Department.objects.get_or_create(
            organization=organization, name=name,
            defaults={"kind": kind, "responsibilities": "\n".join(duties), "sort_order": start + index},
        )
        if was_created:
            created.append(department)
            audit(action=AuditLog.Action.CREATE, organization=organization,
                  actor=actor.user if actor else None, target=department)
    return created


def _clean_department_fields(organization: Organization, fields: dict[str, Any],
                             instance: Department | None = None) -> None:
    name = (fields.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": _("Please enter a name.")})
    fields["name"] = name
    duplicate = Department.objects.filter(organization=organization, name=name)
    if instance is not None:
        duplicate = duplicate.exclude(pk=instance.pk)
    if duplicate.exists():
        raise ValidationError({"name": _("A department with this name already exists.")})
    head = fields.get("head")
    if head is not None and head.organization_id != organization.id:
        raise ValidationError({"head": _("The head must be a member of this organization.")})
    parent = fields.get("parent")
    if parent is not None:
        if parent.organization_id != organization.id:
            raise ValidationError({"parent": _("Unknown department.")})
        node: Department | None = parent
        while node is not None:
            if instance is not None and node.pk == instance.pk:
                raise ValidationError({"parent": _("A department cannot be inside itself.")})
            node = node.parent


@transaction.atomic
def department_create(*, actor: Member, organization: Organization, **fields: Any) -> Department:
    _clean_department_fields(organization, fields)
    department = Department.objects.create(organization=organization, **fields)
    audit(action=AuditLog.Action.CREATE, organization=organization, actor=actor.user, target=department,
          changes={k: [None, v] for k, v in fields.items()})
    return department


@transaction.atomic
def department_update(*, actor: Member, department: Department, **fields: Any) -> Department:
    _clean_department_fields(department.organization, fields, instance=department)
    changes = diff(department, fields)
    for key, value in fields.items():
        setattr(department, key, value)
    department.save()
    if changes:
        audit(action=AuditLog.Action.UPDATE, organization=department.organization, actor=actor.user,
              target=department, changes=changes)
    return department


@transaction.atomic
def department_delete(*, actor: Member, department: Department) -> None:
    audit(action=AuditLog.Action.DELETE, organization=department.organization, actor=actor.user,
          target=department)
    department.delete()


def position_get_or_create(*, organization: Organization, name: str) -> Position | None:
    name = name.strip()
    if not name:
        return None
    position, _created = Position.objects.get_or_create(organization=organization, name=name)
    return position


def _check_manager(member: Member | None, manager: Member | None, organization: Organization) -> None:
    if manager is None:
        return
    if manager.organization_id != organization.id:
        raise ValidationError({"manager": _("The manager must be a member of this organization.")})
    if member is not None:
        node: Member | None = manager
        seen: set[int] = set()
        while node is not None and node.id not in seen:
            if node.id == member.id:
                raise ValidationError({"manager": _("This would make a member their own manager.")})
            seen.add(node.id)
            node = node.manager


def _check_working_days(days: list[int]) -> list[int]:
    if not isinstance(days, list) or any(not isinstance(d, int) or d < 0 or d > 6 for d in days):
        raise ValidationError({"working_days": _("Working days must be weekdays 0 (Monday) to 6 (Sunday).")})
    return sorted(set(days))


@transaction.atomic
def member_create(
    *,
    actor: Member | None,
    organization: Organization,
    username: str,
    name: str,
    role: str = Member.Role.MEMBER,
    department: Department | None = None,
    manager: Member | None = None,
    position: Position | None = None,
    join_date: dt.date | None = None,
    working_days: list[int] | None = None,
    daily_hours: Decimal = Decimal("8.0"),
    phone: str = "",
    email: str = "",
    password: str | None = None,
    strengths: dict[str, int] | None = None,
    base_salary: Decimal | None = None,
) -> Member:
    username = username.strip()
    if not USERNAME_RE.match(username):
        raise ValidationError({"username": _("Login names use 2–150 letters, digits or _ . @ + -.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This login name is already taken.")})
    if not name.strip():
        raise ValidationError({"name": _("Please enter a name.")})
    if role not in Member.Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if department is not None and department.organization_id != organization.id:
        raise ValidationError({"department": _("Unknown department.")})
    _check_manager(None, manager, organization)
    if daily_hours <= 0 or daily_hours > 16:
        raise ValidationError({"daily_hours": _("Daily hours must be between 0.5 and 16.")})
    user = User(username=username, email=email)
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError({"username": _("This login name is already taken.")}) from None
    member = Member.objects.create(
        organization=organization, user=user, name=name.strip(), role=role, department=department,
        manager=manager, position=position, join_date=join_date,
        working_days=_check_working_days(working_days if working_days is not None else [0, 1, 2, 3, 4]),
        daily_hours=daily_hours, phone=phone, email=email, base_salary=base_salary,
    )
    audit(action=AuditLog.Action.CREATE, organization=organization, actor=actor.user if actor else None,
          target=member, changes={"role": [None, role], "department": [None, str(department or "")]})
    if base_salary is not None:
        audit(action=AuditLog.Action.PAY_CHANGE, organization=organization,
              actor=actor.user if actor else None, target=member, changes={"base_salary": [None, base_salary]})
    if strengths:
        member_set_strengths(actor=actor, member=member, strengths=strengths)
    return member


PROFILE_FIELDS = ("name", "department", "manager", "position", "join_date", "working_days", "daily_hours",
                  "phone", "email", "is_active")


@transaction.atomic
def member_update(*, actor: Member, member: Member, **fields: Any) -> Member:
    """Change profile fields. Role and pay have their own services (and permissions)."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"member_update does not change {sorted(unknown)}")
    organization = member.organization
    if "name" in fields and not str(fields["name"]).strip():
        raise ValidationError({"name": _("Please enter a name.")})
    if fields.get("department") is not None and fields["department"].organization_id != organization.id:
        raise ValidationError({"department": _("Unknown department.")})
    if "manager" in fields:
        _check_manager(member, fields["manager"], organization)
    if "working_days" in fields:
        fields["working_days"] = _check_working_days(fields["working_days"])
    if "daily_hours" in fields and (fields["daily_hours"] <= 0 or fields["daily_hours"] > 16):
        raise ValidationError({"daily_hours": _("Daily hours must be between 0.5 and 16.")})
    changes = diff(member, fields)
    for key, value in fields.items():
        setattr(member, key, value)
    member.save()
    if "email" in changes:
        User.objects.filter(pk=member.user_id).update(email=member.email)
    if "is_active" in changes:
        User.objects.filter(pk=member.user_id).update(is_active=member.is_active)
    if changes:
        audit(action=AuditLog.Action.UPDATE, organization=organization, actor=actor.user, target=member,
              changes=changes)
    return member


@transaction.atomic
def member_set_role(*, actor: Member, member: Member, role: str, is_inspector: bool | None = None) -> Member:
    if role not in Member.Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    if is_inspector is not None and is_inspector != member.is_inspector:
        member.is_inspector = is_inspector
        member.save(update_fields=["is_inspector"])
        audit(action=AuditLog.Action.ROLE_CHANGE, organization=member.organization, actor=actor.user,
              target=member, changes={"is_inspector": [not is_inspector, is_inspector]})
    if member.role == role:
        return member
    if member.role == Member.Role.DIRECTOR and not Member.objects.filter(
        organization_id=member.organization_id, role=Member.Role.DIRECTOR, is_active=True
    ).exclude(pk=member.pk).exists():
        raise ValidationError({"role": _("The organization must keep at least one director.")})
    old = member.role
    member.role = role
    member.save(update_fields=["role"])
    audit(action=AuditLog.Action.ROLE_CHANGE, organization=member.organization, actor=actor.user, target=member,
          changes={"role": [old, role]})
    return member


@transaction.atomic
def member_set_pay(*, actor: Member, member: Member, base_salary: Decimal | None) -> Member:
    if base_salary is not None:
        if base_salary < 0:
            raise ValidationError({"base_salary": _("Pay cannot be negative.")})
        base_salary = base_salary.quantize(Decimal("0.01"))
    if member.base_salary == base_salary:
        return member
    old = member.base_salary
    member.base_salary = base_salary
    member.save(update_fields=["base_salary"])
    audit(action=AuditLog.Action.PAY_CHANGE, organization=member.organization, actor=actor.user, target=member,
          changes={"base_salary": [old, base_salary]})
    return member


@transaction.atomic
def member_set_strengths(*, actor: Member | None, member: Member, strengths: dict[str, int]) -> Member:
    """Replace the member's strengths with ``{tag name: level 1..4}``; new tags are created."""
    cleaned: dict[str, int] = {}
    for raw_name, level in strengths.items():
        name = raw_name.strip()
        if not name:
            continue
        if len(name) > 30:
            raise ValidationError({"strengths": _("A strength name has at most 30 characters.")})
        if not isinstance(level, int) or not 1 <= level <= 4:
            raise ValidationError({"strengths": _("A strength level is 1 to 4.")})
        cleaned[name] = level
    before = {s.tag.name: s.level for s in member.strengths.select_related("tag")}
    if before == cleaned:
        return member
    member.strengths.all().delete()
    for name, level in cleaned.items():
        tag, _created = StrengthTag.objects.get_or_create(organization_id=member.organization_id, name=name)
        MemberStrength.objects.create(member=member, tag=tag, level=level)
    audit(action=AuditLog.Action.UPDATE, organization=member.organization, actor=actor.user if actor else None,
          target=member, changes={"strengths": [before, cleaned]})
    return member


@transaction.atomic
def member_set_password(*, actor: Member, member: Member, password: str) -> None:
    validate_password(password, member.user)
    member.user.set_password(password)
    member.user.save(update_fields=["password"])
    audit(action=AuditLog.Action.UPDATE, organization=member.organization, actor=actor.user, target=member,
          changes={"password": ["***", "***"]})
