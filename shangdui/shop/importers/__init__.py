"""Platform order-export import: pure Python, no Django models.

Public API::

    iter_orders(source, platform="auto", mapping=None, *, info=None, tz=CHINA_TZ)
        -> Iterator[OrderRecord | RowError]      # source: path or binary file object, CSV or XLSX
    detect_platform(source) -> "taobao" | "jd" | "pdd" | "douyin"   # rewinds a file object
    compute_figures(records) -> Figures          # or Figures().add(record) while streaming
    Figures.as_dict() -> {orders, paid_orders, paid_gmv, refunds, net_sales}  # amounts "0.00"
    mapping_layout(columns, *, platform, amounts, refund_field, refund_values) -> Layout
    split_address(text) -> AddressParts(province, city, district, street)
    escape_cell(value) / escape_row(values)      # formula-injection guard for exports

A whole-file problem raises ``ImportFileError`` (Chinese ``message``); a bad
row is yielded as ``RowError(row, message)`` and the other rows carry on.
Counting rules: ``docs/formats.md``.
"""

from shangdui.core.spreadsheet import escape_cell, escape_row

from .address import AddressParts, split_address
from .figures import Figures, compute_figures
from .layouts import LAYOUTS, PLATFORM_LABELS, Layout, detect_layout, mapping_layout
from .orders import detect_platform, iter_orders, resolve_layout
from .reading import FileInfo, iter_rows
from .records import ImportFileError, OrderLine, OrderRecord, RowError

__all__ = [
    "LAYOUTS",
    "PLATFORM_LABELS",
    "AddressParts",
    "FileInfo",
    "Figures",
    "ImportFileError",
    "Layout",
    "OrderLine",
    "OrderRecord",
    "RowError",
    "compute_figures",
    "detect_layout",
    "detect_platform",
    "escape_cell",
    "escape_row",
    "iter_orders",
    "iter_rows",
    "mapping_layout",
    "resolve_layout",
    "split_address",
]
