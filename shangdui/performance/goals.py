"""Goals (目标): proposal, discussion, two-way agreement, recorded changes, live progress.

Writes are keyword-only, atomic and audited. An agreed goal changes only through a GoalChange
that both sides confirm; a direct edit of an agreed goal is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shangdui.core.audit import audit
from shangdui.core.models import AuditLog
from shangdui.org.models import Department, Member, Organization
from shangdui.performance import selectors, tiers
from shangdui.performance.access import is_goal_manager
from shangdui.performance.models import Goal, GoalChange, GoalComment

EDITABLE = ("title", "period_start", "period_end", "measure", "target", "weight", "shop_ids", "platforms",
            "product_ids", "manual_value", "benchmark")
CHANGEABLE = ("title", "period_start", "period_end", "target", "weight", "shop_ids", "platforms", "product_ids")


def _side(actor: Member, goal: Goal) -> str | None:
    """Which side of the agreement ``actor`` stands on: "member", "manager" or None."""
    if goal.member is not None and actor.id == goal.member_id:
        return "member"
    if goal.member is None and goal.department is not None and actor.id == goal.department.head_id:
        return "member"  # a team goal is agreed between the team's head and the director/above
    if is_goal_manager(actor, goal):
        return "manager"
    return None


def _clean(fields: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if not (fields.get("title") or "").strip():
        errors["title"] = _("Please enter a title.")
    start, end = fields.get("period_start"), fields.get("period_end")
    if start and end and end < start:
        errors["period_end"] = _("The period ends before it starts.")
    target = fields.get("target")
    if target is None or target <= 0:
        errors["target"] = _("The target must be above 0.")
    weight = fields.get("weight", Decimal(100))
    if weight is None or not (0 <= weight <= 100):
        errors["weight"] = _("The weight must be between 0 and 100.")
    if fields.get("measure", Goal.Measure.MANUAL) not in Goal.Measure.values:
        errors["measure"] = _("Unknown measure.")
    platforms = fields.get("platforms") or []
    known_platforms = apps.get_model("shop", "Shop").Platform.values
    if any(p not in known_platforms for p in platforms):
        errors["platforms"] = _("Choose one or more known platforms.")
    products = fields.get("product_ids") or []
    if any(not str(p).strip() or len(str(p)) > 64 for p in products):
        errors["product_ids"] = _("A product ID is empty or longer than 64 characters.")
    if (platforms or products) and fields.get("measure") not in (Goal.Measure.NET_SALES, Goal.Measure.LOGISTICS_COST,
                                                                 Goal.Measure.GOOD_REVIEWS):
        errors["measure"] = _("Platforms and products only narrow shop-data measures (net sales, good reviews, "
                              "logistics cost).")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def goal_propose(*, actor: Member, organization: Organization, member: Member | None = None,
                 department: Department | None = None, parent: Goal | None = None, **fields: Any) -> Goal:
    """The member or their manager (for a team goal: its head or the director) proposes a goal."""
    for value in (member, department, parent):
        if value is not None and value.organization_id != organization.id:
            raise ValidationError(_("Unknown member, team or goal."))
    if member is None and department is None:
        raise ValidationError(_("Choose the member or the team this goal is for."))
    fields = {k: v for k, v in fields.items() if k in EDITABLE}
    fields.setdefault("weight", Decimal(100))
    _clean(fields)
    goal = Goal(organization=organization, member=member, department=department, parent=parent,
                proposed_by=actor, **fields)
    side = _side(actor, goal)
    if side is None:
        raise PermissionError(_("Only the member or their manager can propose this goal."))
    setattr(goal, f"{side}_confirmed", True)
    goal.save()
    audit(action=AuditLog.Action.CREATE, organization=organization, actor=actor.user, target=goal,
          changes={k: [None, v] for k, v in fields.items()})
    return goal


@transaction.atomic
def goal_update(*, actor: Member, goal: Goal, **fields: Any) -> Goal:
    """Edit a goal still under discussion; the other side must confirm again."""
    goal = Goal.objects.select_for_update(of=("self",)).select_related("member", "department").get(pk=goal.pk)
    if goal.state != Goal.State.PROPOSED:
        raise ValidationError(_("An agreed goal changes only through a change both sides confirm."))
    side = _side(actor, goal)
    if side is None:
        raise PermissionError(_("Only the member or their manager can edit this goal."))
    merged = {k: getattr(goal, k) for k in EDITABLE}
    merged.update({k: v for k, v in fields.items() if k in EDITABLE})
    _clean(merged)
    changes = {k: [getattr(goal, k), v] for k, v in merged.items() if getattr(goal, k) != v}
    if changes:
        for key, value in merged.items():
            setattr(goal, key, value)
        goal.member_confirmed = side == "member"
        goal.manager_confirmed = side == "manager"
        goal.save()
        audit(action=AuditLog.Action.UPDATE, organization=goal.organization, actor=actor.user, target=goal,
              changes=changes)
    return goal


@transaction.atomic
def goal_comment(*, actor: Member, goal: Goal, text: str) -> GoalComment:
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Please write a comment.")})
    return GoalComment.objects.create(goal=goal, author=actor, text=text)


@transaction.atomic
def goal_confirm(*, actor: Member, goal: Goal) -> Goal:
    """Confirm one's side; when both sides have, the goal is agreed."""
    goal = Goal.objects.select_for_update(of=("self",)).select_related("member", "department").get(pk=goal.pk)
    if goal.state != Goal.State.PROPOSED:
        raise ValidationError(_("This goal is already agreed."))
    side = _side(actor, goal)
    if side is None:
        raise PermissionError(_("Only the member or their manager can confirm this goal."))
    setattr(goal, f"{side}_confirmed", True)
    if goal.member_confirmed and goal.manager_confirmed:
        goal.state = Goal.State.AGREED
        goal.agreed_at = timezone.now()
    goal.save()
    audit(action=AuditLog.Action.UPDATE, organization=goal.organization, actor=actor.user, target=goal,
          changes={f"{side}_confirmed": [False, True], "state": [Goal.State.PROPOSED, goal.state]})
    return goal


@transaction.atomic
def goalchange_propose(*, actor: Member, goal: Goal, reason: str, **changes: Any) -> GoalChange:
    """Propose a change to an agreed goal; it applies when the other side confirms."""
    if goal.state != Goal.State.AGREED:
        raise ValidationError(_("Only an agreed goal needs a recorded change; edit it directly."))
    side = _side(actor, goal)
    if side is None:
        raise PermissionError(_("Only the member or their manager can change this goal."))
    if not reason.strip():
        raise ValidationError({"reason": _("Please give a reason.")})
    wanted = {k: v for k, v in changes.items() if k in CHANGEABLE and getattr(goal, k) != v}
    if not wanted:
        raise ValidationError(_("Nothing would change."))
    merged = {k: getattr(goal, k) for k in EDITABLE} | {"measure": goal.measure} | wanted
    _clean(merged)
    change = GoalChange.objects.create(
        goal=goal, proposed_by=actor, reason=reason.strip(),
        changes={k: [_plain(getattr(goal, k)), _plain(v)] for k, v in wanted.items()},
        member_confirmed=side == "member", manager_confirmed=side == "manager")
    audit(action=AuditLog.Action.UPDATE, organization=goal.organization, actor=actor.user, target=goal,
          target_repr=f"{goal.title}: {change.reason}", changes={"proposed_change": change.changes})
    return change


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _parse(key: str, value: Any) -> Any:
    if key in ("target", "weight"):
        return Decimal(value)
    if key in ("period_start", "period_end"):
        return dt.date.fromisoformat(value)
    return value


@transaction.atomic
def goalchange_confirm(*, actor: Member, change: GoalChange) -> GoalChange:
    change = (GoalChange.objects.select_for_update(of=("self",))
              .select_related("goal__member", "goal__department").get(pk=change.pk))
    if change.state != GoalChange.State.OPEN:
        raise ValidationError(_("This change is no longer open."))
    goal = change.goal
    side = _side(actor, goal)
    if side is None:
        raise PermissionError(_("Only the member or their manager can confirm this change."))
    setattr(change, f"{side}_confirmed", True)
    if change.member_confirmed and change.manager_confirmed:
        for key, (_old, new) in change.changes.items():
            setattr(goal, key, _parse(key, new))
        goal.save()
        change.state = GoalChange.State.APPLIED
        audit(action=AuditLog.Action.UPDATE, organization=goal.organization, actor=actor.user, target=goal,
              changes=change.changes)
    change.save()
    return change


@transaction.atomic
def goal_record_progress(*, actor: Member, goal: Goal, value: Decimal) -> Goal:
    """Manual milestones: the member or manager records how far it got."""
    if goal.measure != Goal.Measure.MANUAL:
        raise ValidationError(_("This goal's progress is computed from data."))
    if _side(actor, goal) is None:
        raise PermissionError(_("Only the member or their manager can record progress."))
    if value < 0:
        raise ValidationError({"value": _("Progress cannot be negative.")})
    old = goal.manual_value
    goal.manual_value = value
    goal.save(update_fields=["manual_value"])
    audit(action=AuditLog.Action.UPDATE, organization=goal.organization, actor=actor.user, target=goal,
          changes={"manual_value": [old, value]})
    return goal


# --- progress (reads) ------------------------------------------------------------------------

@dataclass
class Progress:
    value: Decimal
    ratio: Decimal  # percent of target, two places (for "lower is better": target ÷ value)
    evidence: dict[str, Any]
    lower_is_better: bool = False
    is_rate: bool = False


RATIO_CAP = Decimal(300)


def _bounds(goal: Goal, today: dt.date) -> tuple[dt.date, dt.date]:
    """The goal's period up to today, half-open ``[start, end)``."""
    return goal.period_start, min(goal.period_end, today) + dt.timedelta(days=1)


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def goal_progress(goal: Goal, today: dt.date | None = None,
                  cache: dict[Any, Any] | None = None) -> Progress:
    """Live progress of a goal from its measure's data (up to ``today``).

    ``cache`` (shared across calls by ``goals_with_progress``) keeps the per-shop sales of each
    period and the shops of the organization, so a page of goals costs one query per distinct period.
    """
    today = today or timezone.localdate()
    start, end = _bounds(goal, today)
    evidence: dict[str, Any] = {}
    value: Decimal
    try:
        if goal.measure == Goal.Measure.NET_SALES:
            value, evidence = _net_sales(goal, start, end, cache)
        elif goal.measure == Goal.Measure.TASKS_ON_TIME:
            value, evidence = _tasks_on_time(goal, end)
        elif goal.measure == Goal.Measure.DAILY_SUMMARIES:
            value = Decimal(_count_summaries(goal, end))
            evidence = {"summaries": int(value)}
        elif goal.measure == Goal.Measure.INSPECTION_SCORE:
            value, evidence = _inspection_score(goal, start, end)
        elif goal.measure == Goal.Measure.LOGISTICS_COST:
            value, evidence = _logistics_cost(goal, start, end, cache)
        elif goal.measure == Goal.Measure.GOOD_REVIEWS:
            value, evidence = _good_reviews(goal, start, end, cache)
        else:
            value = goal.manual_value
    except LookupError:  # the app that holds the data is not installed
        value, evidence = Decimal(0), {}
    lower = goal.measure in Goal.LOWER_IS_BETTER
    if lower:
        # No shipped order yet: nothing to judge. A cost of 0 beats any target (capped like tiers).
        if not evidence.get("orders"):
            ratio = Decimal(0)
        else:
            ratio = min(RATIO_CAP, goal.target * 100 / value) if value > 0 else RATIO_CAP
    else:
        ratio = value * 100 / goal.target if goal.target else Decimal(0)
    return Progress(value=tiers.money(value), ratio=tiers.money(ratio), evidence=evidence, lower_is_better=lower,
                    is_rate=goal.measure in Goal.RATES)


def elapsed_percent(goal: Goal, today: dt.date) -> Decimal:
    """Share of the goal's period that has passed (%)."""
    days = (goal.period_end - goal.period_start).days + 1
    passed = max(0, min(days, (today - goal.period_start).days + 1))
    return Decimal(passed * 100) / Decimal(days)


def is_behind(goal: Goal, progress: Progress, today: dt.date) -> bool:
    """An agreed goal is behind when a running total lags the share of the period that has passed,
    or a rate (on-time share, score, cost per order) misses its target."""
    if goal.state != Goal.State.AGREED:
        return False
    if progress.is_rate:
        return progress.ratio < 100
    return progress.ratio < elapsed_percent(goal, today)


def _cached(cache: dict[Any, Any] | None, key: Any, make: Any) -> Any:
    if cache is None:
        return make()
    if key not in cache:
        cache[key] = make()
    return cache[key]


def goals_with_progress(goal_list: list[Goal], today: dt.date | None = None) -> list[tuple[Goal, Progress]]:
    cache: dict[Any, Any] = {}
    return [(goal, goal_progress(goal, today, cache)) for goal in goal_list]


def goal_shop_ids(goal: Goal, cache: dict[Any, Any] | None = None) -> list[int]:
    """The shops a shop-data goal counts: its chosen shops, narrowed to its platforms; with none
    chosen, the shops of its platforms, else of its team; else (for products, good reviews and
    logistics cost) every shop of the organization. A member net-sales goal without shops counts none."""
    shops: dict[int, Any] = _cached(cache, ("shops", goal.organization_id),
                                    lambda: selectors.shops_of(goal.organization_id))
    ids = [int(i) for i in goal.shop_ids if int(i) in shops]
    if goal.platforms:
        ids = [i for i in (ids or shops) if shops[i].platform in goal.platforms]
    elif not ids and goal.department_id is not None:
        ids = [i for i, shop in shops.items() if shop.department_id == goal.department_id]
    chosen = goal.shop_ids or goal.platforms
    if not ids and not chosen and (goal.product_ids or goal.measure != Goal.Measure.NET_SALES):
        ids = list(shops)  # e.g. the customer-service or logistics team: every shop
    return sorted(ids)


def _net_sales(goal: Goal, start: dt.date, end: dt.date,
               cache: dict[Any, Any] | None) -> tuple[Decimal, dict[str, Any]]:
    shop_ids = goal_shop_ids(goal, cache)
    if goal.product_ids:
        sales = selectors.product_sales(goal.organization_id, shop_ids, [str(p) for p in goal.product_ids],
                                        start, end)
        return sales.net, {"shop_ids": shop_ids, "platforms": goal.platforms, "product_ids": goal.product_ids,
                           "orders": sales.orders, "paid": str(sales.paid), "refunds": str(sales.refunds)}
    by_shop = _cached(cache, ("sales", goal.organization_id, start, end),
                      lambda: selectors.sales_by_shop(goal.organization_id, start, end))
    sales = selectors.sales_for_shops(by_shop, shop_ids)
    return sales.net, {"shop_ids": shop_ids, "platforms": goal.platforms, "orders": sales.orders,
                       "paid": str(sales.paid), "refunds": str(sales.refunds)}


def _inspection_score(goal: Goal, start: dt.date, end: dt.date) -> tuple[Decimal, dict[str, Any]]:
    """Average inspection score of the period's scored conversations, in % of the maximum
    (Σ score ÷ Σ max, the scorecard's figure)."""
    row = selectors.inspection_totals(goal.organization_id, _members_of(goal), _aware(start), _aware(end))
    value = Decimal(row["score"] * 100) / Decimal(row["max"]) if row["max"] else Decimal(0)
    return value, {"conversations": row["n"], "score": row["score"], "max_score": row["max"]}


def _logistics_cost(goal: Goal, start: dt.date, end: dt.date,
                    cache: dict[Any, Any] | None) -> tuple[Decimal, dict[str, Any]]:
    """Carrier cost per shipped order: the carrier bills' freight of the goal's shops' orders shipped
    in the period ÷ those orders (orders without a bill line yet do not count)."""
    shop_ids = goal_shop_ids(goal, cache)
    row = selectors.carrier_cost(goal.organization_id, shop_ids, _aware(start), _aware(end))
    value = row["cost"] / row["orders"] if row["orders"] else Decimal(0)
    return value, {"shop_ids": shop_ids, "orders": row["orders"], "cost": str(tiers.money(row["cost"]))}


def _good_reviews(goal: Goal, start: dt.date, end: dt.date,
                  cache: dict[Any, Any] | None) -> tuple[Decimal, dict[str, Any]]:
    """Good reviews (好评) of the period: of the goal's shops (or platforms, or its team's shops;
    with none, every shop), credited to the goal's member when it is a member goal."""
    shop_ids = goal_shop_ids(goal, cache)
    counts = selectors.good_reviews(goal.organization, start, end - dt.timedelta(days=1), shop_ids=shop_ids,
                                    member=goal.member)
    return Decimal(counts["good"]), {"shop_ids": shop_ids, "reviews": counts["good"],
                                     "all_reviews": counts["total"], "bad": counts["bad"]}


def _members_of(goal: Goal) -> list[int]:
    if goal.member_id is not None:
        return [goal.member_id]
    return list(Member.objects.filter(department=goal.department).values_list("id", flat=True))


def _tasks_on_time(goal: Goal, end: dt.date) -> tuple[Decimal, dict[str, Any]]:
    """Share (%) of the tasks due in the period that are done (cancelled ones do not count)."""
    try:
        task_model = apps.get_model("work", "Task")
    except LookupError:
        return Decimal(0), {}
    due = task_model.objects.filter(organization_id=goal.organization_id, assignees__in=_members_of(goal),
                                    due__gte=goal.period_start, due__lt=end).exclude(status="cancelled").distinct()
    total = due.count()
    done = due.filter(status="done").count()
    return (Decimal(done * 100) / total if total else Decimal(0)), {"tasks": total, "done": done}


def _count_summaries(goal: Goal, end: dt.date) -> int:
    try:
        summary_model = apps.get_model("work", "DailySummary")
    except LookupError:
        return 0
    return int(summary_model.objects.filter(organization_id=goal.organization_id, member_id__in=_members_of(goal),
                                            date__gte=goal.period_start, date__lt=end,
                                            submitted_at__isnull=False).count())


def goals_for(viewer: Member, *, member: Member | None = None, period: dt.date | None = None) -> list[Goal]:
    """Goals the viewer may see, newest period first (one query + select_related)."""
    from shangdui.performance.access import can_view_goal

    goals = Goal.objects.filter(organization_id=viewer.organization_id).select_related("member", "department")
    if member is not None:
        goals = goals.filter(member=member)
    if period is not None:
        goals = goals.filter(period_start__lte=period, period_end__gte=period)
    return [g for g in goals.order_by("-period_start", "id")[:300] if can_view_goal(viewer, g)]
