"""Pages: upload recordings, the list, a conversation with its transcript, review, schemes, scorecard."""

from __future__ import annotations

import mimetypes
import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shangdui.conversations import access, selectors, services
from shangdui.conversations.chats import ChatError, decode_chat
from shangdui.conversations.forms import (
    AppealDecisionForm,
    AppealForm,
    ChatImportForm,
    DecisionForm,
    RetentionForm,
    SchemeForm,
    UploadForm,
)
from shangdui.conversations.models import Conversation, InspectionScheme, RecordingSource, RuleHit
from shangdui.core.decorators import member_required
from shangdui.core.files import ranged_file_response
from shangdui.core.htmx import render_page
from shangdui.org.access import managed_member_ids, refuse
from shangdui.org.models import Member


def _viewer(request: HttpRequest) -> Member:
    return request.member  # type: ignore[attr-defined,no-any-return]


def _uploadable_members(viewer: Member) -> Any:
    members = Member.objects.filter(organization_id=viewer.organization_id, is_active=True)
    if access.sees_all(viewer):
        return members
    return members.filter(id__in={viewer.id, *managed_member_ids(viewer)})


def _sources(viewer: Member) -> Any:
    return RecordingSource.objects.filter(organization_id=viewer.organization_id, is_active=True)


@member_required
def conversation_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    try:
        member_id = int(request.GET.get("member") or 0) or None
    except ValueError:
        member_id = None
    conversations = selectors.conversation_list(viewer, member_id=member_id, status=request.GET.get("status", ""))
    return render_page(request, "conversations/list.html", "conversations/partials/_rows.html", {
        "conversations": conversations[:200], "statuses": Conversation.Status.choices,
        "status": request.GET.get("status", ""), "members": _uploadable_members(viewer), "member_id": member_id,
        "can_work_queue": access.can_work_queue(viewer), "can_manage_sources": access.can_manage_sources(viewer),
    })


@member_required
@require_http_methods(["GET", "POST"])
def conversation_upload(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    members = _uploadable_members(viewer)
    form = UploadForm(request.POST or None, request.FILES or None, members=members, sources=_sources(viewer),
                      initial={"member": viewer, "channel": Conversation.Channel.PHONE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created, errors = [], []
        for upload in data["recordings"]:
            try:
                created.append(services.conversation_upload(
                    actor=viewer, member=data["member"], upload=upload, channel=data["channel"],
                    occurred_at=data["occurred_at"], customer=data["customer"], order_no=data["order_no"],
                    consent=data["consent"], source=data.get("source")))
            except ValidationError as exc:
                errors.extend(exc.messages)
        if request.headers.get("Accept") == "application/json":
            return JsonResponse({"created": [c.pk for c in created], "errors": errors},
                                status=201 if created else 400)
        for error in errors:
            messages.error(request, error)
        if created:
            messages.success(request, _("%(count)s recordings uploaded; analysis has started.") % {
                "count": len(created)})
            return redirect("conversations:list")
    elif request.method == "POST" and request.headers.get("Accept") == "application/json":
        return JsonResponse({"created": [], "errors": [str(e) for errs in form.errors.values() for e in errs]},
                            status=400)
    return render(request, "conversations/upload.html", {"form": form})


@member_required
@require_http_methods(["GET", "POST"])
def chat_import(request: HttpRequest) -> HttpResponse:
    """Upload chat logs; each file becomes an inspected chat conversation, bad lines listed by number."""
    viewer = _viewer(request)
    form = ChatImportForm(request.POST or None, request.FILES or None, members=_uploadable_members(viewer),
                          initial={"member": viewer})
    results: list[dict[str, Any]] = []
    if request.method == "POST" and form.is_valid():
        nicknames = [n.strip() for n in re.split(r"[,，]", form.cleaned_data["agent_nicknames"]) if n.strip()]
        for upload in form.cleaned_data["chats"]:
            if upload.size > services.MAX_CHAT_BYTES:
                results.append({"name": upload.name, "error": _("%(name)s is larger than 20 MB.") % {
                    "name": upload.name}})
                continue
            try:
                conversation, bad = services.conversation_import_chat(
                    actor=viewer, member=form.cleaned_data["member"], name=upload.name,
                    text=decode_chat(upload.read()), agent_nicknames=nicknames)
            except ChatError as exc:  # not UTF-8 or GBK text
                results.append({"name": upload.name, "error": str(exc)})
            except ValidationError as exc:
                results.append({"name": upload.name, "error": "; ".join(exc.messages)})
            else:
                results.append({"name": upload.name, "conversation": conversation, "bad_lines": bad})
    return render(request, "conversations/import_chats.html", {"form": form, "results": results})


@member_required
def conversation_record(request: HttpRequest) -> HttpResponse:
    """Record a face-to-face talk on the phone; the browser keeps the audio until the upload succeeds."""
    viewer = _viewer(request)
    form = UploadForm(members=_uploadable_members(viewer), sources=_sources(viewer),
                      initial={"member": viewer, "channel": Conversation.Channel.FACE_TO_FACE})
    return render(request, "conversations/record.html", {"form": form})


@member_required
def conversation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    conversation = access.get_conversation_for_user(viewer, pk, request=request)
    return render_page(request, "conversations/detail.html", "conversations/partials/_status.html", {
        "conversation": conversation,
        "segments": conversation.segments.all(),
        "hits": conversation.rule_hits.select_related("decided_by", "appeal", "appeal__decided_by"),
        "can_verify": access.can_verify(viewer, conversation),
        "can_appeal": access.can_appeal(viewer, conversation),
        "can_decide_appeal": access.can_decide_appeal(viewer, conversation),
    })




@member_required
def conversation_audio(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The recording, with HTTP range support so that the player can jump to a line."""
    conversation = access.get_conversation_for_user(_viewer(request), pk, request=request)
    if not conversation.audio:
        raise Http404()
    path = conversation.audio.path
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return ranged_file_response(request, path, content_type)


@member_required
@require_POST
def rule_hit_decide(request: HttpRequest, pk: int, hit_id: int) -> HttpResponse:
    viewer = _viewer(request)
    conversation = access.get_conversation_for_user(viewer, pk, request=request)
    hit = RuleHit.objects.filter(conversation=conversation, pk=hit_id).first()
    if hit is None or not access.can_verify(viewer, conversation):
        raise refuse(viewer, what="rule hit", object_id=hit_id, request=request)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.rule_hit_decide(actor=viewer, hit=hit, decision=form.cleaned_data["decision"],
                                     comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, _("Decision saved; the score follows it."))
    else:
        messages.error(request, _("Choose confirm or overturn."))
    return redirect("conversations:detail", pk=conversation.pk)


@member_required
@require_POST
def appeal_create(request: HttpRequest, pk: int, hit_id: int) -> HttpResponse:
    viewer = _viewer(request)
    conversation = access.get_conversation_for_user(viewer, pk, request=request)
    hit = RuleHit.objects.filter(conversation=conversation, pk=hit_id).select_related("conversation").first()
    if hit is None or not access.can_appeal(viewer, conversation):
        raise refuse(viewer, what="rule hit appeal", object_id=hit_id, request=request)
    form = AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for the appeal."))
    else:
        try:
            services.appeal_create(actor=viewer, hit=hit, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, _("Appeal submitted; your manager will decide."))
    return redirect("conversations:detail", pk=conversation.pk)


@member_required
@require_POST
def appeal_decide(request: HttpRequest, pk: int, appeal_id: int) -> HttpResponse:
    viewer = _viewer(request)
    conversation = access.get_conversation_for_user(viewer, pk, request=request)
    appeal = access.get_appeal_for_user(viewer, conversation, appeal_id, request=request)
    form = AppealDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose uphold or reject."))
    else:
        try:
            services.appeal_decide(actor=viewer, appeal=appeal, uphold=form.cleaned_data["decision"] == "upheld",
                                   comment=form.cleaned_data["comment"])
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, _("Appeal decided; the score follows the decision."))
    return redirect("conversations:detail", pk=conversation.pk)


@member_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """质检队列: conversations with failed rules nobody has reviewed, and open appeals, newest first."""
    viewer = _viewer(request)
    if not access.can_work_queue(viewer):
        raise refuse(viewer, what="review queue", object_id="-", request=request)
    return render(request, "conversations/queue.html", selectors.review_queue(viewer))


@member_required
def scheme_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    can_retain = access.can_set_retention(viewer)
    return render(request, "conversations/schemes.html", {
        "schemes": InspectionScheme.objects.filter(organization_id=viewer.organization_id),
        "can_edit": access.can_edit_schemes(viewer),
        "retention_form": RetentionForm(initial={"audio_days": services.retention_days(viewer.organization_id)})
        if can_retain else None,
    })


@member_required
@require_POST
def retention_update(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not access.can_set_retention(viewer):
        raise refuse(viewer, what="retention policy", object_id="-", request=request)
    form = RetentionForm(request.POST)
    if form.is_valid():
        services.retention_set(organization=viewer.organization, audio_days=form.cleaned_data["audio_days"])
        messages.success(request, _("Recordings older than %(days)s days will be deleted; transcripts and scores "
                                    "are kept.") % {"days": form.cleaned_data["audio_days"]})
    else:
        messages.error(request, _("Keep recordings between 1 and 3650 days."))
    return redirect("conversations:scheme_list")


@member_required
@require_http_methods(["GET", "POST"])
def scheme_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    viewer = _viewer(request)
    scheme = access.get_scheme_for_user(viewer, pk, request=request) if pk is not None else None
    if not access.can_edit_schemes(viewer):
        raise refuse(viewer, what="scheme edit", object_id=pk or "-", request=request)
    initial = {"source": scheme.source, "is_default": scheme.is_default} if scheme else {}
    form = SchemeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.scheme_save(organization=viewer.organization, source=form.cleaned_data["source"],
                                          is_default=form.cleaned_data["is_default"], instance=scheme)
        except ValidationError as exc:
            for error in exc.messages:
                form.add_error("source", error)
        else:
            messages.success(request, _("Scheme saved."))
            return redirect("conversations:scheme_list")
    return render(request, "conversations/scheme_form.html", {"form": form, "scheme": scheme})


@member_required
def scheme_export(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = access.get_scheme_for_user(_viewer(request), pk, request=request)
    response = HttpResponse(scheme.source, content_type="application/x-yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{scheme.key}.yaml"'
    return response


@member_required
def scorecard(request: HttpRequest) -> HttpResponse:
    """?by=score|sales (the top quartile by score, or by the sales outcome of linked orders); ?days=30|90|365."""
    days = request.GET.get("days", "")
    card = selectors.scorecard(_viewer(request), by=request.GET.get("by", "score"),
                               days=int(days) if days.isdigit() and int(days) in selectors.SCORECARD_PERIODS else None)
    return render(request, "conversations/scorecard.html", {"card": card})
