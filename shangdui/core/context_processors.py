from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def shangdui(request: HttpRequest) -> dict[str, Any]:
    member = getattr(request, "member", None)
    return {"current_member": member if member else None}
