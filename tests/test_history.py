"""History and accountability: who changed what, compare, revert, export as HSDS."""

import csv
import io

from django.urls import reverse

from resources.history import COLUMNS, history_metadata_rows
from resources.models import ChangeRequest, Service
from resources.services import change_request_accept

from .factories import make_editor, make_service, make_staff
from .test_admin import form_data


def rename(client, service: Service, name: str) -> None:
    url = reverse("admin:resources_service_change", args=[service.pk])
    data = form_data(client.get(url))
    data["name"] = name
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]


def test_history_page_compares_each_version_with_the_one_before(
    caseworker_client, caseworker
):
    service = make_service(name="Food pantry")
    rename(caseworker_client, service, "Community food pantry")

    response = caseworker_client.get(
        reverse("admin:resources_service_history", args=[service.pk])
    )

    assert response.status_code == 200
    text = response.text
    assert "Food pantry" in text and "Community food pantry" in text
    assert caseworker.username in text
    latest = service.history.latest("history_date")
    assert [c.field for c in latest.diff_against(latest.prev_record).changes] == [
        "name"
    ]


def test_revert_restores_a_version_and_records_who(caseworker_client, caseworker):
    service = make_service(name="Food pantry")
    rename(caseworker_client, service, "Renamed by mistake")
    first = service.history.earliest("history_date")
    url = reverse(
        "admin:resources_service_simple_history", args=[service.pk, first.history_id]
    )

    response = caseworker_client.post(url, form_data(caseworker_client.get(url)))

    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Food pantry"
    assert service.history.latest("history_date").history_user == caseworker


def test_editor_approval_is_in_history_with_the_approver(client, db):
    service = make_service(name="Aster counselling", wait_time="A month.")
    editor = make_editor(service.organization)
    client.force_login(editor)
    url = reverse("admin:resources_service_change", args=[service.pk])
    data = form_data(client.get(url))
    data["wait_time"] = "Two weeks."
    client.post(url, data)
    caseworker = make_staff()

    change_request_accept(change_request=ChangeRequest.objects.get(), user=caseworker)

    latest = service.history.latest("history_date")
    assert latest.wait_time == "Two weeks."
    assert latest.history_user == caseworker
    assert str(ChangeRequest.objects.get().pk)[:8] in latest.history_change_reason


def test_history_exports_as_hsds_metadata_rows(caseworker_client, caseworker):
    service = make_service(name="Food pantry")
    rename(caseworker_client, service, "Community food pantry")

    rows = list(history_metadata_rows([service]))

    created, updated = rows
    assert created["last_action_type"] == "create"
    assert created["resource_id"] == str(service.pk)
    assert created["resource_type"] == "service"
    assert updated["last_action_type"] == "update"
    assert (updated["field_name"], updated["previous_value"]) == (
        "name",
        "Food pantry",
    )
    assert updated["replacement_value"] == "Community food pantry"
    assert updated["updated_by"] == caseworker.username
    # Stable ids: the same history exports as the same rows.
    assert list(history_metadata_rows([service])) == rows


def test_export_history_admin_action_downloads_metadata_csv(caseworker_client):
    service = make_service(name="=cmd|' /C calc'!A0")
    response = caseworker_client.post(
        reverse("admin:resources_service_changelist"),
        {"action": "export_history", "_selected_action": [str(service.pk)]},
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert tuple(rows[0]) == COLUMNS
    assert rows[0]["resource_id"] == str(service.pk)
    assert rows[0]["last_action_type"] == "create"


def test_every_model_with_history_offers_the_export(caseworker_client):
    from django.contrib import admin
    from simple_history.admin import SimpleHistoryAdmin

    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, SimpleHistoryAdmin):
            request = caseworker_client.get(
                reverse(
                    f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
                )
            ).wsgi_request
            assert "export_history" in model_admin.get_actions(request), model
