"""The printed client list says what a client needs to act, and where it is from."""

from django.urls import reverse

from .factories import link, make_location, make_phone, make_schedule, make_service


def test_each_service_says_what_it_is_how_to_get_help_and_who_for(client, db):
    service = make_service(
        name="Harbor night shelter",
        description="Beds for the night for adults.",
        application_process="Walk in after 6 pm; no ID needed.",
        eligibility_description="Adults 18 and older.",
    )
    make_phone(service=service, number="860-555-0150")
    make_schedule(service=service)
    hidden = make_location(name="Safe house", address_visibility="confidential")
    link(service, hidden)

    html = client.get(reverse("resources:client-list") + f"?s={service.pk}").text

    for expected in (
        "Beds for the night for adults.",
        "How to get help",
        "Walk in after 6 pm; no ID needed.",
        "Who it is for",
        "Adults 18 and older.",
        "860-555-0150",
        "Hours",
        "Call for the address.",
        "Hartford County Help Directory",  # where the list is from
    ):
        assert expected in html, expected
    assert hidden.addresses.first().address_1 not in html
