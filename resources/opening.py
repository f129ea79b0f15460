"""Opening status and hours summaries for the services a page shows.

Bridges the pure engine in `hours.py` and the pages: loads the schedule rows
of a page of services in one query and words the result for people.
"""

import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import dateformat, formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from . import hours
from .models import Service
from .models.schedules import closures_by_service, hours_by_service

DAY_NAMES = (
    pgettext_lazy("short weekday", "Mon"),
    pgettext_lazy("short weekday", "Tue"),
    pgettext_lazy("short weekday", "Wed"),
    pgettext_lazy("short weekday", "Thu"),
    pgettext_lazy("short weekday", "Fri"),
    pgettext_lazy("short weekday", "Sat"),
    pgettext_lazy("short weekday", "Sun"),
)


def service_zone(service: Service) -> ZoneInfo:
    """Return the zone of the service's hours, from its prefetched locations.

    Mirrors `models.schedules.zones_by_service`: the first location (lowest
    link id) that names a zone, else the directory's zone.
    """
    links = sorted(service.service_at_locations.all(), key=lambda link: link.pk)
    for link in links:
        if link.location.time_zone:
            return ZoneInfo(link.location.time_zone)
    return ZoneInfo(settings.TIME_ZONE)


def attach_opening(services: Sequence[Service], at: dt.datetime) -> None:
    """Set each service's hours, closures, zone and `opening`.

    The services must come from `for_listing()` or `for_detail()` (their
    locations are prefetched). One query for the hours, and one for the
    closures only if a service has one that is not over.
    """
    ids = [service.pk for service in services]
    links = [
        (link.pk, service.pk, link.location_id)
        for service in services
        for link in service.service_at_locations.all()
    ]
    rows = hours_by_service(ids, links) if ids else {}
    # Pages fetch `last_closure_day` with the services: no query when none
    # has a closure that matters now (a margin of a day for time zones).
    recent_since = at.date() - 2 * ONE_DAY
    closures = closures_by_service(
        service.pk
        for service in services
        if (getattr(service, "last_closure_day", dt.date.max) or dt.date.min)
        >= recent_since
    )
    for service in services:
        service.hours_rows = sorted(
            rows.get(service.pk, []),
            key=lambda row: (row.valid_from or dt.date.min, row.byday, row.opens_at),
        )
        service.hours_rules = [hours.Rule.of(row) for row in service.hours_rows]
        service.hours_zone = service_zone(service)
        today = at.astimezone(service.hours_zone).date()
        # Yesterday's closure still matters: it had no overnight window.
        recent = sorted(
            (c for c in closures.get(service.pk, ()) if c.last_day >= today - ONE_DAY),
            key=lambda closure: closure.first_day,
        )
        service.upcoming_closures = [c for c in recent if c.last_day >= today]
        # The regular hours give the weekly summary; with the closures
        # applied, they say whether it is open now.
        service.opening_rules = hours.with_closures(
            service.hours_rules, [hours.Closure.of(c) for c in recent]
        )
        service.opening = describe(service, at)
        service.opening_until = _lines_change(service, at)


ONE_DAY = dt.timedelta(days=1)


def _time(moment: dt.datetime) -> str:
    return dateformat.time_format(moment, "P")


def _day_and_time(moment: dt.datetime, now: dt.datetime) -> str:
    if moment.date() == now.date():
        return _time(moment)
    if moment.date() == now.date() + dt.timedelta(days=1):
        return _("tomorrow %(time)s") % {"time": _time(moment)}
    if moment - now < dt.timedelta(days=7):
        return f"{DAY_NAMES[moment.weekday()]} {_time(moment)}"
    return f"{formats.date_format(moment, 'MONTH_DAY_FORMAT')} {_time(moment)}"


def _lines_change(service: Service, at: dt.datetime) -> dt.datetime:
    """Return when the service's hours lines would next read differently.

    At its next opening or closing, or at midnight where it is ("today"
    becomes a day's name): how long a page showing them may be kept.
    """
    local = at.astimezone(service.hours_zone)
    midnight = dt.datetime.combine(
        local.date() + ONE_DAY, dt.time(), tzinfo=service.hours_zone
    )
    status = hours.status_at(service.opening_rules, at, service.hours_zone)
    if status.changes_at is not None:
        return min(midnight, status.changes_at)
    return midnight


def describe(service: Service, at: dt.datetime) -> dict:
    """Word the service's status at `at`: {"state": ..., "text": ...}.

    States: "open", "closed", "unknown" and "temporarily-closed", for styling.
    """
    if service.status == Service.Status.TEMPORARILY_CLOSED:
        return {"state": "temporarily-closed", "text": _("Temporarily closed")}
    status = hours.status_at(service.opening_rules, at, service.hours_zone)
    if not status.known:
        return {"state": "unknown", "text": _("Hours unknown")}
    now = at.astimezone(service.hours_zone)
    if status.open:
        if status.closes_at is None:
            return {"state": "open", "text": _("Open 24 hours")}
        when = _day_and_time(status.closes_at, now)
        return {
            "state": "open",
            "text": _("Open now · closes %(when)s") % {"when": when},
        }
    if status.opens_at is None:
        return {"state": "closed", "text": _("Closed")}
    when = _day_and_time(status.opens_at, now)
    return {"state": "closed", "text": _("Closed · opens %(when)s") % {"when": when}}


def summary_lines(service: Service, on: dt.date) -> list[str]:
    """Return short lines such as "Mon–Fri 9 a.m.–5 p.m." for the detail page."""
    lines = []
    for group in hours.weekly_summary(service.hours_rules, on):
        if (group.first_day, group.last_day) == (0, 6):
            days = str(_("Every day"))
        else:
            days = str(DAY_NAMES[group.first_day])
            if group.last_day != group.first_day:
                days += "–" + str(DAY_NAMES[group.last_day])
        lines.append(f"{days} {_windows(group.windows)}")
    for rule in hours.monthly_rules(service.hours_rules, on):
        lines.append(
            f"{_monthly_days(rule)} {_windows([(rule.opens_at, rule.closes_at)])}"
        )
    return lines


def closure_lines(service: Service) -> list[str]:
    """Return lines such as "Closed December 24–26 · For the holidays"."""
    lines = []
    for closure in service.upcoming_closures:
        days = _day_span(closure.first_day, closure.last_day)
        if closure.special:
            line = _("%(days)s: open %(hours)s only") % {
                "days": days,
                "hours": _windows([(closure.opens_at, closure.closes_at)]),
            }
        else:
            line = _("Closed %(days)s") % {"days": days}
        lines.append(f"{line} · {closure.note}" if closure.note else line)
    return lines


def _day_span(first: dt.date, last: dt.date) -> str:
    """Word a span of days: "December 24", "December 24–26", "Dec 31–Jan 2"."""
    if first == last:
        return formats.date_format(first, "MONTH_DAY_FORMAT")
    if (first.year, first.month) == (last.year, last.month):
        return _("%(month)s %(first)s–%(last)s") % {
            "month": formats.date_format(first, "F"),
            "first": first.day,
            "last": last.day,
        }
    return "–".join(
        formats.date_format(day, "MONTH_DAY_FORMAT") for day in (first, last)
    )


def _windows(windows) -> str:
    parts = []
    for opens, closes in windows:
        if (opens, closes) in (
            (dt.time(0), dt.time(0)),
            (dt.time(0), dt.time(23, 59)),
        ):
            parts.append(_("24 hours"))
        else:
            start = dt.datetime.combine(dt.date.today(), opens)
            end = dt.datetime.combine(dt.date.today(), closes)
            parts.append(f"{_time(start)}–{_time(end)}")
    return ", ".join(parts)


def _monthly_days(rule: hours.Rule) -> str:
    ordinals = {
        1: _("1st"),
        2: _("2nd"),
        3: _("3rd"),
        4: _("4th"),
        5: _("5th"),
        -1: _("last"),
    }
    words = []
    for ordinal, weekday in rule.days:
        prefix = ordinals.get(ordinal, "") if ordinal else _("every")
        words.append(f"{prefix} {DAY_NAMES[weekday]}".strip())
    for day in rule.monthdays:
        words.append(_("day %(day)s") % {"day": day})
    return _("%(days)s of the month") % {"days": ", ".join(words)}
