"""Sales outcome of conversations: a conversation's optional order number links it to the shop order
of the same organization with that order id (on any platform).

A member's sales outcome over a period is the paid amount minus refunds of the distinct orders
that their conversations in that period link to; an order named by several of their conversations
counts once. It ranks members for the "top quartile by sales outcome" on the scorecard.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import F, QuerySet, Sum

from shangdui.conversations.models import Conversation

ZERO = Decimal("0.00")


def sales_by_member(conversations: QuerySet[Conversation], organization_id: int) -> dict[str, Any]:
    """``{"members": {member_id: net Decimal}, "orders": {member_id: n}, "linked": conversations with an
    order, "with_number": conversations with an order number}`` for ``conversations``."""
    from shangdui.shop.models import Order

    # order_by(): the model's ordering would otherwise join the DISTINCT and repeat pairs.
    numbered = set(conversations.exclude(order_no="").order_by().values_list("member_id", "order_no").distinct())
    numbers = {number for _member, number in numbered}
    net: dict[str, Decimal] = {
        row["order_id"]: row["net"]
        for row in Order.objects.filter(organization_id=organization_id, order_id__in=numbers)
        .values("order_id")
        .annotate(net=Sum(F("paid_amount") - F("refund_amount")))
    }
    members: dict[int, Decimal] = defaultdict(lambda: ZERO)
    orders: dict[int, int] = defaultdict(int)
    for member_id, number in numbered:
        if number in net:
            members[member_id] += net[number]
            orders[member_id] += 1
    linked = conversations.filter(order_no__in=list(net)).count() if net else 0
    return {
        "members": {k: v.quantize(Decimal("0.01")) for k, v in members.items()},
        "orders": dict(orders),
        "linked": linked,
        "with_number": conversations.exclude(order_no="").count(),
    }
