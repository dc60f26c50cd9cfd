"""Shops on the e-commerce platforms and their imported orders."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class Shop(models.Model):
    class Platform(models.TextChoices):
        TAOBAO = "taobao", _("Taobao/Tmall")
        JD = "jd", _("JD")
        PDD = "pdd", _("Pinduoduo")
        DOUYIN = "douyin", _("Douyin shop")
        OTHER = "other", _("Other")

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="shops")
    name = models.CharField(_("name"), max_length=80)
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    department = models.ForeignKey(
        "org.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shops",
        verbose_name=_("responsible department"),
    )
    # 寄件人 on waybill sheets and labels; empty means the organization's name with no phone or address.
    sender_name = models.CharField(_("sender name"), max_length=60, blank=True)
    sender_phone = models.CharField(_("sender phone"), max_length=32, blank=True)
    sender_address = models.CharField(_("sender address"), max_length=255, blank=True)
    # Generic platform ("other"): canonical field -> header of the shop's export (see importers/mapping.py).
    column_mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["platform", "name"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="shop_unique_name")]

    def __str__(self) -> str:
        return self.name


class ImportBatch(models.Model):
    """One imported file: who, when, what came of it. Orders point at the batch that last changed them."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="order_imports")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="imports", verbose_name=_("shop"))
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    platform = models.CharField(_("platform"), max_length=16, choices=Shop.Platform.choices)
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("order import")
        verbose_name_plural = _("order imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.shop} · {self.file_name}"


class Order(models.Model):
    """One platform order. Unique per (organization, platform, order id): a re-import updates it in place.

    ``order_date`` is the China-time date the order counts on in dashboards: the payment date of a
    paid order, else the date it was placed (else the import date).
    """

    # organization and shop (and OrderLine.order) are kept by the application, not by per-row
    # foreign-key triggers: those cost a million-row import about 20 µs per order, almost half of
    # the database's work. The import locks the shop (FOR KEY SHARE) for its transaction and writes
    # lines from the ids its own INSERT returns; shops and organizations are never deleted by 商队,
    # and Django's on_delete still cascades. See docs/shop.md, "Order import".
    # No index of its own: order_unique_platform_id starts with it.
    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="orders",
                                     db_index=False, db_constraint=False)
    # No index of its own: order_shop_date (shop, order_date) starts with it.
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="orders", verbose_name=_("shop"),
                             db_index=False, db_constraint=False)
    platform = models.CharField(_("platform"), max_length=16, choices=Shop.Platform.choices)
    order_id = models.CharField(_("order number"), max_length=64)
    status = models.CharField(_("order status"), max_length=64, blank=True)
    after_sale_status = models.CharField(_("after-sales status"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("placed at"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    order_date = models.DateField(_("date"))
    paid_amount = models.DecimalField(_("paid amount"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    refund_amount = models.DecimalField(_("refund"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    refunded = models.BooleanField(_("refunded in full"), default=False)
    shipping_fee = models.DecimalField(_("shipping fee"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    buyer_nick = models.CharField(_("buyer"), max_length=128, blank=True)
    receiver_name = models.CharField(_("receiver"), max_length=255, blank=True)
    receiver_phone = models.CharField(_("receiver phone"), max_length=255, blank=True)
    receiver_address = models.TextField(_("receiver address"), blank=True)
    province = models.CharField(_("province"), max_length=32, blank=True)
    city = models.CharField(_("city"), max_length=32, blank=True)
    district = models.CharField(_("district"), max_length=32, blank=True)
    receiver_encrypted = models.BooleanField(_("receiver encrypted by the platform"), default=False)
    phone_masked = models.BooleanField(_("phone masked"), default=False)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    carrier = models.CharField(_("carrier"), max_length=32, blank=True)
    tracking_no = models.CharField(_("tracking number"), max_length=64, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    # Who sold it (own-order commission, goals). Set by a mapped salesperson column or by a manager;
    # platform imports never touch it, so a re-import keeps it.
    # Indexed only where set (order_salesperson): imported orders have none.
    salesperson = models.ForeignKey("org.Member", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="attributed_orders", verbose_name=_("salesperson"),
                                    db_index=False)
    fingerprint = models.CharField(max_length=32, blank=True)
    # Provenance only (the import that last wrote the order): no index and no database-level
    # constraint, so a million-row import does not pay a foreign-key check per order; deleting an
    # ImportBatch goes through Django, which sets this to NULL (docs/shop.md, "Order import").
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              db_index=False, db_constraint=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-order_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "platform", "order_id"], name="order_unique_platform_id"),
            models.CheckConstraint(condition=models.Q(refund_amount__lte=models.F("paid_amount")),
                                   name="order_refund_within_paid"),
        ]
        # Few indexes on purpose: each one costs every imported order an index insert. The only one
        # that starts with organization is the unique key, so the import's per-order lookup cannot
        # be planned on another one (statistics are stale inside a big import). Lists and pay
        # periods go by date (a self-hosted install has one or a few organizations).
        indexes = [
            models.Index(fields=["shop", "order_date"], name="order_shop_date"),
            models.Index(fields=["order_date", "organization"], name="order_date_org"),
            models.Index(fields=["salesperson"], name="order_salesperson",
                         condition=models.Q(salesperson__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.order_id}"

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None


class OrderLine(models.Model):
    """A product line of an order (a JD line, a Douyin sub-order; Taobao's order report has one)."""

    # No index of its own: orderline_unique_position (order, position) starts with it. No
    # database-level constraint either: see Order.organization.
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", db_index=False,
                              db_constraint=False)
    position = models.PositiveSmallIntegerField(default=0)
    line_id = models.CharField(_("sub-order number"), max_length=64, blank=True)
    product_id = models.CharField(_("product ID"), max_length=64, blank=True)
    sku = models.CharField(_("SKU"), max_length=128, blank=True)
    title = models.CharField(_("product"), max_length=255, blank=True)
    spec = models.CharField(_("specification"), max_length=255, blank=True)
    quantity = models.IntegerField(_("quantity"), default=1)
    price = models.DecimalField(_("unit price"), max_digits=14, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    refunded = models.BooleanField(_("refunded"), default=False)
    refund_amount = models.DecimalField(_("refund"), max_digits=14, decimal_places=2, default=Decimal("0.00"))
    after_sale_status = models.CharField(_("after-sales status"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "position"]
        constraints = [models.UniqueConstraint(fields=["order", "position"], name="orderline_unique_position")]

    def __str__(self) -> str:
        return self.title or self.sku or self.product_id


class Carrier(models.TextChoices):
    SF = "sf", _("SF Express")
    ZTO = "zto", _("ZTO Express")
    YTO = "yto", _("YTO Express")
    YUNDA = "yunda", _("Yunda Express")


class ShippingBatch(models.Model):
    """Paid, unshipped orders gathered to be packed and handed to one carrier."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="shipping_batches")
    shop = models.ForeignKey(Shop, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name=_("shop"))
    carrier = models.CharField(_("carrier"), max_length=16, choices=Carrier.choices)
    created_by = models.ForeignKey("org.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("shipping batch")
        verbose_name_plural = _("shipping batches")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_carrier_display()} #{self.pk}"


class Waybill(models.Model):
    """One order of a shipping batch: its parcel, packer and, once imported back, tracking number."""

    batch = models.ForeignKey(ShippingBatch, on_delete=models.CASCADE, related_name="waybills")
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="waybill", verbose_name=_("order"))
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=8, decimal_places=2, null=True, blank=True)
    packer = models.ForeignKey("org.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("packer"))
    packed_at = models.DateTimeField(_("packed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("waybill")
        verbose_name_plural = _("waybills")
        ordering = ["batch", "id"]

    def __str__(self) -> str:
        return f"{self.batch} · {self.order.order_id}"


class SalesDay(models.Model):
    """Figures of one shop on one day, kept by the import (``summaries.refresh``) so dashboards read
    a few hundred rows instead of aggregating millions of orders."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    platform = models.CharField(max_length=16, choices=Shop.Platform.choices)
    day = models.DateField()
    orders = models.IntegerField(default=0)
    paid_orders = models.IntegerField(default=0)
    paid_gmv = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0.00"))
    refunds = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0.00"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shop", "platform", "day"], name="salesday_unique")]
        indexes = [models.Index(fields=["organization", "day"], name="salesday_org_day")]

    def __str__(self) -> str:
        return f"{self.shop_id} {self.day}"


class ProductDay(models.Model):
    """Sales of one product (by title) of one shop on one day, over paid orders."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    platform = models.CharField(max_length=16, choices=Shop.Platform.choices)
    day = models.DateField()
    title = models.CharField(max_length=255)
    quantity = models.IntegerField(default=0)
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0.00"))
    orders = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["shop", "platform", "day", "title"], name="productday_unique")]
        indexes = [models.Index(fields=["organization", "day"], name="productday_org_day")]

    def __str__(self) -> str:
        return f"{self.shop_id} {self.day} {self.title}"


class FollowUp(models.Model):
    """Customer-service work created from an order: care while in transit, a review request after
    delivery, or after-sales handling with a response deadline. One per (order, kind)."""

    class Kind(models.TextChoices):
        CARE = "care", _("In-transit care")
        REVIEW = "review", _("Ask for a review")
        AFTER_SALE = "after_sale", _("After-sales")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("order"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    due_at = models.DateTimeField(_("due"))
    assignee = models.ForeignKey("org.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("assignee"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["order", "kind"], name="followup_unique_order_kind")]
        indexes = [models.Index(fields=["organization", "status", "due_at"], name="followup_queue")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.order.order_id}"


class CarrierCharge(models.Model):
    """One line of a carrier's bill (物流账单): what a parcel was billed, matched to its order by
    tracking number. Unique per (organization, carrier, tracking number): a re-import updates it."""

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    carrier = models.CharField(_("carrier"), max_length=16, choices=Carrier.choices)
    tracking_no = models.CharField(_("tracking number"), max_length=64)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="charges",
                              verbose_name=_("order"))
    weight_kg = models.DecimalField(_("billed weight (kg)"), max_digits=8, decimal_places=2)
    fee = models.DecimalField(_("freight"), max_digits=10, decimal_places=2)
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        verbose_name = _("carrier charge")
        verbose_name_plural = _("carrier charges")
        constraints = [models.UniqueConstraint(fields=["organization", "carrier", "tracking_no"],
                                               name="carriercharge_unique")]
        indexes = [models.Index(fields=["organization", "carrier"], name="carriercharge_org")]

    def __str__(self) -> str:
        return f"{self.get_carrier_display()} {self.tracking_no}"


class Review(models.Model):
    """A buyer's review (评价) of a product, from a platform's review export. Unique per shop and
    platform review id, or, where the export has none, per shop, order number and product: a
    re-import updates it in place. ``review_date`` is the China-time date it counts on."""

    class Rating(models.TextChoices):
        GOOD = "good", _("Good review")
        NEUTRAL = "neutral", _("Neutral review")
        BAD = "bad", _("Bad review")

    organization = models.ForeignKey("org.Organization", on_delete=models.CASCADE, related_name="+")
    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("shop"))
    review_id = models.CharField(_("review ID"), max_length=64, blank=True)
    order_number = models.CharField(_("order number"), max_length=64, blank=True)
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="reviews",
                              verbose_name=_("order"))
    product = models.CharField(_("product"), max_length=255, blank=True)
    rating = models.CharField(_("rating"), max_length=8, choices=Rating.choices)
    content = models.TextField(_("review text"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_date = models.DateField(_("date"))
    agent_name = models.CharField(_("customer service in the export"), max_length=64, blank=True)
    agent = models.ForeignKey("org.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("agent"))
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-review_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["shop", "review_id"], condition=~models.Q(review_id=""),
                                    name="review_unique_platform_id"),
            models.UniqueConstraint(fields=["shop", "order_number", "product"], condition=models.Q(review_id=""),
                                    name="review_unique_order_product"),
            models.CheckConstraint(condition=~models.Q(review_id="") | ~models.Q(order_number=""),
                                   name="review_has_id_or_order"),
        ]
        indexes = [models.Index(fields=["organization", "review_date"], name="review_org_date")]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} {self.order_number or self.review_id}"
