from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Directory administration"
admin.site.site_title = "Directory admin"
admin.site.index_title = "Listings and taxonomy"

urlpatterns = [
    path("admin/", admin.site.urls),
]
urlpatterns += i18n_patterns(
    path("", include("resources.urls")),
    prefix_default_language=False,
)
