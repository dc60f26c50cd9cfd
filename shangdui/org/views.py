"""Pages of the org app: org chart, departments, members. Thin: validate, call, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shangdui.core.decorators import member_required
from shangdui.core.forms import apply_validation_errors
from shangdui.core.htmx import render_page
from shangdui.core.jobs import job_enqueue
from shangdui.org import access, selectors, services
from shangdui.org.forms import (
    DepartmentForm,
    MemberCreateForm,
    MemberProfileForm,
    PasswordResetForm,
    PayForm,
    RoleForm,
    RosterUploadForm,
)
from shangdui.org.models import Member


def _refuse(request: HttpRequest, what: str) -> Exception:
    return access.refuse(request.member, what=what, object_id="-", request=request)  # type: ignore[attr-defined]


@member_required
def org_chart(request: HttpRequest) -> HttpResponse:
    organization_id = request.member.organization_id  # type: ignore[attr-defined]
    return render(request, "org/org_chart.html", {
        "roots": selectors.org_chart(organization_id),
        "departments": selectors.department_chart(organization_id),
    })


@member_required
def department_list(request: HttpRequest) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    return render(request, "org/department_list.html", {
        "departments": selectors.department_list(viewer.organization_id),
        "can_edit": access.can_edit_structure(viewer),
    })


@member_required
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    department = access.get_department_for_user(viewer, pk, request=request)
    return render(request, "org/department_detail.html", {
        "department": department,
        "members": selectors.member_list(viewer, department_id=department.id),
        "can_edit": access.can_edit_structure(viewer),
    })


@member_required
@require_http_methods(["GET", "POST"])
def department_create(request: HttpRequest) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    if not access.can_edit_structure(viewer):
        raise _refuse(request, "department create")
    form = DepartmentForm(request.POST or None, organization_id=viewer.organization_id)
    if request.method == "POST" and form.is_valid():
        try:
            department = services.department_create(actor=viewer, organization=viewer.organization,
                                                    **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_errors(form, exc)
        else:
            messages.success(request, _("Department created."))
            return redirect("org:department_detail", pk=department.pk)
    return render(request, "org/department_form.html", {"form": form, "title": _("New department")})


@member_required
@require_http_methods(["GET", "POST"])
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    department = access.get_department_for_user(viewer, pk, request=request)
    if not access.can_edit_structure(viewer):
        raise _refuse(request, "department edit")
    initial = {"name": department.name, "kind": department.kind, "parent": department.parent,
               "head": department.head, "responsibilities": department.responsibilities}
    form = DepartmentForm(request.POST or None, initial=initial, organization_id=viewer.organization_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.department_update(actor=viewer, department=department, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_errors(form, exc)
        else:
            messages.success(request, _("Department saved."))
            return redirect("org:department_detail", pk=department.pk)
    return render(request, "org/department_form.html", {"form": form, "title": department.name,
                                                         "department": department})


@member_required
@require_POST
def department_delete(request: HttpRequest, pk: int) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    department = access.get_department_for_user(viewer, pk, request=request)
    if not access.can_edit_structure(viewer):
        raise _refuse(request, "department delete")
    services.department_delete(actor=viewer, department=department)
    messages.success(request, _("Department deleted; its members are now without a department."))
    return redirect("org:department_list")


@member_required
@require_POST
def organization_rename(request: HttpRequest) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    if not access.can_edit_structure(viewer):
        raise _refuse(request, "organization rename")
    try:
        services.organization_rename(actor=viewer, organization=viewer.organization,
                                     name=request.POST.get("name", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Company name saved."))
    return redirect("core:settings")


@member_required
@require_POST
def department_template(request: HttpRequest) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    if not access.can_edit_structure(viewer):
        raise _refuse(request, "department template")
    created = services.department_apply_template(organization=viewer.organization, actor=viewer)
    if created:
        messages.success(request, _("Created %(count)s departments from the template.") % {"count": len(created)})
    else:
        messages.info(request, _("All template departments already exist."))
    return redirect("org:department_list")


@member_required
def member_list(request: HttpRequest) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    query = request.GET.get("q", "").strip()[:60]
    try:
        department_id = int(request.GET.get("department") or 0) or None
    except ValueError:
        department_id = None
    members = selectors.member_list(viewer, query=query, department_id=department_id)
    return render_page(request, "org/member_list.html", "org/partials/_member_rows.html", {
        "members": members, "query": query, "department_id": department_id,
        "departments": selectors.department_list(viewer.organization_id),
        "can_add": access.can_add_members(viewer),
    })


@member_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    member = access.get_member_for_user(viewer, pk, request=request)
    return render(request, "org/member_detail.html", {
        "member": member,
        "strengths": member.strengths.select_related("tag"),
        "reports": member.reports.filter(is_active=True).select_related("department"),
        "chain": access.manager_chain(member),
        "show_private": access.can_view_private(viewer, member),
        "can_manage": access.can_manage(viewer, member),
        "can_edit_pay": access.can_edit_pay(viewer, member),
        "can_change_role": access.can_change_roles(viewer),
    })


def _profile_initial(member: Member) -> dict[str, Any]:
    return {
        "name": member.name, "department": member.department, "manager": member.manager,
        "position": member.position.name if member.position else "", "join_date": member.join_date,
        "working_days": member.working_days, "daily_hours": member.daily_hours, "phone": member.phone,
        "email": member.email,
        "strengths": " ".join(f"{s.tag.name}:{s.level}" for s in member.strengths.select_related("tag")),
    }


@member_required
@require_http_methods(["GET", "POST"])
def member_create(request: HttpRequest) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    if not access.can_add_members(viewer):
        raise _refuse(request, "member create")
    form = MemberCreateForm(request.POST or None, organization_id=viewer.organization_id,
                            initial={"working_days": [0, 1, 2, 3, 4]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["role"] != Member.Role.MEMBER and not access.can_change_roles(viewer):
            form.add_error("role", _("Only the director can give this role."))
        else:
            try:
                member = services.member_create(
                    actor=viewer, organization=viewer.organization, username=data["username"],
                    name=data["name"], role=data["role"], department=data["department"],
                    manager=data["manager"] or (viewer if viewer.role == Member.Role.MANAGER else None),
                    position=services.position_get_or_create(organization=viewer.organization,
                                                              name=data["position"]),
                    join_date=data["join_date"], working_days=data["working_days"],
                    daily_hours=data["daily_hours"], phone=data["phone"], email=data["email"],
                    password=data["password"] or None, strengths=data["strengths"],
                )
            except ValidationError as exc:
                apply_validation_errors(form, exc)
            else:
                messages.success(request, _("Member %(name)s added.") % {"name": member.name})
                return redirect("org:member_detail", pk=member.pk)
    return render(request, "org/member_form.html", {"form": form, "title": _("New member")})


@member_required
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    member = access.get_member_manageable_for_user(viewer, pk, request=request)
    form = MemberProfileForm(request.POST or None, initial=_profile_initial(member),
                             organization_id=viewer.organization_id)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        strengths = data.pop("strengths")
        data["position"] = services.position_get_or_create(organization=viewer.organization,
                                                           name=data["position"])
        try:
            services.member_update(actor=viewer, member=member, **data)
            services.member_set_strengths(actor=viewer, member=member, strengths=strengths)
        except ValidationError as exc:
            apply_validation_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("org:member_detail", pk=member.pk)
    return render(request, "org/member_form.html", {"form": form, "title": member.name, "member": member})


@member_required
@require_http_methods(["GET", "POST"])
def member_pay(request: HttpRequest, pk: int) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    member = access.get_member_private_for_user(viewer, pk, request=request)
    can_edit = access.can_edit_pay(viewer, member)
    form = PayForm(request.POST or None, initial={"base_salary": member.base_salary})
    if request.method == "POST":
        if not can_edit:
            raise _refuse(request, "pay edit")
        if form.is_valid():
            try:
                services.member_set_pay(actor=viewer, member=member, base_salary=form.cleaned_data["base_salary"])
            except ValidationError as exc:
                apply_validation_errors(form, exc)
            else:
                messages.success(request, _("Pay saved."))
                return redirect("org:member_detail", pk=member.pk)
    return render(request, "org/member_pay.html", {"form": form, "member": member, "can_edit": can_edit})


@member_required
@require_http_methods(["GET", "POST"])
def member_role(request: HttpRequest, pk: int) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    member = access.get_member_for_user(viewer, pk, request=request)
    if not access.can_change_roles(viewer):
        raise _refuse(request, "role change")
    form = RoleForm(request.POST or None, initial={"role": member.role, "is_inspector": member.is_inspector})
    if request.method == "POST" and form.is_valid():
        try:
            services.member_set_role(actor=viewer, member=member, role=form.cleaned_data["role"],
                                     is_inspector=form.cleaned_data["is_inspector"])
        except ValidationError as exc:
            apply_validation_errors(form, exc)
        else:
            messages.success(request, _("Role saved."))
            return redirect("org:member_detail", pk=member.pk)
    return render(request, "org/member_simple_form.html", {"form": form, "member": member, "title": _("Role")})


@member_required
@require_http_methods(["GET", "POST"])
def member_password(request: HttpRequest, pk: int) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    member = access.get_member_manageable_for_user(viewer, pk, request=request)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_set_password(actor=viewer, member=member, password=form.cleaned_data["password"])
        except ValidationError as exc:
            form.add_error("password", exc.messages)
        else:
            messages.success(request, _("Password set."))
            return redirect("org:member_detail", pk=member.pk)
    return render(request, "org/member_simple_form.html", {"form": form, "member": member,
                                                           "title": _("Set password")})


@member_required
@require_http_methods(["GET", "POST"])
def member_import(request: HttpRequest) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    if not access.can_add_members(viewer):
        raise _refuse(request, "member import")
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        job = job_enqueue(organization=viewer.organization, kind="org.import_members",
                          title=_("Import members"), created_by=request.user,
                          input_file=form.cleaned_data["file"])
        return redirect("core:job_detail", pk=job.pk)
    return render(request, "org/member_import.html", {"form": form})


@member_required
@require_POST
def member_export(request: HttpRequest) -> HttpResponse:
    viewer: Member = request.member  # type: ignore[attr-defined]
    if viewer.role not in (Member.Role.DIRECTOR, Member.Role.FINANCE):
        raise _refuse(request, "member export")
    job = job_enqueue(organization=viewer.organization, kind="org.export_members", title=_("Export members"),
                      created_by=request.user)
    return redirect("core:job_detail", pk=job.pk)
