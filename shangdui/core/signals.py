"""Audit receivers: logins, logouts, failed logins and lockouts."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from shangdui.core.audit import audit
from shangdui.core.models import AuditLog


def _org_of(user: Any) -> Any:
    member = getattr(user, "member", None) if user is not None else None
    return member.organization if member is not None else None


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit(action=AuditLog.Action.LOGIN, organization=_org_of(user), actor=user, target=user, request=request)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit(action=AuditLog.Action.LOGOUT, organization=_org_of(user), actor=user, target=user, request=request)


def _known_user(username: str) -> Any:
    from shangdui.core.models import User

    return User.objects.filter(username__iexact=username).select_related("member__organization").first()


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    username = str(credentials.get("username", ""))[:150]
    user = _known_user(username)
    audit(action=AuditLog.Action.LOGIN_FAILED, organization=_org_of(user), target_repr=username,
          changes={"username": username}, request=request)


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any = None, username: str | None = None, **kwargs: Any) -> None:
    user = _known_user(username or "")
    audit(action=AuditLog.Action.LOCKED_OUT, organization=_org_of(user), target_repr=username or "",
          changes={"username": username or ""}, request=request)
