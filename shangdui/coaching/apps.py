from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "shangdui.coaching"
    label = "coaching"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Coaching library")

    def ready(self) -> None:
        from shangdui.coaching import jobs  # noqa: F401  (registers the clip-cutting job)
