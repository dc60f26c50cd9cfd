"""API for conversations: list, detail with transcript and inspection, upload. Same rules as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from shangdui.conversations import access, selectors, services
from shangdui.conversations.models import Conversation
from shangdui.core.api_errors import raise_validation
from shangdui.org.access import get_member_for_user
from shangdui.org.models import Member

router = Router(tags=["conversations"])


class ConversationOut(Schema):
    id: int
    member_id: int
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
    name: str
    passed: bool
    points: int
    decision: str
    evidence: list[dict]


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
        rules=[RuleOut(id=h.rule_id, name=h.name, passed=h.effective_passed, points=h.points, decision=h.decision,
                       evidence=h.evidence) for h in conversation.rule_hits.all()],
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
) -> Status[ConversationOut]:
    viewer = _viewer(request)
    member = viewer if member_id is None else get_member_for_user(viewer, member_id, request=request)
    if not access.can_upload_for(viewer, member):
        raise HttpError(403, "只能为自己或自己管理的成员上传录音。")
    try:
        conversation = services.conversation_upload(actor=viewer, member=member, upload=file, channel=channel,
                                                    customer=customer, order_no=order_no, consent=consent)
    except ValidationError as exc:
        raise_validation(exc)
    conversation = Conversation.objects.get(pk=conversation.pk)
    return Status(201, conversation)  # type: ignore[arg-type]
