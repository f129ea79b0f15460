"""The admin home is organised by task: today's work, the listings, then every table."""

import re

from django.urls import reverse
from django.utils import timezone

from resources.models import ChangeRequest, Job, Service
from resources.policy import add_months

from .factories import make_editor, make_service

HOME = reverse("admin:index")


def section(html: str, element_id: str) -> str:
    match = re.search(rf'<(div|details) [^>]*id="{element_id}".*?</\1>', html, re.S)
    assert match, element_id
    return match.group(0)


def test_the_home_says_what_waits_today(caseworker_client, db):
    today = timezone.localdate()
    make_service(assured_date=add_months(today, -14))
    make_service(assured_date=None)
    make_service(assured_date=None)
    make_service(publication_status=Service.Publication.DRAFT)
    service = make_service(assured_date=today)
    ChangeRequest.objects.create(service=service, problem="phone", message="Wrong")
    Job.objects.create(kind=Job.Kind.IMPORT, options={"file_name": "feed.zip"})

    html = caseworker_client.get(HOME).text

    tasks = section(html, "caseworker-tasks")
    assert "1 open request" in tasks
    # The draft was never verified either.
    assert "1 overdue, 0 due soon, 3 never verified" in tasks
    assert "1 draft" in tasks
    assert "?publication_status__exact=draft" in tasks
    assert "Waiting for the worker" in tasks


def test_listings_come_before_the_folded_tables(caseworker_client, db):
    html = caseworker_client.get(HOME).text

    listings = section(html, "listings")
    for name in ("Organizations", "Services", "Locations"):
        assert name in listings
    assert "Schedules" not in listings
    tables = section(html, "all-tables")
    assert "<summary>" in tables and "Schedules" in tables
    assert html.index('id="caseworker-tasks"') < html.index('id="listings"')
    assert html.index('id="listings"') < html.index('id="all-tables"')


def test_an_organization_editor_sees_no_caseworker_work(client, db):
    service = make_service()
    client.force_login(make_editor(service.organization))

    html = client.get(HOME).text

    assert 'id="caseworker-tasks"' not in html
    assert "never verified" not in html
