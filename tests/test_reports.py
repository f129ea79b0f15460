"""Reports: listings by category and verification state, and unmet searches."""

import datetime

from django.urls import reverse
from django.utils import timezone

from resources.models import ZeroResultSearch
from resources.services import zero_result_search_record, zero_result_words

from .factories import make_service, tag


def search(client, **params):
    response = client.get(reverse("resources:service-list"), params)
    assert response.status_code == 200
    return response


def test_words_are_normalised_and_nothing_personal_is_kept():
    assert zero_result_words("Clínica  DENTAL for the kids!") == "clinica dental kids"
    assert zero_result_words("rehab rehab near me") == "rehab near"
    # Phone numbers, ZIP codes and dates say who, not what: dropped.
    assert zero_result_words("call 860-555-0199 zip 06107 on 2026-03-01") == (
        "call zip"
    )
    assert zero_result_words("the of and") == ""


def test_a_search_that_finds_nothing_is_counted_per_day(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # index it
        make_service(name="Food pantry")

    search(client, q="Ukulele lessons")
    search(client, q="ukulele  LESSONS")
    search(client, q="food")  # found something: not counted

    row = ZeroResultSearch.objects.get()
    assert (row.words, row.date, row.count) == (
        "ukulele lessons",
        timezone.localdate(),
        2,
    )
    # Only these three columns exist: no address, agent or time of day.
    assert {f.name for f in ZeroResultSearch._meta.concrete_fields} == {
        "id",
        "words",
        "date",
        "count",
    }


def test_a_search_narrowed_by_filters_is_not_counted(client, db):
    make_service(name="Food pantry")

    search(client, q="ukulele", category="food")
    search(client, q="ukulele", open_now="true")

    assert not ZeroResultSearch.objects.exists()


def test_the_count_is_an_upsert_per_words_and_day(db):
    day = datetime.date(2026, 3, 1)
    for _ in range(3):
        zero_result_search_record(text="dog shelter", day=day)
    zero_result_search_record(text="dog shelter", day=day + datetime.timedelta(1))

    assert sorted(ZeroResultSearch.objects.values_list("date", "count")) == [
        (day, 3),
        (day + datetime.timedelta(1), 1),
    ]


def test_counting_sets_no_cookie(client, db):
    response = search(client, q="nothing like this")
    assert response.cookies == {}


def test_reports_page_counts_by_category_state_and_words(caseworker_client):
    today = timezone.localdate()
    never = make_service(assured_date=None)
    tag(never, "food")
    fresh = make_service(assured_date=today)
    tag(fresh, "food", "emergency-shelter")
    make_service(assured_date=None, publication_status="draft")  # not public
    ZeroResultSearch.objects.create(words="ukulele", date=today, count=4)
    ZeroResultSearch.objects.create(
        words="ukulele", date=today - datetime.timedelta(2), count=1
    )
    ZeroResultSearch.objects.create(
        words="long ago", date=today - datetime.timedelta(100), count=9
    )

    response = caseworker_client.get(reverse("admin:reports"))

    assert response.status_code == 200
    context = response.context
    assert context["total"] == 2
    assert dict(context["by_state"])["Never verified"] == 1
    assert dict(context["by_state"])["Up to date"] == 1
    by_category = {row["code"]: row for row in context["by_category"]}
    assert by_category["food"]["total"] == 2
    assert by_category["housing"]["total"] == 1  # counted through its child
    assert by_category["emergency-shelter"]["total"] == 1
    words = list(context["words"])
    assert words == [{"words": "ukulele", "total": 5, "days_seen": 2}]
    assert "long ago" not in response.text
    assert (
        "long ago"
        in caseworker_client.get(reverse("admin:reports"), {"days": 365}).text
    )
