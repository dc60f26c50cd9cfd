"""Who may do what with the coaching library.

Clips are shared with the whole organization on purpose (only the excerpt and its lines); the
directors, managers and inspectors curate. Creating a clip also needs access to the source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shangdui.coaching.models import Clip, CoachingPlaylist
from shangdui.org.access import refuse
from shangdui.org.models import Member

if TYPE_CHECKING:
    from django.http import HttpRequest


def can_curate(viewer: Member) -> bool:
    return viewer.role in (Member.Role.DIRECTOR, Member.Role.MANAGER) or viewer.is_inspector


def get_clip_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> Clip:
    try:
        return Clip.objects.select_related("playlist", "member", "added_by", "job").get(
            organization_id=viewer.organization_id, pk=int(str(pk))
        )
    except (Clip.DoesNotExist, ValueError):
        raise refuse(viewer, what="coaching clip", object_id=pk, request=request) from None


def get_playlist_for_user(viewer: Member, pk: object, *, request: HttpRequest | None = None) -> CoachingPlaylist:
    try:
        return CoachingPlaylist.objects.get(organization_id=viewer.organization_id, pk=int(str(pk)))
    except (CoachingPlaylist.DoesNotExist, ValueError):
        raise refuse(viewer, what="coaching playlist", object_id=pk, request=request) from None
