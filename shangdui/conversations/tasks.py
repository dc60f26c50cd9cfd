"""Thin Celery tasks of the conversations app: call a service, raise to retry."""

from __future__ import annotations

from celery import shared_task

from shangdui.conversations import services


@shared_task
def purge_audio() -> int:
    """Beat, daily: delete recordings past each organization's retention; keep transcripts and scores."""
    return services.audio_purge()


@shared_task
def scan_watch_folders() -> str:
    """Beat, every SHANGDUI_WATCH_SCAN_SECONDS: ingest complete files from the recorder devices' folders."""
    from shangdui.conversations.sources import watch_scan

    return watch_scan().as_text()
