"""Background jobs of the shop app: importing order and review exports."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from shangdui.core.jobs import PermanentJobError, Progress, job_handler
from shangdui.core.models import Job
from shangdui.shop.importers import ImportFileError
from shangdui.shop.imports import orders_import
from shangdui.shop.models import Shop
from shangdui.shop.reviews import reviews_import


def _uploaded_for_shop(job: Job) -> Shop:
    """The shop in ``params["shop_id"]`` of a job that carries an uploaded file; refused if either is gone."""
    if not job.input_file:
        raise PermanentJobError(_("The uploaded file is missing."))
    shop = Shop.objects.filter(organization=job.organization, pk=job.params.get("shop_id")).first()
    if shop is None:
        raise PermanentJobError(_("The shop no longer exists."))
    return shop


@job_handler("shop.import_orders")
def import_orders(job: Job, progress: Progress) -> dict[str, Any]:
    """Import the uploaded export into the shop in ``params["shop_id"]``. A rerun is a no-op
    (orders are upserts by platform + order id, unchanged ones are left alone)."""
    shop = _uploaded_for_shop(job)
    try:
        with job.input_file.open("rb") as source:
            return orders_import(organization=job.organization, shop=shop, source=source,
                                 file_name=job.params.get("file_name", ""),
                                 platform=job.params.get("platform", "auto"), job=job, progress=progress)
    except ImportFileError as exc:
        raise PermanentJobError(exc.message) from exc


@job_handler("shop.import_reviews")
def import_reviews(job: Job, progress: Progress) -> dict[str, Any]:
    """Import an uploaded review export into the shop in ``params["shop_id"]``. Reviews are upserts
    (shop + review id, or shop + order number + product), so a rerun changes nothing twice."""
    shop = _uploaded_for_shop(job)
    try:
        with job.input_file.open("rb") as source:
            return reviews_import(organization=job.organization, shop=shop, source=source,
                                  file_name=job.params.get("file_name", ""), progress=progress)
    except ImportFileError as exc:
        raise PermanentJobError(exc.message) from exc
