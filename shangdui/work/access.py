"""Who may see and change plans, tasks and schedules. Anyone outside gets 404 (and an audit row).

* a plan is visible to its owner, its members, the managers of any of them and the director;
* plans are created by managers and the director; a plan is changed by its owner, the director and
  the managers of its members;
* a member sees and edits their own day; their manager chain and the director see it too;
* nothing crosses organizations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from shangdui.org.access import managed_member_ids, refuse
from shangdui.org.models import Member
from shangdui.work.models import DailySummary, Plan, ScheduleItem, Task

if TYPE_CHECKING:
    from django.http import HttpRequest


def is_manager(viewer: Member) -> bool:
    return viewer.role in (Member.Role.DIRECTOR, Member.Role.MANAGER)


def can_create_plan(viewer: Member) -> bool:
    return is_manager(viewer)


def can_run_scheduler(viewer: Member) -> bool:
    return is_manager(viewer)


def _plan_people(plan: Plan) -> set[int]:
    cached = getattr(plan, "_people", None)
    if cached is None:
        cached = {plan.owner_id, *plan.members.values_list("id", flat=True)}
        plan._people = cached  # type: ignore[attr-defined]
    return cached


def can_view_plan(viewer: Member, plan: Plan) -> bool:
    if viewer.organization_id != plan.organization_id:
        return False
    if viewer.role == Member.Role.DIRECTOR:
        return True
    people = _plan_people(plan)
    return viewer.id in people or bool(people & managed_member_ids(viewer))


def can_edit_plan(viewer: Member, plan: Plan) -> bool:
    if viewer.organization_id != plan.organization_id:
        return False
    if viewer.role == Member.Role.DIRECTOR or viewer.id == plan.owner_id:
        return True
    return viewer.role == Member.Role.MANAGER and bool(_plan_people(plan) & managed_member_ids(viewer))


def can_view_schedule(viewer: Member, member: Member) -> bool:
    """A member's days: the member, their manager chain and the director."""
    if viewer.organization_id != member.organization_id:
        return False
    return viewer.id == member.id or viewer.role == Member.Role.DIRECTOR or member.id in managed_member_ids(viewer)


def visible_plans(viewer: Member) -> QuerySet[Plan]:
    plans = Plan.objects.filter(organization_id=viewer.organization_id)
    if viewer.role == Member.Role.DIRECTOR:
        return plans
    people = {viewer.id, *managed_member_ids(viewer)}
    return plans.filter(Q(owner_id__in=people) | Q(members__in=people)).distinct()


def _int(pk: object) -> int:
    """The id as an int; -1 (matches nothing) when it is not a number."""
    try:
        return int(str(pk))
    except ValueError:
        return -1


def get_plan_for_user(viewer: Member, pk: object, *, edit: bool = False,
                      request: HttpRequest | None = None) -> Plan:
    plan = Plan.objects.select_related("owner").filter(organization_id=viewer.organization_id, pk=_int(pk)).first()
    if plan is None or not can_view_plan(viewer, plan) or (edit and not can_edit_plan(viewer, plan)):
        raise refuse(viewer, what="plan edit" if edit else "plan", object_id=pk, request=request)
    return plan


def get_task_for_user(viewer: Member, pk: object, *, edit: bool = False,
                      request: HttpRequest | None = None) -> Task:
    task = Task.objects.select_related("plan", "plan__owner", "stage").filter(
        organization_id=viewer.organization_id, pk=_int(pk)).first()
    if task is None or not can_view_plan(viewer, task.plan) or (edit and not can_edit_plan(viewer, task.plan)):
        raise refuse(viewer, what="task edit" if edit else "task", object_id=pk, request=request)
    return task


def get_item_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> ScheduleItem:
    """A schedule item of the viewer's own day (ticking off is the member's own act)."""
    item = ScheduleItem.objects.select_related("task").filter(
        organization_id=viewer.organization_id, member_id=viewer.id, pk=_int(pk)).first()
    if item is None:
        raise refuse(viewer, what="schedule item", object_id=pk, request=request)
    return item


def get_item_manageable_for_user(viewer: Member, pk: object, *,
                                 request: HttpRequest | None = None) -> ScheduleItem:
    """A schedule item a manager may pin or move: one of a member they manage (or the director)."""
    item = ScheduleItem.objects.select_related("task", "member").filter(
        organization_id=viewer.organization_id, pk=_int(pk)).first()
    if item is None or item.member_id == viewer.id or not can_view_schedule(viewer, item.member):
        raise refuse(viewer, what="schedule item move", object_id=pk, request=request)
    return item


def get_schedule_member_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> Member:
    member = Member.objects.filter(organization_id=viewer.organization_id, pk=_int(pk)).first()
    if member is None or not can_view_schedule(viewer, member):
        raise refuse(viewer, what="member schedule", object_id=pk, request=request)
    return member


def get_summary_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> DailySummary:
    summary = DailySummary.objects.select_related("member").filter(
        organization_id=viewer.organization_id, pk=_int(pk)).first()
    if summary is None or not can_view_schedule(viewer, summary.member):
        raise refuse(viewer, what="daily summary", object_id=pk, request=request)
    return summary
