"""Who may see and change goals, reviews and pay. One helper per object kind; outsiders get 404.

Pay, reviews and private notes follow ``org.access.can_view_private``: the member, their manager
chain, the director and finance/HR. Running payroll (pay runs, plans, adjustments) is for the
director and finance/HR.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shangdui.org.access import can_view_private, managed_member_ids, refuse
from shangdui.org.models import Member
from shangdui.performance.models import Goal, Meeting, MeetingItem, OneOnOne, PayPlan, PayRun, PayStatement, Review

if TYPE_CHECKING:
    from django.http import HttpRequest


def can_run_pay(viewer: Member) -> bool:
    return viewer.role in (Member.Role.DIRECTOR, Member.Role.FINANCE)


def can_approve_pay(viewer: Member) -> bool:
    return viewer.role == Member.Role.DIRECTOR


def _int(pk: object) -> int:
    return int(str(pk))


def get_pay_run_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> PayRun:
    try:
        run = PayRun.objects.get(organization_id=viewer.organization_id, pk=_int(pk))
    except (PayRun.DoesNotExist, ValueError):
        raise refuse(viewer, what="pay run", object_id=pk, request=request) from None
    if not can_run_pay(viewer):
        raise refuse(viewer, what="pay run", object_id=pk, request=request)
    return run


def get_statement_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> PayStatement:
    try:
        statement = PayStatement.objects.select_related("pay_run", "member").get(
            organization_id=viewer.organization_id, pk=_int(pk))
    except (PayStatement.DoesNotExist, ValueError):
        raise refuse(viewer, what="pay statement", object_id=pk, request=request) from None
    if not can_view_private(viewer, statement.member):
        raise refuse(viewer, what="pay statement", object_id=pk, request=request)
    if viewer.id == statement.member_id and not can_run_pay(viewer) and not statement.pay_run.is_final:
        # A member sees their own statement once the month is approved: a draft may still change.
        raise refuse(viewer, what="draft pay statement", object_id=pk, request=request)
    return statement


def get_pay_plan_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> PayPlan:
    try:
        plan = PayPlan.objects.select_related("position", "member").get(
            organization_id=viewer.organization_id, pk=_int(pk))
    except (PayPlan.DoesNotExist, ValueError):
        raise refuse(viewer, what="pay plan", object_id=pk, request=request) from None
    if not can_run_pay(viewer):
        raise refuse(viewer, what="pay plan", object_id=pk, request=request)
    return plan


def can_view_goal(viewer: Member, goal: Goal) -> bool:
    """Goals are shared within the team: member goals with the member's chain and peers of the
    department; team goals with everyone in the organization."""
    if viewer.organization_id != goal.organization_id:
        return False
    if goal.member is None:
        return True
    return can_view_private(viewer, goal.member) or (
        viewer.department_id is not None and viewer.department_id == goal.member.department_id)


def is_goal_manager(viewer: Member, goal: Goal) -> bool:
    """The manager side of a goal's agreement."""
    if viewer.role == Member.Role.DIRECTOR:
        return True
    if goal.member is not None:
        return goal.member.id in managed_member_ids(viewer)
    return goal.department is not None and goal.department.head_id == viewer.id


def get_goal_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> Goal:
    try:
        goal = Goal.objects.select_related("member", "department").get(
            organization_id=viewer.organization_id, pk=_int(pk))
    except (Goal.DoesNotExist, ValueError):
        raise refuse(viewer, what="goal", object_id=pk, request=request) from None
    if not can_view_goal(viewer, goal):
        raise refuse(viewer, what="goal", object_id=pk, request=request)
    return goal


def get_review_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> Review:
    try:
        review = Review.objects.select_related("cycle", "member", "reviewer").get(
            organization_id=viewer.organization_id, pk=_int(pk))
    except (Review.DoesNotExist, ValueError):
        raise refuse(viewer, what="review", object_id=pk, request=request) from None
    if not can_view_private(viewer, review.member):
        raise refuse(viewer, what="review", object_id=pk, request=request)
    return review


def get_one_on_one_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> OneOnOne:
    """The member and their manager chain (and the director); nobody else, not finance/HR."""
    from shangdui.org.access import can_manage

    try:
        meeting = OneOnOne.objects.select_related("member", "manager").get(
            organization_id=viewer.organization_id, pk=_int(pk))
    except (OneOnOne.DoesNotExist, ValueError):
        raise refuse(viewer, what="one-to-one", object_id=pk, request=request) from None
    if viewer.id != meeting.member_id and not can_manage(viewer, meeting.member):
        raise refuse(viewer, what="one-to-one", object_id=pk, request=request)
    return meeting


def get_meeting_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> Meeting:
    """Team meetings are open to everyone in the organization."""
    try:
        return Meeting.objects.select_related("department").get(organization_id=viewer.organization_id, pk=_int(pk))
    except (Meeting.DoesNotExist, ValueError):
        raise refuse(viewer, what="meeting", object_id=pk, request=request) from None


def get_meeting_item_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> MeetingItem:
    try:
        return MeetingItem.objects.select_related("meeting", "owner").get(
            meeting__organization_id=viewer.organization_id, pk=_int(pk))
    except (MeetingItem.DoesNotExist, ValueError):
        raise refuse(viewer, what="meeting item", object_id=pk, request=request) from None
