from django.contrib.auth.views import LogoutView
from django.urls import include, path
from django.views.i18n import set_language

from shangdui.api import api
from shangdui.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/login/", core_views.ShangduiLoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("org/", include("shangdui.org.urls")),
    path("shops/", include("shangdui.shop.urls")),
    path("conversations/", include("shangdui.conversations.urls")),
    path("coaching/", include("shangdui.coaching.urls")),
    path("performance/", include("shangdui.performance.urls")),
    path("work/", include("shangdui.work.urls")),
    path("", include("shangdui.core.urls")),
    path("api/", api.urls),
]
