"""Opening hours as HSDS schedule rows (iCalendar-style recurrence)."""

import copy
import uuid

from django.core.validators import RegexValidator
from django.db import connections, models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .. import hours
from .base import HSDSModel, Translatable, choices_constraint, tracked_history


def _ordinals() -> dict:
    return {
        "": "",
        "1": _("1st"),
        "2": _("2nd"),
        "3": _("3rd"),
        "4": _("4th"),
        "5": _("5th"),
        "-1": _("last"),
    }


_DAY = r"[+-]?[1-5]?(MO|TU|WE|TH|FR|SA|SU)"
validate_byday = RegexValidator(
    rf"^{_DAY}(,{_DAY})*$",
    _("Use comma-separated days such as MO,TU,WE or, monthly, 1SA or -1FR."),
)


class Frequency(models.TextChoices):
    WEEKLY = "WEEKLY", _("Weekly")
    MONTHLY = "MONTHLY", _("Monthly")


class Weekday(models.TextChoices):
    MO = "MO", _("Monday")
    TU = "TU", _("Tuesday")
    WE = "WE", _("Wednesday")
    TH = "TH", _("Thursday")
    FR = "FR", _("Friday")
    SA = "SA", _("Saturday")
    SU = "SU", _("Sunday")


def hours_by_service(service_ids, links) -> dict:
    """Return {service id: [Schedule]}: the rows that give each service its hours.

    `links` are (service_at_location id, service id, location id) triples of
    these services. A service's own rows and its service-at-location rows
    are its hours; only when it has none do its locations' general hours
    stand in. One query, on the schedule table's own indexed columns.
    """
    links = list(links)
    service_of_link = {link: service for link, service, _location in links}
    services_at: dict = {}
    for _link, service, location in links:
        services_at.setdefault(location, set()).add(service)
    rows = Schedule.objects.filter(
        Q(service_id__in=list(service_ids))
        | Q(service_at_location_id__in=list(service_of_link))
        | Q(location_id__in=list(services_at))
    )
    own: dict = {}
    fallback: dict = {}
    for row in rows:
        owners = {row.service_id, service_of_link.get(row.service_at_location_id)}
        owners.discard(None)
        for owner in owners:
            own.setdefault(owner, []).append(row)
        if not owners:
            for service in services_at.get(row.location_id, ()):
                fallback.setdefault(service, []).append(row)
    return fallback | own


def zones_by_service(service_ids, default: str) -> dict:
    """Return the IANA zone each service's hours are written in.

    A service's hours are read in the zone of its first location that names
    one; otherwise in the directory's zone.
    """
    from .locations import ServiceAtLocation

    zones = dict.fromkeys(service_ids, default)
    links = (
        ServiceAtLocation.objects.filter(service_id__in=service_ids)
        .exclude(location__time_zone="")
        .order_by("-pk")
        .values_list("service_id", "location__time_zone")
    )
    zones.update(dict(links))  # the lowest pk wins: it comes last
    return zones


class Schedule(Translatable, HSDSModel):
    translated_fields = ("description", "notes")

    Frequency = Frequency
    Weekday = Weekday

    service = models.ForeignKey(
        "resources.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedules",
    )
    location = models.ForeignKey(
        "resources.Location",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedules",
    )
    service_at_location = models.ForeignKey(
        "resources.ServiceAtLocation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="schedules",
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    # HSDS's numeric UTC offset; the location's IANA zone takes precedence.
    timezone = models.FloatField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    count = models.PositiveIntegerField(null=True, blank=True)
    wkst = models.CharField(max_length=2, choices=Weekday, blank=True, default="")
    freq = models.CharField(
        _("frequency"),
        max_length=7,
        choices=Frequency,
        blank=True,
        default=Frequency.WEEKLY,
    )
    interval = models.PositiveIntegerField(null=True, blank=True)
    byday = models.CharField(
        _("days"),
        max_length=100,
        blank=True,
        default="",
        validators=[validate_byday],
        help_text=_("MO,TU,WE,TH,FR — or for monthly rules 1SA (first Saturday)."),
    )
    byweekno = models.CharField(max_length=100, blank=True, default="")
    bymonthday = models.CharField(max_length=100, blank=True, default="")
    byyearday = models.CharField(max_length=100, blank=True, default="")
    description = models.TextField(blank=True, default="")
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(
        _("closes at"),
        null=True,
        blank=True,
        help_text=_("Earlier than the opening time means the next morning."),
    )
    schedule_link = models.URLField(max_length=500, blank=True, default="")
    attending_type = models.CharField(max_length=255, blank=True, default="")
    notes = models.TextField(blank=True, default="")

    history = tracked_history()

    class Meta:
        constraints = [
            choices_constraint("schedule", "freq", Frequency, blank=True),
            choices_constraint("schedule", "wkst", Weekday, blank=True),
            models.CheckConstraint(
                condition=Q(service__isnull=False)
                | Q(location__isnull=False)
                | Q(service_at_location__isnull=False),
                name="schedule_has_owner",
                violation_error_message=_(
                    "A schedule belongs to a service, a location or both."
                ),
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=F("valid_to")),
                name="schedule_validity_order",
                violation_error_message=_("valid_from must not be after valid_to."),
            ),
        ]

    def __str__(self):
        days = self.days_display or self.get_freq_display()
        if self.opens_at and self.closes_at:
            return f"{days} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"
        return self.description[:60] or days

    @property
    def days_display(self) -> str:
        """Return `byday` in words: "Monday, Tuesday", "1st Saturday"."""
        labels, ordinals = dict(Weekday.choices), _ordinals()
        words = []
        for part in filter(None, self.byday.split(",")):
            day, ordinal = part[-2:], part[:-2].lstrip("+")
            if day not in labels or ordinal not in ordinals:
                words.append(part)  # not a code (imported "Mon-Fri"): as it is
            else:
                words.append(f"{ordinals[ordinal]} {labels[day]}".strip())
        return ", ".join(words)


class ClosureQuerySet(models.QuerySet):
    def not_over(self, today):
        """Closures that have not ended by `today`, soonest first."""
        return self.filter(last_day__gte=today).order_by("first_day", "last_day")


class Closure(HSDSModel):
    """Days a service is closed, or keeps special hours: holidays, "closed until".

    Not an HSDS table: the directory's own record, applied over the
    service's schedule rows (`resources.hours.with_closures`). It ends by
    itself; the regular hours hold again the day after `last_day`.
    """

    service = models.ForeignKey(
        "resources.Service",
        on_delete=models.CASCADE,
        related_name="closures",
        verbose_name=_("service"),
    )
    first_day = models.DateField(_("closed from"))
    last_day = models.DateField(
        _("closed until"), help_text=_("The last day closed; it reopens the day after.")
    )
    opens_at = models.TimeField(
        _("special hours: opens"),
        null=True,
        blank=True,
        help_text=_("Leave both times empty to close all day."),
    )
    closes_at = models.TimeField(_("special hours: closes"), null=True, blank=True)
    note = models.CharField(
        _("note for the public"),
        max_length=200,
        blank=True,
        default="",
        help_text=_("Shown on the listing, such as “Closed for the holidays”."),
    )

    history = tracked_history()
    objects = ClosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("closure or special hours")
        verbose_name_plural = _("closures and special hours")
        ordering = ["first_day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_day__lte=F("last_day")),
                name="closure_day_order",
                violation_error_message=_(
                    "The last day closed cannot be before the first."
                ),
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True, closes_at__isnull=True)
                | Q(opens_at__isnull=False, closes_at__isnull=False),
                name="closure_hours_pair",
                violation_error_message=_(
                    "Give special hours both an opening and a closing time, or neither."
                ),
            ),
        ]
        indexes = [models.Index(fields=["service", "last_day"], name="closure_idx")]

    def __str__(self):
        if self.first_day == self.last_day:
            return f"{self.first_day:%Y-%m-%d}"
        return f"{self.first_day:%Y-%m-%d} – {self.last_day:%Y-%m-%d}"

    @property
    def special(self) -> bool:
        return self.opens_at is not None and self.closes_at is not None


# Ids of the schedule rows that closures make (uuid5 of a row's or closure's id).
PIECES = uuid.UUID("4d1f0c52-8f5e-5b0a-b0a4-2f7d8e6c9a31")


def hsds_schedules(schedules, closures, *, special: bool = True) -> list[Schedule]:
    """Return schedule rows as HSDS says a service's closures: unsaved copies.

    HSDS 3.1 has no closure: "changed hours end one row's validity and start
    another's". So each row is split around the closed days (its first piece
    keeps its id, the others get ids derived from it), and with `special`
    a closure's special hours are a row of their own, valid on its days.
    Rows no closure touches are returned as they are.
    """
    closures = list(closures)
    rules = [hours.Closure.of(closure) for closure in closures]
    rows = []
    for schedule in schedules:
        rule = hours.Rule.of(schedule)
        pieces = hours.without_closures(rule, rules)
        if pieces == [rule]:
            rows.append(schedule)
            continue
        for n, piece in enumerate(pieces):
            row = copy.copy(schedule)
            row.id = schedule.id if n == 0 else uuid.uuid5(PIECES, f"{schedule.id}:{n}")
            for name in ("valid_from", "valid_to", "dtstart", "until", "count"):
                setattr(row, name, getattr(piece, name))
            row.interval = piece.interval
            rows.append(row)
    if special:
        for closure, rule in zip(closures, rules, strict=True):
            if (extra := hours.special_hours(rule)) is not None:
                rows.append(
                    Schedule(
                        id=uuid.uuid5(PIECES, str(closure.id)),
                        service_id=closure.service_id,
                        freq=Frequency.WEEKLY,
                        byday=extra.byday,
                        valid_from=extra.valid_from,
                        valid_to=extra.valid_to,
                        opens_at=extra.opens_at,
                        closes_at=extra.closes_at,
                        description=closure.note,
                    )
                )
    return rows


def closures_by_service(service_ids) -> dict:
    """Return {service id: [Closure]} for these services, in one query."""
    closures: dict = {}
    service_ids = list(service_ids)
    if not service_ids:
        return closures
    for closure in Closure.objects.filter(service_id__in=service_ids):
        closures.setdefault(closure.service_id, []).append(closure)
    return closures


class OpeningWindowQuerySet(models.QuerySet):
    def zones(self) -> list[str]:
        """Return the zones that windows are in, in order.

        A skip scan of the index that leads with the zone: one probe per
        zone, however many windows there are.
        """
        table = self.model._meta.db_table
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                f"""
                WITH RECURSIVE zones(zone) AS (
                    SELECT MIN(zone) FROM {table}
                    UNION ALL
                    SELECT (SELECT MIN(zone) FROM {table} WHERE zone > zones.zone)
                    FROM zones WHERE zones.zone IS NOT NULL
                )
                SELECT zone FROM zones WHERE zone IS NOT NULL
                """
            )
            return [zone for (zone,) in cursor.fetchall()]


class OpeningWindow(models.Model):
    """A schedule row compiled for the database (see `resources.hours.Window`).

    Derived data: rebuilt from the schedules whenever they, their service's
    locations or their zones change, never edited. It lets "open at T"
    filter in one indexed condition for any instant T.
    """

    service = models.ForeignKey(
        "resources.Service", on_delete=models.CASCADE, related_name="+"
    )
    # None for the special hours of a closure.
    schedule = models.ForeignKey(
        Schedule, on_delete=models.CASCADE, null=True, related_name="+"
    )
    zone = models.CharField(max_length=64)
    day_offset = models.PositiveSmallIntegerField()
    weekday = models.PositiveSmallIntegerField(null=True)
    month_ordinal = models.SmallIntegerField(null=True)
    monthday = models.SmallIntegerField(null=True)
    start_minute = models.PositiveSmallIntegerField()
    end_minute = models.PositiveSmallIntegerField()
    first_day = models.DateField(null=True)
    last_day = models.DateField(null=True)
    interval = models.PositiveSmallIntegerField(default=1)
    interval_unit = models.CharField(max_length=5)
    anchor = models.IntegerField(default=0)
    week_start = models.PositiveSmallIntegerField(default=0)

    objects = OpeningWindowQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(
                fields=["zone", "weekday", "day_offset", "start_minute", "end_minute"],
                name="opening_window_match_idx",
            ),
            models.Index(fields=["service"], name="opening_window_service_idx"),
        ]

    def __str__(self):
        return f"{self.service_id} {self.weekday} {self.start_minute}-{self.end_minute}"
