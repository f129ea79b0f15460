from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Directory administration"
admin.site.site_title = "Directory admin"
admin.site.index_title = "Listings and taxonomy"

urlpatterns = [
    # HSDS data exchange pages for administrators, before the admin's catch-all.
    path("admin/hsds/", include("resources.hsds.urls")),
    path("admin/", admin.site.urls),
    # The HSDS API is language-neutral: outside i18n_patterns, no /es/ prefix.
    path("api/", include("resources.api.urls")),
]
urlpatterns += i18n_patterns(
    path("", include("resources.urls")),
    prefix_default_language=False,
)
