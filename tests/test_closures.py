"""Holiday closures, special hours and "closed until", which end by themselves."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from resources import hours
from resources.models import Closure, OpeningWindow, Service

from .factories import make_schedule, make_service
from .test_admin import form_data
from .test_hours import at, dates, rule, rules

NY = ZoneInfo("America/New_York")
CHRISTMAS = hours.Closure(dt.date(2026, 12, 24), dt.date(2026, 12, 26))


@st.composite
def closures(draw):
    first = draw(dates)
    last = first + dt.timedelta(days=draw(st.integers(0, 40)))
    return hours.Closure(first, last)


def closed_on(day, closures_) -> bool:
    return any(c.first_day <= day <= c.last_day for c in closures_)


@given(rules(), st.lists(closures(), max_size=3), st.lists(dates, min_size=30))
def test_a_closure_removes_exactly_its_days_from_any_rule(rule_, closures_, days):
    pieces = hours.without_closures(rule_, closures_)

    for day in days:
        expected = rule_.occurs_on(day) and not closed_on(day, closures_)
        assert any(piece.occurs_on(day) for piece in pieces) == expected, day


def test_every_other_week_keeps_its_weeks_after_a_closure():
    fortnightly = rule(byday="WE", interval=2, valid_from=dt.date(2026, 11, 4))
    pieces = hours.without_closures(fortnightly, [CHRISTMAS])

    wednesdays = [dt.date(2026, 11, 4) + dt.timedelta(weeks=n) for n in range(12)]
    assert [any(p.occurs_on(d) for p in pieces) for d in wednesdays] == [
        n % 2 == 0 for n in range(12)
    ]


def test_closed_over_christmas_says_when_it_opens_again():
    weekdays = [rule()]  # Mon–Fri 9–5
    applied = hours.with_closures(weekdays, [CHRISTMAS])

    status = hours.status_at(applied, at("2026-12-24T10:00"), NY)
    assert not status.open
    # Dec 26 is a Saturday: next Monday.
    assert status.opens_at == at("2026-12-28T09:00")
    assert hours.is_open(applied, at("2026-12-23T10:00"), NY)
    assert hours.is_open(applied, at("2026-12-28T10:00"), NY)


def test_special_hours_replace_the_regular_ones_on_those_days():
    eve = hours.Closure(
        dt.date(2026, 12, 31), dt.date(2026, 12, 31), dt.time(9), dt.time(13)
    )
    applied = hours.with_closures([rule()], [eve])

    assert hours.is_open(applied, at("2026-12-31T12:00"), NY)
    assert not hours.is_open(applied, at("2026-12-31T14:00"), NY)
    assert hours.is_open(applied, at("2027-01-01T14:00"), NY)


# In the database and on the pages --------------------------------------------


def _today():
    return timezone.localdate()


@pytest.fixture
def around_the_clock(django_capture_on_commit_callbacks):
    """A published service open 24 hours, every day."""
    with django_capture_on_commit_callbacks(execute=True):
        service = make_service(name="Night shelter")
        make_schedule(
            service=service,
            byday="MO,TU,WE,TH,FR,SA,SU",
            opens_at=dt.time(0),
            closes_at=dt.time(0),
        )
    return service


@pytest.mark.django_db
def test_closed_until_is_not_open_now_and_reopens_by_itself(
    client, around_the_clock, django_capture_on_commit_callbacks
):
    now = timezone.now()
    assert list(Service.objects.open_at(now)) == [around_the_clock]

    with django_capture_on_commit_callbacks(execute=True):
        closure = Closure.objects.create(
            service=around_the_clock,
            first_day=_today() - dt.timedelta(days=3),
            last_day=_today() + dt.timedelta(days=1),
            note="Closed for repairs",
        )
    assert list(Service.objects.open_at(now)) == []
    assert list(Service.objects.open_at(now + dt.timedelta(days=3))) == [
        around_the_clock
    ]

    page = client.get(reverse("resources:service-detail", args=[around_the_clock.pk]))
    text = page.text
    assert 'class="opening closed"' in text
    assert "Closed for repairs" in text
    search = client.get(reverse("resources:service-list"), {"open_now": "true"})
    assert "Night shelter" not in search.text

    with django_capture_on_commit_callbacks(execute=True):
        closure.delete()
    assert list(Service.objects.open_at(now)) == [around_the_clock]


@pytest.mark.django_db
def test_a_past_closure_is_not_shown(client, around_the_clock):
    Closure.objects.create(
        service=around_the_clock,
        first_day=_today() - dt.timedelta(days=10),
        last_day=_today() - dt.timedelta(days=2),
        note="Closed for the storm",
    )
    page = client.get(reverse("resources:service-detail", args=[around_the_clock.pk]))
    assert "Closed for the storm" not in page.text
    assert 'class="opening open"' in page.text


@pytest.mark.django_db
def test_special_hours_are_windows_of_their_own(
    around_the_clock, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Closure.objects.create(
            service=around_the_clock,
            first_day=dt.date(2027, 1, 1),
            last_day=dt.date(2027, 1, 1),
            opens_at=dt.time(10),
            closes_at=dt.time(14),
        )
    new_year = dt.datetime(2027, 1, 1, tzinfo=NY)
    assert OpeningWindow.objects.filter(schedule=None).exists()
    open_at = lambda hour: list(  # noqa: E731
        Service.objects.open_at(new_year + dt.timedelta(hours=hour))
    )
    assert open_at(12) == [around_the_clock]
    assert open_at(8) == [] and open_at(15) == []


# In the admin ----------------------------------------------------------------


def _closure_post(client, service, **row):
    url = reverse("admin:resources_service_change", args=[service.pk])
    data = form_data(client.get(url))
    prefix = "closures"
    data[f"{prefix}-TOTAL_FORMS"] = "1"
    for field in ("first_day", "last_day", "opens_at", "closes_at", "note"):
        data[f"{prefix}-0-{field}"] = row.get(field, "")
    data[f"{prefix}-0-service"] = str(service.pk)
    return client.post(url, data)


@pytest.mark.django_db
def test_a_caseworker_adds_holiday_hours_with_times_as_people_write_them(
    caseworker_client, caseworker, around_the_clock
):
    response = _closure_post(
        caseworker_client,
        around_the_clock,
        first_day="2026-12-24",
        last_day="2026-12-24",
        opens_at="9am",
        closes_at="1 pm",
        note="Christmas Eve: short day",
    )

    assert response.status_code == 302, response.context["errors"]
    closure = Closure.objects.get()
    assert (closure.opens_at, closure.closes_at) == (dt.time(9), dt.time(13))
    assert closure.history.get().history_user == caseworker


@pytest.mark.django_db
@pytest.mark.parametrize(
    "row, field, message",
    [
        (
            {"first_day": "2026-12-26", "last_day": "2026-12-24"},
            "last_day",
            "cannot be before the first",
        ),
        (
            {"first_day": "2026-12-24", "last_day": "2026-12-24", "opens_at": "9"},
            "closes_at",
            "both an opening and a closing time",
        ),
        (
            {"first_day": "2026-12-24", "last_day": "soon"},
            "last_day",
            "valid date",
        ),
        (
            {"first_day": "2026-12-24", "last_day": "2026-12-24", "opens_at": "late"},
            "opens_at",
            "late",
        ),
    ],
)
def test_a_wrong_closure_is_an_error_on_its_field_and_saves_nothing(
    caseworker_client, around_the_clock, row, field, message
):
    response = _closure_post(caseworker_client, around_the_clock, **row)

    assert response.status_code == 200
    formset = next(
        f
        for f in response.context["inline_admin_formsets"]
        if f.formset.prefix == "closures"
    ).formset
    assert message in " ".join(formset.forms[0].errors[field])
    assert not Closure.objects.exists()


# To other systems: HSDS has no closure, so the schedule rows say it ----------


def _date(text):
    return dt.date.fromisoformat(text) if text else None


def _exported_rules(rows) -> list[hours.Rule]:
    return [
        hours.Rule(
            opens_at=dt.time.fromisoformat(row["opens_at"][:8]),
            closes_at=dt.time.fromisoformat(row["closes_at"][:8]),
            freq=row["freq"],
            byday=row["byday"],
            valid_from=_date(row.get("valid_from")),
            valid_to=_date(row.get("valid_to")),
        )
        for row in rows
    ]


@pytest.fixture
def closed_for_the_holidays(db):
    today = _today()
    service = make_service(name="Aster pantry")
    row = make_schedule(service=service)  # Mon–Fri 9–5
    Closure.objects.create(
        service=service,
        first_day=today + dt.timedelta(days=10),
        last_day=today + dt.timedelta(days=12),
        note="Closed for the holidays",
    )
    Closure.objects.create(
        service=service,
        first_day=today + dt.timedelta(days=20),
        last_day=today + dt.timedelta(days=20),
        opens_at=dt.time(10),
        closes_at=dt.time(14),
        note="Short day",
    )
    Closure.objects.create(  # over: not sent
        service=service,
        first_day=today - dt.timedelta(days=30),
        last_day=today - dt.timedelta(days=25),
    )
    return service, row


def _says_the_same(rows, service):
    """The exported rows open exactly when the directory says it is open."""
    today = _today()
    ours = hours.with_closures(
        [hours.Rule.of(s) for s in service.schedules.all()],
        [hours.Closure.of(c) for c in service.closures.all()],
    )
    theirs = _exported_rules(rows)
    for offset in range(-3, 40):
        day = today + dt.timedelta(days=offset)
        for hour in (9, 11, 13, 15):
            moment = dt.datetime.combine(day, dt.time(hour), tzinfo=NY)
            assert hours.is_open(theirs, moment, NY) == hours.is_open(
                ours, moment, NY
            ), moment


def _api_rows(service) -> list[dict]:
    return Client().get(f"/api/services/{service.pk}").json()["schedules"]


def test_the_api_sends_closures_as_hsds_schedule_rows(closed_for_the_holidays):
    service, row = closed_for_the_holidays

    body = Client().get(f"/api/services/{service.pk}").json()
    rows = body["schedules"]

    # Before, between and after the two closures; the short day's own row.
    assert len(rows) == 4
    assert rows[0]["id"] == str(row.pk)
    assert len({r["id"] for r in rows}) == 4
    assert "Short day" in {r.get("description") for r in rows}
    _says_the_same(rows, service)


def test_the_rows_are_valid_hsds(closed_for_the_holidays):
    from .hsds_schemas import errors

    service, _row = closed_for_the_holidays
    body = Client().get(f"/api/services/{service.pk}").json()

    assert errors("compiled/service.json", body) == []


def test_the_csv_export_sends_the_same_rows(closed_for_the_holidays):
    from resources.hsds.exporter import table_rows
    from resources.hsds.mapping import TABLES_BY_NAME

    service, _row = closed_for_the_holidays

    rows = [
        {key: _text(value) for key, value in exported.items()}
        for exported in table_rows(TABLES_BY_NAME["schedule"], public=True)
        if exported["service_id"] == service.pk
    ]

    assert sorted(r["id"] for r in rows) == sorted(r["id"] for r in _api_rows(service))
    _says_the_same(rows, service)


def _text(value):
    if value is None or isinstance(value, str):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
