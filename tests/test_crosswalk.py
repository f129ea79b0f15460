"""The crosswalk puts services imported with another taxonomy under our categories."""

import io
import json
import shutil
import tempfile
import uuid
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase

from resources import crosswalk, roles, taxonomies
from resources.hsds.importer import import_hsds
from resources.models import TaxonomyTerm, TermMapping

from .factories import give_authenticator, make_staff

THEIR_TAXONOMY = str(uuid.uuid4())


def their_feed() -> list:
    """A 211 feed: one shelter tagged with its own taxonomy's term only."""
    taxonomy = {
        "id": THEIR_TAXONOMY,
        "name": "Open Eligibility",
        "description": "Another directory's categories.",
        "version": "2",
    }
    shelter_term = {
        "id": str(uuid.uuid4()),
        "code": "emergency-housing",
        "name": "Emergency Shelter",
        "description": "Beds tonight.",
        "taxonomy_detail": taxonomy,
    }
    return [
        {
            "id": str(uuid.uuid4()),
            "name": "Harbor Night Beds",
            "status": "active",
            "organization": {
                "id": str(uuid.uuid4()),
                "name": "Harbor Org",
                "description": "Shelter provider.",
            },
            "attributes": [{"id": str(uuid.uuid4()), "taxonomy_term": shelter_term}],
        }
    ]


class CrosswalkTests(TestCase):
    def setUp(self):
        self.folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)
        path = self.folder / "services.json"
        path.write_text(json.dumps(their_feed()))
        report = import_hsds(path)
        self.assertTrue(report.ok, report.lines())
        self.theirs = TaxonomyTerm.objects.get(code="emergency-housing")

    def listed(self, url: str) -> bool:
        return "Harbor Night Beds" in self.client.get(url).content.decode()

    def test_a_mapping_lists_their_services_under_our_category(self):
        pages = (
            "/categories/emergency-shelter/",
            "/categories/housing/",  # the parent takes in its children
            "/services/?category=housing",
            "/api/services?category=emergency-shelter",
        )
        for url in pages:
            self.assertFalse(self.listed(url), url)
        with self.captureOnCommitCallbacks(execute=True):
            TermMapping.objects.create(
                external=self.theirs,
                term=TaxonomyTerm.objects.get(
                    pk=taxonomies.term_id("emergency-shelter")
                ),
            )
        for url in pages:
            with self.subTest(url):
                self.assertTrue(self.listed(url))
        # The API still says which term the service carries: theirs.
        service = self.client.get("/api/services?category=emergency-shelter").json()
        [item] = service["contents"]
        detail = self.client.get(f"/api/services/{item['id']}").json()
        self.assertEqual(
            {a["taxonomy_term"]["code"] for a in detail["attributes"]},
            {"emergency-housing"},
        )
        with self.captureOnCommitCallbacks(execute=True):
            TermMapping.objects.all().delete()
        self.assertFalse(self.listed("/categories/emergency-shelter/"))

    def test_suggestions_by_name_and_alias(self):
        def suggested(name: str) -> str | None:
            term = TaxonomyTerm(name=name, code="x", description="")
            found = crosswalk.suggest(term)
            return found.code if found else None

        self.assertEqual(suggested("Emergency Shelter"), "emergency-shelter")
        self.assertEqual(suggested("LEGAL SERVICES"), "legal")
        self.assertEqual(suggested("Syringe exchange"), "syringe-services")
        self.assertEqual(suggested("Domestic violence shelters"), "domestic-violence")
        self.assertIsNone(suggested("Zzyzx quartz"))

    def test_a_crosswalk_file_loads_all_or_nothing(self):
        good = self.folder / "crosswalk.csv"
        good.write_text(
            "taxonomy,code,name,directory_code\n"
            f"{THEIR_TAXONOMY},emergency-housing,,emergency-shelter\n"
            "Open Eligibility,,Emergency Shelter,housing\n"
        )
        out = io.StringIO()
        call_command("import_crosswalk", str(good), stdout=out)
        self.assertIn("2 crosswalk entries added", out.getvalue())
        self.assertEqual(
            set(self.theirs.mappings.values_list("term__code", flat=True)),
            {"emergency-shelter", "housing"},
        )
        bad = self.folder / "bad.csv"
        bad.write_text(
            "taxonomy,code,directory_code\n"
            "Open Eligibility,emergency-housing,free\n"
            "Open Eligibility,no-such-code,housing\n"
            "Open Eligibility,emergency-housing,not-ours\n"
        )
        before = TermMapping.objects.count()
        created, problems = crosswalk.import_csv(bad)
        self.assertEqual(created, 0)
        self.assertEqual(
            [(p.row, p.field) for p in problems], [(3, "code"), (4, "directory_code")]
        )
        self.assertEqual(TermMapping.objects.count(), before)
        with self.assertRaises(CommandError):
            call_command("import_crosswalk", str(bad), stdout=io.StringIO())

    def test_caseworkers_map_the_suggestions_in_the_admin(self):
        caseworker = make_staff(role=roles.CASEWORKERS)
        give_authenticator(caseworker)
        self.client.force_login(caseworker)
        page = self.client.get(
            f"/admin/resources/taxonomyterm/?taxonomy_detail__id__exact={THEIR_TAXONOMY}"
        )
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "suggested: Emergency shelter")
        response = self.client.post(
            "/admin/resources/taxonomyterm/",
            {"action": "map_as_suggested", "_selected_action": [self.theirs.pk]},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            list(self.theirs.mappings.values_list("term__code", flat=True)),
            ["emergency-shelter"],
        )
        self.assertEqual(
            self.client.get("/admin/resources/termmapping/").status_code, 200
        )

    def test_a_mapping_must_go_from_theirs_to_ours(self):
        from django.core.exceptions import ValidationError

        ours = TaxonomyTerm.objects.get(pk=taxonomies.term_id("housing"))
        with self.assertRaises(ValidationError) as raised:
            TermMapping(external=ours, term=self.theirs).full_clean()
        self.assertEqual(set(raised.exception.message_dict), {"external", "term"})
