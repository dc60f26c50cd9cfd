"""Carrier bills (物流账单) and logistics cost analysis.

A bill is a CSV/XLSX with 运单号, 重量 and 运费 columns (the names vary by carrier; aliases below).
Each line is matched to an order by tracking number. Analysis: cost per order, per carrier, per
province and per weight band, against the shipping fee buyers paid; parcels billed far above the
weight their items should have (0.5 kg an item: over twice that and over 1 kg more) are flagged.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Case, CharField, Count, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from shangdui.org.models import Organization
from shangdui.shop.importers import ImportFileError, iter_rows
from shangdui.shop.importers.values import clean_id, parse_amount
from shangdui.shop.logistics import DEFAULT_ITEM_KG
from shangdui.shop.models import Carrier, CarrierCharge, Order

ALIASES = {
    "tracking_no": ("运单号", "快递单号", "运单编号", "单号"),
    "weight": ("计费重量", "计费重量(kg)", "重量", "重量(kg)", "实际重量"),
    "fee": ("运费", "运费(元)", "费用", "金额", "结算金额"),
}
_MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Decimal("0.00")


def _columns(header: list[object]) -> dict[str, int]:
    names = [str(h or "").strip().replace("（", "(").replace("）", ")") for h in header]
    found = {}
    for field, aliases in ALIASES.items():
        index = next((names.index(a) for a in aliases if a in names), None)
        if index is None:
            raise ImportFileError(f"账单缺少“{aliases[0]}”列（可用列名：{'、'.join(aliases)}）。")
        found[field] = index
    return found


@transaction.atomic
def carrier_bill_import(*, organization: Organization, carrier: str, source: Any) -> dict[str, Any]:
    """Upsert the bill's lines; returns created, updated, matched (to an order) and row errors."""
    rows = iter_rows(source)
    try:
        _n, header = next(rows)
    except StopIteration:
        raise ImportFileError("文件是空的。") from None
    columns = _columns(header or [])
    width = max(columns.values()) + 1
    parsed: dict[str, tuple[Decimal, Decimal]] = {}
    errors: list[dict[str, Any]] = []
    for row_number, cells in rows:
        if cells is None or len(cells) < width:
            errors.append({"row": row_number, "message": "该行列数不足。"})
            continue
        tracking = clean_id(cells[columns["tracking_no"]])[:64]
        try:
            weight, fee = parse_amount(cells[columns["weight"]]), parse_amount(cells[columns["fee"]])
        except ValueError as exc:
            errors.append({"row": row_number, "message": f"重量或运费有误：{exc}"})
            continue
        if not tracking:
            errors.append({"row": row_number, "message": "运单号为空。"})
            continue
        parsed[tracking] = (weight, fee)
    orders = dict(Order.objects.filter(organization=organization, tracking_no__in=list(parsed))
                  .values_list("tracking_no", "pk"))
    existing = {c.tracking_no: c for c in CarrierCharge.objects.filter(
        organization=organization, carrier=carrier, tracking_no__in=list(parsed))}
    new, changed = [], []
    for tracking, (weight, fee) in parsed.items():
        charge = existing.get(tracking)
        if charge is None:
            new.append(CarrierCharge(organization=organization, carrier=carrier, tracking_no=tracking,
                                     order_id=orders.get(tracking), weight_kg=weight, fee=fee))
        elif (charge.weight_kg, charge.fee, charge.order_id) != (weight, fee, orders.get(tracking)):
            charge.weight_kg, charge.fee, charge.order_id = weight, fee, orders.get(tracking)
            changed.append(charge)
    CarrierCharge.objects.bulk_create(new, batch_size=1000)
    CarrierCharge.objects.bulk_update(changed, ["weight_kg", "fee", "order"], batch_size=1000)
    return {"rows": len(parsed) + len(errors), "created": len(new), "updated": len(changed),
            "unchanged": len(parsed) - len(new) - len(changed), "matched": len(orders), "errors": errors[:200]}


def _band() -> Case:
    return Case(When(weight_kg__lte=1, then=Value("≤1 kg")), When(weight_kg__lte=3, then=Value("1–3 kg")),
                When(weight_kg__lte=5, then=Value("3–5 kg")), default=Value(">5 kg"), output_field=CharField())


def _sums() -> dict[str, Any]:
    return {"parcels": Count("id"), "cost": Coalesce(Sum("fee"), Value(ZERO), output_field=_MONEY),
            "buyer_paid": Coalesce(Sum("order__shipping_fee"), Value(ZERO), output_field=_MONEY)}


def _rows(charges: QuerySet[CarrierCharge], *keys: str) -> list[dict[str, Any]]:
    grouped: Any = charges.values(*keys).annotate(**_sums()).order_by(*keys)
    out = []
    for row in grouped:
        row = dict(row)
        row["per_parcel"] = (row["cost"] / row["parcels"]).quantize(Decimal("0.01")) if row["parcels"] else ZERO
        out.append(row)
    return out


def cost_analysis(*, organization_id: int, limit: int = 50) -> dict[str, Any]:
    labels = dict(Carrier.choices)
    charges = CarrierCharge.objects.filter(organization_id=organization_id)
    matched = charges.filter(order__isnull=False)
    totals = _rows(charges.annotate(all=Value("all")), "all")
    items: Any = matched.annotate(items=Coalesce(Sum("order__lines__quantity"), 1))
    # Expected weight: 0.5 kg an item. Flag when billed > 2× expected and more than 1 kg above it.
    anomalies = items.annotate(expected=F("items") * DEFAULT_ITEM_KG).filter(
        Q(weight_kg__gt=F("expected") * 2) & Q(weight_kg__gt=F("expected") + 1)).select_related(
        "order", "order__shop").order_by("-weight_kg")[:limit]
    return {
        "total": totals[0] if totals else None,
        "unmatched": charges.filter(order__isnull=True).count(),
        "by_carrier": [{**row, "label": labels.get(row["carrier"], row["carrier"])}
                       for row in _rows(charges, "carrier")],
        "by_province": _rows(matched, "order__province"),
        "by_band": _rows(charges.annotate(band=_band()), "band"),
        "anomalies": list(anomalies),
    }
