"""Logistics pages: shipping batches, carrier sheets, labels, packers, tracking numbers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shangdui.core.decorators import member_required
from shangdui.org.access import refuse
from shangdui.org.models import Member
from shangdui.shop import access, costs, logistics
from shangdui.shop.forms import CarrierBillForm, PackerForm, ShippingBatchForm, TrackingUploadForm
from shangdui.shop.importers import ImportFileError
from shangdui.shop.models import Shop


def _shipper(request: HttpRequest) -> Member:
    viewer: Member = request.member  # type: ignore[attr-defined]
    if not access.can_ship(viewer):
        raise refuse(viewer, what="shipping", object_id="-", request=request)
    return viewer


@member_required
def shipping_list(request: HttpRequest) -> HttpResponse:
    viewer = _shipper(request)
    shops = list(Shop.objects.filter(organization_id=viewer.organization_id).order_by("platform", "name"))
    form = ShippingBatchForm(request.POST or None, shops=shops)
    if request.method == "POST" and form.is_valid():
        chosen = [s for s in shops if s.pk == form.cleaned_data["shop"]] if form.cleaned_data["shop"] else shops
        try:
            batch, encrypted = logistics.shipping_batch_create(actor=viewer, shops=chosen,
                                                                 carrier=form.cleaned_data["carrier"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if encrypted:
                messages.warning(request, _("%(n)s orders have receivers encrypted by the platform: ship them "
                                            "with the platform's own e-waybill.") % {"n": encrypted})
            return redirect("shop:shipping_detail", pk=batch.pk)
    return render(request, "shop/shipping_list.html", {
        "form": form, "batches": logistics.batches_for(viewer.organization_id)[:50]})


@member_required
def shipping_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    batch = access.get_batch_for_user(viewer, pk, request=request)
    return render(request, "shop/shipping_detail.html", {
        "batch": batch, "waybills": logistics.batch_waybills(batch),
        "missing_sender": logistics.shops_missing_sender(batch),
        "can_edit_shops": access.can_manage_shops(viewer),
        "packers": logistics.packers_summary(batch),
        "packer_form": PackerForm(organization_id=viewer.organization_id), "tracking_form": TrackingUploadForm(),
    })


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@member_required
@require_POST
def shipping_export(request: HttpRequest, pk: int) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    batch = access.get_batch_for_user(viewer, pk, request=request)
    fmt = "csv" if request.POST.get("format") == "csv" else "xlsx"
    content, filename = logistics.carrier_sheet(batch, sender=logistics.sender_for(viewer.organization.name),
                                                fmt=fmt)
    return _download(content, filename, "text/csv; charset=utf-8" if fmt == "csv" else
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@member_required
@require_POST
def shipping_labels(request: HttpRequest, pk: int) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    batch = access.get_batch_for_user(viewer, pk, request=request)
    content = logistics.labels_pdf(batch, sender=logistics.sender_for(viewer.organization.name))
    return _download(content, f"labels-{batch.carrier}-{batch.pk}.pdf", "application/pdf")


@member_required
@require_POST
def shipping_assign(request: HttpRequest, pk: int) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    batch = access.get_batch_for_user(viewer, pk, request=request)
    form = PackerForm(request.POST, organization_id=viewer.organization_id)
    if form.is_valid():
        count = logistics.waybills_assign_packer(batch=batch, packer=form.cleaned_data["packer"])
        messages.success(request, _("%(n)s parcels given to %(name)s.") % {
            "n": count, "name": form.cleaned_data["packer"].name})
    else:
        messages.error(request, _("Choose a packer."))
    return redirect("shop:shipping_detail", pk=batch.pk)


@member_required
@require_POST
def shipping_tracking(request: HttpRequest, pk: int) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    batch = access.get_batch_for_user(viewer, pk, request=request)
    form = TrackingUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file."))
        return redirect("shop:shipping_detail", pk=batch.pk)
    try:
        result = logistics.tracking_import(batch=batch, source=form.cleaned_data["file"])
    except ImportFileError as exc:
        messages.error(request, exc.message)
        return redirect("shop:shipping_detail", pk=batch.pk)
    messages.success(request, _("%(n)s orders marked as shipped.") % {"n": result["updated"]})
    for error in result["errors"][:20]:
        messages.warning(request, _("Row %(row)s: %(message)s") % error)
    return redirect("shop:shipping_detail", pk=batch.pk)


@member_required
def shipping_costs(request: HttpRequest) -> HttpResponse:
    """Carrier bills: upload (small files, read in the request) and the cost analysis."""
    viewer = _shipper(request)
    form = CarrierBillForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = costs.carrier_bill_import(organization=viewer.organization,
                                               carrier=form.cleaned_data["carrier"], source=form.cleaned_data["file"])
        except ImportFileError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("Bill imported: %(created)s new, %(updated)s changed, %(matched)s matched "
                                        "to orders.") % result)
            for error in result["errors"][:20]:
                messages.warning(request, _("Row %(row)s: %(message)s") % error)
            return redirect("shop:shipping_costs")
    return render(request, "shop/shipping_costs.html", {
        "form": form, **costs.cost_analysis(organization_id=viewer.organization_id)})
