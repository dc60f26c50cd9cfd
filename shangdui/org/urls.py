from django.urls import path

from shangdui.org import views

app_name = "org"

urlpatterns = [
    path("chart/", views.org_chart, name="chart"),
    path("organization/rename/", views.organization_rename, name="organization_rename"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/new/", views.department_create, name="department_create"),
    path("departments/template/", views.department_template, name="department_template"),
    path("departments/<int:pk>/", views.department_detail, name="department_detail"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("departments/<int:pk>/delete/", views.department_delete, name="department_delete"),
    path("members/", views.member_list, name="member_list"),
    path("members/new/", views.member_create, name="member_create"),
    path("members/import/", views.member_import, name="member_import"),
    path("members/export/", views.member_export, name="member_export"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("members/<int:pk>/pay/", views.member_pay, name="member_pay"),
    path("members/<int:pk>/role/", views.member_role, name="member_role"),
    path("members/<int:pk>/password/", views.member_password, name="member_password"),
]
