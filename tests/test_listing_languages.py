"""Listing text in Spanish beside English: shown, edited, found and exchanged."""

import csv
import json
import re

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from resources import changes
from resources.hsds import mapping
from resources.hsds.exporter import export_csv, export_json
from resources.hsds.importer import import_hsds
from resources.models import ChangeRequest, Organization, Service
from resources.search import search_services
from resources.services import change_request_accept

from .factories import make_editor, make_phone, make_service, tag
from .test_admin import form_data

SPANISH = {
    "es": {
        "name": "Albergue nocturno",
        "description": "Camas calientes y una cena para quien no tiene dónde dormir.",
    }
}


@pytest.fixture
def shelter(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        service = make_service(
            name="Night shelter",
            description="Warm beds and a supper for anyone with nowhere to sleep.",
            eligibility_description="Adults aged 18 and over.",
            translations=SPANISH,
        )
        make_phone(service=service, number="860-555-0101", description="Intake line")
    return service


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# Public pages --------------------------------------------------------------------


def test_the_spanish_page_shows_the_spanish_text(client, shelter):
    html = client.get(f"/es{shelter.get_absolute_url()}").content.decode()

    assert "<h1>Albergue nocturno</h1>" in html
    assert "Camas calientes y una cena" in html
    assert "Warm beds" not in html


def test_english_where_there_is_no_spanish_yet_is_marked_and_labelled(client, shelter):
    html = client.get(f"/es{shelter.get_absolute_url()}").content.decode()

    assert (
        '<span lang="en">Adults aged 18 and over.</span> '
        '<span class="in-other-language">(en inglés)</span>'
    ) in html
    assert '<span lang="en">Intake line</span>' in html
    # Names are names in any language: marked for screen readers, no label.
    organization = shelter.organization.name
    assert f'<span lang="en">{organization}</span></a>' in html


def test_the_english_page_shows_the_english_text_unmarked(client, shelter):
    html = client.get(shelter.get_absolute_url()).content.decode()

    assert "<h1>Night shelter</h1>" in html
    assert "Albergue" not in html
    assert 'lang="en">' not in html.split("<main", 1)[1]


def test_search_results_and_client_lists_follow_the_page(client, shelter):
    with translation.override("es"):
        search_url = reverse("resources:service-list")
        list_url = reverse("resources:client-list")
    results = client.get(search_url, {"q": "albergue"}).content.decode()
    listed = client.get(list_url, {"s": str(shelter.pk)}).content.decode()

    for html in (results, listed):
        assert "Albergue nocturno" in html
        assert "Camas calientes" in html


def test_a_translated_text_is_never_blank(db):
    service = make_service(description="Food.", translations={"es": {"name": "X"}})

    assert service.translated("description", "es") == ("Food.", "en")
    assert service.translated("name", "es") == ("X", "es")
    assert service.translated("name", "en") == (service.name, "en")


@pytest.mark.parametrize(
    "value, message",
    [
        ([], "must be an object"),
        ({"Spanish": {"name": "x"}}, "not a language code"),
        ({"es": "x"}, "must be an object of fields"),
        ({"es": {"url": "x"}}, "cannot be translated"),
        ({"es": {"name": 5}}, "must be text"),
        ({"es": {"name": "x" * 300}}, "at most 255 fit"),
    ],
)
def test_a_bad_translations_value_is_refused_with_a_reason(db, value, message):
    service = make_service()
    service.translations = value

    with pytest.raises(ValidationError, match=message):
        service.full_clean()


# Admin ---------------------------------------------------------------------------


def change_url(service):
    return reverse("admin:resources_service_change", args=[service.pk])


def test_the_admin_form_puts_spanish_beside_english_and_saves_both(
    caseworker_client, shelter
):
    response = caseworker_client.get(change_url(shelter))
    html = response.content.decode()
    row = re.search(r'<div class="form-row[^"]*field-description[^"]*">', html)
    assert row, "description and its Spanish share one row"
    assert 'name="description_es"' in html[row.start() : row.start() + 4000]
    assert 'lang="es"' in html

    data = form_data(response)
    data["description_es"] = "Camas y cena, cada noche."
    data["eligibility_description_es"] = "Personas adultas."
    data["name_es"] = ""
    assert caseworker_client.post(change_url(shelter), data).status_code == 302

    shelter.refresh_from_db()
    assert shelter.description.startswith("Warm beds")
    assert shelter.translations == {
        "es": {
            "description": "Camas y cena, cada noche.",
            "eligibility_description": "Personas adultas.",
        }
    }
    assert shelter.history.first().translations == shelter.translations


def test_the_spanish_missing_filter_and_the_home_count(caseworker_client, shelter):
    untranslated = make_service(name="Food bank", description="Groceries.")
    make_service(name="No words", description="")  # nothing to translate

    listed = caseworker_client.get(
        reverse("admin:resources_service_changelist"), {"missing": "es"}
    )
    assert [s.pk for s in listed.context["cl"].result_list] == [untranslated.pk]

    home = caseworker_client.get(reverse("admin:index")).content.decode()
    assert "Published services without Spanish text" in text_of(home)
    assert "?missing=es" in home


def test_an_editor_proposes_spanish_which_waits_for_review(client, shelter, caseworker):
    editor = make_editor(shelter.organization)
    client.force_login(editor)
    data = form_data(client.get(change_url(shelter)))
    data["eligibility_description_es"] = "Personas adultas de 18 años o más."

    assert client.post(change_url(shelter), data).status_code == 302

    shelter.refresh_from_db()
    assert shelter.translations == SPANISH, "held, not published"
    change_request = ChangeRequest.objects.get()
    rows = changes.describe(change_request.proposed_changes)
    assert [(r["field"], r["old"], r["new"]) for r in rows] == [
        ("eligibility (Spanish)", "", "Personas adultas de 18 años o más.")
    ]
    change_request_accept(change_request=change_request, user=caseworker)
    shelter.refresh_from_db()
    assert shelter.translations["es"]["eligibility_description"] == (
        "Personas adultas de 18 años o más."
    )
    assert shelter.translations["es"]["name"] == "Albergue nocturno"


# Search --------------------------------------------------------------------------


def found(text: str) -> list[str]:
    return [s.name for s in search_services(Service.objects.published(), text)]


def test_a_spanish_word_only_the_spanish_text_has_finds_the_service(shelter):
    assert found("albergues") == ["Night shelter"]  # Spanish stemming
    assert found("dormir") == ["Night shelter"]


def test_spanish_text_ranks_first_and_english_only_listings_are_still_found(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        english_only = make_service(name="Amigos pantry", description="Groceries.")
        translated = make_service(
            name="Community meals",
            description="Hot meals on weekdays.",
            translations={
                "es": {"name": "Comedor", "description": "Comida caliente gratis."}
            },
        )
        for service in (english_only, translated):
            tag(service, "food")

    assert found("comida caliente") == ["Community meals", "Amigos pantry"]
    assert found("comida") == ["Community meals", "Amigos pantry"]


# API -----------------------------------------------------------------------------


def api_url(service):
    return reverse("api:service-detail", args=[service.pk])


@pytest.mark.parametrize(
    "query, headers",
    [
        ({"lang": "es"}, {}),
        ({"lang": "es-MX"}, {"HTTP_ACCEPT_LANGUAGE": "en"}),
        ({}, {"HTTP_ACCEPT_LANGUAGE": "es-MX,es;q=0.9"}),
    ],
)
def test_the_api_gives_the_spanish_text_when_asked(client, shelter, query, headers):
    response = client.get(api_url(shelter), query, **headers)

    assert response["Content-Language"] == "es"
    assert "Accept-Language" in response["Vary"]
    body = response.json()
    assert body["name"] == "Albergue nocturno"
    assert body["eligibility_description"] == "Adults aged 18 and over."
    assert body["translations"] == SPANISH


def test_the_api_speaks_english_by_default_and_refuses_an_unknown_language(
    client, shelter
):
    english = client.get(api_url(shelter))
    assert english["Content-Language"] == "en"
    assert english.json()["name"] == "Night shelter"

    unknown = client.get(api_url(shelter), {"lang": "xx"})
    assert unknown.status_code == 400
    assert "lang" in unknown.json()


# HSDS exchange ---------------------------------------------------------------------


def test_json_and_csv_exports_round_trip_the_translations(shelter, tmp_path):
    organization = shelter.organization
    Organization.objects.filter(pk=organization.pk).update(
        translations={"es": {"description": "Ayuda a la gente."}}
    )
    export_json(tmp_path / "services.json")
    export_csv(tmp_path / "package")
    services = json.loads((tmp_path / "services.json").read_text())
    assert services[0]["translations"] == SPANISH
    with open(tmp_path / "package" / "services.csv", newline="") as rows:
        assert json.loads(next(csv.DictReader(rows))["translations"]) == SPANISH

    for source in (tmp_path / "services.json", tmp_path / "package"):
        Service.objects.filter(pk=shelter.pk).update(translations={})
        Organization.objects.filter(pk=organization.pk).update(translations={})

        report = import_hsds(source)

        assert report.ok, report.lines()
        shelter.refresh_from_db()
        organization.refresh_from_db()
        assert shelter.translations == SPANISH, source
        assert organization.translations == {"es": {"description": "Ayuda a la gente."}}


@pytest.mark.parametrize(
    "cell, reason",
    [
        ("{not json", "expected a JSON object"),
        ('{"es": {"url": "x"}}', "cannot be translated"),
        ('{"es": {"name": "' + "x" * 300 + '"}}', "at most 255 fit"),
    ],
)
def test_a_broken_translations_cell_names_file_row_and_field(
    shelter, tmp_path, cell, reason
):
    export_csv(tmp_path)
    path = tmp_path / "services.csv"
    with open(path, newline="") as rows:
        table = list(csv.DictReader(rows))
    table[0]["translations"] = cell
    with open(path, "w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(table[0]))
        writer.writeheader()
        writer.writerows(table)

    report = import_hsds(tmp_path)

    assert not report.ok
    problem = "\n".join(report.lines())
    assert "services.csv" in problem and "translations" in problem
    assert reason in problem
    shelter.refresh_from_db()
    assert shelter.translations == SPANISH


def test_the_hsds_columns_translate_what_the_models_translate():
    for table in mapping.TABLES:
        model = apps.get_model("resources", table.model)
        column = next(
            (c for c in table.columns if c.type == mapping.TRANSLATIONS), None
        )
        translated = getattr(model, "translated_fields", ())
        assert (column.enum if column else ()) == translated, table.name


def test_every_demo_service_has_a_spanish_name_and_description(db):
    from resources.demo import load_demo_data

    load_demo_data()
    services = Service.objects.all()
    assert services
    for service in services:
        assert service.translated("name", "es")[1] == "es", service.name
        assert service.translated("description", "es")[1] == "es", service.name
        assert service.organization.translated("description", "es")[1] == "es"
