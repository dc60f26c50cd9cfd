"""Platform export layouts: which header means which field, and how rows make orders.

A ``Layout`` maps canonical field names to the header names a platform uses
(several aliases, first present wins; for a field whose value may be blank in
one column and filled in another, the first non-blank value wins).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .records import ImportFileError

# How a layout's amounts relate to rows:
ORDER = "order"  # one row per order (Taobao order report, Pinduoduo)
REPEATED = "repeated"  # one row per order line, order amounts repeated on each (JD): count once
LINES = "lines"  # one row per sub-order with its own amount (Douyin): sum over lines

FIELDS = (
    "order_id", "line_id", "status", "after_sale_status", "created_at", "paid_at",
    "paid_amount", "refund_amount", "shipping_fee", "buyer_nick",
    "receiver_name", "receiver_phone", "receiver_address", "province", "city", "district",
    "product_id", "sku", "title", "spec", "quantity", "price", "salesperson",
)  # fmt: skip

FIELD_LABELS = {
    "order_id": "订单号", "line_id": "子订单号", "status": "订单状态", "after_sale_status": "售后状态",
    "created_at": "下单时间", "paid_at": "付款时间", "paid_amount": "实付金额", "refund_amount": "退款金额",
    "shipping_fee": "运费", "buyer_nick": "买家昵称", "receiver_name": "收货人",
    "receiver_phone": "收货人电话",
    "receiver_address": "收货地址", "province": "省", "city": "市", "district": "区县",
    "product_id": "商品ID", "sku": "商家编码", "title": "商品名称", "spec": "商品规格",
    "quantity": "数量", "price": "单价", "salesperson": "业务员",
}  # fmt: skip

_COMMON = {
    "refund_amount": ("退款金额", "退款金额(元)"),
    "province": ("省", "省份", "收货省份", "收件省", "收货人省份"),
    "city": ("市", "城市", "收货城市", "收件市", "收货人城市"),
    "district": ("区", "区县", "县区", "收货区县", "收件区", "收货人区县"),
}


def normalise_header(name: object) -> str:
    """Header cell → comparable key: no BOM/blanks, ASCII parentheses, lower-case Latin."""
    text = str(name or "").replace("\ufeff", "").replace("（", "(").replace("）", ")")
    return "".join(text.split()).lower()


@dataclass(frozen=True)
class Layout:
    platform: str
    label: str
    columns: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]
    signature: tuple[str, ...] = ()
    amounts: str = ORDER
    refund_field: str = "status"
    refund_values: frozenset[str] = field(default_factory=frozenset)

    def resolve(self, header: Sequence[object]) -> dict[str, list[int]]:
        """Field → column indexes present in ``header`` (in alias order)."""
        positions: dict[str, int] = {}
        for index, name in enumerate(header):
            positions.setdefault(normalise_header(name), index)
        resolved: dict[str, list[int]] = {}
        for name, aliases in self.columns.items():
            found: list[int] = []
            for key in (normalise_header(a) for a in aliases):
                if key in positions and positions[key] not in found:
                    found.append(positions[key])
            if found:
                resolved[name] = found
        return resolved

    def missing(self, header: Sequence[object]) -> list[str]:
        """Header names of required fields absent from ``header``."""
        resolved = self.resolve(header)
        return [self.columns[name][0] for name in self.required if name not in resolved]

    def signature_hits(self, header: Sequence[object]) -> int:
        keys = {normalise_header(h) for h in header}
        return sum(normalise_header(s) in keys for s in self.signature)


def _layout(platform: str, label: str, columns: dict[str, tuple[str, ...]], **kwargs: object) -> Layout:
    merged = {**_COMMON, **columns}
    return Layout(platform=platform, label=label, columns=merged, **kwargs)  # type: ignore[arg-type]


TAOBAO = _layout(
    "taobao",
    "淘宝/天猫",
    {
        "order_id": ("订单编号", "订单号"),
        "status": ("订单状态",),
        "created_at": ("订单创建时间", "创建时间"),
        "paid_at": ("订单付款时间", "付款时间"),
        "paid_amount": ("买家实际支付金额", "实付金额"),
        "shipping_fee": ("买家应付邮费", "邮费"),
        "buyer_nick": ("买家会员名", "买家昵称"),
        "receiver_name": ("收货人姓名",),
        "receiver_phone": ("联系手机", "联系电话"),
        "receiver_address": ("收货地址",),
        "title": ("宝贝标题", "商品标题"),
        "quantity": ("宝贝总数量", "购买数量"),
        "sku": ("商家编码",),
    },
    required=("order_id", "status", "paid_at", "paid_amount"),
    signature=("订单编号", "买家会员名", "买家实际支付金额", "订单付款时间"),
    refund_field="status",
    refund_values=frozenset({"交易关闭"}),
)

JD = _layout(
    "jd",
    "京东",
    {
        "order_id": ("订单号", "订单编号"),
        "status": ("订单状态",),
        "created_at": ("下单时间",),
        "paid_at": ("付款确认时间", "付款时间"),
        "paid_amount": ("应付金额",),
        "shipping_fee": ("运费金额", "运费"),
        "buyer_nick": ("下单帐号", "下单账号"),
        "receiver_name": ("客户姓名", "收货人"),
        "receiver_phone": ("联系电话", "收货人电话"),
        "receiver_address": ("客户地址", "收货地址"),
        "product_id": ("商品ID", "商品编号", "sku"),
        "sku": ("货号", "商家SKU"),
        "title": ("商品名称",),
        "quantity": ("订购数量", "商品数量"),
        "price": ("京东价",),
    },
    required=("order_id", "status", "paid_at", "paid_amount"),
    signature=("订单号", "京东价", "应付金额", "付款确认时间"),
    amounts=REPEATED,
    refund_field="status",
    refund_values=frozenset({"已取消"}),
)

PDD = _layout(
    "pdd",
    "拼多多",
    {
        "order_id": ("订单号",),
        "status": ("订单状态",),
        "after_sale_status": ("售后状态",),
        "created_at": ("订单创建时间", "下单时间"),
        "paid_at": ("订单成交时间", "支付时间"),
        "paid_amount": ("用户实付金额(元)", "用户实付金额"),
        "shipping_fee": ("邮费(元)", "邮费"),
        "receiver_name": ("收货人",),
        "receiver_phone": ("手机", "收货人电话"),
        "receiver_address": ("收货地址", "详细地址"),
        "product_id": ("商品id", "商品ID"),
        "sku": ("商家编码-规格维度", "商家编码-商品维度"),
        "title": ("商品",),
        "spec": ("商品规格",),
        "quantity": ("商品数量(件)", "商品数量"),
    },
    required=("order_id", "paid_at", "paid_amount", "after_sale_status"),
    signature=("订单号", "用户实付金额(元)", "订单成交时间"),
    refund_field="after_sale_status",
    refund_values=frozenset({"退款成功"}),
)

DOUYIN = _layout(
    "douyin",
    "抖店",
    {
        "order_id": ("主订单编号",),
        "line_id": ("子订单编号",),
        "status": ("订单状态",),
        "after_sale_status": ("售后状态",),
        "created_at": ("订单提交时间", "下单时间"),
        "paid_at": ("支付完成时间", "支付时间"),
        "paid_amount": ("订单应付金额",),
        "shipping_fee": ("运费",),
        "buyer_nick": ("买家昵称",),
        "receiver_name": ("收件人",),
        "receiver_phone": ("收件人手机号", "收件人电话"),
        "receiver_address": ("详细地址", "收货地址"),
        "product_id": ("商品ID", "商品id"),
        "sku": ("商家编码",),
        "title": ("选购商品", "商品名称"),
        "spec": ("商品规格",),
        "quantity": ("商品数量",),
    },
    required=("order_id", "line_id", "paid_at", "paid_amount", "after_sale_status"),
    signature=("主订单编号", "子订单编号", "订单应付金额"),
    amounts=LINES,
    refund_field="after_sale_status",
    refund_values=frozenset({"退款成功"}),
)

LAYOUTS: dict[str, Layout] = {layout.platform: layout for layout in (TAOBAO, JD, PDD, DOUYIN)}
PLATFORM_LABELS = {name: layout.label for name, layout in LAYOUTS.items()}


def mapping_layout(
    columns: Mapping[str, str],
    *,
    platform: str = "other",
    amounts: str = ORDER,
    refund_field: str = "status",
    refund_values: Sequence[str] = ("退款成功", "交易关闭", "已退款"),
) -> Layout:
    """A layout from a user's one-time column mapping: ``{"order_id": "单号", ...}``.

    ``order_id``, ``paid_at`` and ``paid_amount`` must be mapped: an order is
    paid when its payment time is filled in, as for the built-in layouts.
    """
    unknown = sorted(set(columns) - set(FIELDS))
    if unknown:
        raise ImportFileError(f"列映射中有未知字段：{'、'.join(unknown)}")
    absent = [FIELD_LABELS[name] for name in ("order_id", "paid_at", "paid_amount") if not columns.get(name)]
    if absent:
        raise ImportFileError(f"列映射必须指定：{'、'.join(absent)}")
    if amounts not in (ORDER, REPEATED, LINES):
        raise ImportFileError(f"未知的金额口径：{amounts}")
    if refund_field not in ("status", "after_sale_status"):
        raise ImportFileError(f"未知的退款判断字段：{refund_field}")
    mapped = {name: (header,) for name, header in columns.items() if header}
    required = ("order_id", "paid_at", "paid_amount")
    return Layout(
        platform=platform,
        label="自定义列映射",
        columns=mapped,
        required=required,
        amounts=amounts,
        refund_field=refund_field,
        refund_values=frozenset(refund_values),
    )


def detect_layout(header: Sequence[object]) -> Layout:
    """The built-in layout whose signature columns the header carries.

    Raises ``ImportFileError`` naming the missing columns when the header looks
    like a platform's export but lacks a required column, or saying the layout
    is unknown.
    """

    def hits(layout: Layout) -> float:
        return layout.signature_hits(header) / len(layout.signature)

    scored = sorted(LAYOUTS.values(), key=hits, reverse=True)
    for layout in scored:
        if hits(layout) >= 0.5 and not layout.missing(header):
            return layout
    best = scored[0]
    if hits(best) >= 0.5:
        raise ImportFileError(f"看起来是{best.label}导出的订单文件，但缺少必需的列：{'、'.join(best.missing(header))}")
    raise ImportFileError(
        "无法识别订单文件格式：表头不是淘宝/天猫、京东、拼多多或抖店的订单导出格式。"
        "请选择平台，或为该店铺设置一次列映射。"
    )
