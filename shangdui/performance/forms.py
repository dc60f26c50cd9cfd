"""Forms of the performance pages. Validation of rules lives in the services; forms parse input."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shangdui.org.models import Department, Member, Position
from shangdui.performance.models import Feedback, Goal, MeetingItem, PayPlan
from shangdui.shop.models import Shop

MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
TIER_RE = re.compile(r"^\s*([\d.]+)\s*[-~～]\s*([\d.]*)\s*[:：]\s*([\d.]+)\s*%?\s*$")


class MonthField(forms.CharField):
    """``2026-10`` → the first day of that month."""

    def to_python(self, value: Any) -> dt.date | None:  # type: ignore[override]
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        match = MONTH_RE.match(text)
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise forms.ValidationError(_("Enter a month like 2026-10."))
        return dt.date(int(match.group(1)), int(match.group(2)), 1)


class TiersField(forms.CharField):
    """One tier per line: ``0-100000: 2`` (from-to: rate %); leave the last end empty for "and above"."""

    def to_python(self, value: Any) -> list[dict[str, str | None]]:  # type: ignore[override]
        rows: list[dict[str, str | None]] = []
        for number, line in enumerate((super().to_python(value) or "").splitlines(), start=1):
            if not line.strip():
                continue
            match = TIER_RE.match(line)
            if not match:
                raise forms.ValidationError(_("Line %(n)d: write a tier as 0-100000: 2") % {"n": number})
            rows.append({"start": match.group(1), "end": match.group(2) or None, "rate": match.group(3)})
        return rows


def tiers_text(rows: list[dict[str, Any]]) -> str:
    return "\n".join(f"{r['start']}-{r['end'] or ''}: {r['rate']}" for r in rows)


def _members(organization_id: int) -> Any:
    return Member.objects.filter(organization_id=organization_id, is_active=True).order_by("name")


class PayRunForm(forms.Form):
    period = MonthField(label=_("Month"), help_text=_("For example 2026-10."))


class PayPlanForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=PayPlan.Kind.choices)
    position = forms.ModelChoiceField(label=_("Position"), queryset=Position.objects.none(), required=False)
    member = forms.ModelChoiceField(label=_("Member (overrides the position's plan)"), queryset=Member.objects.none(),
                                    required=False)
    base_salary = forms.DecimalField(label=_("Base salary"), max_digits=12, decimal_places=2, required=False,
                                     help_text=_("Empty: the member's own base salary."))
    scope = forms.ChoiceField(label=_("Commission scope"), choices=PayPlan.Scope.choices)
    shop_ids = forms.ModelMultipleChoiceField(label=_("Shops"), queryset=Shop.objects.none(), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    platforms = forms.MultipleChoiceField(label=_("Platforms"), choices=Shop.Platform.choices, required=False,
                                          widget=forms.CheckboxSelectMultiple)
    basis = forms.ChoiceField(label=_("Tier basis"), choices=PayPlan.Basis.choices)
    tiers = TiersField(label=_("Tiers (one per line: from-to: rate %)"), required=False,
                       widget=forms.Textarea(attrs={"rows": 4, "placeholder": "0-100000: 2\n100000-: 4"}))
    monthly_target = forms.DecimalField(label=_("Monthly target"), max_digits=14, decimal_places=2, required=False)
    bonus_pool = forms.DecimalField(label=_("Bonus pool"), max_digits=14, decimal_places=2, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = Position.objects.filter(organization_id=organization_id)  # type: ignore[attr-defined]
        self.fields["member"].queryset = _members(organization_id)  # type: ignore[attr-defined]
        self.fields["shop_ids"].queryset = Shop.objects.filter(organization_id=organization_id)  # type: ignore[attr-defined]

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["shop_ids"] = [shop.id for shop in data.get("shop_ids") or []]
        data["bonus_pool"] = data.get("bonus_pool") or Decimal("0")
        return data


class AdjustmentForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    period = MonthField(label=_("Paid in month"), help_text=_("For example 2026-11."))
    amount = forms.DecimalField(label=_("Amount (negative to deduct)"), max_digits=14, decimal_places=2)
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = _members(organization_id)  # type: ignore[attr-defined]


class GoalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none(), required=False)
    department = forms.ModelChoiceField(label=_("Team (for a team goal)"), queryset=Department.objects.none(),
                                        required=False)
    parent = forms.ModelChoiceField(label=_("Part of the team goal"), queryset=Goal.objects.none(), required=False)
    measure = forms.ChoiceField(label=_("Measure"), choices=Goal.Measure.choices)
    target = forms.DecimalField(label=_("Target"), max_digits=14, decimal_places=2)
    weight = forms.DecimalField(label=_("Weight (%)"), max_digits=5, decimal_places=2, initial=Decimal("100"))
    period_start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    shop_ids = forms.ModelMultipleChoiceField(label=_("Shops (net sales)"), queryset=Shop.objects.none(),
                                              required=False, widget=forms.CheckboxSelectMultiple)
    platforms = forms.MultipleChoiceField(label=_("Platforms"), choices=Shop.Platform.choices, required=False,
                                          widget=forms.CheckboxSelectMultiple)
    product_ids = forms.CharField(label=_("Product IDs or SKUs (one per line)"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("Net sales of these products only."))
    benchmark = forms.CharField(label=_("Competitor shops and figures used"), required=False,
                                widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = _members(organization_id)  # type: ignore[attr-defined]
        self.fields["department"].queryset = Department.objects.filter(organization_id=organization_id)  # type: ignore[attr-defined]
        self.fields["shop_ids"].queryset = Shop.objects.filter(organization_id=organization_id)  # type: ignore[attr-defined]
        self.fields["parent"].queryset = Goal.objects.filter(  # type: ignore[attr-defined]
            organization_id=organization_id, member__isnull=True).exclude(state=Goal.State.CLOSED)

    def clean_product_ids(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("product_ids") or "").splitlines() if line.strip()]


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))


class GoalChangeForm(forms.Form):
    target = forms.DecimalField(label=_("New target"), max_digits=14, decimal_places=2, required=False)
    period_end = forms.DateField(label=_("New end date"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ProgressForm(forms.Form):
    value = forms.DecimalField(label=_("Reached so far"), max_digits=14, decimal_places=2)


class SelfAssessmentForm(forms.Form):
    text = forms.CharField(label=_("Self-assessment"), widget=forms.Textarea(attrs={"rows": 4}))
    score = forms.DecimalField(label=_("Self score"), max_digits=5, decimal_places=2, required=False)


class ManagerAssessmentForm(forms.Form):
    text = forms.CharField(label=_("Assessment"), widget=forms.Textarea(attrs={"rows": 4}))
    score = forms.DecimalField(label=_("Score"), max_digits=5, decimal_places=2)
    bonus_coefficient = forms.DecimalField(label=_("Bonus coefficient (0–3)"), max_digits=4, decimal_places=2)
    reward = forms.DecimalField(label=_("Reward (¥)"), max_digits=14, decimal_places=2, initial=Decimal("0"))
    penalty = forms.DecimalField(label=_("Penalty (¥)"), max_digits=14, decimal_places=2, initial=Decimal("0"))


class ConfirmReviewForm(forms.Form):
    conversation = forms.CharField(label=_("Joint review conversation"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    final_score = forms.DecimalField(label=_("Final score"), max_digits=5, decimal_places=2, required=False)


class OneOnOneScheduleForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    scheduled_for = forms.DateTimeField(label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


class OneOnOneRecordForm(forms.Form):
    shared_notes = forms.CharField(label=_("Shared notes"), widget=forms.Textarea(attrs={"rows": 4}))
    private_notes = forms.CharField(label=_("Private notes (only the manager chain)"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    action_items = forms.CharField(label=_("Action items (one per line)"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    department = forms.ModelChoiceField(label=_("Team"), queryset=Department.objects.none(), required=False)
    decisions = forms.CharField(label=_("Decisions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(organization_id=organization_id)  # type: ignore[attr-defined]


class MeetingItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingItem.Kind.choices)
    text = forms.CharField(label=_("Problem or suggestion"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Member.objects.none(), required=False)
    due = forms.DateField(label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _members(organization_id)  # type: ignore[attr-defined]


class FeedbackForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=Feedback.Kind.choices)
    text = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.CharField(label=_("Evidence (order, task, conversation)"), required=False, max_length=200)

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = _members(organization_id)  # type: ignore[attr-defined]
