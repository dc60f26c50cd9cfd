"""Writes of the core app: API tokens."""

from __future__ import annotations

import secrets

from django.db import transaction

from shangdui.core.audit import audit
from shangdui.core.models import ApiToken, AuditLog


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:  # type: ignore[no-untyped-def]
    """Create a token; the raw value is returned once and never stored."""
    raw = "sd_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip()[:80] or "API", prefix=raw[:8],
                                    digest=ApiToken.digest_of(raw))
    member = getattr(user, "member", None)
    audit(action=AuditLog.Action.TOKEN, organization=member.organization if member else None, actor=user,
          target=token, changes={"created": token.name})
    return token, raw


@transaction.atomic
def api_token_revoke(*, user, token: ApiToken) -> None:  # type: ignore[no-untyped-def]
    member = getattr(user, "member", None)
    audit(action=AuditLog.Action.TOKEN, organization=member.organization if member else None, actor=user,
          target=token, changes={"revoked": token.name})
    token.delete()
