"""Shop settings (name, platform, department, sender), a generic shop's column mapping, and the
order page where a manager sets who sold the order."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shangdui.core.decorators import member_required
from shangdui.org.access import refuse
from shangdui.org.models import Member
from shangdui.shop import access, attribution, services
from shangdui.shop.forms import MappingSampleForm, SalespersonForm, ShopForm
from shangdui.shop.importers import LAYOUTS, ImportFileError
from shangdui.shop.importers.layouts import LINES, ORDER, REPEATED, normalise_header
from shangdui.shop.importers.mapping import (
    DEFAULT_REFUND_VALUES,
    MAPPABLE_FIELDS,
    REQUIRED_FIELDS,
    clean_mapping,
    field_label,
    preview,
)
from shangdui.shop.models import Shop

# Extra header names worth guessing from, beyond the built-in layouts' aliases.
_GUESSES = {
    "order_id": ("订单号", "订单编号", "单号", "单据编号"),
    "paid_at": ("付款时间", "支付时间", "成交时间"),
    "paid_amount": ("实付金额", "实收金额", "支付金额", "金额"),
    "salesperson": ("业务员", "销售", "导购", "销售员", "客服"),
    "title": ("商品名称", "商品", "宝贝名称", "品名"),
}


def _manager(request: HttpRequest) -> Member:
    viewer: Member = request.member  # type: ignore[attr-defined]
    if not access.can_manage_shops(viewer):
        raise refuse(viewer, what="shop settings", object_id="-", request=request)
    return viewer


@member_required
def shop_create(request: HttpRequest) -> HttpResponse:
    viewer = _manager(request)
    return _shop_form(request, viewer, Shop(organization_id=viewer.organization_id))


@member_required
def shop_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    return _shop_form(request, viewer, access.get_shop_manageable_for_user(viewer, pk, request=request))


def _shop_form(request: HttpRequest, viewer: Member, shop: Shop) -> HttpResponse:
    form = ShopForm(request.POST or None, instance=shop, organization_id=viewer.organization_id)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            # The ModelForm already wrote the cleaned values onto the instance: start from the stored row
            # so the audit records what changed.
            target = Shop.objects.get(pk=shop.pk) if shop.pk else Shop(organization_id=viewer.organization_id)
            saved = services.shop_save(actor=viewer, shop=target, fields=fields, request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Shop saved."))
            if saved.platform == Shop.Platform.OTHER and not saved.column_mapping:
                return redirect("shop:shop_mapping", pk=saved.pk)
            return redirect("shop:shop_list")
    return render(request, "shop/shop_form.html", {"form": form, "shop": shop if shop.pk else None})


def _guess(header: list[str], saved: dict[str, Any]) -> dict[str, str]:
    """A column per field: the saved mapping's where its column is still there, else a header
    that a platform layout (or a common name) uses for the field."""
    keys = {normalise_header(h): h for h in header}
    chosen: dict[str, str] = {}
    for name in MAPPABLE_FIELDS:
        previous = (saved.get("columns") or {}).get(name)
        candidates = [previous] if previous else []
        for layout in LAYOUTS.values():
            candidates.extend(layout.columns.get(name, ()))
        candidates.extend(_GUESSES.get(name, ()))
        for candidate in candidates:
            if candidate and normalise_header(candidate) in keys and keys[normalise_header(candidate)] not in \
                    chosen.values():
                chosen[name] = keys[normalise_header(candidate)]
                break
    return chosen


def _mapping_context(shop: Shop, header: list[str], chosen: dict[str, str], **extra: Any) -> dict[str, Any]:
    saved = shop.column_mapping or {}
    return {
        "shop": shop, "header": header, "header_json": json.dumps(header, ensure_ascii=False),
        "fields": [{"name": name, "label": field_label(name), "required": name in REQUIRED_FIELDS,
                    "chosen": chosen.get(name, "")} for name in MAPPABLE_FIELDS],
        "amount_modes": [(ORDER, _("One row per order")),
                         (REPEATED, _("One row per product line, the order's amount repeated on each")),
                         (LINES, _("One row per sub-order with its own amount (summed per order)"))],
        "amounts": saved.get("amounts", ORDER),
        "refund_values": "、".join(saved.get("refund_values") or DEFAULT_REFUND_VALUES),
        "sample_form": MappingSampleForm(), **extra,
    }


@member_required
def shop_mapping(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1: upload a sample and see its header and first rows. Step 2: pick a column per field
    and save. The mapping is checked against the sample's header and saved whole or not at all."""
    viewer: Member = request.member  # type: ignore[attr-defined]
    shop = access.get_shop_manageable_for_user(viewer, pk, request=request)
    saved = shop.column_mapping or {}
    header = [str(h) for h in saved.get("header", [])]
    context = _mapping_context(shop, header, _guess(header, saved) if header else {})
    if request.method == "POST" and request.POST.get("step") == "upload":
        form = MappingSampleForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                sample = preview(form.cleaned_data["sample"].file)
            except ImportFileError as exc:
                form.add_error("sample", exc.message)
            else:
                context = _mapping_context(shop, sample.header, _guess(sample.header, saved), rows=sample.rows,
                                           sample_name=form.cleaned_data["sample"].name)
        context["sample_form"] = form
    elif request.method == "POST" and request.POST.get("step") == "save":
        try:
            header = [str(h) for h in json.loads(request.POST.get("header") or "[]")]
        except (json.JSONDecodeError, TypeError):
            header = []
        chosen = {name: request.POST.get(name, "") for name in MAPPABLE_FIELDS}
        values = [v for v in request.POST.get("refund_values", "").replace("，", "、").replace(",", "、").split("、")]
        try:
            if not header:
                raise ImportFileError("请先上传一份样例文件，再指定各列。")
            mapping = clean_mapping(header, chosen, amounts=request.POST.get("amounts", ORDER), refund_values=values)
            services.shop_mapping_save(actor=viewer, shop=shop, mapping=mapping, request=request)
        except ImportFileError as exc:
            context = _mapping_context(shop, header, {k: v for k, v in chosen.items() if v}, error=exc.message)
        except ValidationError as exc:
            context = _mapping_context(shop, header, chosen, error=" ".join(exc.messages))
        else:
            messages.success(request, _("Column mapping saved: imports into this shop now read files with it."))
            return redirect("shop:shop_mapping", pk=shop.pk)
    return render(request, "shop/shop_mapping.html", context)


@member_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    order = access.get_order_for_user(viewer, pk, request=request)
    can_set = attribution.can_set_salesperson(viewer)
    form = SalespersonForm(initial={"salesperson": order.salesperson_id}, organization_id=viewer.organization_id)
    return render(request, "shop/order_detail.html", {
        "order": order, "lines": order.lines.order_by("position"), "can_set_salesperson": can_set,
        "salesperson_form": form if can_set else None,
        "follow_ups": order.follow_ups.select_related("assignee").order_by("due_at"),
    })


@member_required
@require_POST
def order_salesperson(request: HttpRequest, pk: int) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    order = access.get_order_for_user(viewer, pk, request=request)
    if not attribution.can_set_salesperson(viewer):
        raise refuse(viewer, what="order salesperson", object_id=pk, request=request)
    form = SalespersonForm(request.POST, organization_id=viewer.organization_id)
    if form.is_valid():
        try:
            attribution.order_salesperson_set(actor=viewer, order=order, salesperson=form.cleaned_data["salesperson"],
                                              request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Salesperson saved."))
    else:
        messages.error(request, _("Choose a member of the organization."))
    return redirect("shop:order_detail", pk=order.pk)
