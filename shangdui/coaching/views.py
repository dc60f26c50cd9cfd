"""Pages of the coaching library: playlists by scenario, clips playable on a phone, suggestions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shangdui.coaching import access, selectors, services
from shangdui.coaching.forms import ClipForm, PlaylistForm
from shangdui.coaching.models import Scenario
from shangdui.conversations.access import get_conversation_for_user
from shangdui.core.decorators import member_required
from shangdui.core.files import ranged_file_response
from shangdui.core.htmx import is_htmx, render_page
from shangdui.org.access import refuse
from shangdui.org.models import Member


def _viewer(request: HttpRequest) -> Member:
    return request.member  # type: ignore[attr-defined,no-any-return]


@member_required
def library(request: HttpRequest) -> HttpResponse:
    """教练素材库: one playlist at a time (by scenario or custom), clips in order, listened marks."""
    viewer = _viewer(request)
    playlists = selectors.playlists(viewer)
    chosen = None
    wanted = request.GET.get("playlist", "")
    scenario = request.GET.get("scenario", "")
    if wanted:
        chosen = access.get_playlist_for_user(viewer, wanted, request=request)
    elif scenario in Scenario.values:
        chosen = access.get_playlist_for_user(
            viewer, next(p["id"] for p in playlists if p["scenario"] == scenario), request=request
        )
    clips = list(selectors.clips(viewer, playlist=chosen)[:200])
    curator = access.can_curate(viewer)
    return render_page(
        request,
        "coaching/library.html",
        "coaching/partials/_clips.html",
        {
            "playlists": playlists,
            "chosen": chosen,
            "chosen_label": selectors.playlist_label(chosen) if chosen else "",
            "clips": clips,
            "listened": selectors.listened_ids(viewer, [c.pk for c in clips]),
            "can_curate": curator,
            "suggestions": selectors.suggestions(viewer) if curator else [],
            "playlist_form": PlaylistForm() if curator else None,
        },
    )


@member_required
def clip_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One clip (a shareable link); for htmx, the clip's card, which polls while the excerpt is cut."""
    viewer = _viewer(request)
    clip = access.get_clip_for_user(viewer, pk, request=request)
    context = {
        "clip": clip,
        "listened": selectors.listened_ids(viewer, [clip.pk]),
        "can_curate": access.can_curate(viewer),
        "playlist_label": selectors.playlist_label(clip.playlist),
    }
    return render_page(request, "coaching/clip.html", "coaching/partials/_clip.html", context)


@member_required
@require_POST
def clip_create(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not access.can_curate(viewer):
        raise refuse(viewer, what="coaching clip create", object_id="-", request=request)
    form = ClipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the first and last line and a playlist."))
        back = request.POST.get("conversation", "")
        return redirect(reverse("conversations:detail", args=[back]) if back.isdigit() else reverse("coaching:library"))
    data = form.cleaned_data
    conversation = get_conversation_for_user(viewer, data["conversation"], request=request)
    playlist = access.get_playlist_for_user(viewer, data["playlist"], request=request)
    try:
        clip = services.clip_create(
            actor=viewer,
            conversation=conversation,
            from_line=data["from_line"],
            to_line=data["to_line"],
            playlist=playlist,
            title=data["title"],
            note=data["note"],
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect("conversations:detail", pk=conversation.pk)
    messages.success(
        request,
        _("Clip added to %(playlist)s; the excerpt is being cut.") % {"playlist": selectors.playlist_label(playlist)},
    )
    if request.POST.get("next") == "library":
        return redirect(f"{reverse('coaching:library')}?playlist={playlist.pk}")
    return redirect("coaching:clip_detail", pk=clip.pk)


@member_required
@require_POST
def clip_delete(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    clip = access.get_clip_for_user(viewer, pk, request=request)
    if not access.can_curate(viewer):
        raise refuse(viewer, what="coaching clip delete", object_id=pk, request=request)
    playlist_id = clip.playlist_id
    services.clip_delete(actor=viewer, clip=clip)
    messages.success(request, _("Clip removed."))
    return redirect(f"{reverse('coaching:library')}?playlist={playlist_id}")


@member_required
@require_POST
def clip_listened(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    clip = access.get_clip_for_user(viewer, pk, request=request)
    services.clip_mark_listened(member=viewer, clip=clip)
    if is_htmx(request):
        return render(request, "coaching/partials/_listened.html", {"clip": clip, "listened": {clip.pk}})
    return redirect(f"{reverse('coaching:library')}?playlist={clip.playlist_id}")


@member_required
@require_POST
def playlist_create(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not access.can_curate(viewer):
        raise refuse(viewer, what="coaching playlist create", object_id="-", request=request)
    form = PlaylistForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the playlist a name of 1 to 60 characters."))
        return redirect("coaching:library")
    try:
        playlist = services.playlist_create(actor=viewer, name=form.cleaned_data["name"])
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect("coaching:library")
    return redirect(f"{reverse('coaching:library')}?playlist={playlist.pk}")




@member_required
def clip_audio(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The excerpt only (never the source recording), with HTTP ranges: phone browsers require them."""
    clip = access.get_clip_for_user(_viewer(request), pk, request=request)
    if not clip.audio:
        raise Http404()
    return ranged_file_response(request, clip.audio.path, "audio/mp4")
