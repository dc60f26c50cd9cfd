"""Reviews (评价): import of the platforms' review exports, and good reviews per shop, product and
agent for a period, on the page and as XLSX."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from shangdui.core.decorators import member_required
from shangdui.core.jobs import job_enqueue
from shangdui.core.spreadsheet import escape_row
from shangdui.org.access import refuse
from shangdui.org.models import Member
from shangdui.shop import access, selectors
from shangdui.shop.forms import DashboardFilterForm, ReviewUploadForm
from shangdui.shop.reviews import review_summary


def _summary(request: HttpRequest, query: QueryDict) -> tuple[DashboardFilterForm, dict[str, Any]]:
    viewer: Member = request.member  # type: ignore[attr-defined]
    shops = list(selectors.shops_visible(viewer).order_by("platform", "name"))
    if query.get("shop"):
        access.get_shop_for_user(viewer, query["shop"], request=request)  # 404 for a shop not theirs
    form = DashboardFilterForm(query or None, shops=shops)
    params = form.cleaned_data if form.is_valid() else {}
    period = selectors.period_for(params.get("period") or "month", timezone.localdate(),
                                  params.get("start"), params.get("end"))
    shop_ids = [params["shop"]] if params.get("shop") else [s.pk for s in shops]
    data = review_summary(organization_id=viewer.organization_id, shop_ids=shop_ids, start=period.start,
                          end=period.end)
    return form, {**data, "period": period, "shops": shops}


@member_required
def review_list(request: HttpRequest) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    form, data = _summary(request, request.GET)
    del form.fields["platform"]
    sections = [
        (_("By shop"), _("Shop"), [{**r, "label": r["shop__name"]} for r in data["by_shop"]]),
        (_("By product"), _("Product"), [{**r, "label": r["product"]} for r in data["by_product"]]),
        (_("By agent"), _("Agent"), [{**r, "label": r["agent__name"]} for r in data["by_agent"]]),
    ]
    return render(request, "shop/review_list.html", {
        **data, "form": form, "filters": request.GET.items(), "sections": sections,
        "can_import": access.can_import_orders(viewer)})


@member_required
@require_POST
def review_export(request: HttpRequest) -> HttpResponse:
    """The review counts as XLSX; cells escaped so a spreadsheet never runs them as formulas."""
    query = request.GET.copy()
    for key in ("shop", "period", "start", "end"):
        if key in request.POST:
            query[key] = request.POST[key]
    _form, data = _summary(request, query)
    heads = [_("Good reviews"), _("Neutral reviews"), _("Bad reviews"), _("Reviews"), _("Good rate (%)")]

    def numbers(row: dict[str, Any]) -> list[Any]:
        return [row["good"], row["neutral"], row["bad"], row["total"], row["good_rate"]]

    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(_("Summary"))
    summary.append(escape_row([_("Period"), f"{data['period'].start} ~ {data['period'].end}"]))
    summary.append(escape_row(["", *heads]))
    summary.append(escape_row([_("All"), *numbers(data["totals"])]))
    for title, head, key, label in ((_("By shop"), _("Shop"), "by_shop", "shop__name"),
                                    (_("By product"), _("Product"), "by_product", "product"),
                                    (_("By agent"), _("Agent"), "by_agent", "agent__name")):
        sheet = workbook.create_sheet(title)
        sheet.append(escape_row([head, *heads]))
        for row in data[key]:
            sheet.append(escape_row([row[label] or _("Not credited"), *numbers(row)]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    filename = f"reviews-{data['period'].start:%Y%m%d}-{data['period'].end:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@member_required
def review_import(request: HttpRequest) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    if not access.can_import_orders(viewer):
        raise refuse(viewer, what="review import", object_id="-", request=request)
    shops = list(selectors.shops_visible(viewer).order_by("platform", "name"))
    form = ReviewUploadForm(request.POST or None, request.FILES or None, shops=shops)
    if request.method == "POST" and form.is_valid():
        shop = access.get_shop_importable_for_user(viewer, form.cleaned_data["shop"], request=request)
        upload = form.cleaned_data["file"]
        job = job_enqueue(
            organization=viewer.organization, kind="shop.import_reviews", created_by=request.user,
            title=_("Import reviews into %(shop)s: %(file)s") % {"shop": shop.name, "file": upload.name},
            params={"shop_id": shop.pk, "file_name": upload.name}, input_file=upload)
        return redirect("core:job_detail", pk=job.pk)
    return render(request, "shop/review_import.html", {"form": form})
