from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "shangdui.org"
    label = "org"
    verbose_name = _("Organization")

    def ready(self) -> None:
        from shangdui.org import jobs  # noqa: F401  (registers job handlers)
