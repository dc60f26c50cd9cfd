"""Writing the audit log. Every change to people, roles and pay goes through ``audit``."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models

from shangdui.core.models import AuditLog

if TYPE_CHECKING:
    from django.http import HttpRequest

    from shangdui.org.models import Organization


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit(
    *,
    action: str,
    organization: Organization | None = None,
    actor: Any = None,
    target: models.Model | None = None,
    target_repr: str = "",
    changes: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditLog:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditLog.objects.create(
        organization=organization,
        actor=actor,
        actor_name=(getattr(getattr(actor, "member", None), "name", "") or getattr(actor, "username", ""))
        if actor
        else "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=(target_repr or (str(target) if target is not None else ""))[:200],
        changes={k: _plain(v) for k, v in (changes or {}).items()},
        ip_address=client_ip(request),
        path=(request.path[:300] if request is not None else ""),
    )


def diff(instance: models.Model, fields: dict[str, Any]) -> dict[str, list[Any]]:
    """Return {field: [old, new]} for the given new values that differ from the instance."""
    changed: dict[str, list[Any]] = {}
    for name, new in fields.items():
        old = getattr(instance, name)
        if old != new:
            changed[name] = [_plain(old), _plain(new)]
    return changed
