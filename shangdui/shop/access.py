"""Who may see and import what in the shop app; anyone outside gets 404 (and an audit entry).

See ``selectors.shops_visible`` for the rule; importing needs a shop the viewer sees and a role
that works on shops (everyone but finance/HR, who only read figures).
"""

from __future__ import annotations

from django.http import HttpRequest

from shangdui.org.access import refuse
from shangdui.org.models import Member
from shangdui.shop.models import Shop
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
