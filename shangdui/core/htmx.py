"""One view serves the full page and, for htmx requests, only the fragment."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def render_page(request: HttpRequest, page: str, fragment: str, context: dict[str, Any],
                status: int = 200) -> HttpResponse:
    return render(request, fragment if is_htmx(request) else page, context, status=status)
