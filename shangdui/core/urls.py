from django.urls import path

from shangdui.core import views

app_name = "core"

urlpatterns = [
    path("settings/", views.settings_page, name="settings"),
    path("settings/tokens/new/", views.token_create, name="token_create"),
    path("settings/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("settings/audit/", views.audit_log, name="audit_log"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
]
