"""The Celery app. One code path everywhere: Redis/RabbitMQ in production, an embedded
SQLite broker (kombu's SQLAlchemy transport under the data dir) for the single machine."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shangdui.settings")

app = Celery("shangdui")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_ignore_result=True,
    task_track_started=False,
    broker_connection_retry_on_startup=True,
    worker_hijack_root_logger=False,
    timezone="Asia/Shanghai",
)


@app.on_after_configure.connect
def _configure_from_settings(sender: Celery, **kwargs: object) -> None:
    from django.conf import settings

    if settings.CELERY_BROKER_URL.startswith(("redis", "rediss")):
        # Redis redelivers a task that a dead worker never acknowledged after this many seconds.
        # (The embedded SQLAlchemy transport passes its options to create_engine: none there.)
        app.conf.broker_transport_options = {"visibility_timeout": settings.CELERY_VISIBILITY_TIMEOUT}
    app.conf.beat_schedule_filename = str(settings.DATA_DIR / "celerybeat-schedule")
    app.conf.beat_schedule = {
        "sweep-stale-jobs": {"task": "shangdui.core.tasks.sweep_jobs", "schedule": float(settings.JOB_SWEEP_SECONDS)},
        "work-reminders": {"task": "shangdui.work.tasks.remind", "schedule": 60.0},
        "conversations-purge-audio": {"task": "shangdui.conversations.tasks.purge_audio", "schedule": 86400.0},
        "conversations-watch-folders": {"task": "shangdui.conversations.tasks.scan_watch_folders",
                                        "schedule": float(settings.WATCH_SCAN_SECONDS)},
        "shop-follow-ups": {"task": "shangdui.shop.tasks.generate_followups", "schedule": 3600.0},
    }


app.autodiscover_tasks()
