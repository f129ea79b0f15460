"""Administrators' pages: upload HSDS data (with a dry run), download exports.

Reached from the admin index ("HSDS data exchange"). Only directory
administrators may use them: staff in the "Directory administrators" group
holding `resources.add_service`, or superusers.
"""

import tempfile
from pathlib import Path

from django import forms
from django.contrib import admin
from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from ..roles import ADMINISTRATORS
from . import exporter
from .importer import import_hsds

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


@require_http_methods(["GET", "POST"])
@_administrators_only
def import_view(request):
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        with tempfile.NamedTemporaryFile(suffix=suffix) as stored:
            for chunk in upload.chunks():
                stored.write(chunk)
            stored.flush()
            report = import_hsds(
                stored.name,
                dry_run=form.cleaned_data["dry_run"],
                lenient=form.cleaned_data["lenient"],
                updated_by=request.user.get_username(),
                user=request.user,
            )
        report.source = upload.name
    context = admin.site.each_context(request) | {
        "title": _("Import HSDS data"),
        "form": form,
        "report": report,
    }
    return render(request, "admin/resources/hsds_import.html", context)


@require_http_methods(["GET", "POST"])
@_administrators_only
def export_view(request):
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        public = form.cleaned_data["scope"] == "public"
        kind = form.cleaned_data["format"]
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        name = f"hsds-{'public' if public else 'all'}-{stamp}"
        if kind == "csv":
            archive = tempfile.NamedTemporaryFile(suffix=".zip")  # noqa: SIM115
            exporter.export_csv(
                Path(archive.name),
                public=public,
                for_spreadsheets=form.cleaned_data["for_spreadsheets"],
            )
            archive.seek(0)
            response = FileResponse(archive, as_attachment=True, filename=f"{name}.zip")
        else:
            chunks = (
                exporter.ndjson_lines(public=public)
                if kind == "ndjson"
                else exporter.json_chunks(public=public)
            )
            response = StreamingHttpResponse(
                chunks,
                content_type="application/x-ndjson"
                if kind == "ndjson"
                else "application/json",
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
        response["Cache-Control"] = "no-store"
        return response
    context = admin.site.each_context(request) | {
        "title": _("Export HSDS data"),
        "form": form,
    }
    return render(request, "admin/resources/hsds_export.html", context)
