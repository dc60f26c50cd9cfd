"""Background jobs of the work app: re-planning schedules (自动分解到日程)."""

from __future__ import annotations

from typing import Any

from shangdui.core.jobs import Progress, job_handler
from shangdui.core.models import Job
from shangdui.work import services


@job_handler(services.REPLAN_KIND)
def replan(job: Job, progress: Progress) -> dict[str, Any]:
    """Re-plan the organization's schedules. Idempotent: the writes happen in one transaction."""
    return services.schedule_replan(organization=job.organization, progress=progress)
