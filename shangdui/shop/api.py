"""API of the shop app: shops, orders, sales figures, order imports. Same access rules as the pages
(``shop.access``/``shop.selectors.shops_visible``): another organization's shop is a 404."""


from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from shangdui.core.jobs import job_enqueue
from shangdui.org.access import refuse
from shangdui.org.models import Member
from shangdui.shop import access, attribution, selectors, services
from shangdui.shop.importers import ImportFileError
from shangdui.shop.importers.mapping import (
    DEFAULT_REFUND_VALUES,
    MAPPABLE_FIELDS,
    REQUIRED_FIELDS,
    clean_mapping,
    field_label,
)
from shangdui.shop.models import ImportBatch, Order, Shop
from shangdui.shop.reviews import review_summary

router = Router(tags=["shop"])


def _viewer(request: HttpRequest) -> Member:
    return request.auth  # type: ignore[attr-defined,no-any-return]


class ShopOut(Schema):
    id: int
    name: str
    platform: str
    department_id: int | None


class OrderOut(Schema):
    id: int
    shop_id: int
    platform: str
    order_id: str
    status: str
    after_sale_status: str
    created_at: datetime | None
    paid_at: datetime | None
    order_date: date
    paid_amount: Decimal
    refund_amount: Decimal
    refunded: bool
    shipping_fee: Decimal
    receiver_name: str | None
    receiver_phone: str | None
    province: str
    city: str
    district: str
    receiver_encrypted: bool
    phone_masked: bool
    carrier: str
    tracking_no: str
    salesperson_id: int | None

    @staticmethod
    def resolve_receiver_name(obj: Order) -> str | None:
        # Platform-encrypted receivers (Douyin ##…##) are never passed on as if they were plain text.
        return None if obj.receiver_encrypted else obj.receiver_name

    @staticmethod
    def resolve_receiver_phone(obj: Order) -> str | None:
        return None if obj.receiver_encrypted else obj.receiver_phone


class FiguresOut(Schema):
    orders: int
    paid_orders: int
    paid_gmv: str
    refunds: str
    net_sales: str
    average_order_value: str
    refund_rate: str


class ImportOut(Schema):
    id: int
    shop_id: int
    file_name: str
    platform: str
    job_id: int | None
    created_at: datetime
    result: dict[str, Any]


@router.get("/shops", response=list[ShopOut], summary="店铺列表（可见的店铺）")
def shop_list(request: HttpRequest) -> list[Any]:
    return list(selectors.shops_visible(_viewer(request)))


@router.get("/shops/{shop_id}", response=ShopOut, summary="店铺详情")
def shop_detail(request: HttpRequest, shop_id: int) -> Any:
    return access.get_shop_for_user(_viewer(request), shop_id, request=request)


def _shop_ids(request: HttpRequest, shop_id: int | None) -> list[int]:
    viewer = _viewer(request)
    if shop_id is not None:
        return [access.get_shop_for_user(viewer, shop_id, request=request).pk]
    return list(selectors.shops_visible(viewer).values_list("id", flat=True))


@router.get("/orders", response=list[OrderOut], summary="订单列表（按店铺、平台、日期、是否付款筛选）")
@paginate(PageNumberPagination, page_size=50)
def order_list(request: HttpRequest, shop_id: int | None = None, platform: str = "",  # type: ignore[no-untyped-def]
               date_from: date | None = None, date_to: date | None = None, paid: bool | None = None,
               order_id: str = ""):
    orders = selectors.orders_in(organization_id=_viewer(request).organization_id,
                                 shop_ids=_shop_ids(request, shop_id), platform=platform[:16],
                                 start=date_from, end=date_to)
    if paid is not None:
        orders = orders.filter(paid_at__isnull=not paid)
    if order_id:
        orders = orders.filter(order_id=order_id[:64])
    return orders.order_by("-order_date", "-id")


@router.get("/sales-figures", response=FiguresOut,
            summary="销售汇总：订单数、付款订单数、付款金额、退款、净销售额、客单价、退款率（%）")
def sales_figures(request: HttpRequest, shop_id: int | None = None, platform: str = "",
                  date_from: date | None = None, date_to: date | None = None) -> dict[str, Any]:
    figures = selectors.sales_figures(selectors.orders_in(
        organization_id=_viewer(request).organization_id, shop_ids=_shop_ids(request, shop_id),
        platform=platform[:16], start=date_from, end=date_to))
    return {**selectors.figures_json(figures), "average_order_value": f"{figures['average_order_value']:.2f}",
            "refund_rate": f"{figures['refund_rate']:.1f}"}


@router.get("/shops/{shop_id}/imports", response=list[ImportOut], summary="店铺的订单导入记录")
@paginate(PageNumberPagination, page_size=50)
def import_list(request: HttpRequest, shop_id: int):  # type: ignore[no-untyped-def]
    shop = access.get_shop_for_user(_viewer(request), shop_id, request=request)
    return ImportBatch.objects.filter(organization_id=shop.organization_id, shop=shop).order_by("-created_at")


class ImportJobOut(Schema):
    job_id: int
    status: str


@router.post("/shops/{shop_id}/imports", response={201: ImportJobOut},
             summary="上传订单导出文件并在后台导入（multipart：file，platform 可选 auto/taobao/jd/pdd/douyin）；"
                     "用 GET /api/jobs/{job_id} 查看进度和结果")
def import_create(request: HttpRequest, shop_id: int, file: File[UploadedFile],
                  platform: Form[str] = "auto") -> Status[ImportJobOut]:
    viewer = _viewer(request)
    shop = access.get_shop_importable_for_user(viewer, shop_id, request=request)
    if platform not in ("auto", "taobao", "jd", "pdd", "douyin"):
        raise HttpError(422, "platform 只能是 auto、taobao、jd、pdd 或 douyin。")
    name = file.name or "orders"
    if not name.lower().endswith((".csv", ".xlsx", ".txt")):
        raise HttpError(422, "不支持的文件类型：请上传 .csv 或 .xlsx。")
    job = job_enqueue(organization=viewer.organization, kind="shop.import_orders", created_by=request.user,
                      title=f"导入订单到 {shop.name}：{name}",
                      params={"shop_id": shop.pk, "platform": platform, "file_name": name}, input_file=file)
    return Status(201, ImportJobOut(job_id=job.pk, status=job.status))


# --- column mapping (generic platform), reviews, salesperson -----------------------------------------------------


class MappingOut(Schema):
    shop_id: int
    platform: str
    columns: dict[str, str]
    amounts: str
    refund_values: list[str]
    header: list[str]
    fields: list[dict[str, Any]]


class MappingIn(Schema):
    header: list[str]
    columns: dict[str, str]
    amounts: str = "order"
    refund_values: list[str] = list(DEFAULT_REFUND_VALUES)


def _mapping_out(shop: Shop) -> dict[str, Any]:
    saved = shop.column_mapping or {}
    return {"shop_id": shop.pk, "platform": shop.platform, "columns": saved.get("columns", {}),
            "amounts": saved.get("amounts", "order"), "refund_values": saved.get("refund_values", []),
            "header": saved.get("header", []),
            "fields": [{"name": n, "label": field_label(n), "required": n in REQUIRED_FIELDS} for n in MAPPABLE_FIELDS]}


@router.get("/shops/{shop_id}/mapping", response=MappingOut, summary="其他平台店铺的列映射（字段 → 文件中的列名）")
def mapping_detail(request: HttpRequest, shop_id: int) -> dict[str, Any]:
    return _mapping_out(access.get_shop_for_user(_viewer(request), shop_id, request=request))


@router.put("/shops/{shop_id}/mapping", response=MappingOut,
            summary="保存列映射（主管、总监）：header 为样例文件的表头，columns 为 字段 → 列名；"
                    "order_id、paid_at、paid_amount 必填")
def mapping_update(request: HttpRequest, shop_id: int, payload: MappingIn) -> dict[str, Any]:
    viewer = _viewer(request)
    shop = access.get_shop_manageable_for_user(viewer, shop_id, request=request)
    try:
        mapping = clean_mapping(payload.header, payload.columns, amounts=payload.amounts,
                                refund_values=payload.refund_values)
        services.shop_mapping_save(actor=viewer, shop=shop, mapping=mapping, request=request)
    except ImportFileError as exc:
        raise HttpError(422, exc.message) from exc
    except ValidationError as exc:
        raise HttpError(422, " ".join(exc.messages)) from exc
    return _mapping_out(shop)


class ReviewCountsOut(Schema):
    good: int
    neutral: int
    bad: int
    total: int
    good_rate: float


class ReviewRowOut(ReviewCountsOut):
    key: int | str | None
    name: str | None


class ReviewSummaryOut(Schema):
    date_from: date
    date_to: date
    totals: ReviewCountsOut
    by_shop: list[ReviewRowOut]
    by_product: list[ReviewRowOut]
    by_agent: list[ReviewRowOut]


@router.get("/reviews", response=ReviewSummaryOut,
            summary="好评/中评/差评数：合计、按店铺、按商品（前 50）、按客服；日期默认最近 30 天")
def review_list(request: HttpRequest, shop_id: int | None = None, date_from: date | None = None,
                date_to: date | None = None) -> dict[str, Any]:
    end = date_to or timezone.localdate()
    start = date_from or end - timedelta(days=29)
    data = review_summary(organization_id=_viewer(request).organization_id, shop_ids=_shop_ids(request, shop_id),
                          start=min(start, end), end=max(start, end))

    def rows(items: list[dict[str, Any]], key: str, name: str) -> list[dict[str, Any]]:
        return [{**row, "key": row[key], "name": row[name]} for row in items]

    return {"date_from": min(start, end), "date_to": max(start, end), "totals": data["totals"],
            "by_shop": rows(data["by_shop"], "shop_id", "shop__name"),
            "by_product": rows(data["by_product"], "product", "product"),
            "by_agent": rows(data["by_agent"], "agent_id", "agent__name")}


@router.post("/shops/{shop_id}/reviews/imports", response={201: ImportJobOut},
             summary="上传评价导出文件并在后台导入（multipart：file）；用 GET /api/jobs/{job_id} 查看进度和结果")
def review_import_create(request: HttpRequest, shop_id: int, file: File[UploadedFile]) -> Status[ImportJobOut]:
    viewer = _viewer(request)
    shop = access.get_shop_importable_for_user(viewer, shop_id, request=request)
    name = file.name or "reviews"
    if not name.lower().endswith((".csv", ".xlsx", ".txt")):
        raise HttpError(422, "不支持的文件类型：请上传 .csv 或 .xlsx。")
    job = job_enqueue(organization=viewer.organization, kind="shop.import_reviews", created_by=request.user,
                      title=f"导入评价到 {shop.name}：{name}", params={"shop_id": shop.pk, "file_name": name},
                      input_file=file)
    return Status(201, ImportJobOut(job_id=job.pk, status=job.status))


class SalespersonIn(Schema):
    member_id: int | None


@router.put("/orders/{order_pk}/salesperson", response=OrderOut,
            summary="设置订单的业务员（主管、总监；member_id 为 null 表示清除），记入审计日志")
def order_salesperson(request: HttpRequest, order_pk: int, payload: SalespersonIn) -> Any:
    viewer = _viewer(request)
    order = access.get_order_for_user(viewer, order_pk, request=request)
    if not attribution.can_set_salesperson(viewer):
        raise refuse(viewer, what="order salesperson", object_id=order_pk, request=request)
    member = None
    if payload.member_id is not None:
        member = Member.objects.filter(organization_id=viewer.organization_id, pk=payload.member_id).first()
        if member is None:
            raise HttpError(422, "成员不存在。")
    return attribution.order_salesperson_set(actor=viewer, order=order, salesperson=member, request=request)
