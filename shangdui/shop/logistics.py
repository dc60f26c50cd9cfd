"""Logistics: shipping batches from paid, unshipped orders; carrier bulk-upload sheets; 100×150 mm
labels; packers; tracking numbers imported back.

Orders whose receiver the platform encrypted (Douyin ``##…``/``$$…``) cannot be written on a
carrier's sheet or a label: they are left out of batches and shipped with the platform's own
e-waybill, and the batch page says how many there were.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from shangdui.org.models import Member
from shangdui.shop.importers import ImportFileError, escape_row, iter_rows, split_address
from shangdui.shop.importers.values import clean_id
from shangdui.shop.models import Carrier, Order, OrderLine, ShippingBatch, Shop, Waybill

FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
MAX_BATCH_ORDERS = 2000

# Canonical fields of a sheet row, in this order; each carrier names them its own way.
FIELDS = ("order_id", "sender_name", "sender_phone", "sender_address", "receiver_name", "receiver_phone",
          "province", "city", "district", "street", "items", "weight", "remark")
LAYOUTS: dict[str, tuple[str, ...]] = {
    Carrier.SF: ("用户订单号", "寄件人姓名", "寄件人电话", "寄件详细地址", "收件人姓名", "收件人电话", "收件省",
                 "收件市", "收件区/县", "收件详细地址", "托寄物内容", "包裹重量(kg)", "备注"),
    Carrier.ZTO: ("订单号", "寄件人", "寄件人电话", "寄件地址", "收件人", "收件人电话", "收件省份", "收件城市",
                  "收件区县", "收件详细地址", "物品名称", "重量(kg)", "备注"),
    Carrier.YTO: ("物流订单号", "发件人姓名", "发件人电话", "发件人地址", "收件人姓名", "收件人电话", "收件省",
                  "收件市", "收件区", "收件人详细地址", "货物名称", "重量", "备注"),
    Carrier.YUNDA: ("订单号", "寄件人姓名", "寄件人联系电话", "寄件人地址", "收件人姓名", "收件人联系电话", "省",
                    "市", "区/县", "详细地址", "商品信息", "重量(kg)", "备注"),
}
DEFAULT_ITEM_KG = Decimal("0.50")
ORDER_ID_HEADERS = ("订单号", "用户订单号", "物流订单号", "客户订单号")
TRACKING_HEADERS = ("运单号", "快递单号", "运单编号")


def shippable_orders(*, organization_id: int, shop_ids: list[int]) -> QuerySet[Order]:
    """Paid, not refunded in full, not shipped, in no batch yet."""
    return Order.objects.filter(organization_id=organization_id, shop_id__in=shop_ids, paid_at__isnull=False,
                                refunded=False, shipped_at__isnull=True, waybill__isnull=True)


@transaction.atomic
def shipping_batch_create(*, actor: Member, shops: list[Shop], carrier: str) -> tuple[ShippingBatch, int]:
    """A batch of the shops' shippable orders (oldest paid first, at most 2,000). Returns the batch and
    the number of orders left out because the platform encrypted their receiver."""
    if carrier not in LAYOUTS:
        raise ValidationError(_("Unknown carrier."))
    candidates = shippable_orders(organization_id=actor.organization_id, shop_ids=[s.pk for s in shops])
    encrypted = candidates.filter(receiver_encrypted=True).count()
    # Lock the orders in a fixed order so two people batching at once cannot take the same order twice
    # (and the one-to-one waybill makes a second claim fail on SQLite, which ignores the lock).
    ids = list(candidates.filter(receiver_encrypted=False).order_by("pk").select_for_update(of=("self",))
               .values_list("pk", flat=True)[:MAX_BATCH_ORDERS])
    if not ids:
        raise ValidationError(_("There are no paid, unshipped orders to ship."))
    batch = ShippingBatch.objects.create(organization_id=actor.organization_id, carrier=carrier, created_by=actor,
                                         shop=shops[0] if len(shops) == 1 else None)
    Waybill.objects.bulk_create([Waybill(batch=batch, order_id=pk) for pk in ids])
    return batch, encrypted


def batch_waybills(batch: ShippingBatch) -> QuerySet[Waybill]:
    lines = Prefetch("order__lines", queryset=OrderLine.objects.order_by("position"))
    return batch.waybills.select_related("order", "order__shop", "packer").prefetch_related(lines).order_by("id")


def _items(order: Order) -> tuple[str, int]:
    lines = list(order.lines.all())
    text = "；".join(f"{line.title or line.sku} ×{line.quantity}" for line in lines)
    return text[:200], sum(line.quantity for line in lines) or 1


def sheet_rows(batch: ShippingBatch, sender: dict[str, str]) -> Iterator[dict[str, Any]]:
    """One dict of ``FIELDS`` per waybill; the address split into province/city/district/street."""
    for waybill in batch_waybills(batch):
        order = waybill.order
        parts = split_address(order.receiver_address)
        items, count = _items(order)
        weight = waybill.weight_kg if waybill.weight_kg is not None else DEFAULT_ITEM_KG * count
        shop_sender = _shop_sender(order.shop, sender)
        yield {
            "order_id": order.order_id, "sender_name": shop_sender.get("name", ""),
            "sender_phone": shop_sender.get("phone", ""), "sender_address": shop_sender.get("address", ""),
            "receiver_name": order.receiver_name, "receiver_phone": order.receiver_phone,
            "province": order.province or parts.province, "city": order.city or parts.city,
            "district": order.district or parts.district, "street": parts.street or order.receiver_address,
            "items": items, "weight": weight, "remark": order.shop.name,
        }


def carrier_sheet(batch: ShippingBatch, *, sender: dict[str, str], fmt: str = "xlsx") -> tuple[bytes, str]:
    """The batch in its carrier's bulk-upload layout, as XLSX or CSV (UTF-8 with BOM for Excel).
    Cells are escaped so a spreadsheet cannot run them as formulas."""
    header = LAYOUTS[batch.carrier]
    rows = [escape_row([row[f] for f in FIELDS]) for row in sheet_rows(batch, sender)]
    name = f"{batch.carrier}-batch-{batch.pk}"
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
        return ("\ufeff" + text.getvalue()).encode("utf-8"), f"{name}.csv"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("批量下单")
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), f"{name}.xlsx"


def labels_pdf(batch: ShippingBatch, *, sender: dict[str, str]) -> bytes:
    """100×150 mm labels, one per waybill, followed by a packing list page per 20 waybills."""
    from reportlab.graphics.barcode import code128
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "WQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("WQY", str(FONT_PATH), subfontIndex=0))
    buffer = io.BytesIO()
    width, height = 100 * mm, 150 * mm
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"{batch.get_carrier_display()} #{batch.pk}")
    carrier = str(batch.get_carrier_display())
    rows = list(sheet_rows(batch, sender))

    def wrapped(text: str, x: float, y: float, size: float, chars: int, max_lines: int = 3) -> float:
        pdf.setFont("WQY", size)
        for start in range(0, min(len(text), chars * max_lines), chars):
            pdf.drawString(x, y, text[start:start + chars])
            y -= size * 1.35
        return y

    for row in rows:
        pdf.setFont("WQY", 16)
        pdf.drawString(6 * mm, height - 12 * mm, carrier)
        pdf.setFont("WQY", 9)
        pdf.drawRightString(width - 6 * mm, height - 12 * mm, f"{row['province']} {row['city']}")
        barcode = code128.Code128(row["order_id"], barHeight=14 * mm, barWidth=0.3 * mm)
        barcode.drawOn(pdf, 6 * mm, height - 32 * mm)
        pdf.drawString(6 * mm, height - 36 * mm, f"订单号 {row['order_id']}")
        pdf.line(4 * mm, height - 39 * mm, width - 4 * mm, height - 39 * mm)
        pdf.setFont("WQY", 12)
        pdf.drawString(6 * mm, height - 46 * mm, f"收 {row['receiver_name']}  {row['receiver_phone']}")
        address = f"{row['province']}{row['city']}{row['district']}{row['street']}"
        y = wrapped(address, 6 * mm, height - 53 * mm, 11, 22)
        pdf.line(4 * mm, y - 2 * mm, width - 4 * mm, y - 2 * mm)
        y = wrapped(f"寄 {row['sender_name']}  {row['sender_phone']}", 6 * mm, y - 8 * mm, 9, 30, 1)
        y = wrapped(row["sender_address"], 6 * mm, y, 9, 30, 2)
        pdf.line(4 * mm, y - 2 * mm, width - 4 * mm, y - 2 * mm)
        y = wrapped(f"物品：{row['items']}", 6 * mm, y - 8 * mm, 9, 30, 4)
        pdf.setFont("WQY", 9)
        pdf.drawString(6 * mm, 8 * mm, f"重量 {row['weight']} kg · {row['remark']}")
        pdf.showPage()
    for start in range(0, len(rows), 20):
        pdf.setFont("WQY", 12)
        last = min(start + 20, len(rows))
        pdf.drawString(6 * mm, height - 10 * mm, f"拣货单 {carrier} #{batch.pk}（{start + 1}–{last}）")
        y = height - 18 * mm
        for row in rows[start:start + 20]:
            y = wrapped(f"{row['order_id']}  {row['items']}", 6 * mm, y, 8, 40, 2) - 1 * mm
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def sender_for(organization_name: str) -> dict[str, str]:
    """The fallback sender (寄件人) of a batch: the organization's name, no phone or address. Each
    order's shop overrides it with its own sender fields where they are filled in."""
    return {"name": organization_name, "phone": "", "address": ""}


def _shop_sender(shop: Shop, fallback: dict[str, str]) -> dict[str, str]:
    if not (shop.sender_name or shop.sender_phone or shop.sender_address):
        return fallback
    return {"name": shop.sender_name or fallback.get("name", ""), "phone": shop.sender_phone,
            "address": shop.sender_address}


def shops_missing_sender(batch: ShippingBatch) -> list[Shop]:
    """The batch's shops whose sender phone or address is not filled in: carriers refuse such sheets."""
    shop_ids = batch.waybills.values_list("order__shop_id", flat=True).distinct()
    return list(Shop.objects.filter(pk__in=shop_ids).filter(Q(sender_phone="") | Q(sender_address=""))
                .order_by("name"))


@transaction.atomic
def waybills_assign_packer(*, batch: ShippingBatch, packer: Member, only_unassigned: bool = True) -> int:
    """Give the batch's (unassigned) waybills to ``packer``; returns how many."""
    if packer.organization_id != batch.organization_id:
        raise ValidationError(_("The packer is not a member of this organization."))
    waybills = batch.waybills.all()
    if only_unassigned:
        waybills = waybills.filter(packer__isnull=True)
    return waybills.update(packer=packer, packed_at=timezone.now())


def packers_summary(batch: ShippingBatch) -> list[dict[str, Any]]:
    rows: Any = batch.waybills.filter(packer__isnull=False).values("packer__name").annotate(parcels=Count("id"))
    return list(rows.order_by("-parcels", "packer__name"))


@transaction.atomic
def tracking_import(*, batch: ShippingBatch, source: Any) -> dict[str, Any]:
    """Read 订单号 + 运单号 columns (CSV or XLSX, as carriers send them back) and mark the batch's
    orders shipped. Unknown order numbers are reported with their row number; nothing else changes."""
    rows = iter_rows(source)
    try:
        _row, header = next(rows)
    except StopIteration:
        raise ImportFileError("文件是空的。") from None
    names = [str(h or "").strip() for h in (header or [])]
    order_col = next((i for i, n in enumerate(names) if n in ORDER_ID_HEADERS), None)
    tracking_col = next((i for i, n in enumerate(names) if n in TRACKING_HEADERS), None)
    if order_col is None or tracking_col is None:
        raise ImportFileError("文件需要“订单号”和“运单号”两列。")
    by_id = {w.order.order_id: w.order for w in batch.waybills.select_related("order")}
    now = timezone.now()
    updated, errors = [], []
    for row_number, cells in rows:
        if cells is None or len(cells) <= max(order_col, tracking_col):
            errors.append({"row": row_number, "message": "该行列数不足。"})
            continue
        order_id, tracking = clean_id(cells[order_col]), clean_id(cells[tracking_col])
        order = by_id.get(order_id)
        if order is None:
            errors.append({"row": row_number, "message": f"订单 {order_id} 不在这个发货批次里。"})
            continue
        if not tracking:
            errors.append({"row": row_number, "message": "运单号为空。"})
            continue
        order.tracking_no, order.carrier, order.shipped_at = tracking[:64], batch.carrier, order.shipped_at or now
        updated.append(order)
    Order.objects.bulk_update(updated, ["tracking_no", "carrier", "shipped_at"], batch_size=500)
    return {"updated": len(updated), "errors": errors}


def batches_for(organization_id: int) -> QuerySet[ShippingBatch]:
    return ShippingBatch.objects.filter(organization_id=organization_id).select_related("shop", "created_by") \
        .annotate(parcels=Count("waybills"))
