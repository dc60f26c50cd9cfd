from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkConfig(AppConfig):
    name = "shangdui.work"
    label = "work"
    verbose_name = _("Plans and schedules")

    def ready(self) -> None:
        from shangdui.work import jobs  # noqa: F401  (registers job handlers)
