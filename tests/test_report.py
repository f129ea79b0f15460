"""'Report a problem': validation, honeypot and rate limit."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from resources import views
from resources.models import ChangeRequest, Service

from .factories import make_service

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def service():
    return make_service()


def url(service):
    return reverse("resources:report-problem", args=[service.pk])


GOOD = {"problem": "phone", "message": "The number rings out.", "correction": ""}


def test_a_valid_report_joins_the_queue(client, service):
    response = client.post(url(service), GOOD | {"contact": "a@example.org"})
    assert response.status_code == 302
    report = ChangeRequest.objects.get()
    assert report.service == service
    assert report.status == "open" and report.source == "public"
    assert report.contact == "a@example.org"


def test_the_form_is_the_only_page_that_sets_a_cookie(client, service):
    response = client.get(url(service))
    assert response.status_code == 200
    assert set(response.cookies) == {"csrftoken"}
    # For the browser session only: no expiry date, nothing kept for a year.
    cookie = response.cookies["csrftoken"]
    assert not cookie["expires"] and not cookie["max-age"]
    assert client.get(service.get_absolute_url()).cookies == {}


@pytest.mark.parametrize("language", ["en", "es"])
def test_nothing_is_chosen_for_the_person(client, service, language):
    prefix = "/es" if language == "es" else ""
    html = client.get(prefix + url(service)).content.decode()

    assert not re.search(r"<input[^>]*\bchecked\b", html)
    assert "---" not in html  # no untranslated "- Select an option -"
    assert html.count('type="radio"') == 6


@pytest.mark.parametrize("problem", ["phone", "hours", "closed"])
def test_simple_reasons_need_no_details(client, service, problem):
    response = client.post(url(service), {"problem": problem, "message": ""})

    assert response.status_code == 302
    report = ChangeRequest.objects.get()
    assert report.problem == problem
    assert report.message == report.get_problem_display()  # what the queue shows


@pytest.mark.parametrize(
    "data, field",
    [
        ({"problem": "", "message": "x"}, "problem"),
        ({"problem": "nonsense", "message": "x"}, "problem"),
        ({"message": "x"}, "problem"),
        ({"problem": "other", "message": ""}, "message"),
        ({"problem": "eligibility", "message": "   "}, "message"),
        ({"problem": "hours", "message": "x" * 2001}, "message"),
    ],
)
def test_invalid_reports_explain_and_store_nothing(client, service, data, field):
    response = client.post(url(service), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert 'role="alert"' in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_bots_filling_the_honeypot_are_thanked_and_ignored(client, service):
    response = client.post(url(service), GOOD | {"website": "http://spam.example"})
    assert response.status_code == 302
    assert not ChangeRequest.objects.exists()


def test_only_accepted_reports_count_towards_the_limit(client, service):
    # A shelter's shared connection: many wrong tries, then reports of
    # different listings, all fine.
    for _ in range(20):
        assert client.post(url(service), {"message": "x"}).status_code == 400
    for _ in range(10):
        assert client.post(url(make_service()), GOOD).status_code == 302
    assert client.post(url(service), GOOD).status_code == 302


def test_rate_limit_per_listing_and_network_stores_no_address(client, service):
    for _ in range(views.REPORTS_PER_LISTING):
        assert client.post(url(service), GOOD).status_code == 302
    response = client.post(url(service), GOOD)
    assert response.status_code == 429
    assert "Too many reports" in response.content.decode()
    assert ChangeRequest.objects.count() == views.REPORTS_PER_LISTING
    # Another listing, or another connection, is not affected.
    assert client.post(url(make_service()), GOOD).status_code == 302
    other = client.post(url(service), GOOD, REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 302
    for report in ChangeRequest.objects.all():
        stored = " ".join(str(v) for v in vars(report).values())
        assert "127.0.0.1" not in stored and "10.9.8.7" not in stored
    keys = [key for key in cache._cache if "ratelimit" in key]  # noqa: SLF001
    assert keys and all("127.0.0.1" not in key for key in keys)


def test_a_network_that_floods_is_stopped(client, settings, monkeypatch):
    monkeypatch.setattr(views, "REPORTS_PER_NETWORK", 4)
    for _ in range(4):
        assert client.post(url(make_service()), GOOD).status_code == 302
    assert client.post(url(make_service()), GOOD).status_code == 429


def test_drafts_cannot_be_reported(client):
    draft = make_service(publication_status=Service.Publication.DRAFT)
    assert client.get(url(draft)).status_code == 404
    assert client.post(url(draft), GOOD).status_code == 404
