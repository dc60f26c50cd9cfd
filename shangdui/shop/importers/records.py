"""Normalised output of the order importers: plain dataclasses, no Django."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from shangdui.core.uploads import ImportFileError

__all__ = ["ZERO", "ImportFileError", "OrderLine", "OrderRecord", "RowError"]

ZERO = Decimal("0.00")


@dataclass(slots=True)
class OrderLine:
    """One product line of an order (a JD order line, a Douyin sub-order...)."""

    product_id: str = ""
    sku: str = ""
    title: str = ""
    spec: str = ""
    quantity: int = 1
    price: Decimal | None = None
    amount: Decimal = ZERO
    after_sale_status: str = ""
    line_id: str = ""
    refunded: bool = False
    refund_amount: Decimal = ZERO


@dataclass(slots=True)
class OrderRecord:
    """One order, whatever the platform layout.

    Amounts are ``Decimal`` with two places.  ``paid_at`` is ``None`` for an
    unpaid order.  ``refund_amount`` already applies the platform's refund rule
    (see ``docs/formats.md``), so figures are plain sums over records.
    """

    platform: str
    order_id: str
    status: str = ""
    created_at: datetime | None = None
    paid_at: datetime | None = None
    paid_amount: Decimal = ZERO
    refund_amount: Decimal = ZERO
    refunded: bool = False
    shipping_fee: Decimal = ZERO
    buyer_nick: str = ""
    receiver_name: str = ""
    receiver_phone: str = ""
    receiver_address: str = ""
    receiver_encrypted: bool = False
    phone_masked: bool = False
    province: str = ""
    city: str = ""
    district: str = ""
    after_sale_status: str = ""
    salesperson: str = ""  # only from a mapped column (generic platform): a member's name or username
    lines: list[OrderLine] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None


@dataclass(slots=True, frozen=True)
class RowError:
    """A row that was not imported; ``row`` is the 1-based line/row number in the file."""

    row: int
    message: str
