"""The admin site: password, then a second factor, for every staff account.

Installed as Django's default site (`resources.apps.DirectoryAdminConfig`),
so `admin.site`, every `@admin.register` and every `admin_view` use it.
It lives outside the `resources.admin` package, which registers model
admins on import: the site must exist before they can.
A signed-in user who has not passed the second factor counts as not
signed in to the admin: every admin page sends them to `two-factor/`.
"""

import datetime as dt

import segno
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp import login as otp_login

from . import ratelimit, two_factor
from .roles import is_organization_editor


class DirectoryAdminSite(admin.AdminSite):
    enable_nav_sidebar = True

    def has_permission(self, request):
        return super().has_permission(request) and two_factor.is_verified(request.user)

    def needs_second_factor(self, request) -> bool:
        user = request.user
        return (
            user.is_authenticated
            and user.is_active
            and user.is_staff
            and not two_factor.is_verified(user)
        )

    def _next(self, request, fallback: str | None = None) -> str:
        target = request.POST.get("next") or request.GET.get("next") or fallback
        if target and url_has_allowed_host_and_scheme(
            target,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        ):
            return target
        return reverse("admin:index", current_app=self.name)

    def _to_second_factor(self, request, target: str) -> HttpResponseRedirect:
        url = reverse("admin:two-factor", current_app=self.name)
        return HttpResponseRedirect(f"{url}?{urlencode({'next': target})}")

    # Failed sign-ins an address may make in an hour, whatever the usernames
    # (django-axes locks a username from an address; this caps the address).
    ADDRESS_WINDOW = dt.timedelta(hours=1)

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        if request.method == "GET" and self.needs_second_factor(request):
            return self._to_second_factor(request, self._next(request))
        cap = settings.DIRECTORY_LOGIN_ADDRESS_FAILURES
        if (
            request.method == "POST"
            and ratelimit.count(request, "sign-in-failures") >= cap
        ):
            return TemplateResponse(
                request,
                "admin/resources/locked_out.html",
                self.each_context(request) | {"address_capped": True},
                status=429,
            )
        response = super().login(request, extra_context)
        if request.method == "POST" and response.status_code == 200:
            # The form again: a wrong username or password.
            ratelimit.hit(request, "sign-in-failures", window=self.ADDRESS_WINDOW)
        if response.status_code == 302 and self.needs_second_factor(request):
            # The password was right: on to the second factor.
            return self._to_second_factor(request, self._next(request, response.url))
        return response

    def get_urls(self):
        from .admin import views

        caseworker_urls = [
            path(
                "two-factor/",
                never_cache(csrf_protect(self.two_factor_view)),
                name="two-factor",
            ),
            path(
                "caseworkers/verification/",
                self.admin_view(views.verification_dashboard),
                name="verification-dashboard",
            ),
            path(
                "caseworkers/duplicates/",
                self.admin_view(views.duplicates),
                name="duplicates",
            ),
            path(
                "caseworkers/duplicates/merge/",
                self.admin_view(views.merge),
                name="merge",
            ),
            path(
                "caseworkers/reports/", self.admin_view(views.reports), name="reports"
            ),
        ]
        return caseworker_urls + super().get_urls()

    def each_context(self, request):
        context = super().each_context(request)
        user = request.user
        if (
            context.get("has_permission")
            and not is_organization_editor(user)
            and user.has_perm("resources.view_changerequest")
        ):
            from .models import ChangeRequest

            context["open_change_requests"] = ChangeRequest.objects.open().count()
        return context

    # The records caseworkers open every day, first on the home page; the
    # other HSDS tables are folded under "All HSDS tables".
    LISTINGS = ("organization", "service", "location")

    def index(self, request, extra_context=None):
        from .hsds.admin_views import is_directory_administrator

        extra = {
            # The data exchange links show to those the pages will let in.
            "can_exchange_hsds": is_directory_administrator(request.user),
            "today": self.todays_work(request),
        }
        return super().index(request, extra | (extra_context or {}))

    def todays_work(self, request) -> dict:
        """Count what waits for this user: verifications, drafts, imports."""
        from .admin.translations import other_languages
        from .models import Job, Service
        from .models.services import VerificationState

        user = request.user
        if is_organization_editor(user):
            return {}
        work: dict = {}
        if user.has_perm("resources.verify_service"):
            states = dict(
                Service.objects.filter(status__in=Service.VISIBLE_STATUSES)
                .with_verification_state()
                .exclude(verification_state=VerificationState.CURRENT)
                .values_list("verification_state")
                .annotate(n=models.Count("pk"))
                .order_by()
            )
            work["overdue"] = states.get(VerificationState.OVERDUE, 0)
            work["due"] = states.get(VerificationState.DUE, 0)
            work["never"] = states.get(VerificationState.NEVER, 0)
        if user.has_perm("resources.change_service"):
            work["drafts"] = Service.objects.filter(
                publication_status=Service.Publication.DRAFT
            ).count()
            work["untranslated"] = [
                (code, get_language_info(code)["name_translated"], count)
                for code in other_languages()
                if (
                    count := Service.objects.published()
                    .missing_translation(code)
                    .count()
                )
            ]
        if user.has_perm("resources.view_job"):
            work["imports"] = list(
                Job.objects.filter(kind=Job.Kind.IMPORT).order_by("-created_at")[:3]
            )
        return work

    def get_app_list(self, request, app_label=None):
        """The apps, with the directory's listings marked for the home page."""
        app_list = super().get_app_list(request, app_label)
        for app in app_list:
            for model in app["models"]:
                model["is_listing"] = (
                    app["app_label"] == "resources"
                    and model["object_name"].lower() in self.LISTINGS
                )
        return app_list

    def two_factor_view(self, request):
        """Ask for the second factor; set one up on the first sign-in."""
        from .admin.forms import TokenForm

        user = request.user
        target = self._next(request)
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect_to_login(
                request.get_full_path(), resolve_url("admin:login")
            )
        if two_factor.is_verified(user):
            return HttpResponseRedirect(target)

        form = TokenForm(request.POST or None)
        context = self.each_context(request) | {"form": form, "next": target}
        if two_factor.has_second_factor(user):
            if request.method == "POST" and form.is_valid():
                device = two_factor.match(user, form.cleaned_data["token"])
                if device is not None:
                    otp_login(request, device)
                    return HttpResponseRedirect(target)
                wait = two_factor.wait_seconds(user)
                form.add_error(
                    "token",
                    _(
                        "After a wrong code, codes are refused for a moment: wait "
                        "%(seconds)s seconds, then type the code your app shows."
                    )
                    % {"seconds": wait}
                    if wait
                    else _("That code is not right, or was used."),
                )
            context["title"] = _("Two-step verification")
            return TemplateResponse(
                request, "admin/resources/two_factor_verify.html", context
            )

        device = two_factor.pending_app_device(user)
        if request.method == "POST" and form.is_valid():
            confirmed = two_factor.confirm_app_device(
                device, form.cleaned_data["token"]
            )
            if confirmed is not None:
                otp_login(request, confirmed)
                context |= {
                    "title": _("Your backup codes"),
                    "codes": two_factor.issue_backup_codes(user),
                }
                return TemplateResponse(
                    request, "admin/resources/two_factor_backup_codes.html", context
                )
            form.add_error("token", _("That code is not right. Try the next one."))
        uri = device.config_url
        context |= {
            "title": _("Set up two-step verification"),
            "secret": two_factor.secret(device),
            "uri": uri,
            "qr_svg": segno.make(uri, error="m").svg_inline(
                scale=4, title=_("QR code for your authenticator app")
            ),
        }
        return TemplateResponse(
            request, "admin/resources/two_factor_setup.html", context
        )
