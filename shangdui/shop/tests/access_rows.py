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


PAGES: dict[str, Any] = {
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
}
