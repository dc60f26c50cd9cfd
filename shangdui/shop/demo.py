"""Believable orders for the demo company's shops: ~3,500 over the last 90 days, seeded, in a few seconds."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from shangdui.org.models import Organization
from shangdui.shop import summaries
from shangdui.shop.followups import followups_generate
from shangdui.shop.importers import OrderLine as LineRecord
from shangdui.shop.importers import OrderRecord
from shangdui.shop.imports import ORDER_COLUMNS, order_rows
from shangdui.shop.models import Order, OrderLine, Shop
from shangdui.shop.reviews import reviews_import

DAYS = 90
PRODUCTS = [
    ("红玫瑰花束 11 枝", Decimal("139.00")), ("香槟玫瑰礼盒", Decimal("199.00")), ("向日葵花束", Decimal("89.00")),
    ("百合鲜花 5 枝", Decimal("69.90")), ("永生花玻璃罩", Decimal("259.00")),
    ("康乃馨花束（送妈妈）", Decimal("99.00")),
    ("办公室绿植 小盆栽", Decimal("39.90")), ("郁金香 10 枝", Decimal("119.00")), ("满天星干花", Decimal("49.90")),
    ("每周一花 月卡", Decimal("168.00")),
]
PLACES = [
    ("浙江省", "杭州市", "西湖区"), ("上海市", "上海市", "浦东新区"), ("广东省", "深圳市", "南山区"),
    ("北京市", "北京市", "朝阳区"), ("江苏省", "南京市", "鼓楼区"), ("四川省", "成都市", "武侯区"),
    ("湖北省", "武汉市", "洪山区"), ("山东省", "青岛市", "市南区"), ("福建省", "厦门市", "思明区"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林"
STATUS = {"taobao": ("交易成功", "交易关闭", "等待买家付款"), "jd": ("完成", "已取消", "等待付款"),
          "pdd": ("已签收", "已签收", "待支付"), "douyin": ("已完成", "已完成", "待支付")}
# daily order volume per platform; weekends and the 11.11 week sell more
VOLUME = {"taobao": 11, "jd": 7, "pdd": 8, "douyin": 6}


def _record(rng: random.Random, shop: Shop, number: int, day: dt.date) -> OrderRecord:
    tz = timezone.get_current_timezone()
    placed = dt.datetime.combine(day, dt.time(rng.randint(8, 23), rng.randint(0, 59)), tz)
    success, closed, unpaid = STATUS[shop.platform]
    paid = rng.random() > 0.06
    lines = []
    for position, (title, price) in enumerate(rng.sample(PRODUCTS, 1 if rng.random() < 0.8 else 2)):
        quantity = 1 if rng.random() < 0.85 else 2
        discount = Decimal(rng.choice([0, 0, 0, 5, 10, 20]))
        lines.append(LineRecord(product_id=f"P{PRODUCTS.index((title, price)) + 1001}", sku=f"SKU-{position}",
                                title=title, quantity=quantity, price=price,
                                amount=max(price * quantity - discount, Decimal("1.00"))))
    amount = sum((line.amount for line in lines), Decimal("0.00"))
    province, city, district = rng.choice(PLACES)
    refunded = paid and rng.random() < 0.07
    partial = paid and not refunded and rng.random() < 0.03
    encrypted = shop.platform == "douyin"
    name = rng.choice(SURNAMES) + "**"
    phone = f"1{rng.randint(30, 99)}****{rng.randint(1000, 9999)}"
    record = OrderRecord(
        platform=shop.platform, order_id=f"{shop.pk:02d}{day:%y%m%d}{number:05d}",
        status=(closed if refunded else success) if paid else unpaid,
        created_at=placed, paid_at=placed + dt.timedelta(minutes=rng.randint(0, 20)) if paid else None,
        paid_amount=amount, refunded=refunded,
        refund_amount=amount if refunded else (Decimal("10.00") if partial else Decimal("0.00")),
        shipping_fee=Decimal("0.00"), buyer_nick=f"buyer_{rng.randint(10000, 99999)}",
        receiver_name=f"##{rng.getrandbits(48):012x}##" if encrypted else name,
        receiver_phone=f"$${rng.getrandbits(40):010x}$$" if encrypted else phone,
        receiver_address=f"{province}{city}{district}某某路{rng.randint(1, 300)}号", province=province, city=city,
        district=district, receiver_encrypted=encrypted, phone_masked=not encrypted, lines=lines)
    return record


@transaction.atomic
def demo_orders(*, organization: Organization, shops: list[Shop], seed: int = 2026) -> int:
    """Create the demo orders once (nothing happens if the organization already has orders)."""
    if Order.objects.filter(organization=organization).exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    names = [name for name, _ in ORDER_COLUMNS]
    orders: list[Order] = []
    pending_lines: list[list[tuple[object, ...]]] = []
    for shop in shops:
        if shop.platform not in VOLUME:
            continue
        for offset in range(DAYS, -1, -1):
            day = today - dt.timedelta(days=offset)
            boost = 1.4 if day.weekday() >= 5 else 1.0
            if day.month == 11 and 8 <= day.day <= 11:
                boost *= 3
            count = max(0, int(rng.gauss(VOLUME[shop.platform] * boost * (0.8 + 0.4 * (DAYS - offset) / DAYS), 3)))
            for number in range(count):
                row, lines = order_rows(_record(rng, shop, number, day), shop.pk, today)
                order = Order(organization=organization, shop=shop, platform=shop.platform,
                              **dict(zip(names, row, strict=True)))
                _logistics(rng, order, offset)
                orders.append(order)
                pending_lines.append(lines)
    Order.objects.bulk_create(orders, batch_size=1000)
    line_names = ["position", "line_id", "product_id", "sku", "title", "spec", "quantity", "price", "amount",
                  "refunded", "refund_amount", "after_sale_status"]
    OrderLine.objects.bulk_create(
        [OrderLine(order=order, **dict(zip(line_names, line[1:], strict=True)))
         for order, lines in zip(orders, pending_lines, strict=True) for line in lines], batch_size=2000)
    summaries.refresh(shop_ids=[s.pk for s in shops], start=today - dt.timedelta(days=DAYS), end=today)
    followups_generate(organization=organization)
    demo_reviews(organization=organization, shops=shops, rng=rng)
    return len(orders)


def demo_reviews(*, organization: Organization, shops: list[Shop], rng: random.Random) -> int:
    """About a third of delivered orders get a review (mostly good), written as each platform's review
    export and imported through the real importer, so agents are credited as for an uploaded file."""
    now = timezone.now()
    header = ["订单编号", "宝贝名称", "评价", "评价内容", "评价时间"]
    texts = {"好评": ("花很新鲜，包装精美", "送人很有面子，下次还来", "物流快，花开得很好"),
             "中评": ("花还可以，就是有点小", "包装一般"), "差评": ("花到的时候有点蔫了", "和图片差别较大")}
    total = 0
    for shop in shops:
        delivered = Order.objects.filter(shop=shop, delivered_at__isnull=False).order_by("pk")
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        for order in delivered.prefetch_related("lines"):
            if rng.random() > 0.35 or order.delivered_at is None:
                continue
            reviewed_at = order.delivered_at + dt.timedelta(hours=rng.randint(6, 96))
            if reviewed_at > now:
                continue
            roll = rng.random()
            rating = "好评" if roll < 0.86 else "中评" if roll < 0.95 else "差评"
            title = next(iter(order.lines.all())).title if order.lines.all() else ""
            writer.writerow([order.order_id, title, rating, rng.choice(texts[rating]),
                             timezone.localtime(reviewed_at).strftime("%Y-%m-%d %H:%M:%S")])
        total += reviews_import(organization=organization, shop=shop,
                                source=io.BytesIO(buffer.getvalue().encode()), file_name="demo")["reviews"]
    return total


CARRIERS = ("sf", "zto", "yto", "yunda")


def _logistics(rng: random.Random, order: Order, age_days: int) -> None:
    """Paid orders older than two days were shipped; most older than six were delivered; a few recent
    ones are in after-sales, so the follow-up queue has all three kinds of work."""
    if order.paid_at is None or order.refunded:
        return
    if age_days <= 3 and rng.random() < 0.03:
        order.after_sale_status = "退款中"
    if age_days < 2 or order.receiver_encrypted and age_days < 4:
        return
    order.shipped_at = order.paid_at + dt.timedelta(hours=rng.randint(6, 30))
    order.carrier = rng.choice(CARRIERS)
    order.tracking_no = f"{order.carrier.upper()}{rng.randint(10**11, 10**12 - 1)}"
    if age_days > 6 and rng.random() < 0.97:
        order.delivered_at = order.shipped_at + dt.timedelta(days=rng.randint(1, 4))
