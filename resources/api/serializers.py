"""HSDS 3.1 objects as JSON: the API's responses and the JSON exports.

Field names and nesting follow the official HSDS compiled schemas. HSDS
allows no nulls, so empty optional values are left out; the fields HSDS
requires are always present. Our extensions appear under their own names:
`location.time_zone`, `location.address_visibility`, `schedule.time_zone`
and `phone.main` (only when true).

Hours carry their zone: `opens_at` and `closes_at` with the UTC offset of
the zone they are wall-clock times in, that offset as `timezone` and the
zone's IANA name as `time_zone` (see `mapping.zoned_hours`). The zone is the
one of the record that holds the schedule (`HoursZoneMixin`).

Confidential locations (shelters): unless the serializer context says
`staff` (staff exports only), every place a location appears
shows no street lines (`address_1` is empty, `address_2` and `attention`
are left out), no transportation notes, and coordinates rounded to two
decimals (about half a mile), as on the public pages.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..hsds.mapping import datestamp, zoned_hours
from ..models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    Metadata,
    Organization,
    OrganizationIdentifier,
    Phone,
    Program,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    Taxonomy,
    TaxonomyTerm,
    Unit,
    Url,
)
from ..models.base import Translatable
from ..models.schedules import hsds_schedules
from ..opening import service_zone

HSDS_VERSION = "3.1"


def _fk():
    return serializers.UUIDField(read_only=True)


def _utc():
    return serializers.DateTimeField(read_only=True, default_timezone=dt.UTC)


@extend_schema_field(
    {
        "type": "object",
        "description": "Extension: the object's text in other languages, by "
        'language code, e.g. {"es": {"description": "..."}}.',
        "additionalProperties": {
            "type": "object",
            "additionalProperties": {"type": "string"},
        },
    }
)
class TranslationsField(serializers.JSONField):
    """Our `translations` extension (see `resources.texts`)."""


class HSDSSerializer(serializers.ModelSerializer):
    """Leave out empty optional values; keep the keys HSDS requires.

    A translatable object's text comes in the language the request asked
    for (`context["language"]`), and all of it under `translations`.
    """

    required_keys: tuple[str, ...] = ("id",)
    with_translations = True

    def get_fields(self):
        fields = super().get_fields()
        if self.with_translations and issubclass(self.Meta.model, Translatable):
            fields["translations"] = TranslationsField(read_only=True)
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if isinstance(instance, Translatable):
            _translate(data, instance, self.context.get("language"))
        required = self.required_keys
        return {
            key: value
            for key, value in data.items()
            if key in required or value not in (None, "", {})
        }


def _translate(data: dict, instance: Translatable, language: str | None) -> None:
    """Put `instance`'s text in `language` in its fields, where it has it.

    Elsewhere the English stays; every language's text is in `translations`.
    """
    if language and language != settings.LANGUAGE_CODE:
        for field in instance.translated_fields:
            if field in data:
                data[field] = instance.translated(field, language)[0]


# Small objects ---------------------------------------------------------------


class UrlSerializer(HSDSSerializer):
    organization_id = _fk()
    service_id = _fk()
    required_keys = ("id", "url")

    class Meta:
        model = Url
        fields = ("id", "label", "url", "organization_id", "service_id")


class FundingSerializer(HSDSSerializer):
    organization_id = _fk()
    service_id = _fk()

    class Meta:
        model = Funding
        fields = ("id", "organization_id", "service_id", "source")


class LanguageSerializer(HSDSSerializer):
    service_id = _fk()
    location_id = _fk()
    phone_id = _fk()

    class Meta:
        model = Language
        fields = ("id", "service_id", "location_id", "phone_id", "name", "code", "note")


class PhoneSerializer(HSDSSerializer):
    location_id = _fk()
    service_id = _fk()
    organization_id = _fk()
    contact_id = _fk()
    service_at_location_id = _fk()
    languages = LanguageSerializer(many=True, read_only=True)
    main = serializers.SerializerMethodField()
    required_keys = ("id", "number")

    class Meta:
        model = Phone
        fields = (
            "id",
            "location_id",
            "service_id",
            "organization_id",
            "contact_id",
            "service_at_location_id",
            "number",
            "extension",
            "type",
            "description",
            "main",
            "languages",
        )

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_main(self, phone) -> bool | None:
        # Our extension, only where it says something: the main phone.
        return True if phone.main else None


class ContactSerializer(HSDSSerializer):
    organization_id = _fk()
    service_id = _fk()
    service_at_location_id = _fk()
    location_id = _fk()
    phones = PhoneSerializer(many=True, read_only=True)

    class Meta:
        model = Contact
        fields = (
            "id",
            "organization_id",
            "service_id",
            "service_at_location_id",
            "location_id",
            "name",
            "title",
            "department",
            "email",
            "phones",
        )


class AddressSerializer(HSDSSerializer):
    location_id = _fk()
    required_keys = (
        "id",
        "address_1",
        "city",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    )

    class Meta:
        model = Address
        fields = (
            "id",
            "location_id",
            "attention",
            "address_1",
            "address_2",
            "city",
            "region",
            "state_province",
            "postal_code",
            "country",
            "address_type",
        )


class AccessibilitySerializer(HSDSSerializer):
    location_id = _fk()

    class Meta:
        model = Accessibility
        fields = ("id", "location_id", "description", "details", "url")


class HoursZoneMixin:
    """Serialize the schedules nested in a record in that record's zone.

    `hours_zone(instance)` names the zone, or None to keep the enclosing
    record's (a service inside its service-at-location). The zones stack in
    the serializer context while the record's fields are written.
    """

    def hours_zone(self, instance) -> ZoneInfo | None:
        raise NotImplementedError

    def to_representation(self, instance):
        zone = self.hours_zone(instance)
        if zone is None:
            return super().to_representation(instance)
        zones = self.context.setdefault("hours_zones", [])
        zones.append(zone)
        try:
            return super().to_representation(instance)
        finally:
            zones.pop()


class ClosedScheduleListSerializer(serializers.ListSerializer):
    """The schedules of a service (or of one of its links) with its closures.

    Holiday closures and "closed until" are not HSDS records: they reach
    other systems as HSDS says them (`models.schedules.hsds_schedules`). The
    service's special hours are written once, with its own schedules.
    """

    def get_attribute(self, instance):
        schedules = super().get_attribute(instance).all()
        service = getattr(instance, "service", instance)
        today = timezone.localdate()
        closures = [c for c in service.closures.all() if c.last_day >= today]
        if not closures:
            return schedules
        special = isinstance(instance, Service)
        return hsds_schedules(schedules, closures, special=special)


def closed_schedules() -> ClosedScheduleListSerializer:
    return ClosedScheduleListSerializer(child=ScheduleSerializer(), read_only=True)


class ScheduleSerializer(HSDSSerializer):
    service_id = _fk()
    location_id = _fk()
    service_at_location_id = _fk()
    # HSDS types them as strings: a time with its offset, 09:00:00-05:00.
    opens_at = serializers.CharField(read_only=True)
    closes_at = serializers.CharField(read_only=True)
    time_zone = serializers.SerializerMethodField()

    class Meta:
        model = Schedule
        fields = (
            "id",
            "service_id",
            "location_id",
            "service_at_location_id",
            "valid_from",
            "valid_to",
            "dtstart",
            "timezone",
            "until",
            "count",
            "wkst",
            "freq",
            "interval",
            "byday",
            "byweekno",
            "bymonthday",
            "byyearday",
            "description",
            "opens_at",
            "closes_at",
            "schedule_link",
            "attending_type",
            "notes",
            "time_zone",
        )

    def zone(self) -> ZoneInfo:
        zones = self.context.get("hours_zones")
        return zones[-1] if zones else ZoneInfo(settings.TIME_ZONE)

    def get_time_zone(self, schedule) -> str:
        return str(self.zone())

    def to_representation(self, schedule):
        data = super().to_representation(schedule)
        row = {
            "valid_from": schedule.valid_from,
            "valid_to": schedule.valid_to,
            "opens_at": schedule.opens_at,
            "closes_at": schedule.closes_at,
            "timezone": schedule.timezone,
        }
        data.pop("time_zone")
        data.update(zoned_hours(row, self.zone(), timezone.localdate()))
        return data


class ServiceAreaSerializer(HSDSSerializer):
    service_id = _fk()
    service_at_location_id = _fk()

    class Meta:
        model = ServiceArea
        fields = (
            "id",
            "service_id",
            "service_at_location_id",
            "name",
            "description",
            "extent",
            "extent_type",
            "uri",
        )


class CostOptionSerializer(HSDSSerializer):
    service_id = _fk()

    class Meta:
        model = CostOption
        fields = (
            "id",
            "service_id",
            "valid_from",
            "valid_to",
            "option",
            "currency",
            "amount",
            "amount_description",
        )


class RequiredDocumentSerializer(HSDSSerializer):
    service_id = _fk()

    class Meta:
        model = RequiredDocument
        fields = ("id", "service_id", "document", "uri")


class ProgramSerializer(HSDSSerializer):
    organization_id = _fk()
    required_keys = ("id", "name", "description")

    class Meta:
        model = Program
        fields = ("id", "organization_id", "name", "alternate_name", "description")


class OrganizationIdentifierSerializer(HSDSSerializer):
    organization_id = _fk()
    required_keys = ("id", "identifier_type", "identifier")

    class Meta:
        model = OrganizationIdentifier
        fields = (
            "id",
            "organization_id",
            "identifier_scheme",
            "identifier_type",
            "identifier",
        )


class UnitSerializer(HSDSSerializer):
    required_keys = ("id", "name")

    class Meta:
        model = Unit
        fields = ("id", "name", "scheme", "identifier", "uri")


class ServiceCapacitySerializer(HSDSSerializer):
    service_id = _fk()
    unit_id = _fk()
    unit = UnitSerializer(read_only=True)
    updated = _utc()
    required_keys = ("id", "unit", "available", "updated")

    class Meta:
        model = ServiceCapacity
        fields = (
            "id",
            "service_id",
            "unit_id",
            "unit",
            "available",
            "maximum",
            "description",
            "updated",
        )


class MetadataSerializer(HSDSSerializer):
    last_action_date = serializers.SerializerMethodField()
    required_keys = (
        "id",
        "last_action_date",
        "last_action_type",
        "field_name",
        "previous_value",
        "replacement_value",
        "updated_by",
    )

    class Meta:
        model = Metadata
        fields = (
            "id",
            "resource_id",
            "resource_type",
            "last_action_date",
            "last_action_type",
            "field_name",
            "previous_value",
            "replacement_value",
            "updated_by",
        )

    @extend_schema_field(OpenApiTypes.STR)
    def get_last_action_date(self, row) -> str:
        # HSDS types it as a date; our change log keeps the time too.
        return datestamp(row.last_action_date)


class MetadataMixin(serializers.Serializer):
    metadata = serializers.SerializerMethodField()

    @extend_schema_field(MetadataSerializer(many=True))
    def get_metadata(self, obj) -> list:
        rows = getattr(obj, "hsds_metadata", [])
        return MetadataSerializer(rows, many=True, context=self.context).data


# Taxonomies ------------------------------------------------------------------


class TaxonomySerializer(HSDSSerializer):
    required_keys = ("id", "name", "description")

    class Meta:
        model = Taxonomy
        fields = ("id", "name", "description", "uri", "version")


class TaxonomyTermSerializer(HSDSSerializer):
    parent_id = _fk()
    taxonomy_id = serializers.UUIDField(source="taxonomy_detail_id", read_only=True)
    taxonomy_detail = TaxonomySerializer(read_only=True)
    required_keys = ("id", "name", "description")

    class Meta:
        model = TaxonomyTerm
        fields = (
            "id",
            "code",
            "name",
            "description",
            "parent_id",
            "taxonomy",
            "taxonomy_detail",
            "language",
            "taxonomy_id",
            "term_uri",
        )


class AttributeSerializer(HSDSSerializer):
    taxonomy_term_id = _fk()
    taxonomy_term = TaxonomyTermSerializer(read_only=True)

    class Meta:
        model = Attribute
        fields = (
            "id",
            "link_id",
            "taxonomy_term_id",
            "link_type",
            "link_entity",
            "value",
            "taxonomy_term",
            "label",
        )


# Locations -------------------------------------------------------------------


class LocationListSerializer(HSDSSerializer):
    """A location's own fields, confidential ones withheld."""

    organization_id = _fk()
    required_keys = ("id", "location_type")

    class Meta:
        model = Location
        fields = (
            "id",
            "location_type",
            "url",
            "organization_id",
            "name",
            "alternate_name",
            "description",
            "transportation",
            "latitude",
            "longitude",
            "external_identifier",
            "external_identifier_type",
            "time_zone",
            "address_visibility",
        )

    def to_representation(self, location):
        data = super().to_representation(location)
        if location.is_confidential and not self.context.get("staff"):
            withhold(data)
        return data


def withhold(data: dict) -> None:
    """Remove what would find a confidential place, in a serialized location."""
    data.pop("transportation", None)
    for axis in ("latitude", "longitude"):
        if axis in data:
            data[axis] = round(data[axis], 2)
    for address in data.get("addresses", ()):
        address["address_1"] = ""
        address.pop("address_2", None)
        address.pop("attention", None)


class LocationSerializer(HoursZoneMixin, LocationListSerializer):
    def hours_zone(self, location):
        return location.zone

    languages = LanguageSerializer(many=True, read_only=True)
    addresses = AddressSerializer(many=True, read_only=True)
    contacts = ContactSerializer(many=True, read_only=True)
    accessibility = AccessibilitySerializer(many=True, read_only=True)
    phones = PhoneSerializer(many=True, read_only=True)
    schedules = ScheduleSerializer(many=True, read_only=True)
    attributes = AttributeSerializer(many=True, read_only=True)

    class Meta(LocationListSerializer.Meta):
        fields = (
            *LocationListSerializer.Meta.fields,
            "languages",
            "addresses",
            "contacts",
            "accessibility",
            "phones",
            "schedules",
            "attributes",
        )


# Organizations ---------------------------------------------------------------


class OrganizationListSerializer(HSDSSerializer):
    parent_organization_id = _fk()
    required_keys = ("id", "name", "description")

    class Meta:
        model = Organization
        fields = (
            "id",
            "name",
            "alternate_name",
            "description",
            "email",
            "website",
            "tax_status",
            "tax_id",
            "year_incorporated",
            "legal_status",
            "logo",
            "uri",
            "parent_organization_id",
        )


class OrganizationSerializer(OrganizationListSerializer):
    """A fully nested organization, as it appears inside a service."""

    additional_websites = UrlSerializer(many=True, read_only=True)
    funding = FundingSerializer(many=True, read_only=True)
    contacts = ContactSerializer(many=True, read_only=True)
    phones = PhoneSerializer(many=True, read_only=True)
    locations = LocationSerializer(many=True, read_only=True)
    programs = ProgramSerializer(many=True, read_only=True)
    organization_identifiers = OrganizationIdentifierSerializer(
        many=True, read_only=True
    )
    attributes = AttributeSerializer(many=True, read_only=True)

    class Meta(OrganizationListSerializer.Meta):
        fields = (
            *OrganizationListSerializer.Meta.fields,
            "additional_websites",
            "funding",
            "contacts",
            "phones",
            "locations",
            "programs",
            "organization_identifiers",
            "attributes",
        )


# Services --------------------------------------------------------------------


class ServiceMinimalSerializer(HSDSSerializer):
    """`minimal=true`: what a client needs to see what changed.

    HSDS asks for id and last_modified; name and status are added because
    the list item schema requires them.
    """

    last_modified = _utc()
    required_keys = ("id", "name", "status")
    with_translations = False

    class Meta:
        model = Service
        fields = ("id", "name", "status", "last_modified")


SERVICE_FIELDS = (
    "id",
    "organization_id",
    "program_id",
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "interpretation_services",
    "application_process",
    "fees_description",
    "wait_time",
    "fees",
    "accreditations",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "assured_date",
    "assurer_email",
    "licenses",
    "alert",
    "last_modified",
)


class ServiceListSerializer(HSDSSerializer):
    """A service's one-to-one fields, with its organization and program."""

    organization_id = _fk()
    program_id = _fk()
    last_modified = _utc()
    organization = OrganizationListSerializer(read_only=True)
    program = ProgramSerializer(read_only=True)
    required_keys = ("id", "name", "status")

    class Meta:
        model = Service
        fields = (*SERVICE_FIELDS, "organization", "program")

    def to_representation(self, service):
        data = super().to_representation(service)
        if self.context.get("staff"):
            # Extension, in staff exports only: the public sees published ones.
            data["publication_status"] = service.publication_status
        return data


class ServiceAtLocationNestedSerializer(HoursZoneMixin, HSDSSerializer):
    """A service-at-location inside its service: the location in full."""

    service_id = _fk()
    location_id = _fk()
    service_areas = ServiceAreaSerializer(many=True, read_only=True)
    contacts = ContactSerializer(many=True, read_only=True)
    phones = PhoneSerializer(many=True, read_only=True)
    schedules = closed_schedules()
    location = LocationSerializer(read_only=True)

    def hours_zone(self, link):
        return link.location.zone

    class Meta:
        model = ServiceAtLocation
        fields = (
            "id",
            "service_id",
            "location_id",
            "description",
            "service_areas",
            "contacts",
            "phones",
            "schedules",
            "location",
        )


class ServiceWithoutLinksSerializer(
    HoursZoneMixin, MetadataMixin, ServiceListSerializer
):
    """A fully nested service, except its service-at-location rows."""

    additional_urls = UrlSerializer(many=True, read_only=True)
    phones = PhoneSerializer(many=True, read_only=True)
    schedules = closed_schedules()
    service_areas = ServiceAreaSerializer(many=True, read_only=True)
    languages = LanguageSerializer(many=True, read_only=True)
    organization = OrganizationSerializer(read_only=True)
    funding = FundingSerializer(many=True, read_only=True)
    cost_options = CostOptionSerializer(many=True, read_only=True)
    required_documents = RequiredDocumentSerializer(many=True, read_only=True)
    contacts = ContactSerializer(many=True, read_only=True)
    capacities = ServiceCapacitySerializer(many=True, read_only=True)
    attributes = AttributeSerializer(many=True, read_only=True)

    def hours_zone(self, service):
        # Its links are loaded with it, except inside a service-at-location,
        # whose zone then holds.
        if "service_at_locations" in getattr(service, "_prefetched_objects_cache", {}):
            return service_zone(service)
        return None

    class Meta(ServiceListSerializer.Meta):
        fields = (
            *SERVICE_FIELDS,
            "additional_urls",
            "phones",
            "schedules",
            "service_areas",
            "languages",
            "organization",
            "funding",
            "cost_options",
            "program",
            "required_documents",
            "contacts",
            "capacities",
            "attributes",
            "metadata",
        )


class ServiceSerializer(ServiceWithoutLinksSerializer):
    """The fully nested service of `GET /services/{id}` and the exports."""

    service_at_locations = ServiceAtLocationNestedSerializer(many=True, read_only=True)

    class Meta(ServiceWithoutLinksSerializer.Meta):
        fields = (
            *ServiceWithoutLinksSerializer.Meta.fields[:-2],
            "service_at_locations",
            "attributes",
            "metadata",
        )


class OrganizationDetailSerializer(MetadataMixin, OrganizationSerializer):
    """`GET /organizations/{id}`: the organization and its published services."""

    services = serializers.SerializerMethodField()

    class Meta(OrganizationSerializer.Meta):
        fields = (*OrganizationSerializer.Meta.fields, "metadata", "services")

    @extend_schema_field(ServiceListSerializer(many=True))
    def get_services(self, organization) -> list:
        serializer = (
            ServiceSerializer
            if self.context.get("full_service")
            else ServiceListSerializer
        )
        services = getattr(organization, "hsds_services", [])
        return serializer(services, many=True, context=self.context).data


# Service at location ---------------------------------------------------------


class ServiceAtLocationListSerializer(HSDSSerializer):
    service_id = _fk()
    location_id = _fk()
    location = LocationListSerializer(read_only=True)
    service = ServiceListSerializer(read_only=True)

    class Meta:
        model = ServiceAtLocation
        fields = (
            "id",
            "service_id",
            "location_id",
            "description",
            "location",
            "service",
        )


class ServiceAtLocationSerializer(ServiceAtLocationNestedSerializer):
    """`GET /service_at_locations/{id}`: the link, its location and its service."""

    service = ServiceWithoutLinksSerializer(read_only=True)

    class Meta(ServiceAtLocationNestedSerializer.Meta):
        fields = (*ServiceAtLocationNestedSerializer.Meta.fields, "service")


# The API root ------------------------------------------------------------------


class PublisherSerializer(serializers.Serializer):
    name = serializers.CharField()
    url = serializers.URLField(required=False)


class RootSerializer(serializers.Serializer):
    version = serializers.CharField()
    profile = serializers.URLField()
    openapi_url = serializers.URLField()
    description = serializers.CharField()
    publisher = PublisherSerializer()
