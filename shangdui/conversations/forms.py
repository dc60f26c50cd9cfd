from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shangdui.conversations.models import Conversation
from shangdui.org.models import Member


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "audio/*,.amr,.opus,.m4a"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    recordings = MultipleFileField(label=_("Recordings"))
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    channel = forms.ChoiceField(label=_("Channel"), choices=Conversation.Channel.choices)
    occurred_at = forms.DateTimeField(label=_("Time"), required=False,
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    customer = forms.CharField(label=_("Customer"), max_length=100, required=False)
    order_no = forms.CharField(label=_("Order number"), max_length=64, required=False)
    consent = forms.BooleanField(label=_("The customer was told the conversation is recorded"), required=False)

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = members


class SchemeForm(forms.Form):
    source = forms.CharField(label=_("Scheme (YAML)"), widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}))
    is_default = forms.BooleanField(label=_("Use for new conversations"), required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirmed", _("Confirm")), ("overturned", _("Overturn"))])
    comment = forms.CharField(required=False, max_length=2000)


class AppealForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AppealDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("upheld", _("Uphold")), ("rejected", _("Reject"))])
    comment = forms.CharField(required=False, max_length=2000)


class RetentionForm(forms.Form):
    audio_days = forms.IntegerField(label=_("Keep recordings for (days)"), min_value=1, max_value=3650)


class ChatImportForm(forms.Form):
    chats = MultipleFileField(label=_("Chat logs"), widget=MultipleFileInput(attrs={"accept": ".txt,.log,.csv,.json"}))
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    agent_nicknames = forms.CharField(
        label=_("Agent nicknames"), required=False, max_length=500,
        help_text=_("Comma-separated shop or agent nicknames. Without them, the first speaker who greets "
                    "with 您好 or 亲 is the agent."))

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = members
