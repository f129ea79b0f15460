"""Finding a listing from the call you are on: the admin's search box.

A phone number matches however it is typed and however it was stored; a
street finds the services there; the public search's words (lay words,
aliases, misspellings) find services too.
"""

import pytest

from resources.admin.search import phone_digits
from resources.models import Location, Organization, Service

from .factories import link, make_location, make_phone, make_service, tag
from .test_admin import admin_url

pytestmark = pytest.mark.django_db


def found(client, model, term: str) -> set:
    response = client.get(admin_url(model, "changelist"), {"q": term})
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


@pytest.fixture
def clinic():
    service = make_service(name="Westside walk-in clinic")
    make_phone(service=service, number="(860) 555-0108")
    location = make_location(
        organization=service.organization,
        name="Westside",
        address={"address_1": "1010 Farmington Avenue"},
    )
    make_phone(location=location, number="+1 860.555.0142")
    link(service, location)
    make_phone(service=make_service(name="Other line"), number="860-555-0999")
    return service


@pytest.mark.parametrize(
    "typed",
    ["8605550108", "(860) 555-0108", "860-555-0108", "+1 860 555 0108", "555-0108"],
)
def test_a_phone_number_typed_any_way_finds_the_service(
    caseworker_client, clinic, typed
):
    assert found(caseworker_client, Service, typed) == {clinic}


def test_the_number_of_one_of_its_places_finds_the_service_too(
    caseworker_client, clinic
):
    location = Location.objects.get(name="Westside")

    assert found(caseworker_client, Service, "8605550142") == {clinic}
    assert found(caseworker_client, Location, "860 555 0142") == {location}
    assert found(caseworker_client, Organization, "18605550142") == {
        clinic.organization
    }


def test_a_street_finds_the_services_there(caseworker_client, clinic):
    assert found(caseworker_client, Service, "Farmington Avenue") == {clinic}


def test_the_public_search_words_find_services(
    caseworker_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        shelter = make_service(name="Open Door night beds")
        tag(shelter, "housing")

    assert shelter in found(caseworker_client, Service, "evicted")
    assert shelter in found(caseworker_client, Service, "nigth beds")


@pytest.mark.parametrize(
    ("typed", "digits"),
    [
        ("(860) 555-0108", "8605550108"),
        ("+1 860 555 0108", "8605550108"),
        ("555 0108", "5550108"),
        ("0108", None),  # too short to be a number: a name search
        ("211", None),
        ("Route 9", None),
        ("", None),
    ],
)
def test_what_reads_as_a_phone_number(typed, digits):
    assert phone_digits(typed) == digits
