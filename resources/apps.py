from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = _("Directory")

    def ready(self):
        from . import derived, freshness, search

        derived.connect()
        freshness.connect()
        search.connect()


class DirectoryAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with our site (second factor required) as `admin.site`."""

    default = False  # ResourcesConfig stays this module's default
    default_site = "resources.admin_site.DirectoryAdminSite"
