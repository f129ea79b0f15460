"""The opening-hours engine, against worked cases and a brute-force reference."""

import datetime as dt
from zoneinfo import ZoneInfo

from dateutil import rrule
from hypothesis import given, settings
from hypothesis import strategies as st

from resources.hours import (
    MINUTES_PER_DAY,
    SEARCH_HORIZON_DAYS,
    WEEKDAYS,
    Rule,
    compile_rule,
    instant_facts,
    is_open,
    status_at,
    weekly_summary,
    window_matches,
)

NY = ZoneInfo("America/New_York")
WEEKDAYS_ONLY = "MO,TU,WE,TH,FR"


def rule(byday=WEEKDAYS_ONLY, opens="09:00", closes="17:00", **kwargs) -> Rule:
    return Rule(
        opens_at=dt.time.fromisoformat(opens) if opens else None,
        closes_at=dt.time.fromisoformat(closes) if closes else None,
        byday=byday,
        **kwargs,
    )


def at(text: str, zone=NY) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=zone)


# 2026-11-30 is a Monday.


class TestWeekly:
    def test_open_inside_and_closed_outside_the_window(self):
        rules = [rule()]
        assert is_open(rules, at("2026-11-30 09:00"), NY)
        assert is_open(rules, at("2026-11-30 16:59"), NY)
        assert not is_open(rules, at("2026-11-30 17:00"), NY)
        assert not is_open(rules, at("2026-11-30 08:59"), NY)
        assert not is_open(rules, at("2026-11-28 12:00"), NY)  # Saturday

    def test_status_says_when_it_closes_and_when_it_opens(self):
        rules = [rule()]
        status = status_at(rules, at("2026-11-30 10:00"), NY)
        assert status.open and status.closes_at == at("2026-11-30 17:00")
        status = status_at(rules, at("2026-11-27 18:00"), NY)  # Friday evening
        assert not status.open and status.opens_at == at("2026-11-30 09:00")

    def test_split_hours_close_for_lunch(self):
        rules = [rule(closes="12:00"), rule(opens="13:00")]
        assert not is_open(rules, at("2026-11-30 12:30"), NY)
        status = status_at(rules, at("2026-11-30 12:30"), NY)
        assert status.opens_at == at("2026-11-30 13:00")
        assert status_at(rules, at("2026-11-30 11:00"), NY).closes_at == at(
            "2026-11-30 12:00"
        )

    def test_overnight_window_belongs_to_the_evening_it_starts(self):
        rules = [rule(byday="MO", opens="20:00", closes="08:00")]
        assert is_open(rules, at("2026-11-30 23:00"), NY)
        assert is_open(rules, at("2026-12-01 07:59"), NY)
        assert not is_open(rules, at("2026-12-01 08:00"), NY)
        assert not is_open(rules, at("2026-11-30 07:00"), NY)  # Sunday night: no
        assert status_at(rules, at("2026-11-30 21:00"), NY).closes_at == at(
            "2026-12-01 08:00"
        )

    def test_around_the_clock_never_closes(self):
        for closes in ("00:00", "23:59"):
            rules = [rule(byday=",".join(WEEKDAYS), opens="00:00", closes=closes)]
            status = status_at(rules, at("2026-11-30 03:00"), NY)
            assert status.open and status.changes_at is None
            assert is_open(rules, at("2026-12-06 23:59"), NY)

    def test_no_rows_is_unknown_never_open(self):
        status = status_at([], at("2026-11-30 10:00"), NY)
        assert not status.known and not status.open

    def test_rows_without_times_open_nothing(self):
        rules = [rule(opens=None, closes=None)]
        status = status_at(rules, at("2026-11-30 10:00"), NY)
        assert status.known and not status.open


class TestMonthlyAndValidity:
    def test_first_saturday(self):
        rules = [rule(byday="1SA", opens="10:00", closes="14:00", freq="MONTHLY")]
        assert is_open(rules, at("2026-12-05 11:00"), NY)
        assert not is_open(rules, at("2026-12-12 11:00"), NY)
        status = status_at(rules, at("2026-12-06 11:00"), NY)
        assert status.opens_at == at("2027-01-02 10:00")

    def test_last_friday(self):
        rules = [rule(byday="-1FR", freq="MONTHLY")]
        assert is_open(rules, at("2026-11-27 10:00"), NY)
        assert not is_open(rules, at("2026-11-20 10:00"), NY)

    def test_holiday_hours_add_to_the_regular_ones_on_their_dates_only(self):
        christmas_eve = dt.date(2026, 12, 24)
        rules = [
            rule(valid_to=dt.date(2026, 12, 23)),
            rule(
                byday="TH",
                opens="10:00",
                closes="14:00",
                valid_from=christmas_eve,
                valid_to=christmas_eve,
            ),
            rule(valid_from=dt.date(2026, 12, 28)),
        ]
        assert not is_open(rules, at("2026-12-24 15:00"), NY)
        assert is_open(rules, at("2026-12-24 13:00"), NY)
        assert not is_open(rules, at("2026-12-24 09:30"), NY)  # regular hours ended
        assert not is_open(rules, at("2026-12-25 10:00"), NY)
        assert is_open(rules, at("2026-12-28 10:00"), NY)
        status = status_at(rules, at("2026-12-24 15:00"), NY)
        assert status.opens_at == at("2026-12-28 09:00")

    def test_until_ends_a_season(self):
        rules = [rule(byday="SA", until=dt.date(2026, 12, 12))]
        assert is_open(rules, at("2026-12-12 10:00"), NY)
        assert not is_open(rules, at("2026-12-19 10:00"), NY)
        assert status_at(rules, at("2026-12-13 10:00"), NY).changes_at is None

    def test_hours_that_just_ended_do_not_carry_over_a_week_later(self):
        # Open around the clock until Monday 7 December 00:00: Sunday night
        # hours that ended on 29 November bridged only that first night.
        rules = [
            rule(
                byday="SU",
                opens="20:00",
                closes="08:00",
                valid_to=dt.date(2026, 11, 29),
            ),
            rule(byday="MO,TU,WE,TH,FR,SA", opens="08:00", closes="08:00"),
            rule(byday="SU", opens="08:00", closes="00:00"),
        ]
        status = status_at(rules, at("2026-11-29 22:00"), NY)
        assert status.open and status.closes_at == at("2026-12-07 00:00")

    def test_every_other_week_from_dtstart(self):
        rules = [rule(byday="MO", interval=2, dtstart=dt.date(2026, 11, 30))]
        assert is_open(rules, at("2026-11-30 10:00"), NY)
        assert not is_open(rules, at("2026-12-07 10:00"), NY)
        assert is_open(rules, at("2026-12-14 10:00"), NY)


class TestDaylightSaving:
    # US clocks spring forward on 2026-03-08 and fall back on 2026-11-01.

    def test_nine_am_stays_nine_am_across_the_change(self):
        rules = [rule(byday="SA,SU,MO")]
        utc = dt.UTC
        # Saturday 7 March, EST (UTC-5): 9 AM is 14:00 UTC.
        assert not is_open(rules, dt.datetime(2026, 3, 7, 13, 30, tzinfo=utc), NY)
        assert is_open(rules, dt.datetime(2026, 3, 7, 14, 30, tzinfo=utc), NY)
        # Monday 9 March, EDT (UTC-4): 9 AM is 13:00 UTC.
        assert not is_open(rules, dt.datetime(2026, 3, 9, 12, 30, tzinfo=utc), NY)
        assert is_open(rules, dt.datetime(2026, 3, 9, 13, 30, tzinfo=utc), NY)
        status = status_at(rules, dt.datetime(2026, 3, 9, 12, 0, tzinfo=utc), NY)
        assert status.opens_at == dt.datetime(2026, 3, 9, 13, 0, tzinfo=utc)

    def test_overnight_window_across_spring_forward_closes_at_local_eight(self):
        rules = [rule(byday="SA", opens="20:00", closes="08:00")]
        status = status_at(rules, at("2026-03-07 22:00"), NY)
        assert status.closes_at.astimezone(dt.UTC) == dt.datetime(
            2026, 3, 8, 12, 0, tzinfo=dt.UTC
        )

    def test_overnight_window_across_fall_back(self):
        rules = [rule(byday="SA", opens="20:00", closes="08:00")]
        status = status_at(rules, at("2026-10-31 22:00"), NY)
        assert status.closes_at.astimezone(dt.UTC) == dt.datetime(
            2026, 11, 1, 13, 0, tzinfo=dt.UTC
        )


def test_weekly_summary_groups_days_with_the_same_hours():
    rules = [rule(), rule(byday="SA", opens="10:00", closes="13:00")]
    summary = weekly_summary(rules, dt.date(2026, 11, 30))
    assert [(g.first_day, g.last_day) for g in summary] == [(0, 4), (5, 5)]
    assert summary[1].windows == ((dt.time(10), dt.time(13)),)


# Property tests against a brute-force reference --------------------------------

ZONES = [ZoneInfo(name) for name in ("America/New_York", "America/Los_Angeles")]
times = st.integers(0, 95).map(lambda q: dt.time(q // 4, q % 4 * 15))
dates = st.dates(dt.date(2025, 6, 1), dt.date(2027, 6, 30))


@st.composite
def rules(draw):
    freq = draw(st.sampled_from(["WEEKLY", "MONTHLY"]))
    days = draw(
        st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=4, unique=True)
    )
    # dateutil intersects plain and numbered days in one BYDAY (RFC 5545
    # unions them), so a rule's days are either all numbered or none.
    ordinals = st.sampled_from(["1", "2", "3", "4", "-1", "-2"])
    numbered = freq == "MONTHLY" and draw(st.booleans())
    byday = ",".join((draw(ordinals) if numbered else "") + day for day in days)
    bymonthday = ""
    if freq == "MONTHLY" and draw(st.booleans()):
        numbers = st.lists(
            st.integers(1, 28) | st.integers(-7, -1), min_size=1, max_size=3
        )
        bymonthday = ",".join(map(str, draw(numbers)))
        if draw(st.booleans()):
            byday = ""
    dtstart = draw(st.none() | dates)
    valid_from = draw(st.none() | dates)
    valid_to = draw(st.none() | dates)
    if valid_from and valid_to and valid_from > valid_to:
        valid_from, valid_to = valid_to, valid_from
    interval = draw(st.sampled_from([None, 1, 2, 3])) if dtstart else None
    count = draw(st.none() | st.integers(1, 12)) if dtstart else None
    return Rule(
        opens_at=draw(times),
        closes_at=draw(times),
        freq=freq,
        byday=byday,
        bymonthday=bymonthday,
        valid_from=valid_from,
        valid_to=valid_to,
        dtstart=dtstart,
        until=None if count else draw(st.none() | dates),
        interval=interval,
        count=count,
        wkst=draw(st.sampled_from(["", "MO", "SU"])),
    )


def reference_open(rules_, instant, zone) -> bool:
    """Brute force with dateutil's RRULE engine: expand, then look."""
    now = instant.astimezone(zone).replace(tzinfo=None)
    for r in rules_:
        if r.opens_at is None or not (r.byday or r.bymonthday):
            continue
        start = r.opens_at.hour * 60 + r.opens_at.minute
        end = r.closes_at.hour * 60 + r.closes_at.minute
        if start == 0 and end in (0, MINUTES_PER_DAY - 1):
            length = MINUTES_PER_DAY
        else:
            length = (end - start) % MINUTES_PER_DAY or MINUTES_PER_DAY
        byweekday = []
        for part in filter(None, r.byday.split(",")):
            day = getattr(rrule, part[-2:])
            byweekday.append(day(int(part[:-2])) if part[:-2] else day)
        if r.freq == "WEEKLY" and not byweekday:
            continue
        wkst = getattr(rrule, r.wkst) if r.wkst else rrule.MO
        recurrence = rrule.rrule(
            rrule.WEEKLY if r.freq == "WEEKLY" else rrule.MONTHLY,
            dtstart=dt.datetime.combine(r.dtstart or dt.date(2000, 1, 3), dt.time()),
            interval=r.interval or 1,
            count=r.count,
            until=dt.datetime.combine(r.until, dt.time()) if r.until else None,
            byweekday=byweekday or None,
            bymonthday=[int(n) for n in r.bymonthday.split(",")]
            if r.bymonthday
            else None,
            wkst=wkst,
        )
        lo = dt.datetime.combine(now.date() - dt.timedelta(days=2), dt.time())
        for occurrence in recurrence.between(lo, now, inc=True):
            day = occurrence.date()
            if (r.valid_from and day < r.valid_from) or (
                r.valid_to and day > r.valid_to
            ):
                continue
            opens = occurrence + dt.timedelta(minutes=start)
            if opens <= now < opens + dt.timedelta(minutes=length):
                return True
    return False


instants = st.builds(
    lambda day, minute: (
        dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)
    ),
    dates,
    st.integers(0, MINUTES_PER_DAY - 1),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(rules(), min_size=1, max_size=3), instants, st.sampled_from(ZONES))
def test_engine_agrees_with_rrule_reference(rules_, local, zone):
    instant = local.replace(tzinfo=zone)
    assert is_open(rules_, instant, zone) == reference_open(rules_, instant, zone)


@settings(max_examples=400, deadline=None)
@given(st.lists(rules(), min_size=1, max_size=3), instants, st.sampled_from(ZONES))
def test_compiled_windows_agree_with_the_engine(rules_, local, zone):
    instant = local.replace(tzinfo=zone)
    minute, today, yesterday = instant_facts(instant, zone)
    compiled = [w for r in rules_ for w in compile_rule(r)]
    assert any(
        window_matches(w, minute, today, yesterday) for w in compiled
    ) == is_open(rules_, instant, zone)


@st.composite
def steady_rules(draw):
    """Weekly rules that often join up around the clock, or long validity gaps."""
    days = draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, unique=True))
    clock = st.sampled_from(["00:00", "00:00", "23:59", "08:00", "20:00"])
    dtstart = draw(st.none() | dates)
    return Rule(
        opens_at=dt.time.fromisoformat(draw(clock)),
        closes_at=dt.time.fromisoformat(draw(clock)),
        byday=",".join(WEEKDAYS if draw(st.booleans()) else days),
        valid_from=draw(st.none() | dates),
        valid_to=draw(st.none() | dates),
        dtstart=dtstart,
        interval=draw(st.sampled_from([None, 2, 3])) if dtstart else None,
    )


def reference_status(rules_, instant, zone) -> tuple[bool, dt.datetime | None]:
    """Materialise every window of the horizon, merge them all, then look."""
    now = instant.astimezone(zone).replace(tzinfo=None)
    first = now.date() - dt.timedelta(days=1)
    last = now.date() + dt.timedelta(days=SEARCH_HORIZON_DAYS)
    windows = []
    for offset in range((last - first).days + 1):
        midnight = dt.datetime.combine(first + dt.timedelta(days=offset), dt.time())
        windows += [
            (
                midnight + dt.timedelta(minutes=r.minutes[0]),
                midnight + dt.timedelta(minutes=r.minutes[1]),
            )
            for r in rules_
            if r.occurs_on(midnight.date())
        ]
    merged = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in merged:
        if start > now:
            return False, start.replace(tzinfo=zone)
        if now < end:
            horizon_end = dt.datetime.combine(last, dt.time())
            return True, end.replace(tzinfo=zone) if end <= horizon_end else None
    return False, None


@settings(max_examples=300, deadline=None)
@given(
    st.lists(rules() | steady_rules(), min_size=1, max_size=4),
    instants,
    st.sampled_from(ZONES),
)
def test_status_agrees_with_all_windows_of_the_horizon(rules_, local, zone):
    instant = local.replace(tzinfo=zone)
    status = status_at(rules_, instant, zone)
    assert status.known
    assert (status.open, status.changes_at) == reference_status(rules_, instant, zone)
