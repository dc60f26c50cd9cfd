from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from shangdui.core.decorators import member_required
from shangdui.shop.models import Shop


@member_required
def shop_list(request: HttpRequest) -> HttpResponse:
    shops = Shop.objects.filter(organization_id=request.member.organization_id).select_related(  # type: ignore[attr-defined]
        "department"
    )
    return render(request, "shop/shop_list.html", {"shops": shops})
