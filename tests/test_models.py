"""The data model keeps its HSDS shape and its integrity rules."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from resources.models import Attribute, Language, Location, Phone, Schedule, Service
from resources.services import service_set_terms
from resources.taxonomies import ACCESS_ID, CATEGORIES_ID, CATEGORY_TREE

from .factories import make_location, make_organization, make_service, tag, term

pytestmark = pytest.mark.django_db


def rejected(**kwargs):
    """Assert the database refuses the write, whatever validation was skipped."""
    with pytest.raises(IntegrityError), transaction.atomic():
        kwargs.pop("model").objects.create(**kwargs)


class TestConstraints:
    def test_bad_enum_values_are_rejected_by_the_database(self):
        organization = make_organization()
        rejected(model=Service, organization=organization, name="x", status="open")
        rejected(
            model=Service,
            organization=organization,
            name="x",
            publication_status="live",
        )
        rejected(model=Location, location_type="moon")
        rejected(model=Location, address_visibility="secret")
        rejected(model=Phone, number="860-555-0100", type="pigeon")
        service = make_service()
        rejected(model=Schedule, service=service, freq="DAILY")

    def test_missing_required_fields_are_rejected_by_the_database(self):
        organization = make_organization()
        rejected(model=Service, organization=organization, name="")
        rejected(model=type(organization), name="", description="d")
        rejected(model=type(organization), name="n", description="")
        rejected(model=Phone, number="")
        rejected(model=Language, name="", code="")

    def test_schedule_needs_an_owner_and_ordered_validity(self):
        rejected(model=Schedule, byday="MO")
        rejected(
            model=Schedule,
            service=make_service(),
            valid_from=datetime.date(2026, 2, 1),
            valid_to=datetime.date(2026, 1, 1),
        )

    def test_age_range_must_be_ordered(self):
        rejected(
            model=Service,
            organization=make_organization(),
            name="x",
            minimum_age=30,
            maximum_age=18,
        )

    def test_validation_explains_bad_values(self):
        service = Service(organization=make_organization(), name="", status="open")
        with pytest.raises(ValidationError) as error:
            service.full_clean()
        assert {"name", "status"} <= set(error.value.message_dict)

        schedule = Schedule(service=make_service(), byday="Mondays")
        with pytest.raises(ValidationError) as error:
            schedule.full_clean()
        assert "byday" in error.value.message_dict

        location = Location(time_zone="Hartford/Standard")
        with pytest.raises(ValidationError) as error:
            location.full_clean()
        assert "time_zone" in error.value.message_dict

    def test_monthly_byday_rules_are_accepted(self):
        schedule = Schedule(
            service=make_service(), freq=Schedule.Frequency.MONTHLY, byday="1SA,-1FR"
        )
        schedule.full_clean()
        assert schedule.days_display == "1st Saturday, last Friday"


class TestPublished:
    def test_only_published_active_or_temporarily_closed_services_are_public(self):
        visible = make_service(name="Visible")
        closed = make_service(name="Closed", status=Service.Status.TEMPORARILY_CLOSED)
        make_service(name="Draft", publication_status=Service.Publication.DRAFT)
        make_service(name="Inactive", status=Service.Status.INACTIVE)
        make_service(name="Defunct", status=Service.Status.DEFUNCT)

        assert set(Service.objects.published()) == {visible, closed}

    def test_new_services_start_as_drafts(self):
        service = Service.objects.create(organization=make_organization(), name="New")
        assert not Service.objects.published().filter(pk=service.pk).exists()


class TestAttributes:
    def test_a_services_attributes_exclude_other_records_sharing_its_id(self):
        service = make_service()
        tag(service, "food")
        # Some publishers reuse one UUID across tables; HSDS keys on both.
        Attribute.objects.create(
            link_entity="organization", link_id=service.pk, taxonomy_term=term("legal")
        )

        assert [a.taxonomy_term.code for a in service.attributes.all()] == ["food"]
        prefetched = Service.objects.prefetch_related("attributes").get()
        assert [a.taxonomy_term.code for a in prefetched.attributes.all()] == ["food"]
        assert (
            list(Service.objects.filter(attributes__taxonomy_term=term("legal"))) == []
        )

    def test_deleting_a_service_deletes_only_its_own_attributes(self):
        service = make_service()
        tag(service, "food")
        other = Attribute.objects.create(
            link_entity="organization", link_id=service.pk, taxonomy_term=term("legal")
        )
        service.delete()
        assert list(Attribute.objects.all()) == [other]

    def test_with_terms_counts_each_service_once(self):
        service = make_service()
        tag(service, "housing", "emergency-shelter")
        assert list(
            Service.objects.with_terms([term("housing"), term("emergency-shelter")])
        ) == [service]

    def test_set_terms_replaces_one_taxonomy_and_keeps_the_other(self):
        service = make_service()
        tag(service, "food", "free")
        kept = Attribute.objects.get(taxonomy_term=term("food"))

        service_set_terms(
            service=service,
            taxonomy_id=CATEGORIES_ID,
            terms=[term("food"), term("legal-aid")],
        )

        codes = {a.taxonomy_term.code for a in service.attributes.all()}
        assert codes == {"food", "legal-aid", "free"}
        assert Attribute.objects.filter(pk=kept.pk).exists()

        service_set_terms(service=service, taxonomy_id=ACCESS_ID, terms=[])
        codes = {a.taxonomy_term.code for a in service.attributes.all()}
        assert codes == {"food", "legal-aid"}


class TestShippedData:
    def test_every_category_of_the_tree_is_installed_under_its_parent(self):
        for code, _name, _description, children in CATEGORY_TREE:
            assert term(code).parent is None
            for child_code, *_ in children:
                assert term(child_code).parent == term(code)

    def test_staff_groups_exist_with_permissions(self):
        from django.contrib.auth.models import Group

        caseworkers = Group.objects.get(name="Caseworkers")
        admins = Group.objects.get(name="Directory administrators")
        codes = set(caseworkers.permissions.values_list("codename", flat=True))
        assert {"change_service", "add_schedule", "delete_phone"} <= codes
        assert "delete_organization" not in codes
        assert admins.permissions.filter(codename="delete_organization").exists()


class TestLocations:
    def test_confidential_address_shows_only_city_state_and_zip(self):
        location = make_location(
            address_visibility=Location.Visibility.CONFIDENTIAL,
            address={"address_1": "12 Secret Lane"},
        )
        address = location.addresses.get()
        assert address.public_lines == ["West Hartford, CT 06107"]

    def test_time_zone_defaults_to_the_directorys(self, settings):
        settings.TIME_ZONE = "America/New_York"
        assert str(Location(time_zone="").zone) == "America/New_York"
        assert str(Location(time_zone="America/Chicago").zone) == "America/Chicago"

    def test_phone_links_keep_only_dialable_characters(self):
        phone = Phone(number="(860) 555-0101", extension=12)
        assert phone.tel_uri == "tel:8605550101;ext=12"
        assert Phone(number="+1 888 373 7888").sms_uri == "sms:+18883737888"
