"""Thin Celery tasks of the work app: take ids, call a service, raise to retry."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from shangdui.work import reminders


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=reminders.MAX_ATTEMPTS - 1)
def send_reminder(self, delivery_id: int) -> str:  # type: ignore[no-untyped-def]
    try:
        return reminders.reminder_deliver(delivery_id)
    except reminders.DeliveryFailed as exc:
        # Backoff 30 s, 60 s, ...; the last attempt marks the delivery failed instead of raising.
        raise self.retry(exc=exc, countdown=30 * 2 ** self.request.retries) from exc


@shared_task
def remind() -> int:
    """Beat, every minute: create the reminders that are due and send each once."""
    ids = reminders.reminders_due()
    for delivery_id in ids:
        transaction.on_commit(lambda pk=delivery_id: send_reminder.delay(pk))  # type: ignore[misc]
    return len(ids)
