"""Hours carry their zone: HSDS reads a time without one as UTC."""

import csv
import datetime as dt
import shutil
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from django.test import SimpleTestCase, TestCase

from resources.hsds import exporter, mapping

from ..factories import link, make_location, make_schedule, make_service

SUMMER = {"valid_from": dt.date(2027, 7, 1), "valid_to": dt.date(2027, 8, 31)}
WINTER = {"valid_from": dt.date(2027, 12, 1), "valid_to": dt.date(2028, 1, 31)}
NEW_YORK = ZoneInfo("America/New_York")


class ZonedHoursTests(SimpleTestCase):
    def test_the_offset_is_the_one_of_the_schedules_date(self):
        today = dt.date(2026, 12, 2)
        for dates, offset, text in (
            ({}, -5.0, "09:00:00-05:00"),
            (SUMMER, -4.0, "09:00:00-04:00"),
            (
                {"valid_from": dt.date(2026, 3, 1), "valid_to": dt.date(2026, 6, 1)},
                -4.0,
                "09:00:00-04:00",
            ),
        ):
            with self.subTest(dates):
                row = {"opens_at": dt.time(9), **dates}
                self.assertEqual(
                    mapping.zoned_hours(row, NEW_YORK, today),
                    {
                        "timezone": offset,
                        "time_zone": "America/New_York",
                        "opens_at": text,
                    },
                )

    def test_an_offset_the_source_gave_stands(self):
        row = {"opens_at": dt.time(10), "timezone": 3.0}
        self.assertEqual(
            mapping.zoned_hours(row, NEW_YORK, dt.date(2026, 12, 2)),
            {"opens_at": "10:00:00+03:00"},
        )

    def test_half_hour_offsets(self):
        self.assertEqual(mapping.zoned_time(dt.time(8, 30), 5.5), "08:30:00+05:30")
        self.assertEqual(mapping.zoned_time(dt.time(8, 30), -3.5), "08:30:00-03:30")


class PublishedHoursTests(TestCase):
    def setUp(self):
        self.service = make_service(name="Clinic")
        self.summer = make_schedule(service=self.service, **SUMMER)
        elsewhere = make_location(name="Chicago office", time_zone="America/Chicago")
        link(self.service, elsewhere)
        self.at_location = make_schedule(location=elsewhere, **WINTER)

    def test_the_api_gives_offset_zone_and_times_with_their_offset(self):
        body = self.client.get(f"/api/services/{self.service.pk}").json()
        # The service's hours are in the zone of its first location naming one.
        [own] = body["schedules"]
        self.assertEqual(
            (own["opens_at"], own["closes_at"], own["timezone"], own["time_zone"]),
            ("09:00:00-05:00", "17:00:00-05:00", -5.0, "America/Chicago"),
        )
        [place] = body["service_at_locations"][0]["location"]["schedules"]
        self.assertEqual(
            (place["opens_at"], place["timezone"], place["time_zone"]),
            ("09:00:00-06:00", -6.0, "America/Chicago"),
        )

    def test_a_service_without_zoned_places_is_in_the_directorys_zone(self):
        other = make_service(name="Hotline")
        make_schedule(service=other, **SUMMER)
        [schedule] = self.client.get(f"/api/services/{other.pk}").json()["schedules"]
        self.assertEqual(
            (schedule["opens_at"], schedule["timezone"], schedule["time_zone"]),
            ("09:00:00-04:00", -4.0, "America/New_York"),
        )

    def test_the_csv_package_says_the_same(self):
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        exporter.export_csv(folder, public=False)
        with open(folder / "schedules.csv", newline="") as handle:
            rows = {row["id"]: row for row in csv.DictReader(handle)}
        summer = rows[str(self.summer.pk)]
        self.assertEqual(
            (summer["opens_at"], summer["timezone"], summer["time_zone"]),
            ("09:00:00-05:00", "-5", "America/Chicago"),
        )
        winter = rows[str(self.at_location.pk)]
        self.assertEqual(
            (winter["opens_at"], winter["timezone"]), ("09:00:00-06:00", "-6")
        )

    def test_the_openapi_document_types_times_as_hsds_does(self):
        schema = self.client.get("/api/schema/").json()
        properties = schema["components"]["schemas"]["Schedule"]["properties"]
        for name in ("opens_at", "closes_at", "time_zone"):
            with self.subTest(name):
                self.assertEqual(properties[name]["type"], "string")
                self.assertNotIn("format", properties[name])
