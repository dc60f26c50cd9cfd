"""Who sold an order (业务员, ``Order.salesperson``): the base of own-order commission and goals.

Set by a generic platform's mapped salesperson column at import, or by a manager on the order
page. Platform imports never write the column (the merge in ``imports.py`` names its columns), so
a re-import keeps it; a mapped column only sets it where its cell names a member, so a blank cell
never wipes a manager's choice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from shangdui.core.audit import audit
from shangdui.core.models import AuditLog
from shangdui.org.models import Member
from shangdui.shop.importers import OrderRecord
from shangdui.shop.models import Order

MAX_UNMATCHED_REPORTED = 50


def members_by_name(organization_id: int, names: Iterable[str]) -> dict[str, Member | None]:
    """Each name → the organization's member whose display name or username it is; ``None`` when
    two members answer to it (ambiguous). Names that match nobody are left out."""
    wanted = {n.strip() for n in names if n and n.strip()}
    if not wanted:
        return {}
    found: dict[str, set[int]] = defaultdict(set)
    members: dict[int, Member] = {}
    rows = Member.objects.filter(organization_id=organization_id).select_related("user")
    for member in rows.filter(name__in=wanted) | rows.filter(user__username__in=wanted):
        members[member.pk] = member
        for key in (member.name, member.user.username):
            if key in wanted:
                found[key].add(member.pk)
    return {name: members[next(iter(ids))] if len(ids) == 1 else None for name, ids in found.items()}


class SalespersonCollector:
    """Gathers the salesperson cell of each imported order (mapped files only) and, after the merge,
    attributes the orders to the members they name, one UPDATE per member."""

    def __init__(self) -> None:
        self.by_name: dict[str, list[str]] = defaultdict(list)

    def add(self, record: OrderRecord) -> None:
        name = record.salesperson.strip()
        if name:
            self.by_name[name].append(record.order_id)

    def apply(self, *, organization_id: int, platform: str) -> dict[str, object]:
        """Set the salesperson of the named orders; returns ``{"assigned": n, "unmatched": [names]}``."""
        members = members_by_name(organization_id, self.by_name)
        assigned = 0
        unmatched: list[str] = []
        for name, order_ids in sorted(self.by_name.items()):
            member = members.get(name)
            if member is None:
                unmatched.append(name)
                continue
            for start in range(0, len(order_ids), 5000):
                assigned += Order.objects.filter(organization_id=organization_id, platform=platform,
                                                 order_id__in=order_ids[start:start + 5000]).update(
                    salesperson=member)
        return {"assigned": assigned, "unmatched": unmatched[:MAX_UNMATCHED_REPORTED],
                "unmatched_count": len(unmatched)}


def can_set_salesperson(viewer: Member) -> bool:
    return viewer.role in (Member.Role.DIRECTOR, Member.Role.MANAGER)


@transaction.atomic
def order_salesperson_set(*, actor: Member, order: Order, salesperson: Member | None,
                          request: HttpRequest | None = None) -> Order:
    """A manager or the director attributes ``order`` to ``salesperson`` (``None``: to nobody); audited."""
    if not can_set_salesperson(actor):
        raise ValidationError(_("Only managers and the director can set an order's salesperson."))
    if order.organization_id != actor.organization_id:
        raise ValidationError(_("Not found."))
    if salesperson is not None and salesperson.organization_id != actor.organization_id:
        raise ValidationError(_("The salesperson is not a member of this organization."))
    locked = Order.objects.select_for_update(of=("self",)).select_related("salesperson").get(pk=order.pk)
    if locked.salesperson_id == (salesperson.pk if salesperson else None):
        return locked
    before = locked.salesperson.name if locked.salesperson else ""
    locked.salesperson = salesperson
    locked.save(update_fields=["salesperson", "updated_at"])
    audit(action=AuditLog.Action.UPDATE, organization=actor.organization, actor=actor.user, target=locked,
          changes={"salesperson": [before, salesperson.name if salesperson else ""]}, request=request)
    return locked
