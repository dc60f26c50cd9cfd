"""Long background jobs: a status row per job, claimed with compare-and-set, run by Celery.

A job handler is a function ``handler(job, progress) -> dict`` registered under a kind. It must be
idempotent: when a worker dies mid-job, another worker claims the job again (after its heartbeat
is older than ``JOB_STALE_SECONDS``) and runs it from the start; the handler's writes are upserts or
happen in one transaction with the completion mark, so the effect lands exactly once.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shangdui.core.models import Job

logger = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
Handler = Callable[[Job, Progress], dict[str, Any]]

_HANDLERS: dict[str, Handler] = {}


class PermanentJobError(Exception):
    """The job cannot succeed by retrying (bad input). Its message is shown to the user."""


class LeaseLost(Exception):
    """Another worker took over this job (ours was considered dead); stop quietly."""


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(func: Handler) -> Handler:
        _HANDLERS[kind] = func
        return func

    return register


def job_enqueue(*, organization: Any, kind: str, title: str = "", params: dict[str, Any] | None = None,
                created_by: Any = None, input_file: Any = None) -> Job:
    """Create the status row and dispatch it after the surrounding transaction commits."""
    if kind not in _HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(organization=organization, kind=kind, title=title, params=params or {}, created_by=created_by)
    if input_file is not None:
        job.input_file.save(getattr(input_file, "name", "upload"), input_file, save=False)
    job.save()
    transaction.on_commit(lambda: dispatch(job.pk))
    return job


def dispatch(job_id: int) -> None:
    from shangdui.core.tasks import run_job

    run_job.delay(job_id)


def _claim(job_id: int) -> str | None:
    """Take the job for this worker; return the lease, or None if someone else has it or it is over."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.JOB_STALE_SECONDS)
    lease = str(uuid.uuid4())
    job = Job.objects.filter(pk=job_id).only("attempts").first()
    if job is None:
        return None
    claimable = Q(status=Job.Status.QUEUED) | Q(status=Job.Status.RUNNING, heartbeat_at__lt=stale)
    updated = Job.objects.filter(claimable, pk=job_id, attempts=job.attempts).update(
        status=Job.Status.RUNNING, lease=lease, heartbeat_at=now, started_at=now, attempts=job.attempts + 1,
        message="", error="",
    )
    return lease if updated == 1 else None


def _make_progress(job_id: int, lease: str) -> Progress:
    state = {"last": 0.0, "percent": -1}

    def progress(done: int, total: int, message: str = "") -> None:
        percent = 0 if total <= 0 else max(0, min(99, int(done * 100 / total)))
        now = timezone.now()
        # Write at most twice a second unless the percentage moved, to keep the database quiet.
        if percent == state["percent"] and now.timestamp() - state["last"] < 0.5:
            return
        state["last"], state["percent"] = now.timestamp(), percent
        updated = Job.objects.filter(pk=job_id, lease=lease, status=Job.Status.RUNNING).update(
            progress=percent, message=message[:300], heartbeat_at=now)
        if updated != 1:
            raise LeaseLost()

    return progress


def job_run(job_id: int) -> str:
    """Run one job if it can be claimed. Returns what happened (for logs and tests)."""
    lease = _claim(job_id)
    if lease is None:
        return "skipped"
    job = Job.objects.select_related("organization", "created_by").get(pk=job_id)
    handler = _HANDLERS.get(job.kind)
    if handler is None:
        _finish(job_id, lease, status=Job.Status.FAILED, error=f"unknown job kind {job.kind}")
        return "failed"
    try:
        result = handler(job, _make_progress(job_id, lease))
    except LeaseLost:
        logger.warning("job %s: lease lost, another worker owns it now", job_id)
        return "lease-lost"
    except PermanentJobError as exc:
        _finish(job_id, lease, status=Job.Status.FAILED, error=str(exc))
        return "failed"
    except Exception as exc:
        if job.attempts >= settings.JOB_MAX_ATTEMPTS:
            _finish(job_id, lease, status=Job.Status.FAILED, error=f"{type(exc).__name__}: {exc}")
            return "failed"
        # Put it back so the retry (Celery's, or the sweeper's) can claim it at once.
        Job.objects.filter(pk=job_id, lease=lease).update(
            status=Job.Status.QUEUED, lease="", message=f"{type(exc).__name__}: {exc}"[:300])
        raise
    _finish(job_id, lease, status=Job.Status.DONE, result=result)
    return "done"


def _finish(job_id: int, lease: str, *, status: str, result: dict[str, Any] | None = None,
            error: str = "") -> None:
    fields: dict[str, Any] = {"status": status, "finished_at": timezone.now(), "error": error[:5000]}
    if status == Job.Status.DONE:
        fields["progress"] = 100
        fields["result"] = result or {}
    Job.objects.filter(pk=job_id, lease=lease).update(**fields)


def jobs_sweep() -> list[int]:
    """Re-dispatch jobs whose message was lost: queued for long, or running with a dead heartbeat.

    The embedded broker cannot redeliver a message whose worker was killed; Redis redelivers only
    after its visibility timeout. The claim's compare-and-set makes a double dispatch harmless.
    """
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.JOB_STALE_SECONDS)
    ids = list(
        Job.objects.filter(
            Q(status=Job.Status.QUEUED, created_at__lt=stale) | Q(status=Job.Status.RUNNING, heartbeat_at__lt=stale)
        ).values_list("pk", flat=True)[:500]
    )
    for job_id in ids:
        dispatch(job_id)
    return ids
