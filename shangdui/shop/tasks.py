"""Thin Celery tasks of the shop app."""

from __future__ import annotations

from celery import shared_task

from shangdui.org.models import Organization
from shangdui.shop.followups import followups_generate


@shared_task
def generate_followups() -> int:
    """Create the missing customer-service follow-ups of every organization (idempotent: one per
    order and kind, by a unique constraint), for the beat schedule."""
    return sum(followups_generate(organization=organization) for organization in Organization.objects.all())
