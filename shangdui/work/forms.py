from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shangdui.org.forms import WEEKDAYS, StrengthsField
from shangdui.org.models import Department, Member
from shangdui.work.models import Plan, ReminderChannel, Stage, Task

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    start = forms.DateField(label=_("Start"), widget=DATE)
    end = forms.DateField(label=_("End"), widget=DATE)
    members = forms.ModelMultipleChoiceField(label=_("Members"), queryset=Member.objects.none(), required=False,
                                             widget=forms.CheckboxSelectMultiple)
    status = forms.ChoiceField(label=_("Status"), choices=Plan.Status.choices, initial=Plan.Status.ACTIVE)
    is_template = forms.BooleanField(label=_("Template"), required=False,
                                     help_text=_("Templates are copied for recurring initiatives and never "
                                                 "scheduled."))

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        members = self.fields["members"]
        assert isinstance(members, forms.ModelMultipleChoiceField)
        members.queryset = Member.objects.filter(organization_id=organization_id, is_active=True).order_by(
            "department__sort_order", "name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end date is before the start date."))
        return data


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    estimate_hours = forms.DecimalField(label=_("Estimate (hours)"), decimal_places=1, max_digits=6,
                                        min_value=Decimal("0.5"), max_value=Decimal("2000"))
    due = forms.DateField(label=_("Due date"), required=False, widget=DATE)
    priority = forms.TypedChoiceField(label=_("Priority"), coerce=int, initial=2, choices=[
        (1, _("1 · low")), (2, _("2 · normal")), (3, _("3 · high")), (4, _("4 · very high")), (5, _("5 · urgent"))])
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.none(), required=False)
    assignees = forms.ModelMultipleChoiceField(
        label=_("Assignees"), queryset=Member.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty: the scheduler picks the member whose strengths fit best."))
    required_strengths = StrengthsField(label=_("Required strengths"), required=False,
                                        help_text=_("For example: 修图:3 文案:2 (minimum level 1–4)"))
    dependencies = forms.ModelMultipleChoiceField(label=_("Depends on"), queryset=Task.objects.none(),
                                                  required=False, widget=forms.CheckboxSelectMultiple)
    checklist = forms.CharField(label=_("Checklist (one item per line)"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label=_("Status"), choices=Task.Status.choices, initial=Task.Status.TODO)
    recurrence = forms.ChoiceField(label=_("Repeats"), choices=Task.Recurrence.choices, required=False)
    recurrence_weekdays = forms.TypedMultipleChoiceField(label=_("On weekdays"), choices=WEEKDAYS, coerce=int,
                                                         widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args: Any, plan: Plan, task: Task | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stage, assignees, deps = self.fields["stage"], self.fields["assignees"], self.fields["dependencies"]
        assert isinstance(stage, forms.ModelChoiceField)
        assert isinstance(assignees, forms.ModelMultipleChoiceField)
        assert isinstance(deps, forms.ModelMultipleChoiceField)
        stage.queryset = Stage.objects.filter(plan=plan)
        people = {plan.owner_id, *plan.members.values_list("id", flat=True)}
        if task is not None:
            people |= set(task.assignees.values_list("id", flat=True))
        assignees.queryset = Member.objects.filter(organization_id=plan.organization_id, pk__in=people)
        others = Task.objects.filter(plan=plan).exclude(status=Task.Status.CANCELLED)
        deps.queryset = others.exclude(pk=task.pk) if task is not None else others

    @property
    def checklist_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("checklist", "").splitlines() if line.strip()]


class AdHocItemForm(forms.Form):
    title = forms.CharField(label=_("What"), max_length=120)
    hours = forms.DecimalField(label=_("Hours"), decimal_places=1, max_digits=4, min_value=Decimal("0.5"),
                               max_value=Decimal("24"), initial=Decimal("1"))
    date = forms.DateField(label=_("Day"), widget=DATE, required=False)


class ActualHoursForm(forms.Form):
    actual_hours = forms.DecimalField(label=_("Actual hours"), decimal_places=1, max_digits=4,
                                      min_value=Decimal("0"), max_value=Decimal("24"), required=False)
    done = forms.BooleanField(required=False)


class SummaryForm(forms.Form):
    problems = forms.CharField(label=_("Problems met"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    tomorrow_plan = forms.CharField(label=_("Plan for tomorrow"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))


class LeaveForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=100, required=False)

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member = self.fields["member"]
        assert isinstance(member, forms.ModelChoiceField)
        member.queryset = members


class ItemMoveForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    date = forms.DateField(label=_("Day"), widget=DATE)
    hours = forms.DecimalField(label=_("Hours"), decimal_places=1, max_digits=4, min_value=Decimal("0.5"),
                               max_value=Decimal("24"))

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        member = self.fields["member"]
        assert isinstance(member, forms.ModelChoiceField)
        member.queryset = members


class NoteForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(label=_("Text (Markdown)"), required=False, widget=forms.Textarea(attrs={"rows": 10}))
    date = forms.DateField(label=_("Day"), required=False, widget=DATE)


class ReminderChannelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    kind = forms.ChoiceField(label=_("Kind"), choices=ReminderChannel.Kind.choices)
    webhook_url = forms.URLField(label=_("Webhook URL"), max_length=500, required=False, assume_scheme="https",
                                 help_text=_("The group robot's address; not needed for e-mail."))
    secret = forms.CharField(label=_("Signing secret"), max_length=200, required=False,
                             help_text=_("DingTalk “SEC…” or Feishu signature key, if the robot uses signing."))
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False,
                                        help_text=_("Empty: everyone in the company."))
    morning_at = forms.TimeField(label=_("Today's list at"), required=False, initial="09:00",
                                 widget=forms.TimeInput(attrs={"type": "time"}))
    evening_at = forms.TimeField(label=_("Missing daily summary at"), required=False, initial="18:00",
                                 widget=forms.TimeInput(attrs={"type": "time"}))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department = self.fields["department"]
        assert isinstance(department, forms.ModelChoiceField)
        department.queryset = Department.objects.filter(organization_id=organization_id)


def parse_day(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3, "data-testid": "comment-body"}))


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("Office documents, images, PDF or ZIP; at most 20 MB."),
                           widget=forms.ClearableFileInput(attrs={"data-testid": "attachment-file"}))

    def clean_file(self) -> Any:
        from shangdui.work.services import attachment_check

        upload = self.cleaned_data["file"]
        attachment_check(upload)
        return upload
