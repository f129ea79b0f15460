from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "resources"
    verbose_name = _("Directory")

    def ready(self):
        from django.db.models.signals import post_delete

        from . import derived, freshness, history, search
        from .models import ChangeRequest
        from .services import change_request_forget_contact

        derived.connect()
        history.connect()
        freshness.connect()
        search.connect()
        post_delete.connect(
            lambda instance, **kwargs: change_request_forget_contact(instance.pk),
            sender=ChangeRequest,
            dispatch_uid="change-request-forget-contact",
            weak=False,
        )


class DirectoryAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with our site (second factor required) as `admin.site`."""

    default = False  # ResourcesConfig stays this module's default
    default_site = "resources.admin_site.DirectoryAdminSite"
