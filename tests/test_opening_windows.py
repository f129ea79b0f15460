"""The database's "open at T" agrees with the hours engine, for any instant.

Closures and special hours included."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest
from django.test import TestCase

from resources import hours
from resources.derived import refresh_services
from resources.models import Closure, Location, OpeningWindow, Schedule, Service

from .factories import (
    link,
    make_location,
    make_organization,
    make_schedule,
    make_service,
)

NY = ZoneInfo("America/New_York")
LA = ZoneInfo("America/Los_Angeles")


def random_schedule(rng: random.Random, service: Service) -> Schedule:
    freq = rng.choice(["WEEKLY", "WEEKLY", "MONTHLY"])
    days = rng.sample(hours.WEEKDAYS, rng.randint(1, 5))
    if freq == "MONTHLY" and rng.random() < 0.6:
        days = [rng.choice(["1", "2", "3", "-1"]) + day for day in days]
    opens = dt.time(rng.randrange(24), rng.choice([0, 15, 30, 45]))
    closes = dt.time(rng.randrange(24), rng.choice([0, 30]))
    start = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(500))
    valid_from = start if rng.random() < 0.3 else None
    valid_to = (
        start + dt.timedelta(days=rng.randrange(90)) if rng.random() < 0.3 else None
    )
    dtstart = start if rng.random() < 0.2 else None
    return Schedule.objects.create(
        service=service,
        freq=freq,
        byday=",".join(days),
        bymonthday=str(rng.choice([1, 15, -1]))
        if freq == "MONTHLY" and rng.random() < 0.2
        else "",
        opens_at=opens,
        closes_at=closes,
        valid_from=valid_from,
        valid_to=valid_to,
        dtstart=dtstart,
        interval=rng.choice([None, 2, 3]) if dtstart else None,
    )


def random_closure(rng: random.Random, service: Service) -> Closure:
    first = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(700))
    special = rng.random() < 0.3
    return Closure.objects.create(
        service=service,
        first_day=first,
        last_day=first + dt.timedelta(days=rng.choice([0, 0, 2, 10, 60])),
        opens_at=dt.time(rng.randrange(24)) if special else None,
        closes_at=dt.time(rng.randrange(24), 30) if special else None,
    )


class OpenAtAgreesWithEngine(TestCase):
    @classmethod
    def setUpTestData(cls):
        rng = random.Random(20261127)
        organization = make_organization()
        west = make_location(time_zone="America/Los_Angeles")
        cls.rules = {}
        for n in range(80):
            service = make_service(organization=organization, name=f"S{n}")
            if n % 4 == 0:
                link(service, west)
            rows = [random_schedule(rng, service) for _ in range(rng.randint(1, 3))]
            closures = [
                hours.Closure.of(random_closure(rng, service))
                for _ in range(rng.choice([0, 0, 1, 2]))
            ]
            zone = LA if n % 4 == 0 else NY
            rules = hours.with_closures([hours.Rule.of(row) for row in rows], closures)
            cls.rules[service.pk] = (rules, zone)
        refresh_services(cls.rules)

    def test_random_instants_over_two_years(self):
        rng = random.Random(7)
        base = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
        instants = [
            base + dt.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
            for _ in range(120)
        ]
        # DST edges, both directions, both zones.
        instants += [
            dt.datetime(2026, 3, 8, h, m, tzinfo=dt.UTC)
            for h in (6, 7, 10)
            for m in (0, 59)
        ] + [dt.datetime(2026, 11, 1, h, 30, tzinfo=dt.UTC) for h in (5, 6, 8, 9)]
        for instant in instants:
            expected = {
                pk
                for pk, (rules, zone) in self.rules.items()
                if hours.is_open(rules, instant, zone)
            }
            found = set(Service.objects.open_at(instant).values_list("pk", flat=True))
            assert found == expected, instant

    def test_open_at_costs_two_queries(self):
        with self.assertNumQueries(2):  # zones in use, then the services
            list(Service.objects.open_at(dt.datetime(2026, 6, 1, 15, tzinfo=dt.UTC)))


@pytest.mark.django_db
def test_temporarily_closed_and_unknown_hours_are_never_open(
    django_capture_on_commit_callbacks,
):
    monday_noon = dt.datetime(2026, 11, 30, 12, tzinfo=NY)
    with django_capture_on_commit_callbacks(execute=True):
        open_ = make_service()
        make_schedule(service=open_)
        closed = make_service(status=Service.Status.TEMPORARILY_CLOSED)
        make_schedule(service=closed)
        make_service()  # no hours
    assert list(Service.objects.open_at(monday_noon)) == [open_]


@pytest.mark.django_db
def test_windows_follow_schedule_and_location_changes(
    django_capture_on_commit_callbacks,
):
    monday_10_ny = dt.datetime(2026, 11, 30, 10, tzinfo=NY)  # 7 AM in Los Angeles
    with django_capture_on_commit_callbacks(execute=True):
        service = make_service()
        schedule = make_schedule(service=service)
    assert list(Service.objects.open_at(monday_10_ny)) == [service]

    with django_capture_on_commit_callbacks(execute=True):
        location = make_location()
        link(service, location)
        location.time_zone = "America/Los_Angeles"
        location.save()
    assert list(Service.objects.open_at(monday_10_ny)) == []

    with django_capture_on_commit_callbacks(execute=True):
        schedule.opens_at = dt.time(6)
        schedule.save()
    assert list(Service.objects.open_at(monday_10_ny)) == [service]

    with django_capture_on_commit_callbacks(execute=True):
        schedule.delete()
    assert not OpeningWindow.objects.filter(service=service).exists()


@pytest.mark.django_db
def test_location_hours_stand_in_when_the_service_has_none(
    django_capture_on_commit_callbacks,
):
    monday_noon = dt.datetime(2026, 11, 30, 12, tzinfo=NY)
    with django_capture_on_commit_callbacks(execute=True):
        service = make_service()
        location = make_location()
        link(service, location)
        make_schedule(location=location)
    assert list(Service.objects.open_at(monday_noon)) == [service]

    with django_capture_on_commit_callbacks(execute=True):
        make_schedule(service=service, byday="SA")  # its own hours win
    assert list(Service.objects.open_at(monday_noon)) == []
    assert Location.objects.count() == 1
