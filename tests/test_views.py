"""Public pages show public data only, and cost a fixed number of queries."""

import pytest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from resources import caching
from resources.models import Language, Location, Service

from .factories import (
    link,
    make_location,
    make_organization,
    make_phone,
    make_schedule,
    make_service,
    tag,
)

pytestmark = pytest.mark.django_db


def hidden_services():
    organization = make_organization(name="Shared Org")
    return [
        make_service(
            name="Draft Listing",
            organization=organization,
            publication_status=Service.Publication.DRAFT,
        ),
        make_service(
            name="Inactive Listing",
            organization=organization,
            status=Service.Status.INACTIVE,
        ),
        make_service(
            name="Defunct Listing",
            organization=organization,
            status=Service.Status.DEFUNCT,
        ),
    ]


def test_home_page_offers_search_and_categories(client):
    response = client.get(reverse("resources:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="q"' in html
    assert reverse("resources:category-detail", args=["housing"]) in html


def test_drafts_and_inactive_services_appear_on_no_public_page(
    client, django_capture_on_commit_callbacks
):
    # Committed, as in the admin: the search index follows (category pages
    # filter by it on PostgreSQL).
    with django_capture_on_commit_callbacks(execute=True):
        hidden = hidden_services()
        visible = make_service(name="Open Listing", organization=hidden[0].organization)
        for service in [*hidden, visible]:
            tag(service, "food")

    pages = [
        reverse("resources:service-list"),
        reverse("resources:category-detail", args=["basic-needs"]),
        visible.organization.get_absolute_url(),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "Open Listing" in html, url
        for service in hidden:
            assert service.name not in html, url
    for service in hidden:
        assert client.get(service.get_absolute_url()).status_code == 404


def test_service_detail_shows_what_a_person_needs(client):
    service = make_service(
        name="Legal Clinic",
        eligibility_description="Adults in Hartford County.",
        fees_description="Free.",
        application_process="Walk in or call.",
    )
    make_phone(service=service, number="860-555-0142")
    make_phone(service=service, number="233733", type="text")
    make_schedule(service=service)
    link(service, make_location(address={"address_1": "50 Asylum Ave"}))
    tag(service, "legal-aid")

    html = client.get(service.get_absolute_url()).content.decode()

    assert service.organization.name in html
    for text in ("Adults in Hartford County.", "Free.", "Walk in or call."):
        assert text in html
    assert 'href="tel:8605550142"' in html
    assert 'href="sms:233733"' in html
    assert "Mon–Fri 9 a.m.–5 p.m." in html
    assert "50 Asylum Ave" in html
    assert "Legal aid" in html
    assert "Not verified yet" in html


def test_service_without_schedule_says_hours_unknown(client):
    service = make_service()
    html = client.get(service.get_absolute_url()).content.decode()
    assert "Hours unknown" in html


def test_confidential_address_is_never_rendered(client):
    service = make_service(name="Safe House")
    tag(service, "emergency-shelter")
    shelter = make_location(
        address_visibility=Location.Visibility.CONFIDENTIAL,
        address={"address_1": "77 Hidden Road", "postal_code": "06119"},
    )
    link(service, shelter)

    pages = [
        service.get_absolute_url(),
        reverse("resources:service-list"),
        reverse("resources:category-detail", args=["housing"]),
        service.organization.get_absolute_url(),
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "77 Hidden Road" not in html, url
        assert "Hidden Road" not in html, url
    detail = client.get(service.get_absolute_url()).content.decode()
    assert "06119" in detail
    assert "Call for the address" in detail


def test_unknown_category_and_service_are_404(client):
    assert client.get("/categories/no-such-thing/").status_code == 404
    assert (
        client.get("/services/00000000-0000-0000-0000-000000000000/").status_code == 404
    )


def test_list_is_paginated(client, settings):
    settings.DIRECTORY_PAGE_SIZE = 2
    for _ in range(5):
        make_service()
    response = client.get(reverse("resources:service-list"), {"page": 3})
    assert response.status_code == 200
    assert len(response.context["services"]) == 1
    for page in ("9", "0", "abc"):
        response = client.get(reverse("resources:service-list"), {"page": page})
        assert response.status_code == 200
        assert response.context["page_obj"].number in (1, 3)


def rich_services(count):
    organization = make_organization()
    for _ in range(count):
        service = make_service(organization=organization)
        tag(service, "food", "free")
        make_phone(service=service)
        make_schedule(service=service)
        link(service, make_location())


def queries_for(client, url):
    """Count the queries of a page rendered from scratch: nothing kept."""
    from django.db import connection

    caching.bump()
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.mark.parametrize(
    "url",
    [
        reverse("resources:service-list"),
        reverse("resources:category-detail", args=["basic-needs"]),
    ],
)
def test_list_pages_cost_the_same_queries_for_2_or_20_rows(client, url):
    rich_services(2)
    few = queries_for(client, url)
    rich_services(18)
    many = queries_for(client, url)
    assert few == many
    # The cards' phones are one query (attach_card_phones); one reads the
    # data version that kept results are keyed by.
    assert many <= 10


def test_detail_page_queries_do_not_grow_with_related_rows(client):
    service = make_service()
    make_phone(service=service)
    make_schedule(service=service)
    link(service, make_location())
    few = queries_for(client, service.get_absolute_url())
    for _ in range(5):
        make_phone(service=service)
        make_schedule(service=service)
        link(service, make_location())
        tag(service, "food")
    assert queries_for(client, service.get_absolute_url()) == few


def test_a_full_results_page_with_its_css_and_js_weighs_under_50_kb(client):
    """Light enough for a cheap phone on a slow connection."""
    import re
    from pathlib import Path

    from django.contrib.staticfiles import finders

    rich_services(20)
    html = client.get(reverse("resources:service-list")).content
    assert html.count(b'class="card"') == 20
    assets = re.findall(rb'(?:href|src)="/static/([^"]+)"', html)
    assert assets
    total = len(html) + sum(
        Path(finders.find(name.decode())).stat().st_size for name in assets
    )
    assert total < 50_000


def test_a_service_page_reads_in_the_order_a_person_acts(client, db):
    from .factories import link, make_location, make_phone, make_schedule

    service = make_service(
        name="Harbor night shelter",
        description="About: beds for the night.",
        application_process="Walk in after 6 pm.",
        eligibility_description="Adults 18 and older.",
        fees_description="Free of charge.",
    )
    make_phone(service=service, number="860-555-0160")
    make_schedule(service=service)
    link(service, make_location(name="Harbor house"))
    Language.objects.create(service=service, code="es", name="Spanish")

    html = client.get(service.get_absolute_url()).content.decode()
    html = html[html.index("<h1>") :]
    order = [
        "Harbor night shelter",  # the name
        'class="opening',  # open or closed, now
        "tel:8605550160",  # call
        "<address>",  # where, with directions
        "Walk in after 6 pm.",  # how to get help
        "Adults 18 and older.",  # who it is for
        "Free of charge.",  # cost
        'class="hours"',  # the week's hours
        "Spanish",  # languages
        "About: beds for the night.",  # about
    ]
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions), dict(zip(order, positions, strict=True))
    assert html.count('class="opening') == 1  # the open status, said once
