"""``{% coaching_clip_form conversation segments %}``: the "add to coaching library" action that the
conversation page shows to managers and inspectors (nothing for anyone else)."""

from __future__ import annotations

from typing import Any

from django import template

from shangdui.coaching.access import can_curate
from shangdui.coaching.selectors import playlists
from shangdui.coaching.services import has_consent
from shangdui.conversations.access import can_view

register = template.Library()


@register.inclusion_tag("coaching/partials/_clip_form.html", takes_context=True)
def coaching_clip_form(context: Any, conversation: Any, segments: Any) -> dict[str, Any]:
    viewer = getattr(context.get("request"), "member", None)
    show = (
        viewer is not None
        and can_curate(viewer)
        and can_view(viewer, conversation)
        and conversation.status == "done"
        and bool(segments)
    )
    return {
        "show": show,
        "conversation": conversation,
        "segments": segments,
        "consent": show and has_consent(conversation),
        "playlists": playlists(viewer) if show and viewer is not None else [],
        "csrf_token": context.get("csrf_token"),
    }
