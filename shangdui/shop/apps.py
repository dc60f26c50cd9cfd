from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    name = "shangdui.shop"
    label = "shop"
    verbose_name = _("Shops")

    def ready(self) -> None:
        from shangdui.shop import jobs  # noqa: F401  (registers job handlers)
