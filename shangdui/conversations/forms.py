from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from shangdui.conversations.models import Conversation, RecordingSource
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
    source = forms.ModelChoiceField(
        label=_("Recording source"), queryset=RecordingSource.objects.none(), required=False,
        help_text=_("With a source, consent and the agent's stereo channel are the source's."))

    def __init__(self, *args: Any, members: Any, sources: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = members
        source = self.fields["source"]
        assert isinstance(source, forms.ModelChoiceField)
        if sources is None:
            del self.fields["source"]
        else:
            source.queryset = sources


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


class SourceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=RecordingSource.Kind.choices)
    agent_channel = forms.ChoiceField(
        label=_("Agent channel (stereo)"), choices=RecordingSource.AgentChannel.choices,
        help_text=_("Stereo recordings: which channel is the agent; the other is the customer."))
    consent = forms.BooleanField(
        label=_("Customers are told they are recorded"), required=False,
        help_text=_("E.g. an announcement on the line or a notice at the counter. Conversations from a "
                    "source without consent are stored and marked as such."))
    default_member = forms.ModelChoiceField(
        label=_("Default member"), queryset=Member.objects.none(), required=False,
        help_text=_("Whose recordings they are (a personal recorder badge)."))
    watch_folder = forms.CharField(
        label=_("Watched folder"), max_length=200, required=False,
        help_text=_("A folder under the watch root where the device drops its files, e.g. badge-zhangsan. "
                    "Files named <username>_<anything>.mp3 go to that member, others to the default member."))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["default_member"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = members


class VoiceSampleForm(forms.Form):
    sample = forms.FileField(label=_("Voice sample"), widget=forms.ClearableFileInput(
        attrs={"accept": "audio/*,.amr,.opus,.m4a"}))
