"""Places where services are delivered (HSDS location cluster)."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import (
    HSDSModel,
    Translatable,
    choices_constraint,
    required_text_constraint,
    tracked_history,
)


def validate_time_zone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not an IANA time zone such as America/New_York."),
            params={"value": value},
        )


class LocationType(models.TextChoices):
    PHYSICAL = "physical", _("Physical")
    POSTAL = "postal", _("Postal")
    VIRTUAL = "virtual", _("Virtual")


class AddressVisibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    CONFIDENTIAL = "confidential", _("Confidential (city and ZIP only)")


class Location(Translatable, HSDSModel):
    translated_fields = ("name", "alternate_name", "description", "transportation")

    Visibility = AddressVisibility

    location_type = models.CharField(
        max_length=10, choices=LocationType, default=LocationType.PHYSICAL
    )
    url = models.URLField(max_length=500, blank=True, default="")
    organization = models.ForeignKey(
        "resources.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="locations",
    )
    name = models.CharField(_("name"), max_length=255, blank=True, default="")
    alternate_name = models.CharField(max_length=255, blank=True, default="")
    description = models.TextField(blank=True, default="")
    transportation = models.TextField(blank=True, default="")
    latitude = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    external_identifier = models.CharField(max_length=255, blank=True, default="")
    external_identifier_type = models.CharField(max_length=100, blank=True, default="")
    # Extensions (DESIGN.md §4).
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        default="",
        validators=[validate_time_zone],
        help_text=_("IANA name, e.g. America/New_York. Blank: the directory's zone."),
    )
    address_visibility = models.CharField(
        max_length=12,
        choices=Visibility,
        default=Visibility.PUBLIC,
        help_text=_(
            "Confidential locations (shelters) show only city, state and ZIP "
            "to the public."
        ),
    )

    history = tracked_history()

    class Meta:
        ordering = ["name"]
        constraints = [
            choices_constraint("location", "location_type", LocationType),
            choices_constraint("location", "address_visibility", AddressVisibility),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90),
                name="location_latitude_range",
                violation_error_message=_("Latitude must be between -90 and 90."),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True)
                | Q(longitude__gte=-180, longitude__lte=180),
                name="location_longitude_range",
                violation_error_message=_("Longitude must be between -180 and 180."),
            ),
        ]
        indexes = [
            models.Index(fields=["latitude", "longitude"], name="location_coords_idx")
        ]

    def __str__(self):
        return self.name or str(self.pk)

    @property
    def is_confidential(self) -> bool:
        return self.address_visibility == self.Visibility.CONFIDENTIAL

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """Return the zone this location's opening hours are written in."""
        return zoneinfo.ZoneInfo(self.time_zone or settings.TIME_ZONE)


class Address(HSDSModel):
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="addresses"
    )
    attention = models.CharField(max_length=255, blank=True, default="")
    address_1 = models.CharField(_("street address"), max_length=255)
    address_2 = models.CharField(max_length=255, blank=True, default="")
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(max_length=100, blank=True, default="")
    state_province = models.CharField(_("state"), max_length=100)
    postal_code = models.CharField(_("ZIP code"), max_length=20)
    country = models.CharField(
        max_length=2, default="US", help_text=_("ISO 3166-1 alpha-2 code.")
    )
    address_type = models.CharField(
        max_length=10, choices=LocationType, default=LocationType.PHYSICAL
    )

    history = tracked_history()

    class Meta:
        verbose_name_plural = "addresses"
        # No check on address_1: the address of a confidential location
        # may come from another directory without its street (redacted).
        # The admin form still requires it.
        constraints = [
            required_text_constraint("address", "city"),
            required_text_constraint("address", "state_province"),
            required_text_constraint("address", "postal_code"),
            required_text_constraint("address", "country"),
            choices_constraint("address", "address_type", LocationType),
        ]
        indexes = [models.Index(fields=["postal_code"], name="address_postal_idx")]

    def __str__(self):
        return ", ".join(
            part for part in (self.address_1, self.city, self.state_province) if part
        )

    @property
    def public_lines(self) -> list[str]:
        """Return the lines the public may read, hiding a confidential street."""
        locality = f"{self.city}, {self.state_province} {self.postal_code}".strip()
        if self.location.is_confidential:
            return [locality]
        return [line for line in (self.address_1, self.address_2, locality) if line]


class Accessibility(Translatable, HSDSModel):
    translated_fields = ("description", "details")

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="accessibility"
    )
    description = models.TextField(blank=True, default="")
    details = models.TextField(blank=True, default="")
    url = models.URLField(max_length=500, blank=True, default="")

    history = tracked_history()

    class Meta:
        verbose_name_plural = "accessibility"

    def __str__(self):
        return self.description[:60]


class ServiceAtLocation(HSDSModel):
    """The only link between a service and a location, as in HSDS."""

    service = models.ForeignKey(
        "resources.Service",
        on_delete=models.CASCADE,
        related_name="service_at_locations",
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    description = models.TextField(blank=True, default="")

    history = tracked_history()

    class Meta:
        verbose_name = "service at location"
        verbose_name_plural = "services at locations"
        constraints = [
            models.UniqueConstraint(
                fields=["service", "location"],
                name="service_at_location_unique",
                violation_error_message=_(
                    "This service is already linked to this location."
                ),
            )
        ]

    def __str__(self):
        return f"{self.service} @ {self.location}"
