import datetime
import io
import re

from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import TestCase

from resources import roles
from resources.demo import SOURCE, load_demo_data
from resources.models import (
    Address,
    Attribute,
    ChangeRequest,
    Language,
    Location,
    Metadata,
    Organization,
    Phone,
    Schedule,
    Service,
    TaxonomyTerm,
)
from resources.taxonomies import ACCESS_TERMS, CATEGORY_TREE, term_id

ALL_DAYS = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
HARTFORD_COUNTY_ZIPS = {
    "06002",  # Bloomfield
    "06040",  # Manchester
    "06051",  # New Britain
    "06052",
    "06103",  # Hartford
    "06105",
    "06106",
    "06112",
    "06114",
    "06120",
    "06107",  # West Hartford
    "06110",
    "06117",
    "06119",
    "06108",  # East Hartford
    "06109",  # Wethersfield
}
# The only real numbers the demo may hold: well-known national lines.
NATIONAL_LINES = {"1-888-373-7888", "233733", "988"}


def category_codes() -> set[str]:
    codes = set()
    for code, _name, _description, children in CATEGORY_TREE:
        codes.add(code)
        codes.update(child[0] for child in children)
    return codes


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed  # e.g. SQLite's full-text table exists only there
    }


class DemoDirectoryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.result = load_demo_data()

    def test_fills_a_realistic_directory(self):
        self.assertGreaterEqual(Service.objects.count(), 30)
        self.assertGreaterEqual(Organization.objects.count(), 20)
        self.assertEqual(self.result["services"], Service.objects.count())
        self.assertEqual(self.result["organizations"], Organization.objects.count())

    def test_every_category_is_used(self):
        used = set(
            Attribute.objects.filter(link_entity="service").values_list(
                "taxonomy_term__code", flat=True
            )
        )
        self.assertEqual(category_codes() - used, set())
        self.assertEqual({code for code, *_ in ACCESS_TERMS} - used, set())

    def test_each_service_has_one_to_three_categories_and_access_terms(self):
        categories = {term_id(code) for code in category_codes()}
        for service in Service.objects.prefetch_related("attributes"):
            terms = {a.taxonomy_term_id for a in service.attributes.all()}
            with self.subTest(service=service.name):
                self.assertIn(len(terms & categories), {1, 2, 3})
                self.assertGreaterEqual(len(terms - categories), 2)

    def test_spanish_access_term_matches_language_rows(self):
        spanish = set(
            Attribute.objects.filter(
                link_entity="service", taxonomy_term_id=term_id("spanish")
            ).values_list("link_id", flat=True)
        )
        speaking = set(
            Language.objects.filter(code="es").values_list("service_id", flat=True)
        )
        self.assertEqual(spanish, speaking)
        self.assertGreaterEqual(len(speaking), 15)
        codes = set(Language.objects.values_list("code", flat=True))
        self.assertTrue({"es", "pt", "pl", "ar", "ase"} <= codes)

    def test_hours_cover_the_hard_cases(self):
        around_the_clock = [
            s
            for s in Schedule.objects.filter(
                freq="WEEKLY", opens_at=datetime.time(0), closes_at=datetime.time(0)
            )
            if set(s.byday.split(",")) == ALL_DAYS
        ]
        self.assertTrue(around_the_clock, "no 24/7 line")
        self.assertTrue(
            Schedule.objects.filter(
                freq="WEEKLY",
                opens_at=datetime.time(20),
                closes_at=datetime.time(8),
            ).exists(),
            "no overnight window",
        )
        self.assertTrue(
            Schedule.objects.filter(
                freq="MONTHLY",
                byday="1SA",
                opens_at=datetime.time(10),
                closes_at=datetime.time(14),
            ).exists(),
            "no first-Saturday rule",
        )
        morning = Schedule.objects.filter(
            opens_at=datetime.time(9), closes_at=datetime.time(12)
        )
        split = [
            row
            for row in morning
            if Schedule.objects.filter(
                service=row.service,
                byday=row.byday,
                opens_at=datetime.time(13),
                closes_at=datetime.time(17),
            ).exists()
        ]
        self.assertTrue(split, "no split hours on the same day")

    def test_one_service_is_temporarily_closed_and_one_has_unknown_hours(self):
        self.assertTrue(
            Service.objects.filter(status=Service.Status.TEMPORARILY_CLOSED).exists()
        )
        self.assertTrue(Service.objects.filter(schedules__isnull=True).exists())

    def test_every_schedule_belongs_to_a_service(self):
        self.assertFalse(Schedule.objects.filter(service__isnull=True).exists())

    def test_exactly_one_confidential_location_with_a_phone(self):
        confidential = Location.objects.filter(
            address_visibility=Location.Visibility.CONFIDENTIAL
        )
        self.assertEqual(confidential.count(), 1)
        shelter = confidential.get()
        self.assertTrue(
            Phone.objects.filter(
                service__service_at_locations__location=shelter
            ).exists()
        )

    def test_one_location_names_its_time_zone(self):
        zones = list(Location.objects.exclude(time_zone="").values_list("time_zone"))
        self.assertEqual(zones, [("America/New_York",)])

    def test_locations_have_addresses_except_virtual_ones(self):
        virtual = Location.objects.filter(location_type="virtual")
        self.assertTrue(virtual.exists())
        self.assertFalse(Address.objects.filter(location__in=virtual).exists())
        for location in Location.objects.exclude(location_type="virtual"):
            with self.subTest(location=location.name):
                address = location.addresses.get()
                self.assertEqual(address.state_province, "CT")
                self.assertEqual(address.country, "US")
                self.assertIn(address.postal_code, HARTFORD_COUNTY_ZIPS)
                self.assertAlmostEqual(location.latitude, 41.75, delta=0.2)
                self.assertAlmostEqual(location.longitude, -72.7, delta=0.25)

    def test_every_service_is_published_complete_and_placed(self):
        for service in Service.objects.prefetch_related("service_at_locations"):
            with self.subTest(service=service.name):
                self.assertEqual(service.publication_status, "published")
                self.assertIn(service.status, Service.VISIBLE_STATUSES)
                self.assertTrue(service.description)
                self.assertTrue(service.eligibility_description)
                self.assertTrue(service.fees_description)
                self.assertTrue(service.service_at_locations.exists())

    def test_youth_centre_has_an_age_range(self):
        self.assertTrue(Service.objects.filter(minimum_age=13, maximum_age=24).exists())

    def test_phone_types(self):
        types = set(Phone.objects.values_list("type", flat=True))
        self.assertTrue({"voice", "text", "textphone", "fax"} <= types)

    def test_only_national_lines_are_real_numbers(self):
        for number in Phone.objects.values_list("number", flat=True):
            with self.subTest(number=number):
                self.assertTrue(
                    number in NATIONAL_LINES or re.fullmatch(r"860-555-01\d\d", number),
                )
        self.assertTrue(
            Phone.objects.filter(number="1-888-373-7888", type="voice").exists()
        )
        self.assertTrue(Phone.objects.filter(number="233733", type="text").exists())
        self.assertEqual(
            set(Phone.objects.filter(number="988").values_list("type", flat=True)),
            {"voice", "text"},
        )

    def test_nothing_is_marked_verified(self):
        self.assertFalse(Service.objects.filter(assured_date__isnull=False).exists())

    def test_every_record_says_where_it_came_from(self):
        for model, resource_type in (
            (Organization, "organization"),
            (Service, "service"),
        ):
            for pk in model.objects.values_list("pk", flat=True):
                # The package's provenance row (the import logs its own too).
                metadata = Metadata.objects.get(
                    resource_type=resource_type, resource_id=pk, field_name="source"
                )
                self.assertEqual(metadata.field_name, "source")
                self.assertEqual(metadata.replacement_value, SOURCE)
                self.assertIn("not verified", metadata.replacement_value)
                self.assertEqual(metadata.updated_by, "load_demo_data")
                self.assertIsNotNone(metadata.last_action_date.tzinfo)

    def test_terms_come_from_the_shipped_taxonomies(self):
        # The loader links to the migrations' terms; it must not add its own.
        self.assertFalse(
            Attribute.objects.exclude(
                taxonomy_term__in=TaxonomyTerm.objects.all()
            ).exists()
        )

    def test_loading_again_changes_no_counts(self):
        before = row_counts()
        load_demo_data()
        self.assertEqual(row_counts(), before)

    def test_loading_again_restores_edited_rows(self):
        service = Service.objects.get(name="988 Suicide & Crisis Lifeline")
        Service.objects.filter(pk=service.pk).update(
            description="", assured_date=datetime.date(2026, 2, 1)
        )
        load_demo_data()
        service.refresh_from_db()
        self.assertTrue(service.description)
        self.assertIsNone(service.assured_date)

    def test_creates_no_login_unless_asked(self):
        self.assertNotIn("logins", self.result)
        self.assertFalse(User.objects.exists())


class LoadDemoDataCommandTests(TestCase):
    def call(self, *args) -> str:
        out = io.StringIO()
        call_command("load_demo_data", *args, stdout=out)
        return out.getvalue()

    def test_without_flag_loads_data_and_no_users(self):
        output = self.call()
        self.assertIn("services", output)
        self.assertGreaterEqual(Service.objects.count(), 30)
        self.assertFalse(User.objects.exists())
        self.assertNotIn("hartford-demo-2026", output)

    def test_demo_login_creates_staff_in_their_groups(self):
        output = self.call("--demo-login")
        expected = {
            "caseworker": ("hartford-demo-2026", roles.CASEWORKERS),
            "admin": ("hartford-admin-2026", roles.ADMINISTRATORS),
            "editor": ("hartford-editor-2026", roles.ORGANIZATION_EDITORS),
        }
        self.assertEqual(User.objects.count(), 3)
        for username, (password, group) in expected.items():
            with self.subTest(username=username):
                user = User.objects.get(username=username)
                self.assertTrue(user.check_password(password))
                self.assertTrue(user.is_staff)
                self.assertTrue(user.is_active)
                self.assertFalse(user.is_superuser)
                self.assertEqual(
                    list(user.groups.values_list("name", flat=True)), [group]
                )
                self.assertIn(username, output)
                self.assertIn(password, output)

    def test_demo_editor_edits_one_organization_and_has_a_request_waiting(self):
        self.call("--demo-login")
        editor = User.objects.get(username="editor")
        self.assertEqual(
            list(editor.organization_memberships.values_list("organization__name")),
            [("Interval House",)],
        )
        waiting = ChangeRequest.objects.open()
        self.assertGreaterEqual(waiting.count(), 4)
        proposal = waiting.get(submitted_by=editor)
        self.assertEqual(proposal.service.organization.name, "Interval House")
        self.assertEqual(
            {op["action"] for op in proposal.proposed_changes}, {"update", "create"}
        )

    def test_demo_logins_print_a_way_past_the_second_factor(self):
        from django_otp.plugins.otp_static.models import StaticToken
        from django_otp.plugins.otp_totp.models import TOTPDevice

        output = self.call("--demo-login")
        for username in ("caseworker", "admin", "editor"):
            with self.subTest(username=username):
                device = TOTPDevice.objects.get(user__username=username)
                self.assertTrue(device.confirmed)
                self.assertIn("otpauth://totp/", output)
                codes = StaticToken.objects.filter(device__user__username=username)
                self.assertEqual(codes.count(), 5)
                for code in codes:
                    self.assertIn(code.token, output)

    def test_demo_login_again_resets_the_password(self):
        self.call("--demo-login")
        user = User.objects.get(username="caseworker")
        user.set_password("something-else-entirely")
        user.is_superuser = True
        user.save()
        before = row_counts()
        self.call("--demo-login")
        user.refresh_from_db()
        self.assertTrue(user.check_password("hartford-demo-2026"))
        self.assertFalse(user.is_superuser)
        self.assertEqual(row_counts(), before)
