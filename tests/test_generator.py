"""The generator fills a realistic, valid directory, the same for the same seed."""

import datetime
import io
import re
from collections import Counter
from unittest import mock

from django.core.management import CommandError, call_command
from django.db import connection
from django.test import SimpleTestCase, TestCase

from resources import generator
from resources.generator import GENERATED_BY, generate_directory, region_for
from resources.models import (
    Address,
    Attribute,
    Language,
    Location,
    Metadata,
    OpeningWindow,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
)
from resources.taxonomies import ACCESS_ID, CATEGORIES_ID, iter_terms, term_id

TODAY = datetime.date(2026, 3, 2)
SHIPPED_TERMS = {term_id(code) for _t, _p, code, _n, _d in iter_terms()}
CT_BOX = (41.0, 42.05, -73.73, -71.78)


def generate(services: int, seed: int, **options) -> Counter:
    return generate_directory(services=services, seed=seed, today=TODAY, **options)


def per_service(queryset, field: str = "service_id") -> Counter:
    return Counter(queryset.values_list(field, flat=True))


class GeneratedDirectoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.totals = generate(60, seed=42, batch_size=25)
        cls.services = list(Service.objects.all())
        cls.ids = {service.pk for service in cls.services}

    def test_creates_the_services_asked_for_and_their_organizations(self):
        self.assertEqual(len(self.services), 60)
        self.assertEqual(self.totals["services"], 60)
        organizations = Organization.objects.count()
        self.assertGreaterEqual(organizations, 8)
        self.assertLessEqual(organizations, 40)
        self.assertEqual(
            Organization.objects.filter(services__isnull=True).count(),
            0,
            "every organization offers something",
        )

    def test_every_organization_records_where_it_came_from(self):
        provenance = Metadata.objects.filter(
            resource_type="organization", updated_by=GENERATED_BY
        )
        self.assertEqual(
            set(provenance.values_list("resource_id", flat=True)),
            set(Organization.objects.values_list("pk", flat=True)),
        )

    def test_locations_lie_inside_the_state_at_real_zip_codes(self):
        south, north, west, east = CT_BOX
        locations = Location.objects.all()
        self.assertGreater(len(locations), 0)
        for location in locations:
            self.assertTrue(south <= location.latitude <= north, location.latitude)
            self.assertTrue(west <= location.longitude <= east, location.longitude)
        known = {place.zip_code for place in region_for(state="CT").places}
        for address in Address.objects.all():
            self.assertRegex(address.postal_code, r"^06\d{3}$")
            self.assertIn(address.postal_code, known)
            self.assertEqual(address.state_province, "CT")
        self.assertEqual(
            per_service(Address.objects.all(), "location_id").keys(),
            {location.pk for location in locations},
        )

    def test_each_service_is_at_one_or_two_of_its_own_organizations_locations(self):
        links = ServiceAtLocation.objects.select_related("service", "location")
        for link in links:
            self.assertEqual(
                link.location.organization_id, link.service.organization_id
            )
        counts = per_service(links)
        self.assertEqual(counts.keys(), self.ids)
        self.assertLessEqual(set(counts.values()), {1, 2})

    def test_services_have_one_to_three_fictional_phones_of_several_types(self):
        phones = Phone.objects.filter(service__isnull=False)
        counts = per_service(phones)
        self.assertEqual(counts.keys(), self.ids)
        self.assertLessEqual(set(counts.values()), {1, 2, 3})
        self.assertGreaterEqual(len(set(phones.values_list("type", flat=True))), 3)
        for number in Phone.objects.values_list("number", flat=True):
            self.assertRegex(number, r"^\d{3}-555-01\d\d$")

    def test_attributes_point_at_shipped_categories_and_access_terms(self):
        attributes = Attribute.objects.filter(link_id__in=self.ids)
        self.assertEqual(
            set(attributes.values_list("link_entity", flat=True)), {"service"}
        )
        self.assertLessEqual(
            set(attributes.values_list("taxonomy_term_id", flat=True)), SHIPPED_TERMS
        )
        for taxonomy, most in ((CATEGORIES_ID, 3), (ACCESS_ID, 4)):
            counts = per_service(
                attributes.filter(taxonomy_term__taxonomy_detail_id=taxonomy), "link_id"
            )
            self.assertEqual(counts.keys(), self.ids)
            self.assertLessEqual(set(counts.values()), set(range(1, most + 1)))
        # The filters and the language list agree, as in the demo.
        spanish = set(
            attributes.filter(taxonomy_term_id=term_id("spanish")).values_list(
                "link_id", flat=True
            )
        )
        speaks = set(
            Language.objects.filter(code="es").values_list("service_id", flat=True)
        )
        self.assertEqual(spanish, speaks)

    def test_services_speak_english_and_up_to_two_more_languages(self):
        counts = per_service(Language.objects.all())
        self.assertEqual(counts.keys(), self.ids)
        self.assertLessEqual(set(counts.values()), {1, 2, 3})
        english = per_service(Language.objects.filter(code="en"))
        self.assertEqual(english.keys(), self.ids)

    def test_listings_have_words_to_search_for(self):
        for service in self.services:
            self.assertTrue(service.name)
            self.assertGreater(len(service.description), 40)
            self.assertTrue(service.eligibility_description)
            if service.minimum_age is not None and service.maximum_age is not None:
                self.assertLessEqual(service.minimum_age, service.maximum_age)
        self.assertTrue(any(s.minimum_age is not None for s in self.services))

    def test_a_share_of_spanish_speaking_services_is_written_in_spanish(self):
        translated = [s for s in self.services if s.translations]
        self.assertTrue(0 < len(translated) < len(self.services))
        spanish_spoken = set(
            Language.objects.filter(code="es").values_list("service_id", flat=True)
        )
        for service in translated:
            self.assertIn(service.pk, spanish_spoken)
            self.assertEqual(service.translated("name", "es")[1], "es")
            self.assertIn(
                "Se habla español.", service.translations["es"]["description"]
            )

    def test_opening_windows_exist_for_every_service_with_schedules(self):
        scheduled = set(Schedule.objects.values_list("service_id", flat=True))
        self.assertTrue(scheduled)
        self.assertLess(len(scheduled), 60, "some services have unknown hours")
        windows = set(OpeningWindow.objects.values_list("service_id", flat=True))
        self.assertEqual(windows, scheduled)
        self.assertEqual(self.totals["opening windows"], OpeningWindow.objects.count())

    def test_rows_pass_model_validation_and_database_constraints(self):
        for model in (
            Organization,
            Location,
            Address,
            Service,
            ServiceAtLocation,
            Phone,
            Schedule,
            Attribute,
            Language,
            Metadata,
        ):
            for row in model.objects.all():
                row.full_clean(validate_unique=False, validate_constraints=False)
        # Check constraints were checked on insert; foreign keys are deferred.
        connection.check_constraints()

    def test_same_seed_gives_the_same_listings_whatever_the_batch_size(self):
        def listings(queryset):
            return Counter(queryset.values_list("name", "description"))

        first = listings(Service.objects.all())
        generate(60, seed=42, batch_size=7)
        again = listings(Service.objects.exclude(pk__in=self.ids))
        self.assertEqual(again, first)
        self.assertEqual(Service.objects.count(), 120, "fresh ids: no collision")

    def test_another_seed_gives_other_listings(self):
        first = set(Service.objects.values_list("description", flat=True))
        generate(60, seed=43)
        other = set(
            Service.objects.exclude(pk__in=self.ids).values_list(
                "description", flat=True
            )
        )
        self.assertNotEqual(other, first)


class StatusShareTests(TestCase):
    def test_two_percent_each_are_drafts_inactive_and_temporarily_closed(self):
        generate(150, seed=5, batch_size=40)
        counts = Counter(Service.objects.values_list("publication_status", "status"))
        self.assertEqual(counts["draft", "active"], 3)
        self.assertEqual(counts["published", "inactive"], 3)
        self.assertEqual(counts["published", "temporarily closed"], 3)
        self.assertEqual(counts["published", "active"], 141)
        self.assertEqual(Service.objects.published().count(), 144)
        closed = Service.objects.filter(status="temporarily closed")
        self.assertNotIn("", set(closed.values_list("alert", flat=True)))


class DerivedRowsTests(TestCase):
    def test_each_batch_is_handed_to_the_search_index(self):
        calls = []
        with mock.patch.object(generator, "search_indexer", return_value=calls.append):
            generate(30, seed=1, batch_size=10)
        self.assertGreaterEqual(len(calls), 3)
        self.assertEqual(
            {pk for batch in calls for pk in batch},
            set(Service.objects.values_list("pk", flat=True)),
        )

    def test_generated_services_can_be_found_by_keyword(self):
        if generator.search_indexer() is None:
            self.skipTest("resources.search has no index_services yet")
        from resources.search import search_services

        generate(40, seed=3)
        for service in Service.objects.published():
            # One plain word of the name: this tests the indexing, not the parser.
            word = max(re.findall(r"[A-Za-z]+", service.name), key=len)
            found = search_services(Service.objects.published(), word)
            self.assertIn(service, list(found), word)


class CommandTests(TestCase):
    def test_prints_a_progress_line_per_batch(self):
        out = io.StringIO()
        call_command(
            "generate_directory", "30", "--seed", "1", "--batch", "10", stdout=out
        )
        self.assertGreaterEqual(
            len(re.findall(r"^Batch \d+: ", out.getvalue(), re.M)), 3
        )
        self.assertIn("30 services", out.getvalue())
        self.assertEqual(Service.objects.count(), 30)

    def test_rejects_an_unknown_state_and_nonsense_sizes(self):
        with self.assertRaises(CommandError):
            call_command(
                "generate_directory", "10", "--state", "ZZ", stdout=io.StringIO()
            )
        with self.assertRaises(CommandError):
            call_command("generate_directory", "0", stdout=io.StringIO())
        self.assertEqual(Service.objects.count(), 0)


class RegionTests(SimpleTestCase):
    def tearDown(self):
        region_for.cache_clear()

    def test_falls_back_to_built_in_zip_codes_without_the_zipcodes_package(self):
        region_for.cache_clear()
        with mock.patch.object(generator, "_zipcodes_places", return_value=([], "")):
            region = region_for(state="CT")
        self.assertEqual(region.source, "built-in")
        self.assertGreaterEqual(len(region.places), 20)
        self.assertEqual(region.time_zone, "America/New_York")
        for place in region.places:
            self.assertRegex(place.zip_code, r"^06\d{3}$")
            self.assertTrue(region.contains(place.latitude, place.longitude))

    def test_the_connecticut_box_is_the_one_asked_for(self):
        region = region_for(state="ct")
        self.assertEqual((region.south, region.north, region.west, region.east), CT_BOX)
