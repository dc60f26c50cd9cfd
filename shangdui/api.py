"""The REST API under /api/: one NinjaAPI mounting each app's router, one OpenAPI schema."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from shangdui.coaching.api import router as coaching_router
from shangdui.conversations.api import router as conversations_router
from shangdui.core.api import router as core_router
from shangdui.core.api_auth import SessionMemberAuth, TokenMemberAuth
from shangdui.core.api_errors import chinese_validation_errors
from shangdui.org.api import router as org_router
from shangdui.performance.api import router as performance_router
from shangdui.shop.api import router as shop_router
from shangdui.work.api import router as work_router

api = NinjaAPI(
    title="商队 API",
    version="1",
    description="商队 (Shangdui) REST API. 认证：浏览器会话（需 CSRF）或 `Authorization: Bearer <token>`"
    "（在“设置 → API 令牌”中创建）。访问规则与页面相同：其他组织的对象一律返回 404。",
    auth=[TokenMemberAuth(), SessionMemberAuth()],
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = chinese_validation_errors(exc.errors)
    message = "请求数据有误：" + "；".join(f"{e['field']}：{e['message']}" for e in errors)
    return api.create_response(request, {"message": message, "errors": errors}, status=422)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"message": "未登录或令牌无效。"}, status=401)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"message": "未找到。"}, status=404)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    if message.startswith("Cannot parse request body"):
        message = "请求体不是合法的 JSON。"
    body: dict[str, Any] = {"message": message}
    return api.create_response(request, body, status=exc.status_code)


api.add_router("/", core_router)
api.add_router("/", org_router)
api.add_router("/", work_router)
api.add_router("/", shop_router)
api.add_router("/", performance_router)
api.add_router("/", conversations_router)
api.add_router("/", coaching_router)
