"""API authentication: the browser session (with CSRF) or a personal bearer token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from shangdui.core.models import ApiToken
from shangdui.org.models import Member


def _member_for(user: Any) -> Member | None:
    if user is None or not user.is_active:
        return None
    return Member.objects.select_related("organization", "user").filter(user=user, is_active=True).first()


class SessionMemberAuth(APIKeyCookie):
    """Django session cookie; CSRF is enforced for unsafe methods (ninja's APIKeyCookie does it)."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        key = request.COOKIES.get(self.param_name)
        if key and request.user.is_authenticated and check_csrf(request):
            raise HttpError(403, "CSRF 校验失败：请刷新页面后重试，或改用 API 令牌。")
        return key

    def authenticate(self, request: HttpRequest, key: str | None) -> Member | None:
        if not request.user.is_authenticated:
            return None
        return _member_for(request.user)


class TokenMemberAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Member | None:
        record = ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(token)).first()
        if record is None:
            return None
        member = _member_for(record.user)
        if member is None:
            return None
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
        request.user = record.user
        return member
