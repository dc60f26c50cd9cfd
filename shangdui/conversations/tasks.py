"""Thin Celery tasks of the conversations app: call a service, raise to retry."""

from __future__ import annotations

from celery import shared_task

from shangdui.conversations import services


@shared_task
def purge_audio() -> int:
    """Beat, daily: delete recordings past each organization's retention; keep transcripts and scores."""
    return services.audio_purge()
