from django.urls import path

from shangdui.shop import views, views_followups, views_reviews, views_settings, views_shipping

app_name = "shop"

urlpatterns = [
    path("", views.shop_list, name="shop_list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/export/", views.dashboard_export, name="dashboard_export"),
    path("new/", views_settings.shop_create, name="shop_create"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/<int:pk>/", views_settings.order_detail, name="order_detail"),
    path("orders/<int:pk>/salesperson/", views_settings.order_salesperson, name="order_salesperson"),
    path("<int:pk>/import/", views.order_import, name="order_import"),
    path("<int:pk>/edit/", views_settings.shop_edit, name="shop_edit"),
    path("<int:pk>/mapping/", views_settings.shop_mapping, name="shop_mapping"),
    path("reviews/", views_reviews.review_list, name="review_list"),
    path("reviews/export/", views_reviews.review_export, name="review_export"),
    path("reviews/import/", views_reviews.review_import, name="review_import"),
    path("shipping/", views_shipping.shipping_list, name="shipping_list"),
    path("shipping/costs/", views_shipping.shipping_costs, name="shipping_costs"),
    path("shipping/<int:pk>/", views_shipping.shipping_detail, name="shipping_detail"),
    path("shipping/<int:pk>/export/", views_shipping.shipping_export, name="shipping_export"),
    path("shipping/<int:pk>/labels/", views_shipping.shipping_labels, name="shipping_labels"),
    path("shipping/<int:pk>/assign/", views_shipping.shipping_assign, name="shipping_assign"),
    path("shipping/<int:pk>/tracking/", views_shipping.shipping_tracking, name="shipping_tracking"),
    path("follow-ups/", views_followups.followup_list, name="followup_list"),
    path("follow-ups/generate/", views_followups.followup_generate, name="followup_generate"),
    path("follow-ups/<int:pk>/done/", views_followups.followup_mark_done, name="followup_done"),
]
