"""Services and their terms of access (HSDS service cluster)."""

import datetime
import math
from zoneinfo import ZoneInfo

from django.db import connections, models
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    FloatField,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import (
    ASin,
    Cos,
    Least,
    Mod,
    Power,
    Radians,
    Round,
    Sin,
    Sqrt,
)
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .. import geo, hours
from .base import (
    HSDSModel,
    PostgresPartialIndex,
    choices_constraint,
    required_text_constraint,
)


def _window_condition(zone: str, offset: int, minute: int, day: hours.DayFacts) -> Q:
    """Match `OpeningWindow` rows exactly as `hours.window_matches` does."""
    week = (Value(day.day_number) - F("week_start")) / 7 - F("anchor")
    month = Value(day.month) - F("anchor")
    return (
        Q(
            zone=zone,
            day_offset=offset,
            start_minute__lte=minute,
            end_minute__gt=minute,
        )
        & (Q(weekday__isnull=True) | Q(weekday=day.weekday))
        & (Q(month_ordinal__isnull=True) | Q(month_ordinal__in=day.ordinals))
        & (Q(monthday__isnull=True) | Q(monthday__in=day.monthdays))
        & (Q(first_day__isnull=True) | Q(first_day__lte=day.date))
        & (Q(last_day__isnull=True) | Q(last_day__gte=day.date))
        & (
            Q(interval=1)
            | Q(Exact(Mod(week, F("interval")), 0), interval_unit="week")
            | Q(Exact(Mod(month, F("interval")), 0), interval_unit="month")
        )
    )


def _due_before(day: datetime.date, policy) -> Q:
    """Match services, annotated `verification_months`, due again before `day`."""
    condition = Q(pk__in=[])
    for months in policy.intervals():
        condition |= Q(
            verification_months=months,
            assured_date__lt=policy.last_assured_before_due(day, months),
        )
    return condition


class VerificationState(models.TextChoices):
    NEVER = "never", _("Never verified")
    OVERDUE = "overdue", _("Overdue")
    DUE = "due", _("Due soon")
    CURRENT = "current", _("Up to date")


def _attributes_prefetch() -> Prefetch:
    """`service.tags`: its categories and access terms, as a list, by name.

    A list (`to_attr`) rather than the related manager's cache: Django then
    builds no queryset per service.
    """
    from .taxonomy import Attribute

    return Prefetch(
        "attributes",
        queryset=Attribute.objects.filter(taxonomy_term__isnull=False)
        .select_related("taxonomy_term")
        .order_by("taxonomy_term__name"),
        to_attr="tags",
    )


class ServiceQuerySet(models.QuerySet):
    def published(self) -> "ServiceQuerySet":
        """Return what the public may see: published, and not inactive or defunct.

        Temporarily closed services stay listed (shown as closed) so that
        people learn they exist and when to come back.
        """
        return self.filter(
            publication_status=Service.Publication.PUBLISHED,
            status__in=Service.VISIBLE_STATUSES,
        )

    def for_listing(self) -> "ServiceQuerySet":
        """Fetch what a list of services shows, in a fixed number of queries."""
        from .contacts import Phone
        from .locations import ServiceAtLocation

        # A card shows one phone: the first, as a subquery, not a prefetch.
        first_phone = Phone.objects.filter(service=OuterRef("pk")).order_by("pk")
        return (
            self.select_related("organization")
            .annotate(
                phone_number=Subquery(first_phone.values("number")[:1]),
                phone_type=Subquery(first_phone.values("type")[:1]),
            )
            .prefetch_related(
                _attributes_prefetch(),
                Prefetch(
                    "service_at_locations",
                    queryset=ServiceAtLocation.objects.select_related("location"),
                ),
            )
        )

    def for_detail(self) -> "ServiceQuerySet":
        """Fetch everything a service's own page shows, in a fixed number of queries."""
        from .locations import ServiceAtLocation

        return self.select_related("organization").prefetch_related(
            _attributes_prefetch(),
            "phones",
            "languages",
            "cost_options",
            "required_documents",
            Prefetch(
                "service_at_locations",
                queryset=ServiceAtLocation.objects.select_related(
                    "location"
                ).prefetch_related(
                    "location__addresses",
                    "location__accessibility",
                    "location__phones",
                ),
            ),
        )

    def with_terms(self, terms) -> "ServiceQuerySet":
        """Return services carrying any of the given taxonomy terms (or their ids).

        A semi-join rather than a join, so a service with two matching terms
        is still one row.
        """
        from .taxonomy import Attribute

        return self.filter(
            id__in=Attribute.objects.for_entity("service")
            .filter(taxonomy_term__in=terms)
            .values("link_id")
        )

    def open_at(self, instant: datetime.datetime) -> "ServiceQuerySet":
        """Return services open at `instant` (aware), by their opening windows.

        Each zone in use gets its own local weekday, minute and month
        ordinals, so the match is on wall-clock time and right across DST.
        Temporarily closed services are never open.
        """
        from .schedules import OpeningWindow

        condition = Q(pk__in=[])
        for zone in OpeningWindow.objects.using(self.db).zones():
            minute, today, yesterday = hours.instant_facts(instant, ZoneInfo(zone))
            for offset, day in ((0, today), (1, yesterday)):
                condition |= _window_condition(zone, offset, minute, day)
        windows = OpeningWindow.objects.filter(condition, service=OuterRef("pk"))
        return self.filter(Exists(windows)).exclude(
            status=ServiceStatus.TEMPORARILY_CLOSED
        )

    def never_verified(self) -> "ServiceQuerySet":
        """Return services nobody has confirmed yet (no assured date)."""
        return self.filter(assured_date__isnull=True)

    def with_verification_months(self) -> "ServiceQuerySet":
        """Annotate `verification_months`: the policy's interval for each service.

        The shortest override among its categories (a parent's override
        covers its sub-categories), else the policy's default.
        """
        if "verification_months" in self.query.annotations:
            return self
        from ..policy import verification_policy
        from .taxonomy import Attribute

        policy = verification_policy()
        whens = []
        for months, codes in policy.codes_by_months().items():
            terms = Attribute.objects.for_entity("service").filter(
                Q(taxonomy_term__code__in=codes)
                | Q(taxonomy_term__parent__code__in=codes),
                link_id=OuterRef("pk"),
            )
            whens.append(When(Exists(terms), then=Value(months)))
        return self.annotate(
            verification_months=Case(
                *whens, default=Value(policy.months), output_field=IntegerField()
            )
        )

    def with_verification_state(
        self, today: datetime.date | None = None
    ) -> "ServiceQuerySet":
        """Annotate `verification_months` and `verification_state`.

        The state is "never" (never verified, which counts as due),
        "overdue" (past its due date), "due" (due within the policy's
        `due_soon_days`) or "current".
        """
        from ..policy import verification_policy

        policy = verification_policy()
        today = today or timezone.localdate()
        soon = today + datetime.timedelta(days=policy.due_soon_days + 1)
        return self.with_verification_months().annotate(
            verification_state=Case(
                When(assured_date__isnull=True, then=Value(VerificationState.NEVER)),
                When(_due_before(today, policy), then=Value(VerificationState.OVERDUE)),
                When(_due_before(soon, policy), then=Value(VerificationState.DUE)),
                default=Value(VerificationState.CURRENT),
                output_field=CharField(),
            )
        )

    def verification_due(self, today: datetime.date | None = None) -> "ServiceQuerySet":
        """Return services to verify by `today`: due by then, or never verified."""
        from ..policy import verification_policy

        today = today or timezone.localdate()
        return self.with_verification_months().filter(
            Q(assured_date__isnull=True)
            | _due_before(today + datetime.timedelta(days=1), verification_policy())
        )

    def verification_overdue(
        self, today: datetime.date | None = None, *, grace_days: int = 0
    ) -> "ServiceQuerySet":
        """Return services verified once whose due date passed over `grace_days` ago."""
        from ..policy import verification_policy

        today = today or timezone.localdate()
        return self.with_verification_months().filter(
            _due_before(
                today - datetime.timedelta(days=grace_days), verification_policy()
            )
        )

    def near(self, point: geo.Point, miles: float) -> "ServiceQuerySet":
        """Return services with a location within `miles` of `point`.

        Each is annotated `distance`: great-circle miles to its nearest
        location. Order by it to list the nearest first. Locations without
        coordinates never match. The indexed coordinates pick candidates in
        a bounding box; the exact distance, computed in SQL, decides.

        Confidential locations count too, but from coordinates rounded to
        two decimals (about half a mile): exact distances from a few
        searches would otherwise give the place away.
        """
        from .locations import ServiceAtLocation

        # Widened by the rounding, so a rounded position is never boxed out.
        min_lat, max_lat, min_lon, max_lon = geo.bounding_box(point, miles + 1)
        if connections[self.db].vendor == "postgresql":
            # One pass over the locations in the box, grouped by service: the
            # nearest location of each, kept if it is within reach.
            place = "service_at_locations__location__"
            return (
                self.filter(
                    **{
                        f"{place}latitude__range": (min_lat, max_lat),
                        f"{place}longitude__range": (min_lon, max_lon),
                    }
                )
                .annotate(distance=Min(_distance_miles(point, place)))
                .filter(distance__lte=miles)
            )
        # SQLite groups by every column and joins from the services: instead,
        # a semi-join finds the services near, then each one's nearest place.
        within = (
            ServiceAtLocation.objects.filter(
                location__latitude__range=(min_lat, max_lat),
                location__longitude__range=(min_lon, max_lon),
            )
            .annotate(dist=_distance_miles(point, "location__"))
            .filter(dist__lte=miles)
        )
        nearest = within.filter(service=OuterRef("pk")).order_by("dist")
        return self.filter(pk__in=within.values("service_id")).annotate(
            distance=Subquery(nearest.values("dist")[:1], output_field=FloatField())
        )


def _distance_miles(point: geo.Point, place: str):
    """Great-circle miles from `point` to the location at `place` (a path).

    Confidential locations count from coordinates rounded to two decimals.
    Haversine, as `geo.distance_miles`; Least() keeps rounding from pushing
    asin out of its domain.
    """
    from .locations import AddressVisibility

    confidential = Q(**{f"{place}address_visibility": AddressVisibility.CONFIDENTIAL})
    lat, lon = (
        Case(
            When(confidential, then=Round(F(f"{place}{axis}"), 2)),
            default=F(f"{place}{axis}"),
            output_field=FloatField(),
        )
        for axis in ("latitude", "longitude")
    )
    half_chord = Power(Sin(Radians(lat - point.lat) / 2.0), 2) + (
        Value(math.cos(math.radians(point.lat)))
        * Cos(Radians(lat))
        * Power(Sin(Radians(lon - point.lon) / 2.0), 2)
    )
    return (2 * geo.EARTH_RADIUS_MILES) * ASin(Sqrt(Least(half_chord, Value(1.0))))


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DEFUNCT = "defunct", _("Defunct")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Service(HSDSModel):
    Status = ServiceStatus
    Publication = PublicationStatus

    VISIBLE_STATUSES = (Status.ACTIVE, Status.TEMPORARILY_CLOSED)

    organization = models.ForeignKey(
        "resources.Organization",
        on_delete=models.PROTECT,
        related_name="services",
        verbose_name=_("organization"),
    )
    program = models.ForeignKey(
        "resources.Program",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="services",
    )
    name = models.CharField(_("name"), max_length=255)
    alternate_name = models.CharField(
        _("alternate name"), max_length=255, blank=True, default=""
    )
    description = models.TextField(_("description"), blank=True, default="")
    url = models.URLField(_("website"), max_length=500, blank=True, default="")
    email = models.EmailField(_("email"), blank=True, default="")
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.ACTIVE
    )
    interpretation_services = models.TextField(blank=True, default="")
    application_process = models.TextField(_("how to apply"), blank=True, default="")
    fees_description = models.TextField(_("fees"), blank=True, default="")
    wait_time = models.CharField(max_length=255, blank=True, default="")
    fees = models.TextField(blank=True, default="")
    accreditations = models.TextField(blank=True, default="")
    eligibility_description = models.TextField(_("eligibility"), blank=True, default="")
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    assured_date = models.DateField(
        _("last verified"),
        null=True,
        blank=True,
        help_text=_("The date the listing was last confirmed with the provider."),
    )
    assurer_email = models.EmailField(blank=True, default="")
    licenses = models.TextField(blank=True, default="")
    alert = models.TextField(
        blank=True,
        default="",
        help_text=_("A short notice shown above the listing, e.g. a closure."),
    )
    last_modified = models.DateTimeField(auto_now=True)
    # Extension: drafts never reach the public.
    publication_status = models.CharField(
        _("publication"),
        max_length=10,
        choices=Publication,
        default=Publication.DRAFT,
    )

    objects = ServiceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            required_text_constraint("service", "name"),
            choices_constraint("service", "status", ServiceStatus),
            choices_constraint("service", "publication_status", PublicationStatus),
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=F("maximum_age")),
                name="service_age_range_valid",
                violation_error_message=_(
                    "The minimum age cannot be above the maximum age."
                ),
            ),
        ]
        indexes = [
            # What the public sees, in the order the search page lists it:
            # a page of "open now" walks this instead of sorting them all.
            PostgresPartialIndex(
                fields=["name", "id"],
                condition=Q(
                    publication_status=PublicationStatus.PUBLISHED,
                    status__in=[ServiceStatus.ACTIVE, ServiceStatus.TEMPORARILY_CLOSED],
                ),
                name="service_public_name_idx",
            ),
            models.Index(fields=["assured_date"], name="service_assured_idx"),
        ]
        permissions = [
            ("verify_service", _("Can verify listings")),
            ("merge_service", _("Can merge duplicate services")),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("resources:service-detail", args=[self.pk])

    @property
    def card_phone(self):
        """Return the phone a result card shows (see `for_listing`), or None."""
        from .contacts import Phone

        number = getattr(self, "phone_number", None)
        return Phone(number=number, type=self.phone_type or "") if number else None

    @property
    def is_public(self) -> bool:
        return (
            self.publication_status == self.Publication.PUBLISHED
            and self.status in self.VISIBLE_STATUSES
        )


class CostOption(HSDSModel):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="cost_options"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.CharField(max_length=255, blank=True, default="")
    currency = models.CharField(max_length=3, blank=True, default="")
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    amount_description = models.TextField(blank=True, default="")

    history = HistoricalRecords()

    def __str__(self):
        return self.option or self.amount_description[:60]


class RequiredDocument(HSDSModel):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="required_documents"
    )
    document = models.TextField(blank=True, default="")
    uri = models.URLField(max_length=500, blank=True, default="")

    history = HistoricalRecords()

    def __str__(self):
        return self.document


class ServiceArea(HSDSModel):
    service = models.ForeignKey(
        Service,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="service_areas",
    )
    service_at_location = models.ForeignKey(
        "resources.ServiceAtLocation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="service_areas",
    )
    name = models.CharField(max_length=255, blank=True, default="")
    description = models.TextField(blank=True, default="")
    extent = models.TextField(blank=True, default="")
    extent_type = models.CharField(max_length=50, blank=True, default="")
    uri = models.CharField(max_length=500, blank=True, default="")

    history = HistoricalRecords()

    def __str__(self):
        return self.name


class Unit(HSDSModel):
    """A unit in which a service's capacity is counted (beds, hours, ...)."""

    name = models.CharField(max_length=100)
    scheme = models.CharField(max_length=100, blank=True, default="")
    identifier = models.CharField(max_length=100, blank=True, default="")
    uri = models.URLField(max_length=500, blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        constraints = [required_text_constraint("unit", "name")]

    def __str__(self):
        return self.name


class ServiceCapacity(HSDSModel):
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="capacities"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    available = models.DecimalField(max_digits=12, decimal_places=2)
    maximum = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )
    description = models.TextField(blank=True, default="")
    updated = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "service capacities"

    def __str__(self):
        return f"{self.available} {self.unit}"
