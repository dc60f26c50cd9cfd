from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shangdui.org.models import Department, Member
from shangdui.shop.models import Carrier, Shop

MAX_UPLOAD_BYTES = 500 * 1024 * 1024



def _spreadsheet_upload(upload: Any) -> Any:
    """An uploaded export: .csv/.txt or .xlsx, at most MAX_UPLOAD_BYTES; else a clear message."""
    if not upload.name.lower().endswith((".xlsx", ".csv", ".txt")):
        raise forms.ValidationError(_("Unsupported file type: use .csv or .xlsx."))
    if upload.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(_("The file is larger than 500 MB."))
    return upload

class OrderUploadForm(forms.Form):
    file = forms.FileField(label=_("Order export (.csv or .xlsx)"))
    platform = forms.ChoiceField(
        label=_("Layout"), initial="auto",
        choices=[("auto", _("Detect from the header row")),
                 *[(value, label) for value, label in Shop.Platform.choices if value != "other"]])

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        return _spreadsheet_upload(upload)


class DashboardFilterForm(forms.Form):
    PERIODS = [("day", _("Today")), ("week", _("Last 7 days")), ("month", _("Last 30 days")),
               ("quarter", _("Last 90 days")), ("custom", _("Custom dates"))]

    shop = forms.TypedChoiceField(label=_("Shop"), required=False, coerce=int, empty_value=None)
    platform = forms.ChoiceField(label=_("Platform"), required=False)
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False, initial="month")
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, shops: list[Shop], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shop"].choices = [("", _("All shops")), *[(s.pk, s.name) for s in shops]]  # type: ignore[attr-defined]
        self.fields["platform"].choices = [("", _("All platforms")), *Shop.Platform.choices]  # type: ignore[attr-defined]


class ShippingBatchForm(forms.Form):
    shop = forms.TypedChoiceField(label=_("Shop"), required=False, coerce=int, empty_value=None)
    carrier = forms.ChoiceField(label=_("Carrier"), choices=Carrier.choices)

    def __init__(self, *args: Any, shops: list[Shop], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shop"].choices = [("", _("All shops")), *[(s.pk, s.name) for s in shops]]  # type: ignore[attr-defined]


class PackerForm(forms.Form):
    packer = forms.ModelChoiceField(label=_("Packer"), queryset=Member.objects.none())

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["packer"].queryset = Member.objects.filter(  # type: ignore[attr-defined]
            organization_id=organization_id, is_active=True).order_by("name")


class TrackingUploadForm(forms.Form):
    file = forms.FileField(label=_("Tracking numbers from the carrier (.csv or .xlsx with 订单号 and 运单号)"))


class CarrierBillForm(forms.Form):
    carrier = forms.ChoiceField(label=_("Carrier"), choices=Carrier.choices)
    file = forms.FileField(label=_("Carrier bill (.csv or .xlsx with 运单号, 重量, 运费)"))


class ShopForm(forms.ModelForm):
    """A shop's name, platform, responsible department and sender (寄件人) for waybills and labels."""

    class Meta:
        model = Shop
        fields = ["name", "platform", "department", "sender_name", "sender_phone", "sender_address"]
        help_texts = {
            "sender_name": _("Printed as 寄件人 on carrier sheets and labels; empty: the company name."),
            "sender_phone": _("Carriers refuse sheets without a sender phone."),
            "sender_address": _("Full address: province, city, district and street."),
        }

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization_id = organization_id
        self.fields["department"].queryset = Department.objects.filter(  # type: ignore[attr-defined]
            organization_id=organization_id)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        taken = Shop.objects.filter(organization_id=self.organization_id, name=name).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("There is already a shop with this name."))
        return name

    def clean_sender_phone(self) -> str:
        phone = self.cleaned_data["sender_phone"].strip()
        digits = phone.replace("-", "").replace(" ", "")
        if phone and not (digits.isdigit() and 7 <= len(digits) <= 13):
            raise forms.ValidationError(_("Enter a phone number of 7 to 13 digits (a hyphen is fine)."))
        return phone


class MappingSampleForm(forms.Form):
    sample = forms.FileField(label=_("A sample export of this shop (.csv or .xlsx)"))

    def clean_sample(self) -> Any:
        upload = self.cleaned_data["sample"]
        return _spreadsheet_upload(upload)


class SalespersonForm(forms.Form):
    salesperson = forms.ModelChoiceField(label=_("Salesperson"), queryset=Member.objects.none(), required=False,
                                         empty_label=_("Nobody"))

    def __init__(self, *args: Any, organization_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["salesperson"].queryset = Member.objects.filter(  # type: ignore[attr-defined]
            organization_id=organization_id, is_active=True).order_by("name")


class ReviewUploadForm(forms.Form):
    shop = forms.TypedChoiceField(label=_("Shop"), coerce=int)
    file = forms.FileField(label=_("Review export (.csv or .xlsx)"))

    def __init__(self, *args: Any, shops: list[Shop], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shop"].choices = [(s.pk, s.name) for s in shops]  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        return _spreadsheet_upload(upload)
