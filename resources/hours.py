"""Opening hours from HSDS schedule rows. Pure Python: no ORM, no settings.

A schedule row is an iCalendar-style recurrence (WEEKLY or MONTHLY, `byday`
such as ``MO,TU`` or ``1SA`` / ``-1FR``, `bymonthday`, `interval` counted
from `dtstart`, `until`, `count`) with an opening window (`opens_at` to
`closes_at`, local wall-clock time) and a validity period (`valid_from`,
`valid_to`). Rows add up, as HSDS's field guidance describes: extra holiday
hours are a row valid on those dates only; changed hours end one row's
validity and start another's.

Conventions, so that data entry errors do not make a service look open:
- a window whose closing time is earlier than its opening time ends the next
  day (20:00–08:00 is overnight);
- equal times (00:00–00:00) mean 24 hours, and so does 00:00–23:59, HSDS's
  own signal for "open all day";
- a row without both times, or with an unknown `freq`, opens nothing;
- no rows at all is "hours unknown", never "open".

Everything is computed in local wall-clock time of the location's zone, so
9 AM stays 9 AM across daylight-saving changes. The same rules are compiled
into `Window` rows that the database matches for "open at T" filters; the
two are kept in agreement by tests.
"""

import calendar
import dataclasses
import datetime as dt
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MINUTES_PER_DAY = 24 * 60
# Far enough to cross any monthly rule and a year of validity gaps.
SEARCH_HORIZON_DAYS = 400
ONE_DAY = dt.timedelta(days=1)
_EPOCH = dt.date(1970, 1, 5)  # a Monday: week numbers count from here


@dataclass(frozen=True)
class Rule:
    """One HSDS schedule row, reduced to what decides when it is open."""

    opens_at: dt.time | None
    closes_at: dt.time | None
    freq: str = "WEEKLY"
    byday: str = ""
    bymonthday: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    dtstart: dt.date | None = None
    until: dt.date | None = None
    interval: int | None = None
    count: int | None = None
    wkst: str = ""

    @classmethod
    def of(cls, row) -> "Rule":
        """Build a rule from anything with HSDS schedule attributes."""
        return cls(
            opens_at=row.opens_at,
            closes_at=row.closes_at,
            freq=row.freq or "",
            byday=row.byday or "",
            bymonthday=row.bymonthday or "",
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            dtstart=row.dtstart,
            until=row.until,
            interval=row.interval,
            count=row.count,
            wkst=row.wkst or "",
        )

    # What the rule means ----------------------------------------------------

    @cached_property
    def minutes(self) -> tuple[int, int] | None:
        """Return (start, end) minutes after the day's midnight; end may pass 1440."""
        if self.opens_at is None or self.closes_at is None:
            return None
        start = self.opens_at.hour * 60 + self.opens_at.minute
        end = self.closes_at.hour * 60 + self.closes_at.minute
        if start == 0 and end in (0, MINUTES_PER_DAY - 1):
            return 0, MINUTES_PER_DAY
        if end <= start:
            end += MINUTES_PER_DAY
        return start, end

    @cached_property
    def days(self) -> list[tuple[int | None, int]]:
        """Return (ordinal or None, weekday 0–6) pairs from `byday`."""
        pairs = []
        for part in filter(None, (p.strip().upper() for p in self.byday.split(","))):
            if part[-2:] not in WEEKDAYS:
                continue
            ordinal = part[:-2]
            try:
                number = int(ordinal) if ordinal not in ("", "+", "-") else None
            except ValueError:
                continue
            pairs.append((number or None, WEEKDAYS.index(part[-2:])))
        return pairs

    @cached_property
    def weekdays(self) -> frozenset[int]:
        """Return the weekdays (0–6) named in `byday`, whatever their ordinals."""
        return frozenset(wd for _, wd in self.days)

    @cached_property
    def monthdays(self) -> list[int]:
        numbers = []
        for part in filter(None, (p.strip() for p in self.bymonthday.split(","))):
            try:
                number = int(part)
            except ValueError:
                continue
            if 1 <= abs(number) <= 31:
                numbers.append(number)
        return numbers

    @property
    def week_start(self) -> int:
        return WEEKDAYS.index(self.wkst) if self.wkst in WEEKDAYS else 0

    @property
    def step(self) -> int:
        return self.interval if self.interval and self.interval > 1 else 1

    @cached_property
    def first_day(self) -> dt.date | None:
        dates = [d for d in (self.valid_from, self.dtstart) if d]
        return max(dates) if dates else None

    @cached_property
    def last_day(self) -> dt.date | None:
        dates = [d for d in (self.valid_to, self.until, self._count_end()) if d]
        return min(dates) if dates else None

    def _count_end(self) -> dt.date | None:
        """Return the date of the `count`-th occurrence, where `count` is set."""
        if not self.count or self.count < 1 or not self.dtstart:
            return None
        seen, day = 0, self.dtstart
        limit = self.dtstart + dt.timedelta(days=366 * 50)
        while day <= limit:
            if self._matches_pattern(day):
                seen += 1
                if seen == self.count:
                    return day
            day += dt.timedelta(days=1)
        return None

    def _matches_pattern(self, day: dt.date) -> bool:
        """Does the recurrence (ignoring validity dates) fall on `day`?"""
        if self.freq == "WEEKLY":
            if day.weekday() not in self.weekdays:
                return False
            if self.step > 1:
                anchor = self.dtstart or self.valid_from
                if (
                    anchor
                    and (
                        week_index(day, self.week_start)
                        - week_index(anchor, self.week_start)
                    )
                    % self.step
                ):
                    return False
            return True
        if self.freq == "MONTHLY":
            positive, negative = month_ordinals(day)
            matched = False
            if self.days:
                matched = any(
                    wd == day.weekday()
                    and (ordinal is None or ordinal in (positive, negative))
                    for ordinal, wd in self.days
                )
            if self.monthdays and not self.days:
                matched = any(n in monthday_numbers(day) for n in self.monthdays)
            elif self.monthdays:
                matched = matched and any(
                    n in monthday_numbers(day) for n in self.monthdays
                )
            if matched and self.step > 1:
                anchor = self.dtstart or self.valid_from
                if anchor and (month_index(day) - month_index(anchor)) % self.step:
                    return False
            return matched
        return False

    def valid_on(self, day: dt.date) -> bool:
        """Is `day` within the rule's validity, `until` and `count`?"""
        first, last = self.first_day, self.last_day
        return not ((first and day < first) or (last and day > last))

    def occurs_on(self, day: dt.date) -> bool:
        """Does a window of this rule start on `day`?"""
        if self.minutes is None:
            return False
        return self.valid_on(day) and self._matches_pattern(day)


def week_index(day: dt.date, week_start: int = 0) -> int:
    """Return the number of whole weeks (starting on `week_start`) since 1970."""
    return ((day - _EPOCH).days - week_start) // 7


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_ordinals(day: dt.date) -> tuple[int, int]:
    """Return (n, -m): `day` is the n-th and the m-th-from-last of its weekday."""
    length = calendar.monthrange(day.year, day.month)[1]
    return (day.day - 1) // 7 + 1, -((length - day.day) // 7 + 1)


def monthday_numbers(day: dt.date) -> tuple[int, int]:
    """Return (d, -k): `day` is day d and the k-th-from-last day of its month."""
    length = calendar.monthrange(day.year, day.month)[1]
    return day.day, day.day - length - 1


# Closures and special hours -------------------------------------------------


@dataclass(frozen=True)
class Closure:
    """Days `first_day` to `last_day` on which the regular hours do not hold.

    Closed all day, unless the closure gives special hours (`opens_at` to
    `closes_at`) for those days. It ends by itself: the regular hours are
    back the day after `last_day`.
    """

    first_day: dt.date
    last_day: dt.date
    opens_at: dt.time | None = None
    closes_at: dt.time | None = None

    @classmethod
    def of(cls, row) -> "Closure":
        return cls(row.first_day, row.last_day, row.opens_at, row.closes_at)


def closed_spans(closures: Iterable[Closure]) -> list[tuple[dt.date, dt.date]]:
    """Return the closures' days as sorted, merged (first, last) spans."""
    spans: list[tuple[dt.date, dt.date]] = []
    for first, last in sorted((c.first_day, c.last_day) for c in closures):
        if last < first:
            continue
        if spans and first <= spans[-1][1] + ONE_DAY:
            spans[-1] = (spans[-1][0], max(spans[-1][1], last))
        else:
            spans.append((first, last))
    return spans


def without_closures(rule: Rule, closures: Iterable[Closure]) -> list[Rule]:
    """Return the pieces of `rule` valid outside the closures' days.

    Each piece is the same rule with a narrower validity, so the engine and
    the compiled windows need nothing new. A piece keeps the rule's anchor
    (`dtstart`) so that an every-other-week rule keeps its weeks, and `count`
    becomes the `until` it implies.
    """
    first, last = rule.first_day, rule.last_day
    spans = [
        (a, b)
        for a, b in closed_spans(closures)
        if not ((first and b < first) or (last and a > last))
    ]
    if not spans:
        return [rule]
    anchor = rule.dtstart or rule.valid_from
    base = dataclasses.replace(
        rule,
        dtstart=anchor,
        until=last,
        count=None,
        # Without an anchor, an interval counts from nowhere and is ignored:
        # keep it so once a piece has a start of its own.
        interval=rule.interval if anchor else None,
    )
    pieces = []
    start = first
    for a, b in spans:
        if start is None or start < a:
            pieces.append(
                dataclasses.replace(base, valid_from=start, valid_to=a - ONE_DAY)
            )
        start = b + ONE_DAY
    if last is None or start <= last:
        pieces.append(dataclasses.replace(base, valid_from=start, valid_to=last))
    return pieces


def special_hours(closure: Closure) -> Rule | None:
    """Return the rule of a closure's special hours, every day it lasts."""
    if closure.opens_at is None or closure.closes_at is None:
        return None
    return Rule(
        opens_at=closure.opens_at,
        closes_at=closure.closes_at,
        byday=",".join(WEEKDAYS),
        valid_from=closure.first_day,
        valid_to=closure.last_day,
    )


def with_closures(rules: Iterable[Rule], closures: Sequence[Closure]) -> list[Rule]:
    """Return the rules that say when it is open, closures and special hours applied."""
    applied = [piece for rule in rules for piece in without_closures(rule, closures)]
    return applied + [r for c in closures if (r := special_hours(c)) is not None]


# Evaluating rules at an instant ----------------------------------------------


def local_windows(
    rules: Iterable[Rule], first: dt.date, last: dt.date
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Return merged naive wall-clock windows starting from `first` to `last`."""
    return list(merged_windows(rules, first, last))


def merged_windows(
    rules: Iterable[Rule], first: dt.date, last: dt.date
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Yield the merged windows starting from `first` to `last`, in order.

    Lazy, so that a caller can stop at the window it needs. Where the rules
    repeat (see `Stretch`), whole periods that cannot change what is yielded
    are skipped rather than walked: an around-the-clock service, or one closed
    for months, costs a couple of weeks' work instead of a year's.
    """
    rules = [rule for rule in rules if rule.minutes is not None]
    current: tuple[dt.datetime, dt.datetime] | None = None  # still growing
    quiet_since = first  # no window starts from this day up to `day`
    stretch = Stretch.around(rules, first, first, last)
    day = first
    while day <= last:
        if current and current[1] < _midnight(day):  # no later window joins it
            yield current
            current = None
        if day >= stretch.end:
            stretch = Stretch.around(rules, day, first, last)
        if skip := stretch.days_to_skip(day, quiet_since, current):
            if current:  # open throughout: the window grows with the days
                current = (current[0], current[1] + skip)
                quiet_since += skip
            day += skip
            continue
        windows = day_windows(rules, day)
        for start, end in windows:
            if current and start <= current[1]:
                current = (current[0], max(current[1], end))
            else:
                if current:
                    yield current
                current = (start, end)
        day += ONE_DAY
        if windows:
            quiet_since = day
    if current:
        yield current


def day_windows(
    rules: Iterable[Rule], day: dt.date
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Return the (unmerged) windows that start on `day`, in order."""
    midnight = _midnight(day)
    return sorted(
        (midnight + dt.timedelta(minutes=start), midnight + dt.timedelta(minutes=end))
        for start, end in (rule.minutes for rule in rules if rule.occurs_on(day))
    )


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


@dataclass(frozen=True)
class Stretch:
    """Days `first` to `end` (exclusive) in which the same rules are valid.

    With weekly rules alone, the windows there repeat every `period` days (a
    week, or a cycle of every-n-weeks rules): the windows starting on day
    `d + period` are those of day `d`, moved by `period`. Monthly rules do
    not repeat so simply, and `period` is then None.
    """

    first: dt.date
    end: dt.date
    period: int | None

    @classmethod
    def around(
        cls, rules: Sequence[Rule], day: dt.date, first: dt.date, last: dt.date
    ) -> "Stretch":
        """Return the stretch of `day`, looking only at days `first` to `last`."""
        bounds = {first, last + ONE_DAY}
        for rule in rules:
            if rule.first_day and first < rule.first_day <= last:
                bounds.add(rule.first_day)
            if rule.last_day and first <= rule.last_day < last:
                bounds.add(rule.last_day + ONE_DAY)
        in_force = [rule for rule in rules if rule.valid_on(day)]
        period = None
        if not any(rule.freq == "MONTHLY" for rule in in_force):
            weeks = (rule.step for rule in in_force if rule.freq == "WEEKLY")
            period = 7 * math.lcm(1, *weeks)
        return cls(
            first=max(bound for bound in bounds if bound <= day),
            end=min(bound for bound in bounds if bound > day),
            period=period,
        )

    def days_to_skip(
        self,
        day: dt.date,
        quiet_since: dt.date,
        current: tuple[dt.datetime, dt.datetime] | None,
    ) -> dt.timedelta:
        """Return how far `merged_windows` may jump from `day`, in whole periods.

        It may when the last period is sure to repeat until the stretch ends:
        - quiet, no window starting in it: none will start later either;
        - open throughout, the growing window holding it from midnight to
          midnight: the window grows by a period each period. The windows
          making up that hold started at most a day before it (a window ends
          before the second midnight after its day), and the stretch must
          include that day too, so that the copies of those windows are the
          windows of the period to come.
        """
        if self.period is None:
            return dt.timedelta(0)
        period = dt.timedelta(days=self.period)
        periods = (self.end - day) // period
        quiet = quiet_since <= day - period and self.first <= day - period
        open_throughout = (
            current is not None
            and self.first <= day - period - ONE_DAY
            and current[0] <= _midnight(day - period)
            and current[1] >= _midnight(day)
        )
        return periods * period if quiet or open_throughout else dt.timedelta(0)


def _wall_clock(at: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    if at.tzinfo is None:
        raise ValueError("An instant needs a time zone.")
    return at.astimezone(zone).replace(tzinfo=None)


def _aware(wall: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    return wall.replace(tzinfo=zone)


def is_open(rules: Sequence[Rule], at: dt.datetime, zone: ZoneInfo) -> bool:
    """Is any window open at instant `at`?"""
    now = _wall_clock(at, zone)
    # A window may have started yesterday (overnight).
    return any(
        start <= now < end
        for start, end in local_windows(
            rules, now.date() - dt.timedelta(days=1), now.date()
        )
    )


@dataclass(frozen=True)
class Status:
    """Open or closed at an instant, and when that next changes."""

    known: bool
    open: bool
    changes_at: dt.datetime | None  # aware, in the location's zone

    @property
    def closes_at(self) -> dt.datetime | None:
        return self.changes_at if self.open else None

    @property
    def opens_at(self) -> dt.datetime | None:
        return None if self.open else self.changes_at


def status_at(
    rules: Sequence[Rule],
    at: dt.datetime,
    zone: ZoneInfo,
    *,
    horizon_days: int = SEARCH_HORIZON_DAYS,
) -> Status:
    """Return whether it is open at `at` and the next opening or closing time.

    `changes_at` is None when nothing changes within the horizon (open around
    the clock, or no further opening known). Windows are merged lazily, so
    that the search stops at the first window that is open now or later.
    """
    if not rules:
        return Status(known=False, open=False, changes_at=None)
    now = _wall_clock(at, zone)
    last = now.date() + dt.timedelta(days=horizon_days)
    for start, end in merged_windows(rules, now.date() - ONE_DAY, last):
        if start > now:
            return Status(known=True, open=False, changes_at=_aware(start, zone))
        if now < end:
            if end > _midnight(last):  # open past the horizon: a change unknown
                return Status(known=True, open=True, changes_at=None)
            return Status(known=True, open=True, changes_at=_aware(end, zone))
    return Status(known=True, open=False, changes_at=None)


# Summaries -------------------------------------------------------------------


@dataclass(frozen=True)
class DayHours:
    """Consecutive weekdays sharing the same windows, for a short summary."""

    first_day: int
    last_day: int
    windows: tuple[tuple[dt.time, dt.time], ...]


def weekly_summary(rules: Sequence[Rule], on: dt.date) -> list[DayHours]:
    """Summarise the weekly rules valid in the week starting `on`.

    Monthly rules are left to `monthly_rules` since a week cannot show them.
    """
    by_day: dict[int, list[tuple[dt.time, dt.time]]] = {d: [] for d in range(7)}
    for offset in range(7):
        day = on + dt.timedelta(days=offset)
        for rule in rules:
            if rule.freq == "WEEKLY" and rule.occurs_on(day):
                by_day[day.weekday()].append((rule.opens_at, rule.closes_at))
    groups: list[DayHours] = []
    for weekday in range(7):
        windows = tuple(sorted(set(by_day[weekday])))
        if not windows:
            continue
        last = groups[-1] if groups else None
        if last and last.last_day == weekday - 1 and last.windows == windows:
            groups[-1] = DayHours(last.first_day, weekday, windows)
        else:
            groups.append(DayHours(weekday, weekday, windows))
    return groups


def monthly_rules(rules: Sequence[Rule], on: dt.date) -> list[Rule]:
    """Return the monthly rules still in force on `on`, for a summary line."""
    return [
        rule
        for rule in rules
        if rule.freq == "MONTHLY"
        and rule.minutes
        and not (rule.last_day and rule.last_day < on)
    ]


# Compiling rules for the database -------------------------------------------


@dataclass(frozen=True)
class Window:
    """A piece of a rule that one indexed database condition can match.

    `day_offset` 1 marks the after-midnight part of an overnight window: its
    day pattern, ordinals and validity refer to the day before.
    """

    day_offset: int
    weekday: int | None
    month_ordinal: int | None
    monthday: int | None
    start_minute: int
    end_minute: int
    first_day: dt.date | None
    last_day: dt.date | None
    interval: int
    interval_unit: str  # "week" or "month"
    anchor: int
    week_start: int


def compile_rule(rule: Rule) -> list[Window]:
    """Split a rule into windows of one day each, matching `Rule.occurs_on`."""
    if rule.minutes is None or rule.freq not in ("WEEKLY", "MONTHLY"):
        return []
    if rule.freq == "WEEKLY" and not rule.days:
        return []
    if rule.freq == "MONTHLY" and not (rule.days or rule.monthdays):
        return []
    start, end = rule.minutes
    anchor_day = rule.dtstart or rule.valid_from
    unit = "week" if rule.freq == "WEEKLY" else "month"
    step = rule.step if anchor_day else 1
    anchor = 0
    if step > 1:
        anchor = (
            week_index(anchor_day, rule.week_start)
            if unit == "week"
            else month_index(anchor_day)
        )
    if rule.freq == "WEEKLY":
        patterns = [(wd, None, None) for wd in sorted({wd for _, wd in rule.days})]
    elif rule.days and rule.monthdays:
        patterns = [
            (wd, ordinal, n) for ordinal, wd in rule.days for n in rule.monthdays
        ]
    elif rule.days:
        patterns = [(wd, ordinal, None) for ordinal, wd in rule.days]
    else:
        patterns = [(None, None, n) for n in rule.monthdays]
    pieces = [(0, start, min(end, MINUTES_PER_DAY))]
    if end > MINUTES_PER_DAY:
        pieces.append((1, 0, end - MINUTES_PER_DAY))
    return [
        Window(
            day_offset=offset,
            weekday=weekday,
            month_ordinal=ordinal,
            monthday=monthday,
            start_minute=piece_start,
            end_minute=piece_end,
            first_day=rule.first_day,
            last_day=rule.last_day,
            interval=step,
            interval_unit=unit,
            anchor=anchor,
            week_start=rule.week_start,
        )
        for weekday, ordinal, monthday in patterns
        for offset, piece_start, piece_end in pieces
    ]


@dataclass(frozen=True)
class DayFacts:
    """What a window needs to know about one local day to match it."""

    date: dt.date
    weekday: int
    ordinals: tuple[int, int]
    monthdays: tuple[int, int]
    month: int
    day_number: int  # days since the 1970 Monday, for week intervals


def day_facts(day: dt.date) -> DayFacts:
    return DayFacts(
        date=day,
        weekday=day.weekday(),
        ordinals=month_ordinals(day),
        monthdays=monthday_numbers(day),
        month=month_index(day),
        day_number=(day - _EPOCH).days,
    )


def instant_facts(at: dt.datetime, zone: ZoneInfo) -> tuple[int, DayFacts, DayFacts]:
    """Return (local minute, today's facts, yesterday's facts) for `at` in `zone`."""
    now = _wall_clock(at, zone)
    today = now.date()
    return (
        now.hour * 60 + now.minute,
        day_facts(today),
        day_facts(today - dt.timedelta(days=1)),
    )


def window_matches(window: Window, minute: int, today: DayFacts, yesterday: DayFacts):
    """Match one compiled window in Python, exactly as the database does."""
    day = yesterday if window.day_offset else today
    if not window.start_minute <= minute < window.end_minute:
        return False
    if window.first_day and day.date < window.first_day:
        return False
    if window.last_day and day.date > window.last_day:
        return False
    if window.weekday is not None and window.weekday != day.weekday:
        return False
    if window.month_ordinal is not None and window.month_ordinal not in day.ordinals:
        return False
    if window.monthday is not None and window.monthday not in day.monthdays:
        return False
    if window.interval > 1:
        index = (
            (day.day_number - window.week_start) // 7
            if window.interval_unit == "week"
            else day.month
        )
        if (index - window.anchor) % window.interval:
            return False
    return True
