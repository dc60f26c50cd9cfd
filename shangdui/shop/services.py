from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from shangdui.core.audit import audit, diff
from shangdui.core.models import AuditLog
from shangdui.org.models import Department, Member, Organization
from shangdui.shop.models import Shop

DEMO_SHOPS = [
    ("花语优选旗舰店", Shop.Platform.TAOBAO),
    ("花语优选京东自营店", Shop.Platform.JD),
    ("花语优选拼多多店", Shop.Platform.PDD),
    ("花语优选抖音小店", Shop.Platform.DOUYIN),
]


@transaction.atomic
def demo_shops(*, organization: Organization) -> list[Shop]:
    """The demo company's four shops, with ~90 days of orders (see ``shop.demo``)."""
    from shangdui.shop.demo import demo_orders

    operations = Department.objects.filter(organization=organization, kind="operations").first()
    shops = [
        Shop.objects.get_or_create(
            organization=organization, name=name,
            defaults={"platform": platform, "department": operations, "sender_name": "花语优选发货仓",
                      "sender_phone": "0571-88886666", "sender_address": "浙江省杭州市余杭区仓前街道文一西路1号"},
        )[0]
        for name, platform in DEMO_SHOPS
    ]
    if demo_orders(organization=organization, shops=shops):
        _demo_shipping(organization=organization, shop=shops[0])
    return shops


def _demo_shipping(*, organization: Organization, shop: Shop) -> None:
    """One SF batch of the flagship shop's paid, unshipped orders, made by the logistics department's
    head and packed by one of its members, so waybill sheets, labels and packers show at once."""
    from shangdui.shop.logistics import shipping_batch_create, waybills_assign_packer
    from shangdui.shop.models import Carrier

    logistics = Department.objects.filter(organization=organization, kind="logistics").first()
    staff = Member.objects.filter(organization=organization, department=logistics).order_by("pk")
    actor = (logistics.head if logistics is not None and logistics.head_id else None) or staff.first()
    if actor is None:
        return
    try:
        batch, _encrypted = shipping_batch_create(actor=actor, shops=[shop], carrier=Carrier.SF)
    except ValidationError:  # nothing to ship
        return
    packer = staff.exclude(pk=actor.pk).first() or actor
    waybills_assign_packer(batch=batch, packer=packer)


@transaction.atomic
def shop_get_or_create(*, organization: Organization, name: str, platform: str) -> Shop:
    """The shop called ``name`` (created on ``platform`` with no responsible department if missing)."""
    shop, _created = Shop.objects.get_or_create(organization=organization, name=name,
                                                defaults={"platform": platform})
    return shop


@transaction.atomic
def shop_save(*, actor: Member, shop: Shop, fields: dict[str, Any], request: HttpRequest | None = None) -> Shop:
    """Create (``shop.pk`` unset) or change a shop of the actor's organization; audited."""
    if shop.pk is not None and shop.organization_id != actor.organization_id:
        raise ValidationError(_("Not found."))
    department = fields.get("department")
    if department is not None and department.organization_id != actor.organization_id:
        raise ValidationError(_("The department is not part of this organization."))
    creating = shop.pk is None
    changes = {} if creating else diff(shop, fields)
    shop.organization_id = actor.organization_id
    for name, value in fields.items():
        setattr(shop, name, value)
    shop.save()
    audit(action=AuditLog.Action.CREATE if creating else AuditLog.Action.UPDATE, organization=actor.organization,
          actor=actor.user, target=shop, changes=changes, request=request)
    return shop


@transaction.atomic
def shop_mapping_save(*, actor: Member, shop: Shop, mapping: dict[str, Any],
                      request: HttpRequest | None = None) -> Shop:
    """Save a checked column mapping (``importers.mapping.clean_mapping``) on a generic-platform shop."""
    if shop.organization_id != actor.organization_id:
        raise ValidationError(_("Not found."))
    if shop.platform != Shop.Platform.OTHER:
        raise ValidationError(_("Only a shop on another platform (其他平台) uses a column mapping."))
    before = shop.column_mapping.get("columns", {}) if shop.column_mapping else {}
    Shop.objects.filter(pk=shop.pk).update(column_mapping=mapping)
    shop.column_mapping = mapping
    audit(action=AuditLog.Action.UPDATE, organization=actor.organization, actor=actor.user, target=shop,
          changes={"column_mapping": [before, mapping.get("columns", {})]}, request=request)
    return shop
