"""Pages: recording sources (录音来源) with their watched folders, and a member's voice profile (声纹)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shangdui.conversations import access, sources
from shangdui.conversations.forms import SourceForm, VoiceSampleForm
from shangdui.conversations.models import RecordingSource, VoiceProfile, WatchedFile
from shangdui.conversations.pipeline.voiceprint import MIN_SPEECH_S
from shangdui.core.decorators import member_required
from shangdui.org.access import get_member_for_user, refuse
from shangdui.org.models import Member


def _viewer(request: HttpRequest) -> Member:
    return request.member  # type: ignore[attr-defined,no-any-return]


@member_required
def source_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not access.can_manage_sources(viewer):
        raise refuse(viewer, what="recording sources", object_id="-", request=request)
    return render(
        request,
        "conversations/sources.html",
        {
            "sources": RecordingSource.objects.filter(organization_id=viewer.organization_id).select_related(
                "default_member"
            ),
            "watch_root": sources.watch_root(),
        },
    )


@member_required
@require_http_methods(["GET", "POST"])
def source_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    viewer = _viewer(request)
    source = access.get_source_for_user(viewer, pk, request=request) if pk is not None else None
    if not access.can_manage_sources(viewer):
        raise refuse(viewer, what="recording source", object_id="-", request=request)
    members = Member.objects.filter(organization_id=viewer.organization_id, is_active=True)
    initial = (
        {
            "name": source.name,
            "kind": source.kind,
            "agent_channel": source.agent_channel,
            "consent": source.consent,
            "default_member": source.default_member,
            "watch_folder": source.watch_folder,
            "is_active": source.is_active,
        }
        if source
        else {"is_active": True, "agent_channel": RecordingSource.AgentChannel.LEFT}
    )
    form = SourceForm(request.POST or None, members=members, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            sources.source_save(organization=viewer.organization, instance=source, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Recording source saved."))
            return redirect("conversations:source_list")
    files = WatchedFile.objects.filter(source=source).select_related("conversation")[:30] if source else []
    return render(
        request,
        "conversations/source_form.html",
        {"form": form, "source": source, "files": files, "watch_root": sources.watch_root()},
    )


@member_required
@require_http_methods(["GET", "POST"])
def voice_profile(request: HttpRequest, member_id: int | None = None) -> HttpResponse:
    """Enrol a member's voice: record 20-60 s in the browser or upload a file; or delete the profile."""
    viewer = _viewer(request)
    member = viewer if member_id is None else get_member_for_user(viewer, member_id, request=request)
    if not access.can_enrol_voice(viewer, member):
        raise refuse(viewer, what="voice profile", object_id=member_id or "-", request=request)
    wants_json = request.headers.get("Accept") == "application/json"
    form = VoiceSampleForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and request.POST.get("delete"):
        sources.voice_profile_delete(member=member)
        messages.success(request, _("Voice profile deleted."))
        return redirect(request.path)
    if request.method == "POST":
        error = ""
        if form.is_valid():
            try:
                profile = sources.voice_profile_enrol(actor=viewer, member=member, upload=form.cleaned_data["sample"])
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                message = _("Voice profile saved from %(seconds)s seconds of speech.") % {
                    "seconds": profile.speech_seconds
                }
                if wants_json:
                    return JsonResponse({"ok": True, "message": message}, status=201)
                messages.success(request, message)
                return redirect(request.path)
        else:
            error = _("Choose or record a voice sample.")
        if wants_json:
            return JsonResponse({"ok": False, "message": error}, status=400)
        form.add_error(None, error)
    return render(
        request,
        "conversations/voice.html",
        {
            "form": form,
            "member": member,
            "profile": VoiceProfile.objects.filter(member=member).first(),
            "min_seconds": int(MIN_SPEECH_S),
        },
    )
