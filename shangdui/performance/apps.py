from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "shangdui.performance"
    label = "performance"
    verbose_name = _("Goals, reviews and pay")

    def ready(self) -> None:
        from shangdui.performance import jobs  # noqa: F401  (registers job handlers)
