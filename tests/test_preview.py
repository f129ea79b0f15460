"""Preview: staff see a draft's or a proposed edit's public card and page first."""

import pytest
from django.test import Client
from django.urls import reverse

from resources.models import ChangeRequest, Service

from .factories import make_editor, make_service
from .test_admin import form_data


def preview_url(service):
    return reverse("admin:resources_service_preview", args=[service.pk])


@pytest.fixture
def draft(db):
    return make_service(
        name="Harbor drop-in", publication_status=Service.Publication.DRAFT
    )


def test_a_caseworker_previews_a_draft_card_and_page(caseworker_client, draft):
    response = caseworker_client.get(preview_url(draft))

    assert response.status_code == 200
    text = response.text
    assert "A draft: the public cannot see this listing" in text
    assert f'id="card-{draft.pk}"' in text  # the card, as in search results
    assert "<h1>Harbor drop-in</h1>" in text
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert Client().get(draft.get_absolute_url()).status_code == 404
    edit = reverse("admin:resources_service_change", args=[draft.pk])
    assert preview_url(draft) in caseworker_client.get(edit).text


def test_a_caseworker_previews_the_page_a_spanish_speaker_reads(
    caseworker_client, draft
):
    draft.translations = {"es": {"name": "Centro de acogida Harbor"}}
    draft.save()

    english = caseworker_client.get(preview_url(draft)).text
    spanish = caseworker_client.get(preview_url(draft), {"lang": "es"}).text

    assert '<a href="?lang=es" lang="es">español</a>' in english
    assert "<h1>Harbor drop-in</h1>" in english
    assert "<h1>Centro de acogida Harbor</h1>" in spanish
    assert '<html lang="es">' in spanish


def test_only_signed_in_staff_who_may_see_the_listing_preview_it(client, draft):
    assert client.get(preview_url(draft)).status_code == 302  # to sign in
    client.force_login(make_editor(make_service().organization))
    assert client.get(preview_url(draft)).status_code == 404
    client.force_login(make_editor(draft.organization))
    assert client.get(preview_url(draft)).status_code == 200
    bad = reverse("admin:resources_service_preview", args=["nope"])
    assert client.get(bad).status_code == 404


def test_a_proposed_edit_is_previewed_without_saving_anything(caseworker_client):
    service = make_service(name="Aster counselling", wait_time="A month.")
    client = Client()
    client.force_login(make_editor(service.organization))
    url = reverse("admin:resources_service_change", args=[service.pk])
    data = form_data(client.get(url))
    data["description"] = "Counselling in Spanish and English, walk-in Fridays."
    assert client.post(url, data).status_code == 302
    proposal = ChangeRequest.objects.get()
    versions = service.history.count()

    page = reverse("admin:resources_changerequest_change", args=[proposal.pk])
    preview = reverse("admin:resources_changerequest_preview", args=[proposal.pk])
    assert preview in caseworker_client.get(page).text
    response = caseworker_client.get(preview)

    assert response.status_code == 200
    assert "walk-in Fridays" in response.text
    assert "not yet accepted" in response.text
    service.refresh_from_db()
    assert "walk-in Fridays" not in service.description
    assert service.history.count() == versions
    assert ChangeRequest.objects.get().status == ChangeRequest.Status.OPEN
