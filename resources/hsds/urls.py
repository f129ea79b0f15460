"""Administrators' HSDS import and export pages, under /admin/hsds/."""

from django.urls import path

from . import admin_views

urlpatterns = [
    path("import/", admin_views.import_view, name="hsds-import"),
    path("export/", admin_views.export_view, name="hsds-export"),
]
