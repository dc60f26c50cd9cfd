"""Pay pages: runs, statements with their evidence, plans, adjustments. Thin: validate, call, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shangdui.core.decorators import member_required
from shangdui.core.forms import apply_validation_errors
from shangdui.core.jobs import job_enqueue
from shangdui.org.access import get_member_private_for_user, refuse
from shangdui.org.models import Member
from shangdui.performance import access, selectors, services
from shangdui.performance.forms import AdjustmentForm, PayPlanForm, PayRunForm, tiers_text
from shangdui.performance.jobs import payrun_enqueue, recent_payrun_jobs
from shangdui.performance.models import PayLine, PayPlan, PayRun


def _viewer(request: HttpRequest) -> Member:
    return request.member  # type: ignore[attr-defined,no-any-return]


def _errors(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


def _require_payroll(request: HttpRequest, what: str) -> Member:
    viewer = _viewer(request)
    if not access.can_run_pay(viewer):
        raise refuse(viewer, what=what, object_id="-", request=request)
    return viewer


@member_required
def pay_home(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    own = selectors.member_statements(viewer, final_only=not access.can_run_pay(viewer))
    context: dict[str, Any] = {"my_statements": list(own[:24]),
                               "can_run": access.can_run_pay(viewer)}
    if context["can_run"]:
        context.update(runs=list(selectors.pay_runs(viewer.organization_id)[:36]), form=PayRunForm(),
                       payrun_jobs=recent_payrun_jobs(viewer.organization_id),
                       adjustment_form=AdjustmentForm(organization_id=viewer.organization_id),
                       without_plan=selectors.members_without_plan(viewer.organization_id))
    context["payrun_jobs_busy"] = any(not job.is_finished for job in context.get("payrun_jobs", []))
    return render(request, "performance/pay_home.html", context)


@member_required
@require_POST
def payrun_create(request: HttpRequest) -> HttpResponse:
    viewer = _require_payroll(request, "pay run")
    form = PayRunForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("performance:pay_home")
    try:
        payrun_enqueue(actor=viewer, organization=viewer.organization, period=form.cleaned_data["period"])
    except ValidationError as exc:
        messages.error(request, _errors(exc))
        return redirect("performance:pay_home")
    messages.success(request, _("Pay run started; its progress is shown below."))
    return redirect("performance:pay_home")


@member_required
def payrun_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    run = access.get_pay_run_for_user(viewer, pk, request=request)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "export":
                job = job_enqueue(organization=viewer.organization, kind="performance.export_payrun",
                                  title=_("Payroll export %(month)s") % {"month": services.month_label(run.period)},
                                  params={"pay_run_id": run.pk}, created_by=viewer.user)
                return redirect("core:job_detail", pk=job.pk)
            if action == "rerun":
                payrun_enqueue(actor=viewer, organization=viewer.organization, period=run.period)
                messages.success(request, _("Pay run started again; its progress is shown below."))
                return redirect("performance:pay_home")
            else:
                services.payrun_advance(actor=viewer, pay_run=run, to=action)
                messages.success(request, _("Pay run is now: %(status)s.") % {"status": run.get_status_display()})
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        except PermissionError as exc:
            messages.error(request, str(exc))
        return redirect("performance:payrun_detail", pk=run.pk)
    return render(request, "performance/payrun_detail.html", {
        "run": run, "statements": list(selectors.run_statements(run)),
        "can_approve": access.can_approve_pay(viewer), "Status": PayRun.Status,
    })


@member_required
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = access.get_statement_for_user(_viewer(request), pk, request=request)
    lines = list(statement.lines.all())
    orders: list[Any] = []
    commission = next((line for line in lines if line.kind == PayLine.Kind.COMMISSION), None)
    evidence = commission.evidence if commission is not None else {}
    if evidence.get("shop_ids") or evidence.get("salesperson_id"):
        start, end = selectors.month_bounds(statement.pay_run.period)
        try:
            orders = selectors.evidence_orders(statement.organization_id, evidence.get("shop_ids"), start, end,
                                               salesperson_id=evidence.get("salesperson_id"))
        except LookupError:
            orders = []
    return render(request, "performance/statement_detail.html", {
        "statement": statement, "lines": lines, "orders": orders, "commission": commission})


@member_required
def member_pay(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    member = get_member_private_for_user(viewer, pk, request=request)
    own = viewer.id == member.id and not access.can_run_pay(viewer)
    return render(request, "performance/member_pay.html", {
        "member": member, "statements": list(selectors.member_statements(member, final_only=own)[:36])})


@member_required
def plan_list(request: HttpRequest) -> HttpResponse:
    viewer = _require_payroll(request, "pay plans")
    return render(request, "performance/plan_list.html", {
        "plans": list(selectors.pay_plans(viewer.organization_id)),
        "without_plan": selectors.members_without_plan(viewer.organization_id)})


def _plan_form(request: HttpRequest, plan: PayPlan | None) -> HttpResponse:
    viewer = _viewer(request)
    initial: dict[str, Any] = {"is_active": True, "bonus_pool": "0"}
    if plan is not None:
        initial = {key: getattr(plan, key) for key in services.PLAN_FIELDS}
        initial["tiers"] = tiers_text(plan.tiers)
    form = PayPlanForm(request.POST or None, initial=initial, organization_id=viewer.organization_id)
    if request.method == "POST" and form.is_valid():
        try:
            if plan is None:
                services.payplan_create(actor=viewer, organization=viewer.organization, **form.service_fields())
            else:
                services.payplan_update(actor=viewer, plan=plan, **form.service_fields())
            messages.success(request, _("Pay plan saved."))
            return redirect("performance:plan_list")
        except ValidationError as exc:
            apply_validation_errors(form, exc)
    return render(request, "performance/plan_form.html", {"form": form, "plan": plan})


@member_required
def plan_create(request: HttpRequest) -> HttpResponse:
    _require_payroll(request, "pay plan")
    return _plan_form(request, None)


@member_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.get_pay_plan_for_user(_viewer(request), pk, request=request)
    return _plan_form(request, plan)


@member_required
@require_POST
def adjustment_create(request: HttpRequest) -> HttpResponse:
    viewer = _require_payroll(request, "pay adjustment")
    form = AdjustmentForm(request.POST, organization_id=viewer.organization_id)
    if form.is_valid():
        try:
            services.payadjustment_create(actor=viewer, **form.cleaned_data)
            messages.success(request, _("Adjustment recorded."))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
    else:
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("performance:pay_home")
