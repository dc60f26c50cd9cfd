"""Sales figures over imported orders (counting rules: docs/formats.md)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .records import ZERO, OrderRecord, RowError


@dataclass(slots=True)
class Figures:
    """orders, paid orders, paid GMV, refunds and net sales; Decimal, cent-exact.

    Use ``add`` to accumulate while streaming, so no list of records is needed.
    """

    orders: int = 0
    paid_orders: int = 0
    paid_gmv: Decimal = ZERO
    refunds: Decimal = ZERO

    @property
    def net_sales(self) -> Decimal:
        return self.paid_gmv - self.refunds

    def add(self, record: OrderRecord) -> None:
        self.orders += 1
        if record.is_paid:
            self.paid_orders += 1
            self.paid_gmv += record.paid_amount
            self.refunds += record.refund_amount

    def as_dict(self) -> dict[str, int | str]:
        """JSON-ready: counts as ints, amounts as strings with two decimals."""
        return {
            "orders": self.orders,
            "paid_orders": self.paid_orders,
            "paid_gmv": f"{self.paid_gmv:.2f}",
            "refunds": f"{self.refunds:.2f}",
            "net_sales": f"{self.net_sales:.2f}",
        }


def compute_figures(records: Iterable[OrderRecord | RowError]) -> Figures:
    """Figures over ``records`` (``RowError`` items are skipped).

    - an order is paid when its payment time is filled in;
    - paid GMV sums ``paid_amount`` over paid orders;
    - refunds sum ``refund_amount`` over paid orders (the importer already
      applied the platform's full-refund rule or the 退款金额 column);
    - net sales = paid GMV − refunds.
    """
    figures = Figures()
    for record in records:
        if isinstance(record, OrderRecord):
            figures.add(record)
    return figures
