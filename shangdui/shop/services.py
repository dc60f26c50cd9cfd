from __future__ import annotations

from django.db import transaction

from shangdui.org.models import Department, Organization
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
            organization=organization, name=name, defaults={"platform": platform, "department": operations}
        )[0]
        for name, platform in DEMO_SHOPS
    ]
    demo_orders(organization=organization, shops=shops)
    return shops


@transaction.atomic
def shop_get_or_create(*, organization: Organization, name: str, platform: str) -> Shop:
    """The shop called ``name`` (created on ``platform`` with no responsible department if missing)."""
    shop, _created = Shop.objects.get_or_create(organization=organization, name=name,
                                                defaults={"platform": platform})
    return shop
