"""import_hsds: round trips of the official examples, faults, all-or-nothing."""

import csv
import io
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase

from resources import roles
from resources.hsds import exporter, mapping
from resources.hsds.importer import ERROR, SKIPPED, import_hsds
from resources.models import Job, Metadata, OpeningWindow, Schedule, Service

from ..factories import make_service, make_staff, run_worker
from ..hsds_examples import (
    read_csv_package,
    write_fixed_csv,
    write_fixed_json,
)
from ..hsds_schemas import EXAMPLES, require_hsds
from .helpers import assert_contains, table_dump, zip_folder

EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b"


class TemporaryFolderMixin:
    def setUp(self):
        super().setUp()
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)

    def assert_imports(self, path, **options):
        report = import_hsds(path, **options)
        self.assertTrue(report.ok, "\n".join(report.lines()))
        return report

    def export_documents(self) -> dict:
        return {doc["id"]: doc for doc in exporter.service_documents(public=False)}


class ExampleRoundTripTests(TemporaryFolderMixin, TestCase):
    """export(import(x)) holds x, field by field; importing it back changes nothing."""

    def round_trip(self, name) -> dict:
        path = write_fixed_json(name, self.folder)
        self.assert_imports(path)
        documents = self.export_documents()
        out = self.folder / "export.json"
        out.write_text(json.dumps(list(documents.values()), default=str))
        again = self.assert_imports(out)
        changed = {
            table: counts
            for table, counts in again.counts.items()
            if counts["created"] or counts["updated"]
        }
        self.assertEqual(changed, {})
        return json.loads(path.read_text()), documents

    def test_service_full(self):
        x, documents = self.round_trip("service_full.json")
        assert_contains(x, documents[x["id"]])

    def test_organization_full(self):
        x, documents = self.round_trip("organization_full.json")
        for service in x.pop("services"):
            assert_contains(service, documents[service["id"]])
        assert_contains(x, documents[EXAMPLE_SERVICE]["organization"])

    def test_service_at_location_full(self):
        x, documents = self.round_trip("service_at_location_full.json")
        service = x.pop("service")
        exported = documents[service["id"]]
        assert_contains(service, exported)
        link = next(s for s in exported["service_at_locations"] if s["id"] == x["id"])
        assert_contains(x, link)

    def test_paged_lists(self):
        for name in ("service_list.json", "service_at_location_list.json"):
            with self.subTest(name):
                x, documents = self.round_trip(name)
                for item in x["contents"]:
                    service = item.get("service", item)
                    exported = documents[service["id"]]
                    # A list item nests the organization's own fields only.
                    assert_contains(service, exported)

    def test_csv_package(self):
        package = write_fixed_csv(self.folder / "csv")
        self.assert_imports(package)
        out = self.folder / "export"
        exporter.export_csv(out, public=False)
        original, exported = read_csv_package(package), read_csv_package(out)
        # No model holds meta_table_descriptions.csv: reported, not imported.
        del original["meta_table_descriptions.csv"]
        for file, rows in original.items():
            for pk, row in rows.items():
                with self.subTest(file=file, id=pk):
                    self.assertIn(pk, exported[file])
                    assert_csv_row(file, row, exported[file][pk])
        again = self.assert_imports(out)
        self.assertFalse(
            [t for t, c in again.counts.items() if c["created"] or c["updated"]]
        )

    def test_ndjson_and_zip(self):
        self.assert_imports(write_fixed_json("service_full.json", self.folder))
        lines = self.folder / "services.ndjson"
        exporter.export_json(lines, public=False, ndjson=True)
        archive = self.folder / "package.zip"
        exporter.export_csv(archive, public=False)
        for path in (lines, archive):
            report = self.assert_imports(path)
            self.assertEqual(report.counts["service"]["unchanged"], 1)


def _descriptor(response) -> dict:
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return json.loads(archive.read("datapackage.json"))


def assert_csv_row(file, expected, actual):
    table = mapping.TABLES_BY_FILE[file]
    for name, text in expected.items():
        column = table.by_name[name]
        got = actual.get(name, "")
        want = mapping.parse_value(column, text)
        have = mapping.parse_value(column, got)
        assert want == have, f"{file} {name}: {text!r} != {got!r}"


class UnfixedExampleTests(TemporaryFolderMixin, TestCase):
    """The snapshot's own defects are reported; --lenient skips the dangling ones."""

    def test_csv_example_reports_each_defect(self):
        require_hsds()
        before = table_dump()
        strict = import_hsds(EXAMPLES / "csv")
        faults = {(i.file, i.field) for i in strict.of(ERROR)}
        self.assertLessEqual(
            {
                ("locations.csv", "latitude"),
                ("organizations.csv", "parent_organization_id"),
                ("taxonomy_terms.csv", "parent_id"),
                ("contacts.csv", "organization_id"),
                ("service_areas.csv", "service_at_location_id"),
                ("service_capacity.csv", "service_id"),
            },
            faults,
        )
        self.assertEqual(table_dump(), before)
        lenient = import_hsds(EXAMPLES / "csv", lenient=True)
        self.assertEqual(
            {(i.file, i.field) for i in lenient.of(ERROR)},
            {("locations.csv", "latitude")},
        )
        skipped = {(i.file, i.field) for i in lenient.of(SKIPPED)}
        self.assertIn(("service_capacity.csv", "service_id"), skipped)
        self.assertIn(("taxonomy_terms.csv", "taxonomy_id"), skipped)

    def test_lenient_imports_the_rest(self):
        package = write_fixed_csv(self.folder / "csv")
        with open(package / "organizations.csv", newline="") as handle:
            rows = list(csv.DictReader(handle))
        rows[0]["parent_organization_id"] = "cd09a387-91f4-4555-94ec-e799c35344cd"
        write_rows(package / "organizations.csv", rows)
        self.assertFalse(import_hsds(package).ok)
        report = self.assert_imports(package, lenient=True)
        self.assertEqual(len(report.of(SKIPPED)), 1)
        self.assertTrue(Service.objects.filter(pk=EXAMPLE_SERVICE).exists())


def write_rows(path, rows):
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


class FaultTests(TemporaryFolderMixin, TestCase):
    """Each fault is reported and leaves the database exactly as it was."""

    def setUp(self):
        super().setUp()
        make_service(name="Already here")
        self.package = write_fixed_csv(self.folder / "csv")

    def assert_rejected(self, path, file, field=""):
        before = table_dump()
        report = import_hsds(path)
        self.assertFalse(report.ok)
        self.assertTrue(
            any(i.file == file and field in i.field for i in report.of(ERROR)),
            "\n".join(report.lines()),
        )
        self.assertEqual(table_dump(), before)
        return report

    def edit(self, file, change):
        path = self.package / file
        with open(path, newline="") as handle:
            rows = list(csv.DictReader(handle))
        for row in rows:
            change(row)
        write_rows(path, rows)

    def test_missing_required_column(self):
        self.edit("services.csv", lambda row: row.pop("name"))
        self.assert_rejected(self.package, "services.csv", "name")

    def test_bad_enum_value(self):
        self.edit("services.csv", lambda row: row.update(status="open"))
        report = self.assert_rejected(self.package, "services.csv", "status")
        self.assertIn("row 2", str(report.of(ERROR)[0]))

    def test_bad_uuid(self):
        self.edit("phones.csv", lambda row: row.update(id="not-a-uuid"))
        self.assert_rejected(self.package, "phones.csv", "id")

    def test_a_main_phone_that_is_not_true_or_false(self):
        self.edit("phones.csv", lambda row: row.update(main="yes please"))
        report = self.assert_rejected(self.package, "phones.csv", "main")
        self.assertIn("not true or false", str(report.of(ERROR)[0]))

    def test_a_fax_as_the_main_phone(self):
        self.edit("phones.csv", lambda row: row.update(type="fax", main="true"))
        self.assert_rejected(self.package, "phones.csv", "main")

    def test_database_limits(self):
        self.edit("services.csv", lambda row: row.update(maximum_age="5"))
        self.assert_rejected(self.package, "services.csv", "minimum_age")

    def test_broken_json(self):
        path = self.folder / "broken.json"
        path.write_text('[{"id": "ac148810-d857-441c-9679-408f346de14b", "name": ')
        self.assert_rejected(path, "broken.json")

    def test_truncated_zip(self):
        archive = zip_folder(self.package, self.folder / "package.zip")
        data = archive.read_bytes()
        archive.write_bytes(data[: len(data) // 2])
        self.assert_rejected(archive, "package.zip")

    def test_missing_datapackage(self):
        (self.package / "datapackage.json").unlink()
        self.assert_rejected(self.package, "csv")

    def test_dangling_reference(self):
        self.edit(
            "service_at_location.csv",
            lambda row: row.update(location_id="00000000-0000-4000-8000-000000000000"),
        )
        self.assert_rejected(self.package, "service_at_location.csv", "location_id")

    def test_dry_run_writes_nothing(self):
        before = table_dump()
        report = self.assert_imports(self.package, dry_run=True)
        self.assertEqual(report.counts["service"]["created"], 1)
        self.assertEqual(table_dump(), before)


class BehaviourTests(TemporaryFolderMixin, TestCase):
    def test_importing_twice_changes_nothing(self):
        package = write_fixed_csv(self.folder / "csv")
        self.assert_imports(package)
        before = table_dump()
        self.assert_imports(package)
        self.assertEqual(table_dump(), before)

    def test_changes_are_logged_as_metadata(self):
        package = write_fixed_csv(self.folder / "csv")
        self.assert_imports(package)
        created = Metadata.objects.filter(
            resource_id=EXAMPLE_SERVICE, last_action_type="create"
        )
        self.assertEqual(created.count(), 1)
        path = package / "services.csv"
        with open(path, newline="") as handle:
            rows = list(csv.DictReader(handle))
        rows[0]["name"] = "=Renamed counselling"
        write_rows(path, rows)
        self.assert_imports(package)
        change = Metadata.objects.get(
            resource_id=EXAMPLE_SERVICE, last_action_type="update"
        )
        self.assertEqual(
            (change.field_name, change.previous_value, change.replacement_value),
            ("name", "Community Counselling", "=Renamed counselling"),
        )
        self.assertEqual(
            Service.objects.get(pk=EXAMPLE_SERVICE).history.first().history_type, "~"
        )

    def test_csv_cells_are_the_data_exactly(self):
        service = make_service(name="+1 860 555 0100 line", description="-1 day")
        out = self.folder / "export"
        exporter.export_csv(out, public=False)
        row = read_csv_package(out)["services.csv"][str(service.pk)]
        self.assertEqual(
            (row["name"], row["description"]), ("+1 860 555 0100 line", "-1 day")
        )
        # Another system's package starting a cell with a quote keeps it.
        Service.objects.filter(pk=service.pk).update(name="'quoted")
        exporter.export_csv(out, public=False)
        self.assert_imports(out)
        self.assertEqual(Service.objects.get(pk=service.pk).name, "'quoted")

    def test_formula_guard_for_spreadsheets_is_lossless(self):
        service = make_service(name='=HYPERLINK("x")', description="'=already quoted")
        out = self.folder / "export"
        exporter.export_csv(out, public=False, for_spreadsheets=True)
        row = read_csv_package(out)["services.csv"][str(service.pk)]
        self.assertEqual(row["name"], '\'=HYPERLINK("x")')
        pk = service.pk
        service.delete()
        self.assert_imports(out)
        service = Service.objects.get(pk=pk)
        self.assertEqual(service.name, '=HYPERLINK("x")')
        self.assertEqual(service.description, "'=already quoted")

    def test_times_keep_wall_clock_and_derived_rows_are_rebuilt(self):
        require_hsds()
        text = (EXAMPLES / "json" / "service_full.json").read_text()
        text = text.replace('"10:00:00"', '"09:00:00Z"').replace(
            '"18:00:00"', '"17:00:00+01:00"'
        )
        from ..hsds_examples import fix_json

        document = fix_json(json.loads(text))
        for key in ("valid_from", "valid_to", "until", "count", "dtstart"):
            document["schedules"][0].pop(key)
        document["schedules"][0]["byday"] = "MO"
        path = self.folder / "service.json"
        path.write_text(json.dumps(document))
        report = self.assert_imports(path)
        schedule = Schedule.objects.get(pk=document["schedules"][0]["id"])
        self.assertEqual(
            (str(schedule.opens_at), str(schedule.closes_at)), ("09:00:00", "17:00:00")
        )
        self.assertIn(EXAMPLE_SERVICE, {str(pk) for pk in report.service_ids})
        self.assertTrue(
            OpeningWindow.objects.filter(service_id=EXAMPLE_SERVICE).exists()
        )

    def test_imported_services_are_published(self):
        self.assert_imports(write_fixed_json("service_full.json", self.folder))
        self.assertTrue(Service.objects.published().filter(pk=EXAMPLE_SERVICE).exists())

    def test_command_prints_report_time_and_memory(self):
        from io import StringIO

        package = write_fixed_csv(self.folder / "csv")
        out = StringIO()
        call_command("import_hsds", str(package), "--dry-run", stdout=out)
        self.assertIn("peak memory (RSS)", out.getvalue())
        self.assertIn("Dry run", out.getvalue())


class AdminPageTests(TemporaryFolderMixin, TestCase):
    """The pages queue a job; the worker runs it; its page has the outcome."""

    def queue(self, url, data) -> Job:
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(url, data)
        job = Job.objects.latest("created_at")
        self.assertRedirects(
            response, f"/admin/resources/job/{job.pk}/change/", target_status_code=200
        )
        self.assertEqual(job.status, Job.Status.QUEUED)
        run_worker()
        job.refresh_from_db()
        return job

    def download(self, job):
        self.assertEqual(job.status, Job.Status.DONE, job.error)
        response = self.client.get(f"/admin/resources/job/{job.pk}/download/")
        self.assertEqual(response.status_code, 200)
        return response

    def test_administrators_upload_with_a_dry_run(self):
        self.client.force_login(make_staff(role=roles.ADMINISTRATORS))
        archive = zip_folder(
            write_fixed_csv(self.folder / "csv"), self.folder / "p.zip"
        )
        before = table_dump()
        with open(archive, "rb") as upload:
            job = self.queue("/admin/hsds/import/", {"file": upload, "dry_run": "on"})
        page = self.client.get(f"/admin/resources/job/{job.pk}/change/")
        self.assertContains(page, "Dry run")
        self.assertContains(page, "services.csv: 1 created")
        self.assertContains(page, "p.zip")
        self.assertNotContains(page, 'http-equiv="refresh"')  # finished
        self.assertEqual(table_dump(), before)
        index = self.client.get("/admin/")
        self.assertContains(index, "/admin/hsds/import/")

    def test_an_import_with_errors_offers_its_report(self):
        self.client.force_login(make_staff(role=roles.ADMINISTRATORS))
        broken = self.folder / "broken.json"
        broken.write_text('[{"id": "not-a-uuid", "name": "X", "status": "active"}]')
        before = table_dump()
        with open(broken, "rb") as upload:
            job = self.queue("/admin/hsds/import/", {"file": upload})
        self.assertFalse(job.summary["ok"])
        page = self.client.get(f"/admin/resources/job/{job.pk}/change/")
        self.assertContains(page, "nothing was imported")
        report = b"".join(self.download(job).streaming_content).decode()
        self.assertIn("broken.json", report)
        self.assertEqual(table_dump(), before)

    def test_administrators_download_exports(self):
        self.client.force_login(make_staff(role=roles.ADMINISTRATORS))
        job = self.queue("/admin/hsds/export/", {"format": "csv", "scope": "public"})
        response = self.download(job)
        self.assertIn(".zip", response["Content-Disposition"])
        self.assertNotIn(mapping.FORMULA_GUARD, _descriptor(response))
        job = self.queue(
            "/admin/hsds/export/",
            {"format": "csv", "scope": "public", "for_spreadsheets": "on"},
        )
        self.assertIs(_descriptor(self.download(job))[mapping.FORMULA_GUARD], True)
        job = self.queue("/admin/hsds/export/", {"format": "ndjson", "scope": "staff"})
        self.assertIn(".ndjson", self.download(job)["Content-Disposition"])

    def test_caseworkers_may_not(self):
        self.client.force_login(make_staff(role=roles.CASEWORKERS))
        for url in ("/admin/hsds/import/", "/admin/hsds/export/"):
            self.assertEqual(self.client.get(url).status_code, 403)
        self.client.logout()
        self.assertEqual(self.client.get("/admin/hsds/import/").status_code, 302)
