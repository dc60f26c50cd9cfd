from django.urls import path

from shangdui.performance import pay_views, views

app_name = "performance"

urlpatterns = [
    path("", views.home, name="home"),
    path("goals/", views.goal_list, name="goal_list"),
    path("goals/new/", views.goal_create, name="goal_create"),
    path("goals/<int:pk>/", views.goal_detail, name="goal_detail"),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("one-on-ones/", views.oneonone_list, name="oneonone_list"),
    path("one-on-ones/<int:pk>/", views.oneonone_detail, name="oneonone_detail"),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("wall/", views.wall, name="wall"),
    path("members/<int:pk>/feedback/", views.member_feedback, name="member_feedback"),
    path("members/<int:pk>/pay/", pay_views.member_pay, name="member_pay"),
    path("pay/", pay_views.pay_home, name="pay_home"),
    path("pay/runs/", pay_views.payrun_create, name="payrun_create"),
    path("pay/runs/<int:pk>/", pay_views.payrun_detail, name="payrun_detail"),
    path("pay/statements/<int:pk>/", pay_views.statement_detail, name="statement_detail"),
    path("pay/plans/", pay_views.plan_list, name="plan_list"),
    path("pay/plans/new/", pay_views.plan_create, name="plan_create"),
    path("pay/plans/<int:pk>/", pay_views.plan_edit, name="plan_edit"),
    path("pay/adjustments/", pay_views.adjustment_create, name="adjustment_create"),
]
