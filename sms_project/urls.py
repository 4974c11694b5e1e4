"""The site: the admin, the operator dashboard, log-in and /healthz."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from web.dashboard.health import healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="dashboard:home"), name="root"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("dashboard/", include("web.dashboard.urls")),
    path("healthz", healthz, name="healthz"),
]
