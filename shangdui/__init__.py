"""商队 (Shangdui): the platform for e-commerce shop and sales teams."""

from shangdui.celery import app as celery_app

__all__ = ["celery_app"]
