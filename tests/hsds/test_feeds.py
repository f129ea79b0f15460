"""Feeds other systems wrote: their own taxonomies, objects of every kind.

Self-contained (no official example files needed): each test writes the
JSON another directory would send.
"""

import csv
import io
import json
import uuid

from django.core.management import call_command
from django.test import SimpleTestCase, TestCase

from resources import taxonomies
from resources.hsds import exporter, mapping
from resources.hsds.importer import ERROR, import_hsds
from resources.models import (
    Address,
    Location,
    Organization,
    Service,
    Taxonomy,
    TaxonomyTerm,
)

from ..factories import link, make_location, make_service, tag
from .helpers import table_dump, wipe
from .test_import import TemporaryFolderMixin


def _id() -> str:
    return str(uuid.uuid4())


def other_taxonomy(*codes: str) -> dict:
    """A taxonomy of another system whose codes may be ours too."""
    taxonomy = {
        "id": _id(),
        "name": "Open Eligibility",
        "description": "Another directory's categories.",
        "uri": "https://example.org/open-eligibility",
        "version": "2",
    }
    terms = [
        {
            "id": _id(),
            "code": code,
            "name": code.title(),
            "description": f"Their {code}.",
            "taxonomy_id": taxonomy["id"],
        }
        for code in codes
    ]
    return taxonomy, terms


class TaxonomyIdentityTests(TemporaryFolderMixin, TestCase):
    """HSDS: a term is its code within its taxonomy, not its code alone."""

    def write(self, name: str, content) -> str:
        path = self.folder / name
        path.write_text(json.dumps(content))
        return path

    def test_another_taxonomy_with_our_codes_imports_beside_ours(self):
        taxonomy, terms = other_taxonomy("health", "legal", "housing")
        self.assert_imports(self.write("taxonomies.json", [taxonomy]))
        self.assert_imports(self.write("terms.json", terms))
        for code in ("health", "legal", "housing"):
            self.assertEqual(
                set(
                    TaxonomyTerm.objects.filter(code=code).values_list(
                        "taxonomy_detail_id", flat=True
                    )
                ),
                {taxonomies.CATEGORIES_ID, uuid.UUID(taxonomy["id"])},
            )
        # The public category page is still the directory's own category.
        with self.captureOnCommitCallbacks(execute=True):
            service = make_service(name="Our clinic")
            tag(service, "health")
        response = self.client.get("/categories/health/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Our clinic")

    def test_a_service_tagged_with_their_term_keeps_both_terms(self):
        taxonomy, terms = other_taxonomy("health")
        service = {
            "id": _id(),
            "name": "Their clinic",
            "status": "active",
            "organization": {
                "id": _id(),
                "name": "Their organization",
                "description": "Runs clinics.",
            },
            "attributes": [
                {
                    "id": _id(),
                    "taxonomy_term": dict(terms[0], taxonomy_detail=taxonomy),
                }
            ],
        }
        self.assert_imports(self.write("services.json", [service]))
        imported = Service.objects.get(pk=service["id"])
        self.assertEqual(
            list(
                TaxonomyTerm.objects.filter(attributes__service=imported).values_list(
                    "taxonomy_detail_id", flat=True
                )
            ),
            [uuid.UUID(taxonomy["id"])],
        )

    def test_a_code_twice_in_one_taxonomy_is_refused_naming_row_and_field(self):
        taxonomy, terms = other_taxonomy("health", "health")
        before = table_dump()
        report = import_hsds(self.write("terms.json", [taxonomy, *terms]))
        self.assertFalse(report.ok)
        errors = report.of(ERROR)
        self.assertEqual(
            [(e.file, e.row, e.field) for e in errors], [("terms.json", 3, "code")]
        )
        self.assertIn("'health' is already used", errors[0].reason)
        self.assertIn(terms[0]["id"], errors[0].reason)
        self.assertEqual(table_dump(), before)

    def test_a_code_the_directory_holds_in_that_taxonomy_is_refused(self):
        ours = TaxonomyTerm.objects.get(pk=taxonomies.term_id("health"))
        clash = {
            "id": _id(),
            "code": "health",
            "name": "Health again",
            "description": "A second health term in our own taxonomy.",
            "taxonomy_id": str(taxonomies.CATEGORIES_ID),
        }
        before = table_dump()
        report = import_hsds(self.write("taxonomy_terms.json", [clash]))
        self.assertFalse(report.ok)
        self.assertEqual(len(report.of(ERROR)), 1, "\n".join(report.lines()))
        [error] = report.of(ERROR)
        self.assertEqual(
            (error.file, error.row, error.field),
            (
                "taxonomy_terms.json",
                1,
                "code",
            ),
        )
        self.assertIn(str(ours.pk), error.reason)
        self.assertNotIn("duplicate key", error.reason)
        self.assertEqual(table_dump(), before)


class ObjectKindTests(TemporaryFolderMixin, TestCase):
    """Each top-level JSON object lands in its own table, or is refused."""

    def import_one(self, name: str, item: dict):
        path = self.folder / name
        path.write_text(json.dumps(item))
        return import_hsds(path)

    def test_a_taxonomy_is_a_taxonomy(self):
        taxonomy, _terms = other_taxonomy()
        report = self.import_one("feed.json", taxonomy)
        self.assertTrue(report.ok, report.lines())
        self.assertTrue(Taxonomy.objects.filter(pk=taxonomy["id"]).exists())
        self.assertFalse(Organization.objects.filter(pk=taxonomy["id"]).exists())

    def test_a_term_is_a_term(self):
        term = {
            "id": _id(),
            "code": "food",
            "name": "Food",
            "description": "Meals",
            "taxonomy": "Theirs",
        }
        self.assertTrue(self.import_one("feed.json", term).ok)
        self.assertTrue(TaxonomyTerm.objects.filter(pk=term["id"]).exists())
        self.assertFalse(Organization.objects.filter(pk=term["id"]).exists())

    def test_a_location_is_a_location(self):
        location = {
            "id": _id(),
            "name": "Drop-in centre",
            "location_type": "physical",
            "latitude": 41.76,
            "longitude": -72.68,
        }
        report = self.import_one("feed.json", location)
        self.assertTrue(report.ok, report.lines())
        self.assertTrue(Location.objects.filter(pk=location["id"]).exists())
        self.assertFalse(Organization.objects.filter(pk=location["id"]).exists())

    def test_a_service_without_status_is_refused_for_its_status(self):
        service = {
            "id": _id(),
            "name": "Food pantry",
            "eligibility_description": "Anyone",
            "organization": {"id": _id(), "name": "Org", "description": "An org."},
        }
        before = table_dump()
        report = self.import_one("feed.json", service)
        self.assertFalse(report.ok)
        self.assertEqual(
            [(e.file, e.row, e.field) for e in report.of(ERROR)],
            [("feed.json", 1, "status")],
        )
        self.assertEqual(table_dump(), before)

    def test_an_object_that_could_be_several_is_refused_unless_the_file_says(self):
        bare = {"id": _id(), "name": "Something", "description": "Could be anything."}
        before = table_dump()
        report = self.import_one("feed.json", bare)
        self.assertFalse(report.ok)
        [error] = report.of(ERROR)
        self.assertEqual((error.file, error.row), ("feed.json", 1))
        self.assertIn("an organization, a taxonomy or a taxonomy term", error.reason)
        self.assertEqual(table_dump(), before)
        # Named after its table, the same object imports as that table.
        self.assertTrue(self.import_one("taxonomies.json", bare).ok)
        self.assertTrue(Taxonomy.objects.filter(pk=bare["id"]).exists())

    def test_an_object_of_no_table_is_refused(self):
        report = self.import_one(
            "feed.json", {"version": "3.1", "profile": "https://example.org"}
        )
        self.assertFalse(report.ok)
        self.assertIn("Not an HSDS record", report.of(ERROR)[0].reason)


class DetectKindTests(SimpleTestCase):
    """The shape rules alone, without a database."""

    def test_distinctive_fields_decide(self):
        cases = {
            "service": {"id": "x", "name": "n", "status": "active"},
            "location": {"id": "x", "location_type": "virtual"},
            "taxonomy": {"id": "x", "name": "n", "description": "d", "version": "1"},
            "taxonomy_term": {"id": "x", "name": "n", "description": "d", "code": "c"},
            "service_at_location": {"id": "x", "service_id": "s", "location_id": "l"},
            "organization": {"id": "x", "name": "n", "description": "d", "tax_id": "1"},
        }
        for kind, item in cases.items():
            with self.subTest(kind):
                self.assertEqual(mapping.detect_kind(item), kind)

    def test_the_file_name_settles_a_tie_but_not_a_misfit(self):
        bare = {"id": "x", "name": "n", "description": "d"}
        self.assertEqual(
            mapping.detect_kind(bare, hint=mapping.kind_of_file("organizations.json")),
            "organization",
        )
        location = {"id": "x", "location_type": "physical", "latitude": 1}
        self.assertEqual(
            mapping.detect_kind(location, hint=mapping.kind_of_file("services.json")),
            "location",
        )

    def test_rows_that_say_nothing(self):
        self.assertEqual(
            mapping.says_nothing("language", {"code": "es"})[0], "service_id"
        )
        self.assertIsNone(
            mapping.says_nothing("language", {"code": "es", "location_id": 1})
        )
        self.assertEqual(
            mapping.says_nothing("schedule", {"byday": "MO"})[0], "service_id"
        )
        self.assertIsNone(mapping.says_nothing("phone", {}))

    def test_file_names(self):
        self.assertEqual(mapping.kind_of_file("taxonomy_terms.ndjson"), "taxonomy_term")
        self.assertEqual(mapping.kind_of_file("Taxonomies.json"), "taxonomy")
        self.assertEqual(mapping.kind_of_file("services.json"), "service")
        self.assertIsNone(mapping.kind_of_file("export-2026.json"))


SECRET_STREET = "12 Hidden Lane"


class PublicExportRoundTripTests(TemporaryFolderMixin, TestCase):
    """What we publish imports back, here and elsewhere, confidential places too."""

    def setUp(self):
        super().setUp()
        self.service = make_service(name="Safe house intake")
        self.shelter = make_location(
            name="Safe house",
            latitude=41.761234,
            longitude=-72.681234,
            address_visibility=Location.Visibility.CONFIDENTIAL,
            address={"address_1": SECRET_STREET, "address_2": "Back door"},
        )
        link(self.service, self.shelter)

    def exported(self, fmt: str):
        out = (
            self.folder
            / {"csv": "package", "json": "x.json", "ndjson": "x.ndjson"}[fmt]
        )
        exporter.export(out, format=fmt, public=True)
        return out

    def test_each_format_reimports_without_blanking_the_street(self):
        for fmt in ("json", "ndjson", "csv"):
            with self.subTest(fmt):
                out = self.exported(fmt)
                self.assertNotIn(SECRET_STREET, _all_text(out))
                self.assert_imports(out)
                address = Address.objects.get(location=self.shelter)
                self.assertEqual(
                    (address.address_1, address.address_2),
                    (SECRET_STREET, "Back door"),
                )

    def test_another_directory_imports_the_redacted_address(self):
        exports = {fmt: self.exported(fmt) for fmt in ("json", "ndjson", "csv")}
        for fmt, out in exports.items():
            with self.subTest(fmt):
                wipe(keep_taxonomies=True)
                self.assert_imports(out)
                location = Location.objects.get(pk=self.shelter.pk)
                self.assertEqual(location.address_visibility, "confidential")
                address = location.addresses.get()
                self.assertEqual(
                    (address.address_1, address.city), ("", "West Hartford")
                )

    def test_an_empty_street_of_a_public_location_is_still_refused(self):
        out = self.exported("json")
        Location.objects.filter(pk=self.shelter.pk).update(address_visibility="public")
        data = json.loads(out.read_text())
        for item in data:
            for at in item.get("service_at_locations", []):
                at["location"]["address_visibility"] = "public"
        out.write_text(json.dumps(data))
        before = table_dump()
        report = import_hsds(out)
        self.assertFalse(report.ok)
        self.assertIn(
            "address_1", {error.field.rsplit(".", 1)[-1] for error in report.of(ERROR)}
        )
        self.assertEqual(table_dump(), before)


def _all_text(path) -> str:
    if path.is_dir():
        return "".join(p.read_text() for p in sorted(path.iterdir()))
    return path.read_text()


class SkipInvalidTests(TemporaryFolderMixin, TestCase):
    """--skip-invalid: the valid rows in, each invalid one listed, one transaction."""

    def feed(self) -> list:
        organization = {"id": _id(), "name": "Org", "description": "An org."}
        good = {"id": _id(), "name": "Good", "status": "active"}
        bad_status = {"id": _id(), "name": "Bad status", "status": "open"}
        bad_phone = {
            "id": _id(),
            "name": "Bad phone",
            "status": "active",
            "phones": [
                {"id": _id(), "number": "860-555-0100", "type": "carrier pigeon"}
            ],
        }
        return [dict(organization, services=[good, bad_status, bad_phone])]

    def test_valid_rows_import_and_each_skipped_row_is_listed(self):
        path = self.folder / "feed.json"
        path.write_text(json.dumps(self.feed()))
        strict = import_hsds(path)
        self.assertFalse(strict.ok)
        self.assertFalse(Service.objects.filter(name="Good").exists())

        report = import_hsds(path, skip_invalid=True)
        self.assertTrue(report.ok, report.lines())
        self.assertEqual(
            set(Service.objects.values_list("name", flat=True)), {"Good", "Bad phone"}
        )
        self.assertFalse(Service.objects.get(name="Bad phone").phones.exists())
        self.assertEqual(report.counts["service"]["skipped"], 1)
        self.assertEqual(report.counts["phone"]["skipped"], 1)
        self.assertEqual(
            sorted(report.skipped_by_field()),
            [("feed.json", "status", 1), ("feed.json", "type", 1)],
        )
        out = self.folder / "report.csv"
        report.write_csv(out)
        rows = list(csv.DictReader(out.open()))
        self.assertEqual({row["level"] for row in rows}, {"skipped"})
        self.assertEqual(
            {row["field"] for row in rows},
            {"services[1].status", "services[2].phones[0].type"},
        )

    def test_what_refers_to_a_skipped_row_follows_it(self):
        taxonomy, terms = other_taxonomy("a", "a")
        child = dict(terms[1], id=_id(), code="b", parent_id=terms[1]["id"])
        service = {
            "id": _id(),
            "name": "Tagged",
            "status": "active",
            "organization": {"id": _id(), "name": "Org", "description": "An org."},
            "attributes": [{"id": _id(), "taxonomy_term_id": terms[1]["id"]}],
        }
        path = self.write_json("feed.json", [taxonomy, *terms, child])
        report = import_hsds(path, skip_invalid=True)
        self.assertTrue(report.ok, report.lines())
        self.assertTrue(TaxonomyTerm.objects.filter(pk=terms[0]["id"]).exists())
        self.assertFalse(TaxonomyTerm.objects.filter(pk=terms[1]["id"]).exists())
        # An optional reference to it is dropped, a required one skips the row.
        self.assertIsNone(TaxonomyTerm.objects.get(pk=child["id"]).parent_id)
        report = import_hsds(
            self.write_json("services.json", [service]), skip_invalid=True
        )
        self.assertTrue(report.ok, report.lines())
        self.assertFalse(Service.objects.get(pk=service["id"]).attributes.exists())
        self.assertEqual(report.counts["attribute"]["skipped"], 1)

    def write_json(self, name, content):
        path = self.folder / name
        path.write_text(json.dumps(content))
        return path

    def test_the_command_writes_the_report(self):
        path = self.write_json("feed.json", self.feed())
        out = self.folder / "issues.csv"
        stdout = io.StringIO()
        call_command(
            "import_hsds",
            str(path),
            "--skip-invalid",
            "--report",
            str(out),
            stdout=stdout,
        )
        self.assertIn("Skipped for status in feed.json: 1", stdout.getvalue())
        self.assertEqual(len(list(csv.DictReader(out.open()))), 2)


class NoStricterThanHsdsTests(TemporaryFolderMixin, TestCase):
    """What the schemas allow imports; what the directory cannot show waits."""

    def write_json(self, name, content):
        path = self.folder / name
        path.write_text(json.dumps(content))
        return path

    def test_a_service_without_organization_is_kept_as_a_draft(self):
        service = {"id": _id(), "name": "Orphan pantry", "status": "active"}
        report = import_hsds(self.write_json("services.json", [service]))
        self.assertTrue(report.ok, report.lines())
        imported = Service.objects.get(pk=service["id"])
        self.assertEqual(imported.publication_status, "draft")
        self.assertEqual(
            imported.organization.name, "Organization not given (services.json)"
        )
        self.assertIn("organization_id", {note.field for note in report.of("note")})
        # Not public until a caseworker completes it.
        self.assertNotContains(self.client.get("/services/?q=pantry"), "Orphan pantry")

    def test_a_known_service_keeps_its_organization(self):
        known = make_service(name="Known")
        organization = known.organization_id
        update = {"id": str(known.pk), "name": "Known, renamed", "status": "active"}
        report = import_hsds(self.write_json("services.json", [update]))
        self.assertTrue(report.ok, report.lines())
        known.refresh_from_db()
        self.assertEqual(
            (known.name, known.organization_id, known.publication_status),
            ("Known, renamed", organization, "published"),
        )

    def test_rows_that_say_nothing_are_skipped_with_a_note(self):
        service = {
            "id": _id(),
            "name": "Clinic",
            "status": "active",
            "organization": {"id": _id(), "name": "Org", "description": "An org."},
            "languages": [{"id": _id()}, {"id": _id(), "code": "es"}],
        }
        report = import_hsds(self.write_json("services.json", [service]))
        self.assertTrue(report.ok, report.lines())
        self.assertEqual(
            list(
                Service.objects.get(pk=service["id"]).languages.values_list(
                    "code", flat=True
                )
            ),
            ["es"],
        )
        self.assertEqual(report.counts["language"]["skipped"], 1)

    def test_a_row_that_belongs_to_nothing_is_skipped_with_what_refers_to_it(self):
        service = make_service(name="Linked")
        link_id = _id()
        item = {
            "id": link_id,
            "service_id": str(service.pk),
            "schedules": [{"id": _id(), "byday": "MO", "freq": "WEEKLY"}],
        }
        before = table_dump()
        report = import_hsds(self.write_json("service_at_locations.json", [item]))
        self.assertTrue(report.ok, report.lines())
        self.assertEqual(
            [(n.field, n.reason) for n in report.of("note") if "belong" in n.reason],
            [("location_id", "No location to belong to: skipped.")],
        )
        self.assertEqual(report.counts["service_at_location"]["skipped"], 1)
        self.assertEqual(report.counts["schedule"]["skipped"], 1)
        self.assertEqual(table_dump(), before)
