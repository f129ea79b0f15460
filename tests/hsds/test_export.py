"""export_hsds: valid HSDS packages, nothing private in public exports, round trips."""

import json
import shutil
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase

from resources.demo import load_demo_data
from resources.hsds import exporter, mapping
from resources.hsds.importer import import_hsds
from resources.models import Location, Metadata

from ..factories import link, make_location, make_service
from ..hsds_schemas import _contents, errors
from .helpers import read_package, typed_row, wipe

SECRET = "77 Quiet Court"


class ExportTestCase(TestCase):
    def setUp(self):
        super().setUp()
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)


class PackageTests(ExportTestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo_data()
        shelter = make_location(
            name="Refuge",
            latitude=41.771234,
            longitude=-72.681234,
            address_visibility=Location.Visibility.CONFIDENTIAL,
            address={"address_1": SECRET},
        )
        link(make_service(name="Refuge beds"), shelter)
        link(make_service(name="Secret draft", publication_status="draft"), shelter)

    def test_package_passes_the_hsds_schemas(self):
        for public in (True, False):
            out = self.folder / f"package-{public}.zip"
            exporter.export_csv(out, public=public)
            files = read_package(out)
            descriptor = files.pop("datapackage.json")
            self.assert_valid_descriptor(descriptor, files)
            for file, rows in files.items():
                table = mapping.TABLES_BY_FILE[file]
                required = set(_contents(f"{table.name}.json").get("required", ()))
                for row in rows:
                    typed = typed_row(table, row, required)
                    self.assertEqual(
                        errors(f"{table.name}.json", typed), [], (file, row)
                    )

    def assert_valid_descriptor(self, descriptor, files):
        self.assertEqual(descriptor["profile"], "tabular-data-package")
        names = {resource["name"] for resource in descriptor["resources"]}
        for resource in descriptor["resources"]:
            rows = files[resource["path"]]
            fields = [field["name"] for field in resource["schema"]["fields"]]
            if rows:
                self.assertEqual(list(rows[0]), fields, resource["path"])
            for key in resource["schema"].get("foreignKeys", ()):
                self.assertIn(key["reference"]["resource"] or resource["name"], names)
                self.assertIn(key["fields"], fields)

    def test_public_export_withholds_and_omits(self):
        exporter.export_csv(self.folder / "public", public=True)
        exporter.export_json(self.folder / "public.json", public=True)
        exporter.export_json(self.folder / "public.ndjson", public=True, ndjson=True)
        texts = [p.read_text() for p in self.folder.rglob("*") if p.is_file()]
        for text in texts:
            for secret in (SECRET, "Secret draft", "41.771234", "-72.681234"):
                self.assertNotIn(secret, text)
        self.assertIn("Refuge beds", "".join(texts))
        for document in json.loads((self.folder / "public.json").read_text()):
            self.assertEqual(errors("compiled/service.json", document), [])

    def test_staff_export_holds_everything(self):
        exporter.export_csv(self.folder / "all", public=False)
        text = "".join(p.read_text() for p in (self.folder / "all").iterdir())
        for value in (SECRET, "Secret draft", "41.771234"):
            self.assertIn(value, text)

    def test_command(self):
        call_command("export_hsds", str(self.folder / "out.zip"), "--format", "csv")
        call_command(
            "export_hsds", str(self.folder / "out.json"), "--format", "json", "--all"
        )
        self.assertTrue((self.folder / "out.zip").exists())
        self.assertEqual(len(json.loads((self.folder / "out.json").read_text())), 35)


class DemoRoundTripTests(ExportTestCase):
    """The demo directory leaves and comes back unchanged."""

    def setUp(self):
        super().setUp()
        load_demo_data()

    def test_csv_package(self):
        first = self.folder / "first"
        exporter.export_csv(first, public=False)
        wipe()
        report = import_hsds(first)
        self.assertTrue(report.ok, report.lines())
        second = self.folder / "second"
        exporter.export_csv(second, public=False)
        before, after = read_package(first), read_package(second)
        # The import logs what it created: the change log grows, nothing else.
        self.assertEqual(before.pop("datapackage.json"), after.pop("datapackage.json"))
        old_log = before.pop("metadata.csv")
        new_log = {row["id"]: row for row in after.pop("metadata.csv")}
        self.assertTrue(all(new_log[row["id"]] == row for row in old_log))
        for file, rows in before.items():
            key = lambda row: row["id"]  # noqa: E731
            self.assertEqual(sorted(rows, key=key), sorted(after[file], key=key), file)

    def test_json(self):
        first = self.folder / "first.json"
        exporter.export_json(first, public=False)
        # JSON carries what hangs off services; the shipped taxonomies stay.
        wipe(keep_taxonomies=True)
        report = import_hsds(first)
        self.assertTrue(report.ok, report.lines())
        second = self.folder / "second.json"
        exporter.export_json(second, public=False)

        def without_log(document):
            # The import logs what it created, in every record it wrote.
            if isinstance(document, list):
                return [without_log(item) for item in document]
            if isinstance(document, dict):
                return {
                    k: without_log(v) for k, v in document.items() if k != "metadata"
                }
            return document

        before = [without_log(d) for d in json.loads(first.read_text())]
        after = [without_log(d) for d in json.loads(second.read_text())]
        self.assertEqual(before, after)


class StaffJsonMetadataTests(ExportTestCase):
    def test_a_staff_json_export_keeps_every_metadata_row(self):
        load_demo_data()
        # The demo's import logged a row for each record it created.
        out = self.folder / "all.ndjson"
        exporter.export_json(out, public=False, ndjson=True)
        exported = set()

        def collect(node):
            if isinstance(node, dict):
                for row in node.get("metadata", ()):
                    exported.add(row["id"])
                for value in node.values():
                    collect(value)
            elif isinstance(node, list):
                for value in node:
                    collect(value)

        for line in out.read_text().splitlines():
            collect(json.loads(line))
        shown = {
            str(pk)
            for pk in Metadata.objects.exclude(
                resource_type__in=("taxonomy", "taxonomy_term")
            ).values_list("pk", flat=True)
        }
        self.assertGreater(len(shown), 400)
        self.assertEqual(shown - exported, set())
        # The public export keeps the change log to services and organizations.
        public = self.folder / "public.json"
        exporter.export_json(public, public=True)
        self.assertNotIn('"resource_type": "phone"', public.read_text())
