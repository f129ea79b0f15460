"""Administrators' pages: upload HSDS data (with a dry run), download exports.

Both run as background jobs (`resources.jobs`): the page queues one and
sends the administrator to its page, which shows its progress, lets them
cancel it and offers its report or file.

Reached from the admin index ("HSDS data exchange"). Only directory
administrators may use them: staff in the "Directory administrators" group
holding `resources.add_service`, or superusers.
"""

from pathlib import Path

from django import forms
from django.contrib import admin
from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from .. import jobs
from ..models import Job
from ..roles import ADMINISTRATORS

SUFFIXES = (".zip", ".json", ".ndjson", ".jsonl")


def is_directory_administrator(user) -> bool:
    """Return whether `user` may import and export whole directories."""
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    return (
        user.has_perm("resources.add_service")
        and user.groups.filter(name=ADMINISTRATORS).exists()
    )


def _administrators_only(view):
    def check(user):
        if (
            user.is_authenticated
            and user.is_staff
            and not is_directory_administrator(user)
        ):
            raise PermissionDenied
        return is_directory_administrator(user)

    return admin.site.admin_view(user_passes_test(check, login_url="admin:login")(view))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("HSDS file"),
        help_text=_(
            "A CSV data package as a .zip (with datapackage.json), a JSON file of "
            "services or organizations, or NDJSON."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check and report, write nothing"),
        required=False,
        initial=True,
    )
    lenient = forms.BooleanField(
        label=_("Skip rows that refer to records that exist nowhere (listed)"),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(_("Upload a .zip, .json or .ndjson file."))
        return upload


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        choices=(
            ("csv", _("CSV data package (.zip)")),
            ("json", _("JSON (services, fully nested)")),
            ("ndjson", _("NDJSON (one service per line)")),
        )
    )
    scope = forms.ChoiceField(
        choices=(
            (
                "public",
                _("Public: published services, confidential addresses withheld"),
            ),
            ("staff", _("Everything: drafts and confidential addresses included")),
        ),
        widget=forms.RadioSelect,
        initial="public",
    )
    for_spreadsheets = forms.BooleanField(
        required=False,
        label=_("For opening in a spreadsheet (CSV only)"),
        help_text=_(
            "Puts a quote before text that a spreadsheet would run as a "
            "formula. Leave it off for other systems: they would read the "
            "quotes as part of phone numbers and notes."
        ),
    )


def _to_job(job) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("admin:resources_job_change", args=[job.pk]))


@require_http_methods(["GET", "POST"])
@_administrators_only
def import_view(request):
    """Queue the import (or its dry run) for the worker; follow it on its page."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = jobs.queue(
            Job.Kind.IMPORT,
            user=request.user,
            options={
                "file_name": upload.name,
                "dry_run": form.cleaned_data["dry_run"],
                "lenient": form.cleaned_data["lenient"],
            },
            upload=upload,
        )
        return _to_job(job)
    context = admin.site.each_context(request) | {
        "title": _("Import HSDS data"),
        "form": form,
        "recent": Job.objects.filter(kind=Job.Kind.IMPORT)[:5],
    }
    return render(request, "admin/resources/hsds_import.html", context)


@require_http_methods(["GET", "POST"])
@_administrators_only
def export_view(request):
    """Queue the export for the worker; its page offers the file when done."""
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        job = jobs.queue(
            Job.Kind.EXPORT,
            user=request.user,
            options={
                "format": form.cleaned_data["format"],
                "scope": form.cleaned_data["scope"],
                "for_spreadsheets": form.cleaned_data["for_spreadsheets"],
            },
        )
        return _to_job(job)
    context = admin.site.each_context(request) | {
        "title": _("Export HSDS data"),
        "form": form,
        "recent": Job.objects.filter(kind=Job.Kind.EXPORT)[:5],
    }
    return render(request, "admin/resources/hsds_export.html", context)
