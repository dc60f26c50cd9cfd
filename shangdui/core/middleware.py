from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject


def _member_of(request: HttpRequest):  # type: ignore[no-untyped-def]
    from shangdui.org.models import Member

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return (
        Member.objects.select_related("organization", "department", "user")
        .filter(user=user, is_active=True)
        .first()
    )


class CurrentMemberMiddleware:
    """Attach ``request.member`` (the logged-in user's Member, or None), evaluated lazily."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.member = SimpleLazyObject(lambda: _member_of(request))  # type: ignore[attr-defined]
        return self.get_response(request)
