"""Thin Celery tasks: take ids, call the job runner, raise to retry."""

from __future__ import annotations

from celery import shared_task

from shangdui.core.jobs import job_run, jobs_sweep


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, autoretry_for=(Exception,),
             retry_backoff=5, retry_backoff_max=300, max_retries=5)
def run_job(self, job_id: int) -> str:  # type: ignore[no-untyped-def]
    return job_run(job_id)


@shared_task
def sweep_jobs() -> int:
    return len(jobs_sweep())
