from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "shangdui.conversations"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "会话"
