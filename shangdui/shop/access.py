"""Who may see and import what in the shop app; anyone outside gets 404 (and an audit entry).

See ``selectors.shops_visible`` for the rule; importing needs a shop the viewer sees and a role
that works on shops (everyone but finance/HR, who only read figures).
"""

from __future__ import annotations

from django.http import HttpRequest

from shangdui.org.access import refuse
from shangdui.org.models import Member
from shangdui.shop.models import FollowUp, Order, ShippingBatch, Shop
from shangdui.shop.selectors import shops_visible


def get_shop_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> Shop:
    """A shop of the viewer's organization that the viewer may see, else 404."""
    try:
        return shops_visible(viewer).select_related("department").get(pk=int(str(pk)))
    except (Shop.DoesNotExist, ValueError):
        raise refuse(viewer, what="shop", object_id=pk, request=request) from None


def can_import_orders(viewer: Member) -> bool:
    return viewer.role != Member.Role.FINANCE


def get_shop_importable_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> Shop:
    shop = get_shop_for_user(viewer, pk, request=request)
    if not can_import_orders(viewer):
        raise refuse(viewer, what="shop import", object_id=pk, request=request)
    return shop


def can_ship(viewer: Member) -> bool:
    """Shipping batches: the director, managers who see every shop, members of a logistics department."""
    from shangdui.shop.selectors import sees_all_shops

    if viewer.role == Member.Role.FINANCE:
        return False
    if viewer.department_id and viewer.department.kind == "logistics":  # type: ignore[union-attr]
        return True
    return viewer.role in (Member.Role.DIRECTOR, Member.Role.MANAGER) and sees_all_shops(viewer)


def get_batch_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> ShippingBatch:
    try:
        if not can_ship(viewer):
            raise ShippingBatch.DoesNotExist
        return ShippingBatch.objects.select_related("shop").get(organization_id=viewer.organization_id,
                                                               pk=int(str(pk)))
    except (ShippingBatch.DoesNotExist, ValueError):
        raise refuse(viewer, what="shipping batch", object_id=pk, request=request) from None


def can_follow_up(viewer: Member) -> bool:
    """The follow-up queue: customer service, their managers, the director (everyone but finance)."""
    return viewer.role != Member.Role.FINANCE


def get_followup_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> FollowUp:
    from shangdui.shop.followups import followups_queue

    try:
        if not can_follow_up(viewer):
            raise FollowUp.DoesNotExist
        return followups_queue(viewer).get(pk=int(str(pk)))
    except (FollowUp.DoesNotExist, ValueError):
        raise refuse(viewer, what="follow-up", object_id=pk, request=request) from None


def can_manage_shops(viewer: Member) -> bool:
    """Shop settings (sender, column mapping) and a new shop: the director and managers."""
    return viewer.role in (Member.Role.DIRECTOR, Member.Role.MANAGER)


def get_shop_manageable_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> Shop:
    shop = get_shop_for_user(viewer, pk, request=request)
    if not can_manage_shops(viewer):
        raise refuse(viewer, what="shop settings", object_id=pk, request=request)
    return shop


def get_order_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> Order:
    """An order of a shop the viewer sees, else 404."""
    try:
        return Order.objects.select_related("shop", "salesperson").get(
            pk=int(str(pk)), organization_id=viewer.organization_id, shop__in=shops_visible(viewer))
    except (Order.DoesNotExist, ValueError):
        raise refuse(viewer, what="order", object_id=pk, request=request) from None
