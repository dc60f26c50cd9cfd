"""The customer-service follow-up queue."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shangdui.core.decorators import member_required
from shangdui.org.access import refuse
from shangdui.org.models import Member
from shangdui.shop import access
from shangdui.shop.followups import followup_done, followups_generate, followups_queue


@member_required
def followup_list(request: HttpRequest) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    if not access.can_follow_up(viewer):
        raise refuse(viewer, what="follow-ups", object_id="-", request=request)
    return render(request, "shop/followup_list.html", {
        "followups": followups_queue(viewer)[:200],
        "can_generate": viewer.role in (Member.Role.DIRECTOR, Member.Role.MANAGER)})


@member_required
@require_POST
def followup_generate(request: HttpRequest) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    if viewer.role not in (Member.Role.DIRECTOR, Member.Role.MANAGER):
        raise refuse(viewer, what="follow-up generation", object_id="-", request=request)
    count = followups_generate(organization=viewer.organization)
    messages.success(request, _("%(n)s new follow-ups.") % {"n": count})
    return redirect("shop:followup_list")


@member_required
@require_POST
def followup_mark_done(request: HttpRequest, pk: int) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    follow_up = access.get_followup_for_user(viewer, pk, request=request)
    try:
        followup_done(actor=viewer, follow_up=follow_up, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    if request.POST.get("next") == "my_day":  # done from 我的日程: back there (a name, never a URL)
        return redirect("work:my_day")
    return redirect("shop:followup_list")
