from django.urls import path

from shangdui.conversations import source_views, views

app_name = "conversations"

urlpatterns = [
    path("", views.conversation_list, name="list"),
    path("upload/", views.conversation_upload, name="upload"),
    path("record/", views.conversation_record, name="record"),
    path("import-chats/", views.chat_import, name="import_chats"),
    path("scorecard/", views.scorecard, name="scorecard"),
    path("queue/", views.review_queue, name="queue"),
    path("retention/", views.retention_update, name="retention"),
    path("sources/", source_views.source_list, name="source_list"),
    path("sources/new/", source_views.source_edit, name="source_new"),
    path("sources/<int:pk>/", source_views.source_edit, name="source_edit"),
    path("voice/", source_views.voice_profile, name="voice"),
    path("voice/<int:member_id>/", source_views.voice_profile, name="voice_member"),
    path("schemes/", views.scheme_list, name="scheme_list"),
    path("schemes/new/", views.scheme_edit, name="scheme_new"),
    path("schemes/<int:pk>/", views.scheme_edit, name="scheme_edit"),
    path("schemes/<int:pk>/export/", views.scheme_export, name="scheme_export"),
    path("<int:pk>/", views.conversation_detail, name="detail"),
    path("<int:pk>/audio/", views.conversation_audio, name="audio"),
    path("<int:pk>/rules/<int:hit_id>/decide/", views.rule_hit_decide, name="rule_decide"),
    path("<int:pk>/rules/<int:hit_id>/appeal/", views.appeal_create, name="appeal_create"),
    path("<int:pk>/appeals/<int:appeal_id>/decide/", views.appeal_decide, name="appeal_decide"),
]
