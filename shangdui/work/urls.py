from django.urls import path

from shangdui.work import views

app_name = "work"

urlpatterns = [
    path("", views.my_day, name="my_day"),
    path("day/items/new/", views.item_add, name="item_add"),
    path("day/items/<int:pk>/done/", views.item_done, name="item_done"),
    path("day/items/<int:pk>/push/", views.item_push, name="item_push"),
    path("day/calendar-link/", views.feed_renew, name="feed_renew"),
    path("ics/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("summary/", views.summary, name="summary"),
    path("summaries/", views.summary_list, name="summary_list"),
    path("weekly/", views.weekly, name="weekly"),
    path("leave/new/", views.leave_create, name="leave_create"),
    path("reminders/", views.reminder_settings, name="reminder_settings"),
    path("reminders/<int:pk>/delete/", views.reminder_channel_delete, name="reminder_channel_delete"),
    path("team/", views.team, name="team"),
    path("team/run/", views.schedule_run, name="team_run"),
    path("team/run/<int:pk>/", views.schedule_run_status, name="team_run_status"),
    path("members/<int:pk>/week/", views.member_week, name="member_week"),
    path("items/<int:pk>/move/", views.item_move, name="item_move"),
    path("notes/", views.note_list, name="note_list"),
    path("notes/new/", views.note_create, name="note_create"),
    path("notes/<int:pk>/", views.note_detail, name="note_detail"),
    path("notes/<int:pk>/edit/", views.note_edit, name="note_edit"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/review/", views.plan_review, name="plan_review"),
    path("plans/<int:pk>/copy/", views.plan_copy, name="plan_copy"),
    path("plans/<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/comments/", views.task_comment_add, name="task_comment_add"),
    path("tasks/<int:pk>/attachments/", views.task_attachment_add, name="task_attachment_add"),
    path("comments/<int:pk>/delete/", views.task_comment_delete, name="task_comment_delete"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", views.task_attachment_delete, name="task_attachment_delete"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/status/", views.task_status, name="task_status"),
]
