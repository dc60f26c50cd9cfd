from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shangdui.org.models import Department, Member
from shangdui.org.roster import parse_strengths

WEEKDAYS = [(0, _("Mon")), (1, _("Tue")), (2, _("Wed")), (3, _("Thu")), (4, _("Fri")), (5, _("Sat")),
            (6, _("Sun"))]


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    kind = forms.ChoiceField(label=_("Kind"), choices=Department.Kind.choices)
    parent = forms.ModelChoiceField(label=_("Parent department"), queryset=Department.objects.none(),
                                    required=False)
    head = forms.ModelChoiceField(label=_("Head"), queryset=Member.objects.none(), required=False)
    responsibilities = forms.CharField(label=_("Responsibilities (one per line)"), widget=forms.Textarea(
        attrs={"rows": 5}), required=False)

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        head = self.fields["head"]
        assert isinstance(parent, forms.ModelChoiceField) and isinstance(head, forms.ModelChoiceField)
        parent.queryset = Department.objects.filter(organization_id=organization_id)
        head.queryset = Member.objects.filter(organization_id=organization_id, is_active=True)


class StrengthsField(forms.CharField):
    def to_python(self, value: Any) -> dict[str, int]:  # type: ignore[override]
        text = super().to_python(value)
        try:
            return parse_strengths(text or "")
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class MemberProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False)
    manager = forms.ModelChoiceField(label=_("Manager"), queryset=Member.objects.none(), required=False)
    position = forms.CharField(label=_("Position"), max_length=60, required=False)
    join_date = forms.DateField(label=_("Join date"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    working_days = forms.TypedMultipleChoiceField(label=_("Working days"), choices=WEEKDAYS, coerce=int,
                                                  widget=forms.CheckboxSelectMultiple, required=False)
    daily_hours = forms.DecimalField(label=_("Daily hours"), min_value=Decimal("0.5"), max_value=Decimal("16"),
                                     decimal_places=1, initial=Decimal("8.0"))
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    strengths = StrengthsField(label=_("Strengths"), required=False,
                               help_text=_("For example: 修图:3 沟通:2 (level 1 basic – 4 expert)"))

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department = self.fields["department"]
        manager = self.fields["manager"]
        assert isinstance(department, forms.ModelChoiceField) and isinstance(manager, forms.ModelChoiceField)
        department.queryset = Department.objects.filter(organization_id=organization_id)
        manager.queryset = Member.objects.filter(organization_id=organization_id, is_active=True)


class MemberCreateForm(MemberProfileForm):
    username = forms.CharField(label=_("Login name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Member.Role.choices, initial=Member.Role.MEMBER)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput, required=False,
                               help_text=_("Leave empty to set it later."))
    field_order = ["username", "name", "role", "password"]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Member.Role.choices)
    is_inspector = forms.BooleanField(label=_("Inspector (reviews the conversations of the whole company)"),
                                      required=False)


class PayForm(forms.Form):
    base_salary = forms.DecimalField(label=_("Base salary (¥ per month)"), min_value=Decimal("0"),
                                     max_digits=12, decimal_places=2, required=False)


class PasswordResetForm(forms.Form):
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput, min_length=8)


class RosterUploadForm(forms.Form):
    file = forms.FileField(label=_("Roster file (.xlsx or .csv)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Unsupported file type: use .xlsx or .csv."))
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload
