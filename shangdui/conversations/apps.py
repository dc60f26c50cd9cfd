from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "shangdui.conversations"
    label = "conversations"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Conversations")

    def ready(self) -> None:
        from shangdui.conversations import jobs  # noqa: F401  (registers the analysis job)
