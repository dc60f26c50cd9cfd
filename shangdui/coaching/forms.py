from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ClipForm(forms.Form):
    conversation = forms.IntegerField(widget=forms.HiddenInput)
    from_line = forms.IntegerField(label=_("From line"), min_value=0)
    to_line = forms.IntegerField(label=_("To line"), min_value=0)
    playlist = forms.IntegerField(label=_("Playlist"))
    title = forms.CharField(label=_("Title"), max_length=100, required=False)
    note = forms.CharField(
        label=_("Why it is exemplary"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PlaylistForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
