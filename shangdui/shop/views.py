from __future__ import annotations

import io
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from shangdui.core.decorators import member_required
from shangdui.core.jobs import job_enqueue
from shangdui.org.models import Member
from shangdui.shop import access, selectors
from shangdui.shop.forms import DashboardFilterForm, OrderUploadForm
from shangdui.shop.importers import escape_row
from shangdui.shop.models import Shop


@member_required
def shop_list(request: HttpRequest) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    shops = selectors.shops_visible(viewer).select_related("department")
    return render(request, "shop/shop_list.html", {"shops": shops, "can_ship": access.can_ship(viewer),
                                                   "can_follow_up": access.can_follow_up(viewer),
                                                   "can_import": access.can_import_orders(viewer),
                                                   "can_manage": access.can_manage_shops(viewer)})


@member_required
def order_list(request: HttpRequest) -> HttpResponse:
    """Orders of the shops the viewer sees, newest first, 50 a page; filter by shop, order number, paid."""
    viewer: Member = request.member  # type: ignore[attr-defined]
    shop_ids = list(selectors.shops_visible(viewer).values_list("id", flat=True))
    if request.GET.get("shop"):
        shop_ids = [access.get_shop_for_user(viewer, request.GET["shop"], request=request).pk]
    orders = selectors.orders_in(organization_id=viewer.organization_id, shop_ids=shop_ids)
    query = request.GET.get("q", "").strip()[:64]
    if query:
        orders = orders.filter(order_id=query)
    page = Paginator(orders.select_related("shop").order_by("-order_date", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "shop/order_list.html", {"page": page, "query": query,
                                                    "shop_param": request.GET.get("shop", "")})


@member_required
def order_import(request: HttpRequest, pk: int) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    shop = access.get_shop_importable_for_user(viewer, pk, request=request)
    form = OrderUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = job_enqueue(
            organization=viewer.organization, kind="shop.import_orders", created_by=request.user,
            title=_("Import orders into %(shop)s: %(file)s") % {"shop": shop.name, "file": upload.name},
            params={"shop_id": shop.pk, "platform": form.cleaned_data["platform"], "file_name": upload.name},
            input_file=upload)
        return redirect("core:job_detail", pk=job.pk)
    return render(request, "shop/order_import.html", {"shop": shop, "form": form})


def _dashboard(request: HttpRequest, query: QueryDict) -> tuple[DashboardFilterForm, dict[str, Any]]:
    viewer: Member = request.member  # type: ignore[attr-defined]
    shops = list(selectors.shops_visible(viewer).order_by("platform", "name"))
    if query.get("shop"):
        access.get_shop_for_user(viewer, query["shop"], request=request)  # 404 for a shop not theirs
    form = DashboardFilterForm(query or None, shops=shops)
    params = form.cleaned_data if form.is_valid() else {}
    period = selectors.period_for(params.get("period") or "month", timezone.localdate(),
                                  params.get("start"), params.get("end"))
    shop_ids = [params["shop"]] if params.get("shop") else [s.pk for s in shops]
    data = selectors.dashboard_data(organization_id=viewer.organization_id, shop_ids=shop_ids,
                                    platform=params.get("platform") or "", period=period)
    return form, {**data, "shops": shops, "selected_shop": params.get("shop")}


def _labels() -> dict[str, str]:
    return {"orders": _("Orders"), "paid_orders": _("Paid orders"), "paid_gmv": _("Paid GMV"),
            "refunds": _("Refunds"), "net_sales": _("Net sales"), "average_order_value": _("Average order value"),
            "refund_rate": _("Refund rate")}


@member_required
def dashboard(request: HttpRequest) -> HttpResponse:
    form, data = _dashboard(request, request.GET)
    labels = _labels()
    cards = [{"key": key, "label": labels[key], "value": data["figures"][key],
              "previous": data["previous"][key], "change": data["changes"].get(key),
              "money": key not in ("orders", "paid_orders", "refund_rate")}
             for key in ("orders", "paid_orders", "paid_gmv", "refunds", "net_sales", "average_order_value",
                         "refund_rate")]
    return render(request, "shop/dashboard.html", {
        **data, "form": form, "cards": cards, "filters": request.GET.items(),
        "chart": selectors.day_chart_option(data["by_day"], labels),
    })


@member_required
@require_POST
def dashboard_export(request: HttpRequest) -> HttpResponse:
    """The dashboard as XLSX (a few hundred rows at most, so written in the request). Cells are
    escaped so a spreadsheet never runs them as formulas. POST: the filters come from the page's form."""
    query = request.GET.copy()
    for key in ("shop", "platform", "period", "start", "end"):
        if key in request.POST:
            query[key] = request.POST[key]
    _form, data = _dashboard(request, query)
    labels = _labels()
    keys = ["orders", "paid_orders", "paid_gmv", "refunds", "net_sales", "average_order_value", "refund_rate"]
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(_("Summary"))
    summary.append(escape_row([_("Period"), f"{data['period'].start} ~ {data['period'].end}"]))
    summary.append(escape_row(["", _("This period"), _("Previous period")]))
    for key in keys:
        summary.append(escape_row([labels[key], data["figures"][key], data["previous"][key]]))
    days = workbook.create_sheet(_("By day"))
    days.append(escape_row([_("Date"), *(labels[k] for k in keys)]))
    for row in data["by_day"]:
        days.append(escape_row([row["date"], *(row[k] for k in keys)]))
    shops = workbook.create_sheet(_("By shop"))
    shops.append(escape_row([_("Shop"), _("Platform"), *(labels[k] for k in keys)]))
    names = dict(Shop.Platform.choices)
    for row in data["by_shop"]:
        shops.append(escape_row([row["shop__name"], str(names.get(row["platform"], row["platform"])),
                                 *(row[k] for k in keys)]))
    products = workbook.create_sheet(_("Top products"))
    products.append(escape_row([_("Product"), _("Quantity"), _("Amount"), _("Orders")]))
    for row in data["top_products"]:
        products.append(escape_row([row["title"], row["quantity"], row["amount"], row["orders"]]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = f"sales-{data['period'].start:%Y%m%d}-{data['period'].end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
