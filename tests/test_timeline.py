"""A service's history page tells its whole story: hours, phones, places, calls."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from resources.history import through
from resources.models import Attribute, Phone, Schedule, Verification
from resources.models.base import Channel
from resources.services import change_request_accept, service_verify
from resources.timeline import service_timeline

from .factories import (
    link,
    make_editor,
    make_location,
    make_phone,
    make_schedule,
    make_service,
    tag,
)
from .test_admin import form_data


def history_url(service):
    return reverse("admin:resources_service_history", args=[service.pk])


def edit(client, service, **fields):
    url = reverse("admin:resources_service_change", args=[service.pk])
    data = form_data(client.get(url))
    data.update(fields)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]


@pytest.fixture
def pantry(db):
    service = make_service(name="Food pantry")
    make_schedule(service=service, opens_at=dt.time(9), closes_at=dt.time(17))
    make_phone(service=service, number="860-555-0100")
    return service


def test_an_hours_and_a_phone_change_show_on_the_service_with_before_and_after(
    caseworker_client, caseworker, pantry
):
    edit(
        caseworker_client,
        pantry,
        **{"schedules-0-closes_at": "7 pm", "phones-0-number": "860-555-0199"},
    )

    events = service_timeline(pantry)

    schedule = next(e for e in events if e.kind == "schedule" and e.action == "changed")
    assert [(c.field, c.old, c.new) for c in schedule.changes] == [
        ("closes at", "17:00:00", "19:00:00")
    ]
    assert (schedule.who, schedule.channel) == (caseworker.username, "admin")
    phone = next(e for e in events if e.kind == "phone" and e.action == "changed")
    assert [(c.old, c.new) for c in phone.changes] == [("860-555-0100", "860-555-0199")]
    page = caseworker_client.get(history_url(pantry)).text
    assert "860-555-0199" in page and "19:00:00" in page
    assert caseworker.username in page


def test_places_terms_and_removed_records_are_in_the_story(caseworker, pantry):
    location = make_location(name="Main Street hall")
    link(pantry, location)
    tag(pantry, "food")
    Phone.objects.get(service=pantry).delete()

    events = service_timeline(pantry)
    kinds = {(e.kind, e.action, e.record) for e in events}

    assert ("where it is offered", "created", "Main Street hall") in kinds
    assert ("location", "created", "Main Street hall") in kinds
    assert any(kind == "address" for kind, _a, _r in kinds)
    assert ("phone", "deleted", "860-555-0100") in kinds
    term = Attribute.objects.get(link_id=pantry.pk).taxonomy_term
    assert ("category or access term", "created", term.name) in kinds


def test_each_change_says_through_what_it_came(client, caseworker, pantry):
    service_verify(
        service=pantry,
        user=caseworker,
        method=Verification.Method.PHONE,
        outcome=Verification.Outcome.CONFIRMED,
        notes="Spoke to Ana",
    )
    editor = make_editor(pantry.organization)
    client.force_login(editor)
    edit(client, pantry, wait_time="Two weeks.")
    change_request_accept(change_request=pantry.change_requests.get(), user=caseworker)
    with through(Channel.IMPORT):
        Schedule.objects.filter(service=pantry).get().delete()

    events = service_timeline(pantry)
    channels = {(e.kind, e.action): e.channel for e in events}

    assert channels[("service", "changed")] in ("verification", "corrections queue")
    assert {e.channel for e in events if e.kind == "service"} >= {
        "verification",
        "corrections queue",
    }
    assert channels[("verification", "Confirmed: the listing is right")] == (
        "verification"
    )
    assert channels[("schedule", "deleted")] == "import"
    wait = next(e for e in events if e.channel == "corrections queue")
    assert [(c.old, c.new) for c in wait.changes if c.new == "Two weeks."]


def test_go_back_to_an_old_schedule_from_the_timeline(
    caseworker_client, caseworker, pantry
):
    edit(caseworker_client, pantry, **{"schedules-0-closes_at": "7 pm"})
    original = next(
        e
        for e in service_timeline(pantry)
        if e.kind == "schedule" and e.action == "created"
    )
    assert original.revert_url in caseworker_client.get(history_url(pantry)).text

    form = caseworker_client.get(original.revert_url)
    response = caseworker_client.post(original.revert_url, form_data(form))

    assert response.status_code == 302
    assert Schedule.objects.get(service=pantry).closes_at == dt.time(17)
    latest = service_timeline(pantry)[0]
    assert (latest.kind, latest.who, latest.channel) == (
        "schedule",
        caseworker.username,
        "admin",
    )


def test_the_story_costs_the_same_queries_however_long(caseworker_client, pantry):
    def count():
        with CaptureQueriesContext(connection) as captured:
            assert caseworker_client.get(history_url(pantry)).status_code == 200
        return len(captured)

    link(pantry, make_location())
    tag(pantry, "food")
    count()
    few = count()
    for n in range(10):
        make_phone(service=pantry, number=f"860-555-01{n:02}")
        link(pantry, make_location())
    assert count() == few


def test_a_made_up_id_is_not_found(caseworker_client):
    url = reverse("admin:resources_service_history", args=["not-a-uuid"])
    assert caseworker_client.get(url).status_code == 404
