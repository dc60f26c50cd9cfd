from django.urls import path

from shangdui.shop import views

app_name = "shop"

urlpatterns = [
    path("", views.shop_list, name="shop_list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export/", views.dashboard_export, name="dashboard_export"),
    path("orders/", views.order_list, name="order_list"),
    path("<int:pk>/import/", views.order_import, name="order_import"),
]
