"""Who may see and change what. One helper per object kind; anyone outside gets 404.

Rules (issue: platform foundation):

* everyone in an organization sees its structure and members' public profiles;
* pay, reviews and private one-to-one notes are visible only to the member, their manager chain,
  the director and finance/HR;
* a manager manages the members of the departments they head and their reports, down the chain;
* nothing ever crosses organizations: an id from another organization is a 404, and refusals are
  written to the audit log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from shangdui.core.audit import audit
from shangdui.core.models import AuditLog
from shangdui.org.models import Department, Member

if TYPE_CHECKING:
    from django.http import HttpRequest


def managed_member_ids(viewer: Member) -> frozenset[int]:
    """Ids of the members ``viewer`` manages, excluding the viewer; cached on the instance."""
    cached = getattr(viewer, "_managed_ids", None)
    if cached is not None:
        return cached
    if viewer.role == Member.Role.DIRECTOR:
        ids = set(Member.objects.filter(organization_id=viewer.organization_id).values_list("id", flat=True))
    elif viewer.role == Member.Role.MANAGER:
        rows = list(Member.objects.filter(organization_id=viewer.organization_id).values_list(
            "id", "manager_id", "department_id"))
        headed = set(Department.objects.filter(
            organization_id=viewer.organization_id, head_id=viewer.id).values_list("id", flat=True))
        children: dict[int, list[int]] = {}
        for member_id, manager_id, _dept in rows:
            if manager_id is not None:
                children.setdefault(manager_id, []).append(member_id)
        roots = [viewer.id] + [member_id for member_id, _m, dept in rows if dept in headed]
        ids = set()
        stack = list(roots)
        while stack:
            current = stack.pop()
            if current in ids:
                continue
            ids.add(current)
            stack.extend(children.get(current, []))
    else:
        ids = set()
    ids.discard(viewer.id)
    frozen = frozenset(ids)
    viewer._managed_ids = frozen  # type: ignore[attr-defined]
    return frozen


def manager_chain(member: Member) -> list[Member]:
    chain: list[Member] = []
    seen = {member.id}
    current = member.manager
    while current is not None and current.id not in seen:
        chain.append(current)
        seen.add(current.id)
        current = current.manager
    return chain


def can_manage(viewer: Member, target: Member) -> bool:
    """May ``viewer`` change ``target``'s profile (department, manager, strengths, hours)?"""
    if viewer.organization_id != target.organization_id:
        return False
    if viewer.role == Member.Role.DIRECTOR:
        return True
    return target.id in managed_member_ids(viewer)


def can_view_private(viewer: Member, target: Member) -> bool:
    """Pay, reviews and private notes: the member, their manager chain, director, finance/HR."""
    if viewer.organization_id != target.organization_id:
        return False
    if viewer.id == target.id or viewer.role in (Member.Role.DIRECTOR, Member.Role.FINANCE):
        return True
    return target.id in managed_member_ids(viewer)


def can_edit_pay(viewer: Member, target: Member) -> bool:
    return viewer.organization_id == target.organization_id and viewer.role in (
        Member.Role.DIRECTOR, Member.Role.FINANCE)


def can_change_roles(viewer: Member) -> bool:
    return viewer.role == Member.Role.DIRECTOR


def can_edit_structure(viewer: Member) -> bool:
    return viewer.role == Member.Role.DIRECTOR


def can_add_members(viewer: Member) -> bool:
    return viewer.role in (Member.Role.DIRECTOR, Member.Role.MANAGER, Member.Role.FINANCE)


def can_view_audit(viewer: Member) -> bool:
    return viewer.role in (Member.Role.DIRECTOR, Member.Role.FINANCE)


def refuse(viewer: Member | None, *, what: str, object_id: object, request: HttpRequest | None = None) -> Http404:
    """Log a refused access and return the 404 to raise."""
    audit(
        action=AuditLog.Action.ACCESS_DENIED,
        organization=viewer.organization if viewer else None,
        actor=viewer.user if viewer else None,
        target_repr=f"{what} #{object_id}",
        request=request,
    )
    return Http404()


def get_member_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> Member:
    """A member of the viewer's organization (public profile), else 404."""
    try:
        return Member.objects.select_related("department", "manager", "position", "user").get(
            organization_id=viewer.organization_id, pk=int(str(pk)))
    except (Member.DoesNotExist, ValueError):
        raise refuse(viewer, what="member", object_id=pk, request=request) from None


def get_member_private_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> Member:
    """A member whose private data (pay, reviews, notes) the viewer may see, else 404."""
    member = get_member_for_user(viewer, pk, request=request)
    if not can_view_private(viewer, member):
        raise refuse(viewer, what="member private data", object_id=pk, request=request)
    return member


def get_member_manageable_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> Member:
    member = get_member_for_user(viewer, pk, request=request)
    if not can_manage(viewer, member):
        raise refuse(viewer, what="member edit", object_id=pk, request=request)
    return member


def get_department_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> Department:
    try:
        return Department.objects.select_related("head", "parent").get(
            organization_id=viewer.organization_id, pk=int(str(pk)))
    except (Department.DoesNotExist, ValueError):
        raise refuse(viewer, what="department", object_id=pk, request=request) from None
