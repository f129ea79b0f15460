"""The search page: every filter alone and together, bad input, query counts."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from resources import caching
from resources.derived import refresh_services
from resources.geo import lookup_zip
from resources.models import Language, Service

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
URL = reverse("resources:service-list")
NY = ZoneInfo("America/New_York")
HARTFORD = lookup_zip("06103")


def names(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return [service.name for service in response.context["services"]]


def located(name, miles_north=0.0, **fields):
    service = make_service(name=name, **fields)
    link(
        service,
        make_location(
            latitude=HARTFORD.lat + miles_north / 69.05,
            longitude=HARTFORD.lon,
        ),
    )
    return service


@pytest.fixture
def directory():
    """A small directory covering each filter, with derived rows built."""
    clinic = located(
        "Clinic",
        miles_north=1,
        description="STI testing and HIV care.",
        minimum_age=18,
    )
    tag(clinic, "sti-hiv-testing", "free", "walk-in")
    Language.objects.create(service=clinic, name="Spanish", code="es")
    make_schedule(service=clinic)  # weekdays 9–5

    shelter = located("Night Shelter", miles_north=3)
    tag(shelter, "emergency-shelter", "free")
    make_schedule(
        service=shelter,
        byday="MO,TU,WE,TH,FR,SA,SU",
        opens_at=dt.time(20),
        closes_at=dt.time(8),
    )

    youth = located("Youth Centre", miles_north=30, minimum_age=13, maximum_age=24)
    tag(youth, "mental-health", "youth")
    make_schedule(
        service=youth, byday="SA", opens_at=dt.time(10), closes_at=dt.time(14)
    )

    located("Draft Thing", publication_status=Service.Publication.DRAFT)
    refresh_services(Service.objects.values_list("pk", flat=True))
    return {"clinic": clinic, "shelter": shelter, "youth": youth}


def test_no_filter_lists_every_public_service_by_name(client, directory):
    assert names(client) == ["Clinic", "Night Shelter", "Youth Centre"]


def test_category_includes_sub_categories(client, directory):
    assert names(client, category="health") == ["Clinic"]
    assert names(client, category="housing") == ["Night Shelter"]


def test_access_attributes_must_all_hold(client, directory):
    assert names(client, access="free") == ["Clinic", "Night Shelter"]
    assert names(client, access=["free", "walk-in"]) == ["Clinic"]


def test_language(client, directory):
    assert names(client, language="es") == ["Clinic"]


def test_age_hides_services_whose_range_excludes_it(client, directory):
    assert names(client, age=15) == ["Night Shelter", "Youth Centre"]
    assert names(client, age=40) == ["Clinic", "Night Shelter"]


def test_organization(client, directory):
    organization = directory["youth"].organization
    assert names(client, organization=str(organization.pk)) == ["Youth Centre"]


def test_open_at_a_given_time(client, directory):
    monday_10 = "2026-11-30T10:00"
    assert names(client, open_at=monday_10) == ["Clinic"]
    assert names(client, open_at="2026-11-30T23:00") == ["Night Shelter"]
    assert names(client, open_at="2026-12-05T11:00-05:00") == ["Youth Centre"]


def test_open_at_the_calendars_ends_is_a_message_not_a_500(client, directory):
    for moment in ("0001-01-01T00:00+14:00", "9999-12-31T23:59-12:00", "0001-01-01"):
        response = client.get(URL, {"open_at": moment})
        assert response.status_code == 200, moment
        assert "Give a date between 1900 and 2200." in response.content.decode()


def test_near_a_zip_sorts_by_distance_and_drops_the_far(client, directory):
    response = client.get(URL, {"near": "06103", "radius": 5})
    services = response.context["services"]
    assert [s.name for s in services] == ["Clinic", "Night Shelter"]
    assert services[0].distance < services[1].distance
    assert "miles" in response.content.decode()
    assert names(client, near="06103", radius=50) == [
        "Clinic",
        "Night Shelter",
        "Youth Centre",
    ]


@pytest.mark.parametrize("town", ["Hartford", "hartford, ct", "HARTFORD CT"])
def test_near_a_town_by_name(client, directory, town):
    response = client.get(URL, {"near": town, "radius": 5})

    assert [s.name for s in response.context["services"]] == [
        "Clinic",
        "Night Shelter",
    ]
    html = response.content.decode()
    assert 'role="alert"' not in html
    assert "Hartford</a>" in html or ": Hartford" in html  # shown by its name


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Hartfrod", "Did you mean Hartford"),
        ("Springfield", "Enter its ZIP code"),
    ],
)
def test_an_unknown_town_says_what_to_do(client, directory, typed, expected):
    html = client.get(URL, {"near": typed}).content.decode()

    assert 'role="alert"' in html and expected in html
    assert "latitude" not in html.lower()


def test_the_home_page_asks_what_and_where(client, db):
    html = client.get("/").content.decode()
    assert 'name="q"' in html and 'name="near"' in html
    assert "Where? (ZIP or town)" in html


def test_near_latitude_longitude(client, directory):
    point = f"{HARTFORD.lat},{HARTFORD.lon}"
    assert names(client, near=point, radius=2) == ["Clinic"]


def test_filters_combine(client, directory):
    assert names(
        client,
        near="06103",
        radius=10,
        access="free",
        open_at="2026-11-30T10:00",
        language="es",
    ) == ["Clinic"]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"near": "99999"}, "ZIP"),
        ({"near": "hello"}, "town"),
        ({"near": "123"}, "ZIP"),
        ({"near": "06103", "radius": "-4"}, "miles"),
        ({"radius": "lots", "near": "06103"}, "number"),
        ({"open_at": "next tuesday"}, "2026-12-01T14:30"),
        ({"age": "-3"}, "Age"),
        ({"category": "no-such-category"}, "Category"),
        ({"organization": "not-a-uuid"}, "UUID"),
        ({"page": "x"}, None),
        ({"language": "xx-not-a-language"}, None),
    ],
)
def test_bad_parameters_are_reported_and_ignored(client, directory, params, message):
    response = client.get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    if message:
        assert 'role="alert"' in html
        assert message in html
    # The bad filter is ignored, the others still apply.
    assert len(response.context["services"]) >= 1


def test_active_filters_can_be_removed_one_by_one(client, directory):
    response = client.get(URL, {"category": "health", "access": ["free", "walk-in"]})
    links = dict(response.context["active_filters"])
    assert len(links) == 3
    without_free = links["Access: Free"]
    assert "walk-in" in without_free and "free&" not in without_free + "&"
    assert "category" not in links["Category: Health care"]


def test_open_now_status_is_shown_on_each_result(client, directory):
    html = client.get(URL).content.decode()
    assert html.count('class="opening ') == 3


def test_category_page_reuses_the_search(client, directory):
    url = reverse("resources:category-detail", args=["housing"])
    response = client.get(url, {"access": "free"})
    assert [s.name for s in response.context["services"]] == ["Night Shelter"]


def many_services(count):
    organization = make_organization()
    services = []
    for n in range(count):
        service = located(f"Bulk {n}", miles_north=n % 9, organization=organization)
        tag(service, "food", "free")
        make_phone(service=service)
        make_schedule(service=service)
        services.append(service)
    refresh_services([s.pk for s in services])


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"category": "basic-needs"},
        {"open_now": "1"},
        {"near": "06103", "radius": "25"},
        {"q": "service"},
        {"q": "servise"},
        {"q": "xylophone quartz"},
        {
            "category": "basic-needs",
            "access": "free",
            "open_now": "1",
            "near": "06103",
            "language": "es",
            "age": "30",
            "q": "bulk",
        },
    ],
    ids=[
        "none",
        "category",
        "open-now",
        "near",
        "keyword",
        "typo",
        "zero-hits",
        "combined",
    ],
)
def test_query_count_is_fixed_and_at_most_twelve(client, settings, params):
    settings.DIRECTORY_PAGE_SIZE = 50

    def count():
        caching.bump()  # ranked anew, not the results kept
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, params).status_code == 200
        return len(captured)

    many_services(3)
    # Searching needs the index, which is built on commit.
    from resources.search import rebuild_index

    rebuild_index()
    count()  # each process reads the search vocabulary once
    few = count()
    many_services(30)
    rebuild_index()
    assert count() == few
    # Ten, and the cards' phones in one query of their own: a subquery per
    # card scanned every phone (`attach_card_phones`).
    assert few <= 12  # and one for the data version (resources.caching)


def test_pages_continue_one_ranked_list(client, settings):
    """Each page is a slice of one ordered list, distances carried along."""
    settings.DIRECTORY_PAGE_SIZE = 2
    for miles in (4, 1, 5, 2, 3):
        located(f"{miles} miles out", miles_north=miles)
    refresh_services(Service.objects.values_list("pk", flat=True))

    pages = [
        client.get(URL, {"near": "06103", "radius": 6, "page": page})
        for page in (1, 2, 3)
    ]

    listed = [s for page in pages for s in page.context["services"]]
    assert [s.name for s in listed] == [f"{m} miles out" for m in (1, 2, 3, 4, 5)]
    assert [round(s.distance) for s in listed] == [1, 2, 3, 4, 5]
    assert pages[0].context["paginator"].count == 5


def test_broad_searches_count_only_up_to_a_cap(client, directory, monkeypatch):
    from resources.views import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 2)
    response = client.get(URL)
    assert response.context["paginator"].capped
    assert "More than 2 services found" in response.content.decode()
    assert not client.get(URL, {"category": "health"}).context["paginator"].capped


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": 'a "quoted" <b>', "category": "health", "language": "es"},
        {"access": ["free", "walk-in"], "open_now": "1", "near": "06103 & <x>"},
        {"age": "notanumber", "radius": "-1", "category": "nonesuch"},
    ],
)
def test_the_search_forms_quick_widgets_write_djangos_markup(params):
    """The filters' widgets, built in Python for speed, are Django's own markup."""
    from django.forms.renderers import DjangoTemplates
    from django.http import QueryDict

    from resources.filters import ServiceFilter
    from resources.forms import QuickWidgets

    data = QueryDict(mutable=True)
    for name, value in params.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    form = ServiceFilter(data, queryset=Service.objects.none()).form
    form.is_valid()
    assert isinstance(form.renderer, QuickWidgets)
    django = DjangoTemplates()
    for bound in form:
        quick = [str(bound)] + [choice.tag() for choice in bound.subwidgets]
        form.renderer = django
        plain = [str(bound)] + [choice.tag() for choice in bound.subwidgets]
        form.renderer = type(form).default_renderer
        assert list(map(_markup, quick)) == list(map(_markup, plain)), bound.name


def _markup(html: str) -> str:
    # Django's templates put options on lines of their own.
    return re.sub(r">\s+<", "><", " ".join(html.split()))
