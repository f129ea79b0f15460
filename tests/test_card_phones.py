"""A result card offers the number to call, and the one to text, that work.

Never a fax or a pager as "Call"; the phone a caseworker marked main
first; then the service's own line before its locations'; a voice line
before a mobile or an untyped one, whatever order they were entered in. The
service's page lists every number, its places' too, in that order.
"""

import re

import pytest
from django.urls import reverse

from resources.models import Service
from resources.models.services import attach_card_phones

from .factories import link, make_location, make_phone, make_service


def card_links(client, service) -> list[tuple[str, str]]:
    html = client.get(reverse("resources:service-list")).content.decode()
    card = html[html.index(service.name) :]
    card = card[: card.index("</article>")]
    return [
        (href, re.sub(r"<[^>]+>", "", text).strip())
        for href, text in re.findall(r'<a class="call" href="([^"]+)">(.*?)</a>', card)
    ]


@pytest.fixture
def service(db):
    return make_service(name="Harbor crisis line")


def listed(service) -> Service:
    card = Service.objects.for_listing().get(pk=service.pk)
    attach_card_phones([card])
    return card


def test_a_fax_entered_first_is_never_the_call_button(client, service):
    make_phone(service=service, number="860-555-0101", type="fax")
    make_phone(service=service, number="860-555-0102", type="cell")
    make_phone(service=service, number="860-555-0103", type="voice")

    assert listed(service).card_phone.number == "860-555-0103"
    assert card_links(client, service) == [("tel:8605550103", "Call 860-555-0103")]


def test_a_text_line_gets_its_own_button(client, service):
    make_phone(service=service, number="860-555-0111", type="text")
    make_phone(service=service, number="860-555-0112", type="voice")

    assert card_links(client, service) == [
        ("tel:8605550112", "Call 860-555-0112"),
        ("sms:8605550111", "Text 860-555-0111"),
    ]


def test_a_text_only_line_is_not_called(client, service):
    make_phone(service=service, number="233733", type="text")

    assert card_links(client, service) == [("sms:233733", "Text 233733")]


@pytest.mark.parametrize("kind", ["fax", "pager"])
def test_a_fax_or_pager_only_service_offers_no_call(client, service, kind):
    make_phone(service=service, number="860-555-0121", type=kind)

    assert listed(service).card_phone is None
    assert card_links(client, service) == []


def test_the_services_own_line_before_its_locations(client, service):
    location = make_location(name="Harbor house")
    link(service, location)
    make_phone(location=location, number="860-555-0131", type="voice")
    assert listed(service).card_phone.number == "860-555-0131"  # else, the site's

    make_phone(service=service, number="860-555-0132", type="")
    assert listed(service).card_phone.number == "860-555-0132"


@pytest.mark.parametrize("page", ["detail", "list"])
def test_a_fax_is_shown_never_linked_as_a_call(client, service, page):
    make_phone(service=service, number="860-555-0141", type="fax")
    make_phone(service=service, number="860-555-0142", type="voice")
    url = (
        service.get_absolute_url()
        if page == "detail"
        else reverse("resources:client-list") + f"?s={service.pk}"
    )

    html = client.get(url).content.decode()

    assert 'href="tel:8605550142"' in html
    assert 'href="tel:8605550141"' not in html
    assert "860-555-0141" in html  # still there, to send a fax to


def test_a_card_names_the_town(client, service):
    location = make_location(name="Harbor house", address={"city": "Bloomfield"})
    link(service, location)

    html = client.get(reverse("resources:service-list")).content.decode()
    card = html[html.index(service.name) :]
    card = card[: card.index("</article>")]

    assert '<span class="town">Bloomfield</span>' in card


def detail_links(client, service) -> list[tuple[str, str]]:
    html = client.get(service.get_absolute_url()).content.decode()
    contact = html[html.index('<ul class="phones">') :]
    contact = contact[: contact.index("</ul>")]
    return [
        (href, re.sub(r"<[^>]+>", "", text).strip())
        for href, text in re.findall(
            r'<a class="call" href="([^"]+)">(.*?)</a>', contact
        )
    ]


def test_the_main_phone_comes_first_on_the_card_and_the_page(client, service):
    location = make_location(name="Harbor house")
    link(service, location)
    make_phone(service=service, number="860-555-0151", type="voice")
    make_phone(location=location, number="860-555-0152", type="cell", main=True)

    assert card_links(client, service) == [("tel:8605550152", "Call 860-555-0152")]
    assert detail_links(client, service) == [
        ("tel:8605550152", "Call 860-555-0152"),
        ("tel:8605550151", "Call 860-555-0151"),
    ]


def test_a_main_text_line_is_the_text_button(client, service):
    make_phone(service=service, number="860-555-0161", type="voice")
    make_phone(service=service, number="741741", type="text")
    make_phone(service=service, number="233733", type="text", main=True)

    assert card_links(client, service) == [
        ("tel:8605550161", "Call 860-555-0161"),
        ("sms:233733", "Text 233733"),
    ]


def test_the_page_lists_its_places_phones_once_each(client, service):
    """A feed that puts the number on the location, not the service."""
    location = make_location(name="Harbor house")
    link(service, location)
    make_phone(location=location, number="(860) 555-0171", type="voice")
    make_phone(service=service, number="860-555-0171", type="voice")  # the same
    make_phone(location=location, number="860-555-0172", type="fax")

    assert detail_links(client, service) == [("tel:8605550171", "Call 860-555-0171")]
    assert "860-555-0172" in client.get(service.get_absolute_url()).content.decode()


def test_a_fax_cannot_be_the_main_phone(service):
    from django.core.exceptions import ValidationError

    phone = make_phone(service=service, number="860-555-0181", type="voice")
    phone.type, phone.main = "fax", True
    with pytest.raises(ValidationError, match="cannot be the main phone"):
        phone.full_clean()
