"""Customer-service follow-ups (客服跟进) created from the orders. Idempotent: one follow-up per
(order, kind), enforced by a unique constraint, so generating again (by hand or a daily task)
creates only what is missing.

* in-transit care (售中关怀): shipped in the last 30 days, not delivered ``care_after_days`` after
  shipping; due in a day;
* review request (邀评): delivered in the last 7 days, not refunded; due two days after delivery;
* after-sales (售后处理): an after-sales status other than a finished one, or a refund not in full;
  due ``after_sale_hours`` after it was seen.

New follow-ups are given, in turn, to the active members of the organization's customer-service
departments (none if there is no such department: they wait in the queue).
"""

from __future__ import annotations

import datetime as dt
from itertools import cycle

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from shangdui.org.models import Member, Organization
from shangdui.shop.models import FollowUp, Order

RECENT_DAYS = 30  # older parcels are past caring about
REVIEW_WITHIN_DAYS = 7  # a review request makes sense within a week of delivery
FINISHED_AFTER_SALE = ("", "退款成功", "售后完成", "已完成", "无售后", "售后关闭", "退款关闭")


@transaction.atomic
def followups_generate(*, organization: Organization, now: dt.datetime | None = None, care_after_days: int = 3,
                       after_sale_hours: int = 24) -> int:
    """Create the missing follow-ups; returns how many were created."""
    now = now or timezone.now()
    orders = Order.objects.filter(organization=organization, paid_at__isnull=False)
    existing = set(FollowUp.objects.filter(organization=organization).values_list("order_id", "kind"))
    agents = list(Member.objects.filter(organization=organization, is_active=True,
                                        department__kind="customer_service").order_by("pk"))
    turn = cycle(agents) if agents else None
    new: list[FollowUp] = []

    def add(order_id: int, kind: str, due: dt.datetime) -> None:
        if (order_id, kind) not in existing:
            existing.add((order_id, kind))
            new.append(FollowUp(organization=organization, order_id=order_id, kind=kind, due_at=due,
                                assignee=next(turn) if turn else None))

    care = orders.filter(shipped_at__isnull=False, delivered_at__isnull=True, refunded=False,
                         shipped_at__lte=now - dt.timedelta(days=care_after_days),
                         shipped_at__gte=now - dt.timedelta(days=RECENT_DAYS))
    for order_id in care.values_list("pk", flat=True).iterator():
        add(order_id, FollowUp.Kind.CARE, now + dt.timedelta(days=1))
    delivered = orders.filter(delivered_at__gte=now - dt.timedelta(days=REVIEW_WITHIN_DAYS), refunded=False)
    for order_id, delivered_at in delivered.values_list("pk", "delivered_at").iterator():
        add(order_id, FollowUp.Kind.REVIEW, (delivered_at or now) + dt.timedelta(days=2))
    after_sale = orders.filter(
        (~Q(after_sale_status__in=FINISHED_AFTER_SALE)) | Q(refund_amount__gt=0, refunded=False))
    for order_id in after_sale.values_list("pk", flat=True).iterator():
        add(order_id, FollowUp.Kind.AFTER_SALE, now + dt.timedelta(hours=after_sale_hours))
    FollowUp.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    return len(new)


def followups_queue(viewer: Member, *, status: str = FollowUp.Status.OPEN) -> QuerySet[FollowUp]:
    """Members see theirs and the unassigned ones; directors and managers see all of the organization."""
    queue = FollowUp.objects.filter(organization_id=viewer.organization_id, status=status).select_related(
        "order", "order__shop", "assignee")
    if viewer.role in (Member.Role.DIRECTOR, Member.Role.MANAGER):
        return queue
    return queue.filter(Q(assignee=viewer) | Q(assignee__isnull=True))


@transaction.atomic
def followup_done(*, actor: Member, follow_up: FollowUp, note: str = "") -> FollowUp:
    if follow_up.organization_id != actor.organization_id:
        raise ValidationError(_("Not found."))
    updated = FollowUp.objects.filter(pk=follow_up.pk, status=FollowUp.Status.OPEN).update(
        status=FollowUp.Status.DONE, done_at=timezone.now(), note=note[:300],
        assignee=follow_up.assignee or actor)
    follow_up.refresh_from_db()
    if not updated:
        raise ValidationError(_("This follow-up is already done."))
    return follow_up


def followups_for_day(member: Member, day: dt.date, *, limit: int = 50) -> list[FollowUp]:
    """The member's open follow-ups due by the end of ``day`` (China time), oldest due first: what
    "my day" (我的日程) shows. Unassigned ones stay in the customer-service queue only."""
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
    return list(FollowUp.objects.filter(organization_id=member.organization_id, assignee=member,
                                        status=FollowUp.Status.OPEN, due_at__lt=end)
                .select_related("order", "order__shop").order_by("due_at", "id")[:limit])
