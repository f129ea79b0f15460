"""Kept search results and pages (resources.caching).

A search asked again skips the ranking; a page that depends on nothing
typed is served as rendered. Any committed change to the listings — an
edit, a publish, an import, new hours — shows at once, on the page and in
search. Nothing a person typed, and no position, is a key or a value.
"""

import datetime as dt
import json
import pickle
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from resources import caching
from resources.hsds import exporter
from resources.hsds.importer import import_hsds
from resources.models import Schedule, Service

from .factories import link, make_location, make_schedule, make_service, tag

URL = reverse("resources:service-list")


@pytest.fixture
def committed(db, django_capture_on_commit_callbacks):
    """Run what waits for the commit, as the admin's saves do."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def found(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return [service.name for service in response.context["services"]]


def queries(client, url, params=None) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured), response.text


def kept_entries() -> dict:
    """Every key and value in the local-memory cache, values unpickled."""
    return {
        key: pickle.loads(value)
        for key, value in cache._cache.items()  # noqa: SLF001 - the test's own cache
    }


def open_all_day(service) -> None:
    make_schedule(
        service=service,
        byday="MO,TU,WE,TH,FR,SA,SU",
        opens_at=dt.time(0),
        closes_at=dt.time(23, 59),
    )


@pytest.fixture
def pantry(committed):
    with committed():
        service = make_service(name="Pantry on Main", description="Free groceries.")
        link(service, make_location())
    return service


# Search results ----------------------------------------------------------------


def test_a_search_asked_again_is_not_ranked_again(client, pantry):
    cold, first = queries(client, URL, {"q": "groceries"})
    warm, again = queries(client, URL, {"q": "  GROCERIES "})

    assert warm < cold
    assert "Pantry on Main" in first and "Pantry on Main" in again


def test_a_misspelt_search_asked_again_needs_no_spelling_look_ups(client, pantry):
    first = client.get(URL, {"q": "grocereis"}).text
    with CaptureQueriesContext(connection) as captured:
        again = client.get(URL, {"q": "grocereis"}).text

    assert "Showing results for “groceries”" in first
    assert again == first
    assert not any("searchword" in q["sql"].lower() for q in captured)


def test_turning_the_page_reads_the_kept_results(client, committed, settings):
    settings.DIRECTORY_PAGE_SIZE = 2
    with committed():
        for n in range(5):
            make_service(name=f"Pantry {n}", description="Free groceries.")
    first = found(client, q="groceries")
    with CaptureQueriesContext(connection) as captured:
        second = found(client, q="groceries", page=2)

    assert len(first) == len(second) == 2 and not set(first) & set(second)
    # No query of the index: the ranked ids came from the cache.
    assert not any("searchentry" in q["sql"].lower() for q in captured)


def test_an_edit_shows_at_once_in_search_and_on_the_page(client, pantry, committed):
    assert found(client, q="groceries") == ["Pantry on Main"]
    assert "Pantry on Main" in client.get(pantry.get_absolute_url()).text

    with committed():
        pantry.name = "Westside Food Shelf"
        pantry.save()

    assert found(client, q="groceries") == ["Westside Food Shelf"]
    assert found(client, q="westside") == ["Westside Food Shelf"]
    page = client.get(pantry.get_absolute_url()).text
    assert "Westside Food Shelf" in page and "Pantry on Main" not in page


def test_publishing_and_unpublishing_show_at_once(client, committed):
    with committed():
        draft = make_service(
            name="Night beds", publication_status=Service.Publication.DRAFT
        )
    assert found(client, q="beds") == []
    assert client.get(draft.get_absolute_url()).status_code == 404

    with committed():
        draft.publication_status = Service.Publication.PUBLISHED
        draft.save()
    assert found(client, q="beds") == ["Night beds"]
    assert client.get(draft.get_absolute_url()).status_code == 200

    with committed():
        draft.publication_status = Service.Publication.DRAFT
        draft.save()
    assert found(client, q="beds") == []
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_an_import_shows_at_once(client, pantry, tmp_path):
    assert found(client, q="groceries") == ["Pantry on Main"]
    client.get(pantry.get_absolute_url())
    package = tmp_path / "directory.json"
    exporter.export_json(package, public=False)
    data = json.loads(package.read_text())
    data[0]["name"] = "Imported Pantry"  # services, as other systems send them
    package.write_text(json.dumps(data))

    report = import_hsds(package)

    assert report.ok, report.lines()
    assert found(client, q="groceries") == ["Imported Pantry"]
    assert "Imported Pantry" in client.get(pantry.get_absolute_url()).text


@pytest.fixture
def at_noon():
    """A Monday noon in New York: open-all-day services are open."""
    noon = dt.datetime(2026, 12, 7, 12, tzinfo=ZoneInfo("America/New_York"))
    with mock.patch("django.utils.timezone.now", return_value=noon):
        yield noon


def test_new_hours_show_at_once_on_the_page_and_in_open_now(
    client, pantry, committed, at_noon
):
    assert "Hours unknown" in client.get(pantry.get_absolute_url()).text
    assert found(client, q="groceries", open_now="1") == []

    with committed():
        open_all_day(pantry)

    assert "Hours unknown" not in client.get(pantry.get_absolute_url()).text
    assert found(client, q="groceries", open_now="1") == ["Pantry on Main"]

    with committed():
        Schedule.objects.filter(service=pantry).delete()
    assert "Hours unknown" in client.get(pantry.get_absolute_url()).text
    assert found(client, q="groceries", open_now="1") == []


def test_open_now_results_are_kept_for_the_minute_only(client, pantry, committed):
    with committed():
        open_all_day(pantry)
    noon = dt.datetime(2026, 12, 7, 12, 0, 10, tzinfo=ZoneInfo("America/New_York"))

    def ranked(at: dt.datetime) -> bool:
        with (
            mock.patch("django.utils.timezone.now", return_value=at),
            CaptureQueriesContext(connection) as captured,
        ):
            assert found(client, q="groceries", open_now="1") == ["Pantry on Main"]
        return any("searchentry" in q["sql"].lower() for q in captured)

    assert ranked(noon)
    assert not ranked(noon + dt.timedelta(seconds=40))  # the same minute
    assert ranked(noon + dt.timedelta(minutes=1))  # the next


# Pages --------------------------------------------------------------------------


def test_a_service_page_is_served_as_rendered_in_few_queries(client, pantry):
    cold, first = queries(client, pantry.get_absolute_url())
    warm, again = queries(client, pantry.get_absolute_url())

    assert first == again
    assert warm == 1  # the data version
    assert cold <= 12


def test_a_page_is_kept_per_language(client, pantry):
    english = client.get(pantry.get_absolute_url())
    spanish = client.get(f"/es{pantry.get_absolute_url()}")
    assert english.text != spanish.text
    assert spanish.headers["Content-Language"] == "es"


def test_a_kept_page_lasts_until_its_hours_line_changes(
    client, pantry, committed, settings
):
    settings.DIRECTORY_CACHE_SECONDS = 24 * 3600
    with committed():
        make_schedule(service=pantry, byday="MO,TU,WE,TH,FR,SA,SU")  # 9 to 5
    monday_10_am = dt.datetime(2026, 12, 7, 10, tzinfo=ZoneInfo("America/New_York"))

    with (
        mock.patch("django.utils.timezone.now", return_value=monday_10_am),
        mock.patch.object(caching.cache, "set", wraps=caching.cache.set) as kept,
    ):
        page = client.get(pantry.get_absolute_url()).text

    assert "closes 5" in page
    (key, _content, seconds), _kwargs = kept.call_args
    assert key.startswith("page:")
    assert seconds == 7 * 3600  # until it closes at 5 p.m.


def test_a_category_browsed_is_kept_and_a_filtered_one_is_not(client, pantry):
    tag(pantry, "food")
    url = reverse("resources:category-detail", args=["food"])
    for params in ({}, {"page": "2"}, {"open_now": "1"}, {"page": "x" * 40}):
        client.get(url, params)

    pages = [key for key in kept_entries() if ":page:" in key]
    assert len(pages) == 2  # the category, and its second page


def test_browsers_are_still_told_to_store_nothing(client, pantry):
    client.get(pantry.get_absolute_url())
    assert client.get(pantry.get_absolute_url()).headers["Cache-Control"] == "no-store"
    found(client, q="groceries")
    response = client.get(URL, {"q": "groceries"})
    assert response.headers["Cache-Control"] == "no-store"
    assert not response.cookies


def test_staff_previews_are_never_kept(admin_client, committed):
    with committed():
        draft = make_service(name="Draft", publication_status=Service.Publication.DRAFT)
    url = reverse("admin:resources_service_preview", args=[draft.pk])
    assert admin_client.get(url).status_code == 200
    assert not [key for key in kept_entries() if ":page:" in key]


# Privacy ------------------------------------------------------------------------


def test_nothing_typed_and_no_position_is_kept(client, pantry):
    typed = "pregnant and scaredd need grocereis"
    found(client, q=typed)
    found(client, q="groceries", near="41.7621,-72.7420")  # a phone's position
    client.get(pantry.get_absolute_url(), {"list": str(pantry.pk)})  # a client list

    entries = kept_entries()
    assert entries
    text = repr(entries)
    for word in ("pregnant", "scaredd", "grocereis", "41.76", "72.74"):
        assert word not in text
    # Only the typed search was kept, as ids; the position and the list, not.
    results = [key for key in entries if ":results:" in key]
    pages = [key for key in entries if ":page:" in key]
    assert len(results) == 1
    assert pages == []
    assert set(entries[results[0]]) == {"found", "relaxed", "spelling"}


def test_every_listing_table_raises_the_data_version():
    """A model the HSDS files carry is shown somewhere: its changes retire pages."""
    from django.apps import apps

    from resources.derived import LISTINGS
    from resources.hsds import mapping

    shown = {apps.get_model("resources", table.model) for table in mapping.TABLES}
    # Metadata records the changes themselves; no page shows it.
    assert shown - set(LISTINGS) == {apps.get_model("resources", "Metadata")}
