"""Access-matrix rows of the shop app (merged by core/tests/test_access_matrix.py).

world.shop is put under the operations department (Alice's and Bob's), so members of that
department see it; finance sees figures but does not import; another organization gets 404.
"""

from __future__ import annotations

from typing import Any

from shangdui.core.testing import everyone, expect


def _ops_shop(w: Any) -> int:
    w.shop.department = w.ops
    w.shop.save(update_fields=["department"])
    return int(w.shop.pk)


def _batch(w: Any) -> int:
    from shangdui.shop.models import Order, ShippingBatch, Waybill

    existing = Waybill.objects.filter(order__organization=w.org, order__order_id="A1").first()
    if existing is not None:
        return int(existing.batch_id)
    order = Order.objects.create(organization=w.org, shop=w.shop, platform="taobao", order_id="A1",
                                 order_date="2026-11-01", paid_at="2026-11-01T10:00:00+08:00",
                                 paid_amount="10.00", receiver_name="收货人",
                                 receiver_address="浙江省杭州市西湖区文三路1号")
    batch = ShippingBatch.objects.create(organization=w.org, carrier="sf")
    Waybill.objects.create(batch=batch, order=order)
    return int(batch.pk)


SHIPPERS = expect(302, 404, 404, 200, 200, 404, 404)  # director and managers who see every shop

def _followup(w: Any) -> int:
    from shangdui.shop.models import FollowUp, Order

    _batch(w)
    order = Order.objects.get(organization=w.org, order_id="A1")
    follow_up, _created = FollowUp.objects.get_or_create(
        organization=w.org, order=order, kind="after_sale", defaults={"due_at": "2026-11-02T10:00:00+08:00"})
    return int(follow_up.pk)


def _order(w: Any) -> int:
    from shangdui.shop.models import Order

    _ops_shop(w)
    _batch(w)
    return int(Order.objects.get(organization=w.org, order_id="A1").pk)


SHOP_MANAGERS = expect(302, 404, 404, 200, 200, 404, 404)

PAGES: dict[str, Any] = {
    "shop:shop_create": ("get", lambda w: "/shops/new/", {}, expect(302, 404, 404, 200, 200, 404, 200)),
    "shop:shop_edit": ("get", lambda w: f"/shops/{_ops_shop(w)}/edit/", {}, SHOP_MANAGERS),
    "shop:shop_mapping": ("get", lambda w: f"/shops/{_ops_shop(w)}/mapping/", {}, SHOP_MANAGERS),
    "shop:order_detail": ("get", lambda w: f"/shops/orders/{_order(w)}/", {},
                          expect(302, 200, 200, 200, 200, 200, 404)),
    "shop:order_salesperson": ("post", lambda w: f"/shops/orders/{_order(w)}/salesperson/", {},
                               expect(302, 404, 404, 302, 302, 404, 404)),
    "shop:review_list": ("get", lambda w: "/shops/reviews/", {}, everyone(200)),
    "shop:review_export": ("post", lambda w: "/shops/reviews/export/", {}, everyone(200)),
    "shop:review_import": ("get", lambda w: "/shops/reviews/import/", {}, expect(302, 200, 200, 200, 200, 404, 200)),
    "shop:followup_list": ("get", lambda w: "/shops/follow-ups/", {}, expect(302, 200, 200, 200, 200, 404, 200)),
    "shop:followup_generate": ("post", lambda w: "/shops/follow-ups/generate/", {},
                               expect(302, 404, 404, 302, 302, 404, 302)),
    "shop:followup_done": ("post", lambda w: f"/shops/follow-ups/{_followup(w)}/done/", {},
                           expect(302, 302, 302, 302, 302, 404, 404)),
    "shop:shipping_list": ("get", lambda w: "/shops/shipping/", {}, expect(302, 404, 404, 200, 200, 404, 200)),
    "shop:shipping_costs": ("get", lambda w: "/shops/shipping/costs/", {}, expect(302, 404, 404, 200, 200, 404, 200)),
    "shop:shipping_detail": ("get", lambda w: f"/shops/shipping/{_batch(w)}/", {}, SHIPPERS),
    "shop:shipping_export": ("post", lambda w: f"/shops/shipping/{_batch(w)}/export/", {}, SHIPPERS),
    "shop:shipping_labels": ("post", lambda w: f"/shops/shipping/{_batch(w)}/labels/", {}, SHIPPERS),
    "shop:shipping_assign": ("post", lambda w: f"/shops/shipping/{_batch(w)}/assign/", {},
                             expect(302, 404, 404, 302, 302, 404, 404)),
    "shop:shipping_tracking": ("post", lambda w: f"/shops/shipping/{_batch(w)}/tracking/", {},
                               expect(302, 404, 404, 302, 302, 404, 404)),
    "shop:shop_list": ("get", lambda w: "/shops/", {}, everyone(200)),
    "shop:dashboard": ("get", lambda w: f"/shops/dashboard/?shop={_ops_shop(w)}&period=week", {},
                       expect(302, 200, 200, 200, 200, 200, 404)),
    "shop:dashboard_export": ("post", lambda w: f"/shops/dashboard/export/?shop={_ops_shop(w)}", {},
                              expect(302, 200, 200, 200, 200, 200, 404)),
    "shop:order_list": ("get", lambda w: f"/shops/orders/?shop={_ops_shop(w)}", {},
                        expect(302, 200, 200, 200, 200, 200, 404)),
    "shop:order_import": ("get", lambda w: f"/shops/{_ops_shop(w)}/import/", {},
                          expect(302, 200, 200, 200, 200, 404, 404)),
}

API: dict[Any, Any] = {
    ("GET", "/api/shops"): (lambda w: "/api/shops", None, everyone(200, anonymous=401)),
    ("GET", "/api/shops/{shop_id}"): (lambda w: f"/api/shops/{_ops_shop(w)}", None,
                                      expect(401, 200, 200, 200, 200, 200, 404)),
    ("GET", "/api/orders"): (lambda w: f"/api/orders?shop_id={_ops_shop(w)}", None,
                             expect(401, 200, 200, 200, 200, 200, 404)),
    ("GET", "/api/sales-figures"): (lambda w: f"/api/sales-figures?shop_id={_ops_shop(w)}", None,
                                    expect(401, 200, 200, 200, 200, 200, 404)),
    ("GET", "/api/shops/{shop_id}/imports"): (lambda w: f"/api/shops/{_ops_shop(w)}/imports", None,
                                              expect(401, 200, 200, 200, 200, 200, 404)),
    # A JSON body has no file: refused as invalid before any access check (see test_api for access).
    ("POST", "/api/shops/{shop_id}/imports"): (lambda w: f"/api/shops/{_ops_shop(w)}/imports", {},
                                               expect(401, 422, 422, 422, 422, 422, 422)),
}

API.update({
    ("GET", "/api/shops/{shop_id}/mapping"): (lambda w: f"/api/shops/{_ops_shop(w)}/mapping", None,
                                              expect(401, 200, 200, 200, 200, 200, 404)),
    # An empty header is refused (422) only after the access check: 404 for those who may not edit.
    ("PUT", "/api/shops/{shop_id}/mapping"): (lambda w: f"/api/shops/{_ops_shop(w)}/mapping",
                                              {"header": [], "columns": {}},
                                              expect(401, 404, 404, 422, 422, 404, 404)),
    ("GET", "/api/reviews"): (lambda w: "/api/reviews", None, everyone(200, anonymous=401)),
    ("POST", "/api/shops/{shop_id}/reviews/imports"): (lambda w: f"/api/shops/{_ops_shop(w)}/reviews/imports", {},
                                                       expect(401, 422, 422, 422, 422, 422, 422)),
    ("PUT", "/api/orders/{order_pk}/salesperson"): (lambda w: f"/api/orders/{_order(w)}/salesperson",
                                                    {"member_id": None},
                                                    expect(401, 404, 404, 200, 200, 404, 404)),
})
