"""Recordings are personal information: the member, their managers and inspectors, nobody else."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from shangdui.conversations.models import Appeal, Conversation, InspectionScheme, RecordingSource
from shangdui.org.access import can_manage, managed_member_ids, refuse
from shangdui.org.models import Member

if TYPE_CHECKING:
    from django.http import HttpRequest


def sees_all(viewer: Member) -> bool:
    return viewer.role == Member.Role.DIRECTOR or viewer.is_inspector


def visible_conversations(viewer: Member) -> QuerySet[Conversation]:
    conversations = Conversation.objects.filter(organization_id=viewer.organization_id)
    if sees_all(viewer):
        return conversations
    return conversations.filter(member_id__in={viewer.id, *managed_member_ids(viewer)})


def can_view(viewer: Member, conversation: Conversation) -> bool:
    if viewer.organization_id != conversation.organization_id:
        return False
    return (sees_all(viewer) or conversation.member_id == viewer.id
            or can_manage(viewer, conversation.member))


def can_verify(viewer: Member, conversation: Conversation) -> bool:
    """Inspectors, the director and the member's managers confirm or overturn rule hits."""
    return can_view(viewer, conversation) and conversation.member_id != viewer.id


def can_appeal(viewer: Member, conversation: Conversation) -> bool:
    """Only the member whose conversation it is appeals its rule hits."""
    return viewer.organization_id == conversation.organization_id and conversation.member_id == viewer.id


def can_decide_appeal(viewer: Member, conversation: Conversation) -> bool:
    """The member's manager chain or the director decides; never the member themself."""
    return (viewer.organization_id == conversation.organization_id and conversation.member_id != viewer.id
            and (viewer.role == Member.Role.DIRECTOR or can_manage(viewer, conversation.member)))


def can_work_queue(viewer: Member) -> bool:
    """The review queue: inspectors, the director and managers (each sees what they may review)."""
    return sees_all(viewer) or viewer.role == Member.Role.MANAGER


def can_set_retention(viewer: Member) -> bool:
    return viewer.role == Member.Role.DIRECTOR


def can_upload_for(viewer: Member, member: Member) -> bool:
    return viewer.organization_id == member.organization_id and (
        member.id == viewer.id or sees_all(viewer) or can_manage(viewer, member))


def can_edit_schemes(viewer: Member) -> bool:
    return viewer.role in (Member.Role.DIRECTOR, Member.Role.MANAGER) or viewer.is_inspector


def get_conversation_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> Conversation:
    try:
        conversation = Conversation.objects.select_related("member", "scheme", "source").get(
            organization_id=viewer.organization_id, pk=int(str(pk)))
    except (Conversation.DoesNotExist, ValueError):
        raise refuse(viewer, what="conversation", object_id=pk, request=request) from None
    if not can_view(viewer, conversation):
        raise refuse(viewer, what="conversation", object_id=pk, request=request)
    return conversation


def get_scheme_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> InspectionScheme:
    try:
        return InspectionScheme.objects.get(organization_id=viewer.organization_id, pk=int(str(pk)))
    except (InspectionScheme.DoesNotExist, ValueError):
        raise refuse(viewer, what="inspection scheme", object_id=pk, request=request) from None


def get_appeal_for_user(viewer: Member, conversation: Conversation, pk: object, *,
                        request: HttpRequest | None = None) -> Appeal:
    """An appeal of ``conversation`` that ``viewer`` may decide; 404 otherwise."""
    try:
        appeal = Appeal.objects.select_related("rule_hit", "member").get(
            organization_id=viewer.organization_id, rule_hit__conversation=conversation, pk=int(str(pk)))
    except (Appeal.DoesNotExist, ValueError):
        raise refuse(viewer, what="appeal", object_id=pk, request=request) from None
    if not can_decide_appeal(viewer, conversation):
        raise refuse(viewer, what="appeal", object_id=pk, request=request)
    return appeal


def can_manage_sources(viewer: Member) -> bool:
    """Recording sources (lines, badges, watched folders, consent) are set up by the director and managers."""
    return viewer.role in (Member.Role.DIRECTOR, Member.Role.MANAGER)


def can_enrol_voice(viewer: Member, member: Member) -> bool:
    """A member enrols their own voice; their manager chain or the director may do it for them."""
    return viewer.organization_id == member.organization_id and (
        member.id == viewer.id or viewer.role == Member.Role.DIRECTOR or can_manage(viewer, member))


def get_source_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> RecordingSource:
    """A source ``viewer`` may edit; 404 otherwise."""
    try:
        source = RecordingSource.objects.get(organization_id=viewer.organization_id, pk=int(str(pk)))
    except (RecordingSource.DoesNotExist, ValueError):
        raise refuse(viewer, what="recording source", object_id=pk, request=request) from None
    if not can_manage_sources(viewer):
        raise refuse(viewer, what="recording source", object_id=pk, request=request)
    return source


def get_source_for_upload(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> RecordingSource:
    """An active source of the viewer's company (anyone who uploads may pick one); 404 otherwise."""
    try:
        return RecordingSource.objects.get(organization_id=viewer.organization_id, is_active=True, pk=int(str(pk)))
    except (RecordingSource.DoesNotExist, ValueError):
        raise refuse(viewer, what="recording source", object_id=pk, request=request) from None
