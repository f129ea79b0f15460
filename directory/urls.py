from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from resources.admin.accounts import (
    PasswordResetCompleteView,
    PasswordResetDoneView,
    StaffPasswordResetView,
    UnlockingPasswordResetConfirmView,
)
from resources.health import healthz

admin.site.site_header = "Directory administration"
admin.site.site_title = "Directory admin"
admin.site.index_title = "Listings and taxonomy"

urlpatterns = [
    # For load balancers: the database and the cache answer (no data).
    path("healthz", healthz, name="healthz"),
    # HSDS data exchange pages for administrators, before the admin's catch-all.
    path("admin/hsds/", include("resources.hsds.urls")),
    # Forgotten passwords (the admin's sign-in page links here by this name).
    path(
        "admin/password_reset/",
        StaffPasswordResetView.as_view(),
        name="admin_password_reset",
    ),
    path(
        "admin/password_reset/done/",
        PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "admin/reset/<uidb64>/<token>/",
        UnlockingPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "admin/reset/done/",
        PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    # The HSDS API is language-neutral: outside i18n_patterns, no /es/ prefix.
    path("api/", include("resources.api.urls")),
]
urlpatterns += i18n_patterns(
    path("", include("resources.urls")),
    prefix_default_language=False,
)
