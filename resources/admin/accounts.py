"""Staff accounts: who may manage whom.

Only a superuser grants superuser status, grants the administrators' role,
edits a superuser or an administrator, or removes their second factor.
Directory administrators manage caseworkers and organization editors:
they create their accounts, reset their passwords and second factors, and
give them those two roles. Staff status (reaching the admin at all)
follows from the role, so nobody but a superuser sets it by hand.
"""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, User
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import roles

# The roles an administrator may give and take away.
MANAGED_ROLES = (roles.CASEWORKERS, roles.ORGANIZATION_EDITORS)
# Accounts only a superuser may change.
PRIVILEGED = Q(is_superuser=True) | Q(groups__name=roles.ADMINISTRATORS)


def managed_users(actor):
    """Return the accounts `actor` may change."""
    if actor.is_superuser:
        return User.objects.all()
    return User.objects.exclude(pk__in=User.objects.filter(PRIVILEGED).values("pk"))


def may_manage(actor, user) -> bool:
    return actor.is_superuser or managed_users(actor).filter(pk=user.pk).exists()


class StaffUserAdmin(auth_admin.UserAdmin):
    limited_fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Role"), {"fields": ("is_active", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    def get_fieldsets(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.limited_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ("last_login", "date_joined")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.filter(name__in=MANAGED_ROLES)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_manage(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_manage(request.user, obj))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        if not request.user.is_superuser:
            # Staff status follows the role: a caseworker or editor reaches
            # the admin, an account without a role does not.
            staff = user.groups.filter(name__in=MANAGED_ROLES).exists()
            if user.is_staff != staff:
                user.is_staff = staff
                user.save(update_fields=["is_staff"])


class ManagedDevicesMixin:
    """Second factors: an administrator sees their own and those of the
    accounts they manage, and removes only the latter; a superuser, all."""

    def get_queryset(self, request):
        devices = super().get_queryset(request)
        if request.user.is_superuser:
            return devices
        return devices.filter(
            Q(user__in=managed_users(request.user)) | Q(user=request.user)
        )

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_manage(request.user, obj.user))


class ManagedTOTPDeviceAdmin(ManagedDevicesMixin, TOTPDeviceAdmin):
    pass


class ManagedStaticDeviceAdmin(ManagedDevicesMixin, StaticDeviceAdmin):
    pass


for model, model_admin in (
    (User, StaffUserAdmin),
    (TOTPDevice, ManagedTOTPDeviceAdmin),
    (StaticDevice, ManagedStaticDeviceAdmin),
):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
