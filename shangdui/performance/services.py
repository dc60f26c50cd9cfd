"""Every write to pay: plans, pay runs, adjustments. Keyword-only, atomic, audited.

A pay run is the settlement of one month, unique per (organization, period) in the database.
Starting it twice at once gives one settlement: the second insert fails on the unique constraint
and that caller recomputes the same draft under a row lock (or is refused once it is approved or
locked). A locked month is never recomputed; a correction is a PayAdjustment paid in a later run.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from shangdui.core.audit import audit
from shangdui.core.models import AuditLog
from shangdui.org.models import Member, Organization
from shangdui.performance import selectors, tiers
from shangdui.performance.models import PayAdjustment, PayLine, PayPlan, PayRun, PayStatement
from shangdui.shop.models import Shop

ZERO = Decimal("0.00")
PLAN_FIELDS = ("name", "kind", "position", "member", "base_salary", "scope", "shop_ids", "platforms", "basis",
               "tiers", "monthly_target", "bonus_pool", "is_active")


def month_label(period: dt.date) -> str:
    return date_format(period, "YEAR_MONTH_FORMAT")


# --- plans ----------------------------------------------------------------------------------

def _clean_plan(organization: Organization, fields: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    cleaned = {key: fields[key] for key in PLAN_FIELDS if key in fields}
    cleaned["name"] = (cleaned.get("name") or "").strip()
    if not cleaned["name"]:
        errors["name"] = _("Please enter a name.")
    kind = cleaned.get("kind", PayPlan.Kind.BASE)
    if kind not in PayPlan.Kind.values:
        errors["kind"] = _("Unknown plan kind.")
    position, member = cleaned.get("position"), cleaned.get("member")
    if position is None and member is None:
        errors["position"] = _("Choose the position or the member this plan is for.")
    for key, value in (("position", position), ("member", member)):
        if value is not None and value.organization_id != organization.id:
            errors[key] = _("Unknown position or member.")
    base = cleaned.get("base_salary")
    if base is not None and base < 0:
        errors["base_salary"] = _("Pay cannot be negative.")
    pool = cleaned.get("bonus_pool") or ZERO
    if pool < 0:
        errors["bonus_pool"] = _("The bonus pool cannot be negative.")
    cleaned["bonus_pool"] = pool
    if kind == PayPlan.Kind.COMMISSION:
        basis = cleaned.get("basis", PayPlan.Basis.AMOUNT)
        try:
            cleaned["tiers"] = [t.as_json() for t in tiers.parse_tiers(cleaned.get("tiers") or [], basis)]
        except tiers.TierError as exc:
            errors["tiers"] = str(exc)
        scope = cleaned.get("scope", PayPlan.Scope.SHOPS)
        if scope == PayPlan.Scope.SHOPS:
            shop_ids = [int(i) for i in cleaned.get("shop_ids") or []]
            known = set(Shop.objects.filter(organization=organization, id__in=shop_ids).values_list("id", flat=True))
            if not shop_ids:
                errors["shop_ids"] = _("Choose at least one shop.")
            elif set(shop_ids) - known:
                errors["shop_ids"] = _("Unknown shop.")
            cleaned["shop_ids"] = sorted(set(shop_ids))
        elif scope == PayPlan.Scope.PLATFORMS:
            platforms = sorted(set(cleaned.get("platforms") or []))
            if not platforms or set(platforms) - set(Shop.Platform.values):
                errors["platforms"] = _("Choose one or more known platforms.")
            cleaned["platforms"] = platforms
        target = cleaned.get("monthly_target")
        if target is not None and target <= 0:
            errors["monthly_target"] = _("The target must be above 0.")
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def payplan_create(*, actor: Member, organization: Organization, **fields: Any) -> PayPlan:
    cleaned = _clean_plan(organization, fields)
    try:
        with transaction.atomic():
            plan = PayPlan.objects.create(organization=organization, **cleaned)
    except IntegrityError:
        raise ValidationError(_("This position or member already has an active pay plan.")) from None
    audit(action=AuditLog.Action.PAY_CHANGE, organization=organization, actor=actor.user, target=plan,
          changes={k: [None, v] for k, v in cleaned.items()})
    return plan


@transaction.atomic
def payplan_update(*, actor: Member, plan: PayPlan, **fields: Any) -> PayPlan:
    merged = {key: getattr(plan, key) for key in PLAN_FIELDS}
    merged.update(fields)
    cleaned = _clean_plan(plan.organization, merged)
    changes = {}
    for key, value in cleaned.items():
        old = getattr(plan, key)
        if old != value:
            changes[key] = [old, value]
            setattr(plan, key, value)
    if changes:
        try:
            with transaction.atomic():
                plan.save()
        except IntegrityError:
            raise ValidationError(_("This position or member already has an active pay plan.")) from None
        audit(action=AuditLog.Action.PAY_CHANGE, organization=plan.organization, actor=actor.user, target=plan,
              changes=changes)
    return plan


def plan_for(member: Member, member_plans: dict[int, PayPlan], position_plans: dict[int, PayPlan]) -> PayPlan | None:
    """A member's own plan wins over their position's."""
    if member.id in member_plans:
        return member_plans[member.id]
    if member.position_id is not None:
        return position_plans.get(member.position_id)
    return None


# --- adjustments ----------------------------------------------------------------------------

@transaction.atomic
def payadjustment_create(*, actor: Member, member: Member, period: dt.date, amount: Decimal, reason: str,
                         corrects: PayRun | None = None) -> PayAdjustment:
    """A correction paid in the run of ``period`` (which must not be approved or locked yet)."""
    period = selectors.month_start(period)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason.")})
    if amount == 0:
        raise ValidationError({"amount": _("An adjustment cannot be zero.")})
    run = PayRun.objects.filter(organization_id=member.organization_id, period=period).first()
    if run is not None and run.status in (PayRun.Status.APPROVED, PayRun.Status.LOCKED):
        raise ValidationError({"period": _("%(month)s is already approved or locked; "
                                           "add the adjustment to a later month.") % {"month": month_label(period)}})
    adjustment = PayAdjustment.objects.create(
        organization_id=member.organization_id, member=member, period=period, amount=amount.quantize(tiers.CENT),
        reason=reason, corrects=corrects, created_by=actor.user)
    audit(action=AuditLog.Action.PAY_CHANGE, organization=member.organization, actor=actor.user, target=adjustment,
          target_repr=f"{member.name}: {reason}",
          changes={"amount": [None, adjustment.amount], "period": [None, period],
                   "corrects": [None, str(corrects) if corrects else None]})
    return adjustment


# --- pay runs -------------------------------------------------------------------------------

def payrun_check_runnable(*, organization: Organization, period: dt.date) -> None:
    """Refuse, with the reason, a month that can no longer be run (approved or locked)."""
    status = PayRun.objects.filter(organization=organization, period=selectors.month_start(period)).values_list(
        "status", flat=True).first()
    _refuse_final(status, selectors.month_start(period))


def _refuse_final(status: str | None, period: dt.date) -> None:
    if status == PayRun.Status.LOCKED:
        raise ValidationError(_("%(month)s is locked and cannot be run again. Record a correction as an "
                                "adjustment in a later month.") % {"month": month_label(period)})
    if status == PayRun.Status.APPROVED:
        raise ValidationError(_("%(month)s is approved and cannot be run again.") % {
            "month": month_label(period)})


def payrun_run(*, actor: Member, organization: Organization, period: dt.date) -> PayRun:
    """Compute (or recompute, while a draft or reviewed) the pay run of ``period``'s month.

    Safe to call concurrently: exactly one PayRun row per month exists afterwards, and every
    caller gets the same totals.
    """
    period = selectors.month_start(period)
    try:
        with transaction.atomic():
            run = PayRun.objects.create(organization=organization, period=period, created_by=actor.user)
            _compute(run)
            audit(action=AuditLog.Action.PAY_CHANGE, organization=organization, actor=actor.user, target=run,
                  target_repr=_("Pay run %(month)s") % {"month": month_label(period)},
                  changes={"total": [None, run.total], "statements": [None, run.statement_count]})
            return run
    except IntegrityError:
        pass  # it exists (perhaps created a moment ago by a concurrent call): recompute it below
    with transaction.atomic():
        run = PayRun.objects.select_for_update().get(organization=organization, period=period)
        _refuse_final(run.status, period)
        old_total, old_status = run.total, run.status
        _compute(run)
        run.status = PayRun.Status.DRAFT
        run.save(update_fields=["status"])
        audit(action=AuditLog.Action.PAY_CHANGE, organization=organization, actor=actor.user, target=run,
              target_repr=_("Pay run %(month)s") % {"month": month_label(period)},
              changes={"total": [old_total, run.total], "status": [old_status, run.status]})
        return run


TRANSITIONS: dict[str, tuple[str, ...]] = {
    PayRun.Status.REVIEWED: (PayRun.Status.DRAFT,),
    PayRun.Status.APPROVED: (PayRun.Status.REVIEWED,),
    PayRun.Status.LOCKED: (PayRun.Status.APPROVED,),
}


@transaction.atomic
def payrun_advance(*, actor: Member, pay_run: PayRun, to: str) -> PayRun:
    """draft → reviewed (finance/HR or director) → approved (director) → locked (finance/HR or director)."""
    from shangdui.performance.access import can_approve_pay, can_run_pay

    if to not in TRANSITIONS:
        raise ValidationError(_("Unknown step."))
    run = PayRun.objects.select_for_update().get(pk=pay_run.pk)
    allowed = can_approve_pay(actor) if to == PayRun.Status.APPROVED else can_run_pay(actor)
    if not allowed:
        raise PermissionError(_("Only the director approves a pay run."))
    if run.status not in TRANSITIONS[to]:
        raise ValidationError(_("This pay run is %(status)s; it cannot become %(to)s now.") % {
            "status": run.get_status_display(), "to": PayRun.Status(to).label})
    if to == PayRun.Status.APPROVED and any(p.get("code") == "no_plan" for p in run.problems):
        raise ValidationError(_("Some members have no pay plan. Give them one and run the month again "
                                "before approving."))
    old = run.status
    run.status = to
    fields = ["status"]
    if to == PayRun.Status.REVIEWED:
        run.reviewed_by = actor.user
        fields.append("reviewed_by")
    elif to == PayRun.Status.APPROVED:
        run.approved_by = actor.user
        fields.append("approved_by")
    else:
        run.locked_at = timezone.now()
        fields.append("locked_at")
    run.save(update_fields=fields)
    audit(action=AuditLog.Action.PAY_CHANGE, organization=run.organization, actor=actor.user, target=run,
          target_repr=_("Pay run %(month)s") % {"month": month_label(run.period)}, changes={"status": [old, to]})
    pay_run.status = run.status
    return run


def _problem(code: str, member: Member, message: str) -> dict[str, Any]:
    return {"code": code, "member_id": member.id, "member": member.name, "message": message}


def _compute(run: PayRun) -> None:
    """Replace the run's statements with freshly computed ones. Runs inside the caller's transaction."""
    organization_id = run.organization_id
    start, end = selectors.month_bounds(run.period)
    PayStatement.objects.filter(pay_run=run).delete()
    members = list(Member.objects.filter(organization_id=organization_id, is_active=True)
                   .select_related("position", "department").order_by("pk"))
    plans = list(PayPlan.objects.filter(organization_id=organization_id, is_active=True).order_by("pk"))
    member_plans = {p.member_id: p for p in plans if p.member_id is not None}
    position_plans = {p.position_id: p for p in plans if p.member_id is None and p.position_id is not None}
    needs_sales = any(p.kind == PayPlan.Kind.COMMISSION for p in plans)
    needs_own = any(p.kind == PayPlan.Kind.COMMISSION and p.scope == PayPlan.Scope.OWN_ORDERS for p in plans)
    shops = selectors.shops_of(organization_id) if needs_sales else {}
    by_shop = selectors.sales_by_shop(organization_id, start, end) if needs_sales else {}
    by_salesperson = selectors.sales_by_salesperson(organization_id, start, end) if needs_own else {}
    goals = selectors.sales_goals(organization_id, start, end) if needs_sales else {}
    reviews = selectors.finished_reviews(organization_id, start, end)
    adjustments = selectors.adjustments_for(organization_id, run.period)
    problems: list[dict[str, Any]] = []
    drafts: list[tuple[PayStatement, list[PayLine]]] = []
    for member in members:
        plan = plan_for(member, member_plans, position_plans)
        if plan is None:
            problems.append(_problem("no_plan", member, _("No pay plan for this member or their position.")))
            continue
        statement = PayStatement(organization_id=organization_id, pay_run=run, member=member,
                                 member_name=member.name, plan=plan, plan_name=plan.name)
        lines = _statement_lines(plan, member, statement, shops, by_shop, by_salesperson, goals.get(member.id),
                                 reviews.get(member.id), adjustments.get(member.id, []), (start, end), problems)
        statement.total = sum((line.amount for line in lines), ZERO)
        drafts.append((statement, lines))
    PayStatement.objects.bulk_create([s for s, _lines in drafts], batch_size=500)
    all_lines = []
    for statement, lines in drafts:
        for index, line in enumerate(lines):
            line.statement = statement
            line.sort = index
            all_lines.append(line)
    PayLine.objects.bulk_create(all_lines, batch_size=1000)
    run.total = sum((s.total for s, _lines in drafts), ZERO)
    run.statement_count = len(drafts)
    run.problems = problems
    run.computed_at = timezone.now()
    run.save(update_fields=["total", "statement_count", "problems", "computed_at"])


def _statement_lines(plan: PayPlan, member: Member, statement: PayStatement, shops: dict[int, Any],
                     by_shop: dict[int, selectors.Sales], by_salesperson: dict[int, selectors.Sales], goal: Any,
                     review: Any, adjustments: list[PayAdjustment],
                     bounds: tuple[dt.date, dt.date], problems: list[dict[str, Any]]) -> list[PayLine]:
    start, end = bounds
    lines: list[PayLine] = []
    base = plan.base_salary if plan.base_salary is not None else member.base_salary
    if base is None:
        problems.append(_problem("no_base", member, _("No base salary set; base counted as ¥0.00.")))
        base = ZERO
    statement.base = tiers.money(base)
    lines.append(PayLine(kind=PayLine.Kind.BASE, label=_("Base salary"), amount=statement.base,
                         evidence={"plan_id": plan.id, "plan": plan.name,
                                   "source": "plan" if plan.base_salary is not None else "member"}))
    if plan.kind == PayPlan.Kind.COMMISSION:
        lines.append(_commission_line(plan, member, statement, shops, by_shop, by_salesperson, goal, start, end,
                                      problems))
    if plan.kind == PayPlan.Kind.BONUS:
        coefficient = review.bonus_coefficient if review is not None else None
        if coefficient is None:
            problems.append(_problem("no_review", member, _("No finished review this month; bonus counted as ¥0.00.")))
            coefficient = Decimal(0)
        statement.bonus = tiers.bonus(plan.bonus_pool, coefficient)
        lines.append(PayLine(kind=PayLine.Kind.BONUS, label=_("Performance bonus (pool × coefficient)"),
                             amount=statement.bonus, evidence={
                                 "pool": str(plan.bonus_pool), "coefficient": str(coefficient),
                                 "review_id": review.id if review else None,
                                 "cycle": review.cycle.name if review else None,
                                 "final_score": str(review.final_score) if review and review.final_score else None}))
    adjust = ZERO
    if review is not None and review.reward:
        lines.append(PayLine(kind=PayLine.Kind.REWARD, label=_("Reward: %(cycle)s") % {"cycle": review.cycle.name},
                             amount=review.reward, evidence={"review_id": review.id, "cycle": review.cycle.name}))
        adjust += review.reward
    if review is not None and review.penalty:
        lines.append(PayLine(kind=PayLine.Kind.PENALTY, label=_("Penalty: %(cycle)s") % {"cycle": review.cycle.name},
                             amount=-review.penalty, evidence={"review_id": review.id, "cycle": review.cycle.name}))
        adjust -= review.penalty
    for adjustment in adjustments:
        lines.append(PayLine(kind=PayLine.Kind.ADJUSTMENT, label=adjustment.reason, amount=adjustment.amount,
                             evidence={"adjustment_id": adjustment.id,
                                       "corrects": str(adjustment.corrects) if adjustment.corrects else None}))
        adjust += adjustment.amount
    statement.adjustments = adjust
    return lines


def _commission_line(plan: PayPlan, member: Member, statement: PayStatement, shops: dict[int, Any],
                     by_shop: dict[int, selectors.Sales], by_salesperson: dict[int, selectors.Sales], goal: Any,
                     start: dt.date, end: dt.date, problems: list[dict[str, Any]]) -> PayLine:
    own = plan.scope == PayPlan.Scope.OWN_ORDERS
    if own:
        shop_ids: list[int] = []
        sales = by_salesperson.get(member.id) or selectors.Sales()
    else:
        shop_ids = selectors.scope_shop_ids(plan, member, shops)
        sales = selectors.sales_for_shops(by_shop, shop_ids)
    tier_list = tiers.parse_tiers(plan.tiers, plan.basis)
    target = goal.target if goal is not None else plan.monthly_target
    evidence: dict[str, Any] = {
        "from": start.isoformat(), "to": (end - dt.timedelta(days=1)).isoformat(), "scope": plan.scope,
        "salesperson_id": member.id if own else None,
        "shop_ids": shop_ids, "shops": [shops[i].name for i in shop_ids], "orders": sales.orders,
        "paid": str(sales.paid), "refunds": str(sales.refunds), "net_sales": str(sales.net),
        "basis": plan.basis, "target": str(target) if target is not None else None,
        "goal_id": goal.id if goal is not None else None, "goal": goal.title if goal is not None else None,
    }
    if plan.basis == PayPlan.Basis.COMPLETION and (target is None or target <= 0):
        problems.append(_problem("no_target", member, _("Completion tiers need a target: no agreed net-sales "
                                                        "goal and no plan target; commission counted as ¥0.00.")))
        statement.commission = ZERO
        evidence["sections"] = []
    else:
        sections = tiers.commission_sections(sales.net, tier_list, plan.basis, target)
        statement.commission = tiers.money(sum((s.amount for s in sections), Decimal(0)))
        evidence["completion"] = str(tiers.completion_ratio(sales.net, target)) if target else None
        evidence["sections"] = [{"from": str(tiers.money(s.start)), "to": str(tiers.money(s.end)),
                                 "rate": str(s.rate), "amount": str(s.amount)} for s in sections]
    label = _("Commission on net sales of own orders") if own else _("Commission on net sales")
    return PayLine(kind=PayLine.Kind.COMMISSION, label=label, amount=statement.commission,
                   evidence=evidence)
