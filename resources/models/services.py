"""Services and their terms of access (HSDS service cluster)."""

import datetime
import math
from zoneinfo import ZoneInfo

from django.db import connections, models
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
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
    Coalesce,
    Cos,
    Least,
    Mod,
    Power,
    Radians,
    Round,
    Sin,
    Sqrt,
)
from django.db.models.lookups import Exact, LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .. import areas, geo, hours
from .base import (
    HSDSModel,
    PostgresPartialIndex,
    Translatable,
    choices_constraint,
    required_text_constraint,
    tracked_history,
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


def _last_closure_day() -> Subquery:
    """The last day of the service's latest closure: pages look closures up
    only for services that have one not over (`opening.attach_opening`)."""
    from .schedules import Closure

    return Subquery(
        Closure.objects.filter(service=OuterRef("pk"))
        .order_by("-last_day")
        .values("last_day")[:1]
    )


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


# Phones to call, best first: fax, pager and text lines are not for calling.
CALL_FIRST = ("voice", "", "cell", "textphone", "video")


class ServiceQuerySet(models.QuerySet):
    def missing_translation(self, language: str):
        """Services with a description but none written in `language` yet."""
        return self.exclude(description="").filter(
            Q(**{f"translations__{language}__description__isnull": True})
            | Q(**{f"translations__{language}__description": ""})
        )

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
        """Fetch what a list of services shows, in a fixed number of queries.

        Their cards' phone numbers come after, with `attach_card_phones`.
        """
        from .locations import ServiceAtLocation

        return (
            self.select_related("organization")
            .annotate(last_closure_day=_last_closure_day())
            .prefetch_related(
                _attributes_prefetch(),
                Prefetch(
                    "service_at_locations",
                    queryset=ServiceAtLocation.objects.select_related(
                        "location"
                    ).prefetch_related("location__addresses"),
                ),
            )
        )

    def for_detail(self) -> "ServiceQuerySet":
        """Fetch everything a service's own page shows, in a fixed number of queries."""
        from .locations import ServiceAtLocation

        return (
            self.select_related("organization")
            .annotate(last_closure_day=_last_closure_day())
            .prefetch_related(
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

    def with_unreachable_count(self) -> "ServiceQuerySet":
        """Annotate `unreachable_count`: "could not reach" calls in a row.

        Counts the verifications that could not reach the provider since the
        last one that confirmed or updated the listing (or ever, if none did).
        """
        from .verification import Verification

        assured = (
            Verification.objects.filter(
                service=OuterRef("pk"), outcome__in=Verification.ASSURING
            )
            .order_by("-verified_at")
            .values("verified_at")[:1]
        )
        since = Coalesce(
            OuterRef("last_assured_at"),
            Value(datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)),
            output_field=DateTimeField(),
        )
        missed = (
            Verification.objects.filter(
                service=OuterRef("pk"),
                outcome=Verification.Outcome.UNREACHABLE,
                verified_at__gt=since,
            )
            .order_by()
            .values("service")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(last_assured_at=Subquery(assured)).annotate(
            unreachable_count=Coalesce(Subquery(missed), Value(0))
        )

    def with_verification_months(self) -> "ServiceQuerySet":
        """Annotate `verification_months`: the policy's interval for each service.

        The shortest override among its categories (a parent's override
        covers its sub-categories), else the policy's default.
        """
        if "verification_months" in self.query.annotations:
            return self
        from ..policy import verification_policy
        from .taxonomy import Attribute, TaxonomyTerm

        policy = verification_policy()
        whens = []
        for months, codes in policy.codes_by_months().items():
            terms = Attribute.objects.for_entity("service").filter(
                taxonomy_term__in=TaxonomyTerm.objects.category_tree(codes),
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
        """Return the services that reach a person at `point`, `miles` around.

        Those with a location within `miles`, and also those whose service
        area covers the point's ZIP code, town, county, state or the whole
        country (`resources.areas`), and phone lines with no place to go
        that name no area. Each is annotated `distance`, great-circle miles
        to its nearest location within reach (None for the others), and
        `reach`: `areas.NEARBY` (0), `areas.SERVES_AREA` (1) or
        `areas.BY_PHONE` (2). A service both near and serving the area is
        near. Order by `reach`, then `distance`, to list the nearest first
        and the rest after them.

        The indexed coordinates pick candidate locations in a bounding box;
        the exact distance, computed in SQL, decides. Locations without
        coordinates are never near. Areas are matched by their keys in
        `ServiceCoverage`, derived data refreshed on commit.

        Confidential locations count too, but from coordinates rounded to
        two decimals (about half a mile): exact distances from a few
        searches would otherwise give the place away.
        """
        from .locations import ServiceAtLocation

        keys = sorted(areas.place_keys(geo.place_of(point)) | {areas.ANYWHERE})
        # Widened by the rounding, so a rounded position is never boxed out.
        min_lat, max_lat, min_lon, max_lon = geo.bounding_box(point, miles + 1)
        if connections[self.db].vendor == "postgresql":
            # One pass over a view of every service's locations and coverage
            # keys (`ServiceReachRow`): the rows in the box or with one of
            # the place's keys, grouped by service. Each arm of the view
            # answers its own half of the condition from its own index.
            row = "reach_rows__"
            nearest = F("nearest_location")
            near = LessThanOrEqual(nearest, miles)
            return (
                self.filter(
                    Q(
                        **{
                            f"{row}latitude__range": (min_lat, max_lat),
                            f"{row}longitude__range": (min_lon, max_lon),
                        }
                    )
                    | Q(**{f"{row}key__in": keys})
                )
                # One distance a row, one pass: rows of the box have no
                # reach, coverage rows no coordinates (so no distance).
                .alias(
                    nearest_location=Min(_distance_miles(point, row)),
                    best_coverage=Min(f"{row}reach"),
                )
                .filter(Q(near) | Q(best_coverage__isnull=False))
                .annotate(
                    distance=Case(When(near, then=nearest)),
                    reach=Case(
                        When(near, then=Value(areas.NEARBY)),
                        default=F("best_coverage"),
                        output_field=IntegerField(),
                    ),
                )
            )
        # SQLite groups by every column and joins from the services: instead,
        # a semi-join finds the services near or covering the place, then
        # each one's nearest location and best coverage.
        near = (
            ServiceAtLocation.objects.filter(
                location__latitude__range=(min_lat, max_lat),
                location__longitude__range=(min_lon, max_lon),
            )
            .annotate(dist=_distance_miles(point, "location__"))
            .filter(dist__lte=miles)
        )
        covering = ServiceCoverage.objects.filter(key__in=keys)
        nearest = near.filter(service=OuterRef("pk")).order_by("dist")
        best = (
            covering.filter(service=OuterRef("pk"))
            .order_by()
            .values("service")
            .annotate(best=Min("reach"))
            .values("best")
        )
        # The uncorrelated IN lists are built once; the best coverage is
        # looked up only for the services that are not near.
        return self.filter(
            pk__in=near.values("service_id").union(
                covering.values("service_id"), all=True
            )
        ).annotate(
            distance=Subquery(nearest.values("dist")[:1], output_field=FloatField()),
            reach=Coalesce(
                Case(When(pk__in=near.values("service_id"), then=Value(areas.NEARBY))),
                Subquery(best, output_field=IntegerField()),
            ),
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


def attach_card_phones(services: list) -> None:
    """Give each service's card its number to call and its number to text.

    The phone a caseworker marked main first, then the service's own phones
    before its places' (its service-at-location rows' and its locations'),
    a voice line before a mobile or an untyped one; a fax or a pager is
    never offered. `Service.contact_phones` lists them in the same order.
    One query for the page: each of the three ways to a phone is an index
    lookup, joined by UNION ALL (one query with OR across the three joins
    scanned every phone, once per card).
    """
    from .contacts import Phone

    ids = [service.pk for service in services]
    offered = Phone.objects.filter(type__in=(*CALL_FIRST, "text"))
    columns = ("owner", "own", "number", "type", "main", "id")
    ways = [
        offered.filter(**{f"{path}__in": ids})
        .annotate(owner=F(path), own=Value(own))
        .values_list(*columns)
        for path, own in (
            ("service_id", 0),
            ("service_at_location__service_id", 1),
            ("location__service_at_locations__service_id", 1),
        )
    ]
    best: dict = {}  # (service id, "call" or "text"): (rank, number)
    for owner, own, number, kind, main, pk in ways[0].union(*ways[1:], all=True):
        if kind == "text":
            slot, rank = "text", (not main, own, 0, str(pk))
        else:
            slot, rank = "call", (not main, own, CALL_FIRST.index(kind), str(pk))
        if (owner, slot) not in best or rank < best[owner, slot][0]:
            best[owner, slot] = (rank, number)
    for service in services:
        service.phone_number = best.get((service.pk, "call"), (None, None))[1]
        service.text_number = best.get((service.pk, "text"), (None, None))[1]


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DEFUNCT = "defunct", _("Defunct")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Service(Translatable, HSDSModel):
    translated_fields = (
        "name",
        "alternate_name",
        "description",
        "eligibility_description",
        "application_process",
        "fees_description",
        "wait_time",
        "alert",
    )

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
    fees_description = models.TextField(
        _("fees description"),
        blank=True,
        default="",
        help_text=_("What it costs, in plain words: free, sliding scale, $20 a visit."),
    )
    wait_time = models.CharField(max_length=255, blank=True, default="")
    fees = models.TextField(
        _("fees (old HSDS field)"),
        blank=True,
        default="",
        help_text=_("Kept for feeds written to HSDS 2; write the cost above."),
    )
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
    assurer_email = models.EmailField(
        _("verification address"),
        blank=True,
        default="",
        help_text=_(
            "Published as HSDS assurer_email: the directory's verification "
            "address, set with each verification (never a caseworker's own)."
        ),
    )
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
    history = tracked_history()

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
        """Return the phone a result card offers to call (`attach_card_phones`)."""
        from .contacts import Phone

        number = getattr(self, "phone_number", None)
        return Phone(number=number, type="voice") if number else None

    @property
    def card_town(self) -> str:
        """Return the town a result card names: its first place's (see `for_listing`).

        A confidential location's town is public (only its street is not).
        """
        for link in self.service_at_locations.all():
            if link.location.location_type not in ("physical", "postal"):
                continue
            for address in link.location.addresses.all():
                if address.city:
                    return address.city
        return ""

    @cached_property
    def contact_phones(self) -> list:
        """Return the phones a service's page lists, in the order to try them.

        Its own phones and its places', each number once: the main phone
        first, then the service's own before its places', then numbers to
        call (as `for_listing` ranks them), to text, and last fax and pager.
        Reads what `for_detail` prefetched.
        """
        from .contacts import NOT_CALLABLE

        def order(phone, own):
            if phone.type in CALL_FIRST:
                kind = CALL_FIRST.index(phone.type)
            else:
                kind = len(CALL_FIRST) + (phone.type in NOT_CALLABLE)
            return (not phone.main, own, kind, phone.pk)

        ranked = [(order(phone, 0), phone) for phone in self.phones.all()]
        for link in self.service_at_locations.all():
            ranked += [(order(phone, 1), phone) for phone in link.location.phones.all()]
        seen, phones = set(), []
        for _key, phone in sorted(ranked, key=lambda pair: pair[0]):
            if phone.tel_uri not in seen:  # the same number, however written
                seen.add(phone.tel_uri)
                phones.append(phone)
        return phones

    @property
    def card_text(self):
        """Return the phone a result card offers to text (`attach_card_phones`)."""
        from .contacts import Phone

        number = getattr(self, "text_number", None)
        return Phone(number=number, type="text") if number else None

    @property
    def is_public(self) -> bool:
        return (
            self.publication_status == self.Publication.PUBLISHED
            and self.status in self.VISIBLE_STATUSES
        )


class CostOption(Translatable, HSDSModel):
    translated_fields = ("option", "amount_description")

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="cost_options"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = models.CharField(max_length=255, blank=True, default="")
    currency = models.CharField(max_length=3, blank=True, default="")
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    amount_description = models.TextField(blank=True, default="")

    history = tracked_history()

    def __str__(self):
        return self.option or self.amount_description[:60]


class RequiredDocument(Translatable, HSDSModel):
    translated_fields = ("document",)

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="required_documents"
    )
    document = models.TextField(blank=True, default="")
    uri = models.URLField(max_length=500, blank=True, default="")

    history = tracked_history()

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

    history = tracked_history()

    def __str__(self):
        return self.name


class ServiceCoverageQuerySet(models.QuerySet):
    def areas(self) -> "ServiceCoverageQuerySet":
        """Return the rows that service areas give, not the phone lines' "*"."""
        return self.exclude(key=areas.ANYWHERE)

    def covering(self, place: geo.Place | None) -> "ServiceCoverageQuerySet":
        """Return the rows of the areas that cover `place` (none for None)."""
        return self.filter(key__in=sorted(areas.place_keys(place)))

    def names_covering(self, place: geo.Place, services) -> dict:
        """Return {service id: (kind, name)}: the narrowest area covering `place`.

        What a card says of a service that serves the place from afar:
        "Serves Hartford County" (see `areas.covering_name`). One query.
        """
        keys: dict = {}
        rows = self.covering(place).filter(service__in=services)
        for service_id, key in rows.values_list("service_id", "key"):
            keys.setdefault(service_id, set()).add(key)
        return {pk: areas.covering_name(place, found) for pk, found in keys.items()}


class ServiceCoverage(models.Model):
    """A place that a service serves from afar: a key of `resources.areas`.

    Derived data, rebuilt from the service's areas, phones and locations
    whenever they change (`resources.derived`), never edited: a row per
    place its service areas name ("county:ct:hartford", "us"), or one "*"
    row for a phone line with no place to go that names no area. `near()`
    and the API's `postcode` match a place's keys with one index probe.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    # Set when the area is that of one service-at-location (HSDS 3.1).
    service_at_location = models.ForeignKey(
        "resources.ServiceAtLocation",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
    )
    key = models.CharField(max_length=100)
    # `areas.SERVES_AREA` or `areas.BY_PHONE`.
    reach = models.PositiveSmallIntegerField()

    objects = ServiceCoverageQuerySet.as_manager()

    class Meta:
        indexes = [
            # A place's keys find the services, and how they reach it,
            # from the index alone.
            models.Index(fields=["key", "service", "reach"], name="coverage_key_idx"),
        ]

    def __str__(self):
        return f"{self.service_id} {self.key}"


class ServiceReachRow(models.Model):
    """A way a service reaches people, as `near()` reads it on PostgreSQL.

    A database view, not a table, and on PostgreSQL only (as
    `SearchEntryFTS` is on SQLite only; `near()` reads the tables there):
    a row per location of each service (its coordinates, `reach` NULL) and
    a row per coverage key (`ServiceCoverage`). Joining services to it once
    lets one grouped pass find both the services near a point and those
    serving its area, each arm from its own index. The view (migration
    0017_service_coverage) reads location coordinates and address
    visibility, service-at-location links and coverage rows: a migration
    that changes the type of one of those columns drops and recreates it.
    """

    id = models.CharField(primary_key=True, max_length=60)
    # Hidden ("+"), so that code walking a service's relations (merging,
    # deleting) never reads or writes the view; queries still can.
    service = models.ForeignKey(
        Service,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        related_query_name="reach_rows",
    )
    latitude = models.FloatField(null=True)
    longitude = models.FloatField(null=True)
    address_visibility = models.CharField(max_length=12, null=True)
    key = models.CharField(max_length=100, null=True)
    reach = models.PositiveSmallIntegerField(null=True)

    class Meta:
        managed = False
        db_table = "resources_service_reach"

    def __str__(self):
        return f"{self.service_id} {self.key or (self.latitude, self.longitude)}"


class Unit(HSDSModel):
    """A unit in which a service's capacity is counted (beds, hours, ...)."""

    name = models.CharField(max_length=100)
    scheme = models.CharField(max_length=100, blank=True, default="")
    identifier = models.CharField(max_length=100, blank=True, default="")
    uri = models.URLField(max_length=500, blank=True, default="")

    history = tracked_history()

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

    history = tracked_history()

    class Meta:
        verbose_name_plural = "service capacities"

    def __str__(self):
        return f"{self.available} {self.unit}"


class StaleService(models.Model):
    """A service whose derived rows still have to be recomputed.

    Written in the same transaction as the change that makes them stale
    (`resources.derived`), removed once they are rebuilt: if the process
    dies between the commit and the rebuild, the row stays, and
    `derived.repair()` (the task worker, `manage.py repair_derived`)
    rebuilds them. Not a foreign key: the service may be gone, and its
    derived rows must go with it. `token` names the transaction that wrote
    the row, so a rebuild never clears a newer transaction's mark.
    """

    service_id = models.UUIDField(primary_key=True)
    token = models.UUIDField()
    noted_at = models.DateTimeField()

    def __str__(self):
        return str(self.service_id)


class DataVersion(models.Model):
    """One row: a number that every committed change to the listings raises.

    Cached search results and pages are keyed by it (`resources.caching`),
    so an edit, a publish or an import shows at once in every worker and on
    every machine, whatever cache each one has. Raised after the change's
    derived rows are rebuilt (`resources.derived`).
    """

    number = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return str(self.number)
