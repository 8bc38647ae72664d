from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from apps.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("core/", include("apps.core.urls")),
    path("accounts/", include("apps.accounts.urls")),
    path("pupils/", include("apps.people.urls")),
    path("audit/", include("apps.audit.urls")),
    path("chronology/", include("apps.chronology.urls")),
    path("safeguarding/", include("apps.safeguarding.urls")),
    path("attendance/", include("apps.attendance.urls")),
    path("behaviour/", include("apps.behaviour.urls")),
    path("support/", include("apps.support.urls")),
    path("api/v1/", include("hearth.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", core_views.api_docs, name="api-docs"),
    path("admin/", admin.site.urls),
]
