"""Staff accounts: who may manage whom.

Only a superuser grants superuser status, grants the administrators' role,
edits a superuser or an administrator, or removes their second factor.
Directory administrators manage caseworkers and organization editors:
they create their accounts, reset their passwords and second factors, and
give them those two roles. Staff status (reaching the admin at all)
follows from the role, so nobody but a superuser sets it by hand.

A staff member who forgot their password, or is locked out, asks for a
reset link by e-mail; setting the new password also lifts the lockout.
"""

import datetime as dt

from axes.utils import reset as axes_reset
from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import ratelimit, roles

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


# Forgotten passwords: a reset link by e-mail, which also unlocks --------------


class StaffPasswordResetForm(auth_forms.PasswordResetForm):
    """Send reset links to active staff only."""

    def get_users(self, email):
        return (
            user
            for user in super().get_users(email)
            if user.is_staff and user.is_active
        )


class AdminLook:
    """The admin's header and titles on the reset pages."""

    def get_context_data(self, **kwargs):
        return admin.site.each_context(self.request) | super().get_context_data(
            **kwargs
        )


class StaffPasswordResetView(AdminLook, auth_views.PasswordResetView):
    """Ask for a reset link; a few an hour from one address, to spare inboxes."""

    form_class = StaffPasswordResetForm
    success_url = reverse_lazy("password_reset_done")
    LIMIT, WINDOW = 5, dt.timedelta(hours=1)

    def form_valid(self, form):
        if not ratelimit.allow(
            self.request, "password-reset", limit=self.LIMIT, window=self.WINDOW
        ):
            form.add_error("email", _("Too many requests from here. Try again later."))
            return self.form_invalid(form)
        return super().form_valid(form)


class PasswordResetDoneView(AdminLook, auth_views.PasswordResetDoneView):
    pass


class PasswordResetCompleteView(AdminLook, auth_views.PasswordResetCompleteView):
    pass


class UnlockingPasswordResetConfirmView(AdminLook, auth_views.PasswordResetConfirmView):
    """Set the new password and lift the account's lockout with it.

    The second factor is still asked at the next sign-in.
    """

    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        cache.delete(ratelimit.client_key(self.request, "sign-in-failures"))
        return response
