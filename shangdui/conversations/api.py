"""API for conversations: list, detail with transcript and inspection, upload. Same rules as the pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from shangdui.conversations import access, selectors, services
from shangdui.conversations.chats import ChatError, decode_chat
from shangdui.conversations.models import Appeal, Conversation, RuleHit
from shangdui.core.api_errors import raise_validation
from shangdui.org.access import get_member_for_user, refuse
from shangdui.org.models import Member

router = Router(tags=["conversations"])


class ConversationOut(Schema):
    id: int
    member_id: int
    source_id: int | None = None
    consent: bool = False
    channel: str
    occurred_at: dt.datetime
    customer: str
    order_no: str
    status: str
    error: str
    duration: float | None
    score: int | None
    max_score: int | None


class SegmentOut(Schema):
    start: float
    end: float
    role: str
    speaker: str
    text: str


class RuleOut(Schema):
    id: str
    hit_id: int
    name: str
    passed: bool
    points: int
    decision: str
    evidence: list[dict]
    appeal_status: str | None


class ConversationDetailOut(ConversationOut):
    metrics: dict
    segments: list[SegmentOut]
    rules: list[RuleOut]


def _viewer(request: HttpRequest) -> Member:
    return request.auth  # type: ignore[attr-defined,no-any-return]


@router.get("/conversations", response=list[ConversationOut], summary="会话列表（本人、上级、质检员）")
@paginate(PageNumberPagination)
def conversation_list(request: HttpRequest, member_id: int | None = None, status: str = ""):  # type: ignore[no-untyped-def]
    return selectors.conversation_list(_viewer(request), member_id=member_id, status=status)


@router.get("/conversations/{conversation_id}", response=ConversationDetailOut, summary="会话详情：转写与质检结果")
def conversation_detail(request: HttpRequest, conversation_id: int) -> ConversationDetailOut:
    conversation = access.get_conversation_for_user(_viewer(request), conversation_id, request=request)
    return ConversationDetailOut(
        id=conversation.pk, member_id=conversation.member_id, channel=conversation.channel,
        occurred_at=conversation.occurred_at, customer=conversation.customer, order_no=conversation.order_no,
        status=conversation.status, error=conversation.error, duration=conversation.duration,
        score=conversation.score, max_score=conversation.max_score, metrics=conversation.metrics,
        segments=[SegmentOut(start=s.start, end=s.end, role=s.role, speaker=s.speaker, text=s.text)
                  for s in conversation.segments.all()],
        rules=[RuleOut(id=h.rule_id, hit_id=h.pk, name=h.name, passed=h.effective_passed, points=h.points,
                       decision=h.decision, evidence=h.evidence,
                       appeal_status=h.appeal_or_none.status if h.appeal_or_none else None)
               for h in conversation.rule_hits.select_related("appeal")],
    )


@router.post("/conversations", response={201: ConversationOut}, summary="上传录音并开始分析")
def conversation_upload(
    request: HttpRequest,
    file: File[UploadedFile],
    member_id: Form[int | None] = None,
    channel: Form[Literal["phone", "face_to_face", "im"]] = "phone",
    customer: Form[str] = "",
    order_no: Form[str] = "",
    consent: Form[bool] = False,
    source_id: Form[int | None] = None,
) -> Status[ConversationOut]:
    """With ``source_id`` (a recording source of the company) the consent and the stereo agent channel
    are the source's."""
    viewer = _viewer(request)
    member = viewer if member_id is None else get_member_for_user(viewer, member_id, request=request)
    if not access.can_upload_for(viewer, member):
        raise HttpError(403, "只能为自己或自己管理的成员上传录音。")
    source = access.get_source_for_upload(viewer, source_id, request=request) if source_id is not None else None
    try:
        conversation = services.conversation_upload(actor=viewer, member=member, upload=file, channel=channel,
                                                    customer=customer, order_no=order_no, consent=consent,
                                                    source=source)
    except ValidationError as exc:
        raise_validation(exc)
    conversation = Conversation.objects.get(pk=conversation.pk)
    return Status(201, conversation)  # type: ignore[arg-type]


class AppealIn(Schema):
    reason: str


class AppealDecisionIn(Schema):
    decision: Literal["upheld", "rejected"]
    comment: str = ""


class AppealOut(Schema):
    id: int
    hit_id: int
    member_id: int
    reason: str
    status: str
    created_at: dt.datetime
    decided_by_id: int | None
    decided_at: dt.datetime | None
    decision_comment: str
    score: int | None


def _appeal_out(appeal: Appeal) -> AppealOut:
    conversation = Conversation.objects.only("score").get(pk=appeal.rule_hit.conversation_id)
    return AppealOut(id=appeal.pk, hit_id=appeal.rule_hit_id, member_id=appeal.member_id, reason=appeal.reason,
                     status=appeal.status, created_at=appeal.created_at, decided_by_id=appeal.decided_by_id,
                     decided_at=appeal.decided_at, decision_comment=appeal.decision_comment,
                     score=conversation.score)


@router.post("/conversations/{conversation_id}/rules/{hit_id}/appeal", response={201: AppealOut},
             summary="对本人会话的一条质检结果申诉")
def appeal_create(request: HttpRequest, conversation_id: int, hit_id: int, body: AppealIn) -> Status[AppealOut]:
    viewer = _viewer(request)
    conversation = access.get_conversation_for_user(viewer, conversation_id, request=request)
    hit = RuleHit.objects.filter(conversation=conversation, pk=hit_id).select_related("conversation").first()
    if hit is None or not access.can_appeal(viewer, conversation):
        raise refuse(viewer, what="rule hit appeal", object_id=hit_id, request=request)
    try:
        appeal = services.appeal_create(actor=viewer, hit=hit, reason=body.reason)
    except ValidationError as exc:
        raise_validation(exc)
    return Status(201, _appeal_out(appeal))


@router.post("/conversations/{conversation_id}/appeals/{appeal_id}/decide", response=AppealOut,
             summary="主管/总监处理申诉：支持（upheld）或驳回（rejected），得分随之更新")
def appeal_decide(request: HttpRequest, conversation_id: int, appeal_id: int, body: AppealDecisionIn) -> AppealOut:
    viewer = _viewer(request)
    conversation = access.get_conversation_for_user(viewer, conversation_id, request=request)
    appeal = access.get_appeal_for_user(viewer, conversation, appeal_id, request=request)
    try:
        appeal = services.appeal_decide(actor=viewer, appeal=appeal, uphold=body.decision == "upheld",
                                        comment=body.comment)
    except ValidationError as exc:
        raise_validation(exc)
    return _appeal_out(appeal)


class BadLineOut(Schema):
    line: int
    text: str
    reason: str


class ChatImportOut(Schema):
    conversation: ConversationOut
    bad_lines: list[BadLineOut]


@router.post("/conversations/chats/import", response={201: ChatImportOut},
             summary="导入一份聊天记录（文本“时间 昵称: 内容”、CSV 或 JSON）并质检")
def chat_import(
    request: HttpRequest,
    file: File[UploadedFile],
    member_id: Form[int | None] = None,
    agent_nicknames: Form[str] = "",
) -> Status[ChatImportOut]:
    viewer = _viewer(request)
    member = viewer if member_id is None else get_member_for_user(viewer, member_id, request=request)
    if not access.can_upload_for(viewer, member):
        raise HttpError(403, "只能为自己或自己管理的成员导入聊天记录。")
    if (file.size or 0) > services.MAX_CHAT_BYTES:
        raise HttpError(422, "聊天记录文件超过 20 MB。")
    nicknames = [n.strip() for n in re.split(r"[,，]", agent_nicknames) if n.strip()]
    try:
        text = decode_chat(file.read())
    except ChatError as exc:
        raise HttpError(422, str(exc)) from None
    try:
        conversation, bad = services.conversation_import_chat(
            actor=viewer, member=member, name=file.name or "chat.txt", text=text, agent_nicknames=nicknames)
    except ValidationError as exc:
        raise_validation(exc)
    conversation = Conversation.objects.get(pk=conversation.pk)
    return Status(201, ChatImportOut(conversation=ConversationOut.from_orm(conversation),
                                     bad_lines=[BadLineOut(**b) for b in bad]))
