"""The verification call list: numbers to call, past attempts, the sheet and the CSV."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from resources.models import ChangeRequest, Service, Verification
from resources.services import service_verify

from .factories import make_organization, make_phone, make_service, make_staff

URL = reverse("admin:verification-dashboard")
UNREACHABLE = Verification.Outcome.UNREACHABLE


def call(service, outcome, days_ago: int, user=None):
    return service_verify(
        service=service,
        user=user,
        method=Verification.Method.PHONE,
        outcome=outcome,
        notes="",
        when=timezone.now() - datetime.timedelta(days=days_ago),
    )


def row_of(response, service) -> Service:
    return next(
        row
        for section in response.context["sections"]
        for row in section["rows"]
        if row.pk == service.pk
    )


@pytest.fixture
def shelter(db):
    organization = make_organization(name="Hartford Shelters")
    service = make_service(
        organization=organization, name="Night shelter", assured_date=None
    )
    make_phone(service=service, number="(860) 555-0108", main=True)
    make_phone(service=service, number="860-555-0199", extension=12)
    return service


def test_the_list_offers_each_number_as_a_call_link_and_the_last_attempts(
    caseworker_client, shelter
):
    call(shelter, UNREACHABLE, days_ago=3)
    call(shelter, UNREACHABLE, days_ago=1)

    response = caseworker_client.get(URL)

    text = response.text
    assert 'href="tel:8605550108"' in text
    assert 'href="tel:8605550199;ext=12"' in text
    row = row_of(response, shelter)
    assert row.unreachable_count == 2
    assert [a.outcome for a in row.recent_attempts] == [UNREACHABLE, UNREACHABLE]
    assert "Could not reach them" in text


def test_a_service_without_phones_offers_its_organizations(caseworker_client, db):
    organization = make_organization(name="Aster")
    make_phone(organization=organization, number="860-555-0142")
    service = make_service(organization=organization, assured_date=None)

    response = caseworker_client.get(URL)

    assert [p.number for p in row_of(response, service).call_phones] == ["860-555-0142"]


def test_could_not_reach_counts_only_since_the_last_confirmation(
    caseworker_client, shelter
):
    call(shelter, UNREACHABLE, days_ago=400)
    call(shelter, Verification.Outcome.CONFIRMED, days_ago=390)
    call(shelter, UNREACHABLE, days_ago=2)

    count = Service.objects.with_unreachable_count().get(pk=shelter.pk)
    assert count.unreachable_count == 1


def test_three_missed_calls_in_a_row_put_the_listing_in_the_queue_once(shelter):
    caseworker = make_staff()
    for days_ago in (5, 4):
        call(shelter, UNREACHABLE, days_ago, caseworker)
    assert not ChangeRequest.objects.exists()

    call(shelter, UNREACHABLE, 3, caseworker)
    call(shelter, UNREACHABLE, 2, caseworker)

    flagged = ChangeRequest.objects.get()
    assert flagged.service == shelter
    assert flagged.source == ChangeRequest.Source.VERIFICATION
    assert flagged.status == ChangeRequest.Status.OPEN
    assert "3 times" in flagged.message


def test_a_flagged_listing_says_so_and_links_the_review(caseworker_client, shelter):
    for days_ago in (3, 2, 1):
        call(shelter, UNREACHABLE, days_ago)

    response = caseworker_client.get(URL)

    flagged = ChangeRequest.objects.get()
    assert "Flagged for review" in response.text
    assert reverse("admin:resources_changerequest_change", args=[flagged.pk]) in (
        response.text
    )


def test_filter_by_due_window_and_sort_by_missed_calls(caseworker_client, db):
    today = timezone.localdate()
    quiet = make_service(name="Quiet line", assured_date=None)
    busy = make_service(name="Busy line", assured_date=None)
    overdue = make_service(
        name="Long ago", assured_date=today.replace(year=today.year - 2)
    )
    call(quiet, UNREACHABLE, 1)

    never = caseworker_client.get(URL, {"due": "never", "sort": "unreachable"})

    assert [s["state"] for s in never.context["sections"]] == ["never"]
    names = [row.name for row in never.context["sections"][0]["rows"]]
    assert names == [quiet.name, busy.name]
    assert overdue.name not in never.text
    by_name = caseworker_client.get(URL, {"due": "never", "sort": "name"})
    assert [r.name for r in by_name.context["sections"][0]["rows"]] == [
        busy.name,
        quiet.name,
    ]
    nonsense = caseworker_client.get(URL, {"due": "<script>", "sort": "'; drop"})
    assert nonsense.status_code == 200
    assert len(nonsense.context["sections"]) == 3


def test_the_csv_lists_the_due_listings_with_phones_and_attempts(
    caseworker_client, shelter
):
    call(shelter, UNREACHABLE, days_ago=1)
    formula = make_service(name="=HYPERLINK(1)", assured_date=None)

    response = caseworker_client.get(URL, {"format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_name = {row["Service"]: row for row in rows}
    night = by_name["Night shelter"]
    assert night["State"] == "Never verified"
    assert night["Organization"] == "Hartford Shelters"
    assert night["Phones"] == "(860) 555-0108; 860-555-0199 x12"
    assert night["Could not reach, in a row"] == "1"
    assert night["Last outcome"] == "Could not reach them"
    assert "'=HYPERLINK(1)" in by_name  # a spreadsheet would run it
    assert formula.name not in by_name


def test_the_call_sheet_prints_the_list_with_room_for_outcomes(
    caseworker_client, shelter
):
    response = caseworker_client.get(URL, {"format": "print", "due": "never"})

    text = response.text
    assert response.status_code == 200
    assert "Night shelter" in text and "(860) 555-0108" in text
    assert "Outcome" in text and "Notes" in text
    assert "call_sheet.css" in text


def test_the_list_costs_the_same_queries_for_three_or_thirty_listings(
    caseworker_client, db
):
    def count():
        with CaptureQueriesContext(connection) as captured:
            assert caseworker_client.get(URL).status_code == 200
        return len(captured)

    for _ in range(3):
        service = make_service(assured_date=None)
        make_phone(service=service)
        call(service, UNREACHABLE, 1)
    count()
    few = count()
    for _ in range(27):
        service = make_service(assured_date=None)
        make_phone(service=service)
        call(service, UNREACHABLE, 1)
    assert count() == few
