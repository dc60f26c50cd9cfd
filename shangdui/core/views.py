"""Pages of the core app: login, home, settings, audit log, background jobs, health."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import LoginView
from django.core.paginator import Paginator
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shangdui.core.decorators import member_required
from shangdui.core.htmx import render_page
from shangdui.core.models import ApiToken, AuditLog, Job, User
from shangdui.core.services import api_token_create, api_token_revoke
from shangdui.org import access, selectors
from shangdui.org.models import Member


class ShangduiLoginView(LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True


@member_required
def home(request: HttpRequest) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    return render(request, "core/home.html", {
        "summary": selectors.home_summary(viewer),
        "recent_jobs": Job.objects.filter(organization_id=viewer.organization_id,
                                          created_by=cast(User, request.user))[:5],
    })


@member_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    password_form = PasswordChangeForm(cast(User, request.user), request.POST or None)
    if request.method == "POST" and password_form.is_valid():
        user = password_form.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("Password changed."))
        return redirect("core:settings")
    return render(request, "core/settings.html", {
        "password_form": password_form,
        "tokens": ApiToken.objects.filter(user=cast(User, request.user)),
        "new_token": request.session.pop("new_api_token", None),
    })


@member_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    name = request.POST.get("name", "").strip()
    if not name:
        messages.error(request, _("Please give the token a name."))
        return redirect("core:settings")
    _token, raw = api_token_create(user=request.user, name=name)
    request.session["new_api_token"] = raw
    return redirect("core:settings")


@member_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.filter(user=cast(User, request.user), pk=pk).first()
    if token is None:
        raise access.refuse(request.member, what="api token", object_id=pk, request=request)  # type: ignore[attr-defined]
    api_token_revoke(user=request.user, token=token)
    messages.success(request, _("Token revoked."))
    return redirect("core:settings")


@member_required
def audit_log(request: HttpRequest) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    if not access.can_view_audit(viewer):
        raise access.refuse(viewer, what="audit log", object_id="-", request=request)
    entries = AuditLog.objects.filter(organization_id=viewer.organization_id)
    action = request.GET.get("action", "")
    if action in AuditLog.Action.values:
        entries = entries.filter(action=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page, "action": action,
                                                   "actions": AuditLog.Action.choices})


def _job_for_user(request: HttpRequest, pk: int) -> Job:
    viewer: Member = request.member  # type: ignore[attr-defined]
    job = Job.objects.filter(organization_id=viewer.organization_id, pk=pk).first()
    if job is None or (job.created_by_id != request.user.pk and viewer.role != Member.Role.DIRECTOR):
        raise access.refuse(viewer, what="job", object_id=pk, request=request)
    return job


@member_required
def job_list(request: HttpRequest) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    jobs = Job.objects.filter(organization_id=viewer.organization_id)
    if viewer.role != Member.Role.DIRECTOR:
        jobs = jobs.filter(created_by=cast(User, request.user))
    return render(request, "core/job_list.html", {"jobs": jobs[:100]})


@member_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for_user(request, pk)
    return render_page(request, "core/job_detail.html", "core/partials/_job_status.html", {"job": job})


@member_required
def job_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    job = _job_for_user(request, pk)
    if not job.output_file:
        raise Http404()
    return FileResponse(job.output_file.open("rb"), as_attachment=True,
                        filename=(job.output_file.name or "").rsplit("/", 1)[-1])


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
