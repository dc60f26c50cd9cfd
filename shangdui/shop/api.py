"""API of the shop app: shops, orders, sales figures, order imports. Same access rules as the pages
(``shop.access``/``shop.selectors.shops_visible``): another organization's shop is a 404."""


from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from shangdui.core.jobs import job_enqueue
from shangdui.org.models import Member
from shangdui.shop import access, selectors
from shangdui.shop.models import ImportBatch, Order

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
