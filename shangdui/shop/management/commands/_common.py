from __future__ import annotations

from django.core.management.base import CommandError

from shangdui.org.models import Organization


def organization_from_option(slug: str) -> Organization:
    """The organization named by ``--org``, or the only one there is."""
    if slug:
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"组织不存在：{slug}")
        return organization
    organizations = list(Organization.objects.all()[:2])
    if not organizations:
        raise CommandError("还没有组织：请先运行 shangdui create-organization 或 shangdui demo。")
    if len(organizations) > 1:
        raise CommandError("有多个组织，请用 --org 指定组织标识（slug）。")
    return organizations[0]
