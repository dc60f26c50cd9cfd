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


class LanguageMiddleware:
    """Simplified Chinese unless the user chose another language (cookie set by set_language).

    Django's LocaleMiddleware would follow the browser's Accept-Language; 商队 is Chinese-first,
    so a browser set to English still gets Chinese until the user switches.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary = response.headers.get("Vary", "")
        if "Cookie" not in patch_vary:
            response.headers["Vary"] = f"{patch_vary}, Cookie" if patch_vary else "Cookie"
        translation.deactivate()
        return response
