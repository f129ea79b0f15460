"""Days and times as caseworkers type them become HSDS schedule values."""

import contextlib
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resources.hours_input import WEEK, HoursInputError, parse_clock, parse_days

NAMES = {
    "MO": ("Monday", "Mon", "lunes"),
    "TU": ("Tuesday", "Tues", "martes"),
    "WE": ("Wednesday", "Wed", "miércoles"),
    "TH": ("Thursday", "Thu", "jueves"),
    "FR": ("Friday", "Fri", "viernes"),
    "SA": ("Saturday", "Sat", "sábado"),
    "SU": ("Sunday", "Sun", "domingo"),
}


@pytest.mark.parametrize(
    ("typed", "byday"),
    [
        ("Mon-Fri", "MO,TU,WE,TH,FR"),
        ("M-F", "MO,TU,WE,TH,FR"),
        ("Mon – Thu", "MO,TU,WE,TH"),
        ("Tues thru Sat", "TU,WE,TH,FR,SA"),
        ("Monday", "MO"),
        ("Monday, Wednesday & Friday", "MO,WE,FR"),
        ("Every day", "MO,TU,WE,TH,FR,SA,SU"),
        ("daily", "MO,TU,WE,TH,FR,SA,SU"),
        ("7 days a week", "MO,TU,WE,TH,FR,SA,SU"),
        ("weekdays", "MO,TU,WE,TH,FR"),
        ("weekends and Tuesday", "TU,SA,SU"),
        ("Fri-Mon", "MO,FR,SA,SU"),  # over the weekend
        ("lunes a viernes", "MO,TU,WE,TH,FR"),
        ("de lunes a viernes", "MO,TU,WE,TH,FR"),
        ("sábados y domingos", "SA,SU"),
        ("todos los días", "MO,TU,WE,TH,FR,SA,SU"),
        ("MO,TU", "MO,TU"),
        ("mo, we", "MO,WE"),
    ],
)
def test_weekly_days(typed, byday):
    days = parse_days(typed)
    assert (days.byday, days.monthly) == (byday, False)


@pytest.mark.parametrize(
    ("typed", "byday"),
    [
        ("first Saturday", "1SA"),
        ("1st Sat of the month", "1SA"),
        ("first and third Saturday", "1SA,3SA"),
        ("last Friday", "-1FR"),
        ("first and last Sat", "1SA,-1SA"),
        ("primer sábado del mes", "1SA"),
        ("último viernes", "-1FR"),
        ("1SA,-1FR", "1SA,-1FR"),
    ],
)
def test_monthly_days(typed, byday):
    days = parse_days(typed)
    assert (days.byday, days.monthly) == (byday, True)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("T/Th", "“t” is not a day"),
        ("Monday to", "end too soon"),
        ("first", "end too soon"),
        ("Mon-Fri, first Sat", "a row of their own"),
        ("by appointment", "“by” is not a day"),
    ],
)
def test_days_that_cannot_be_read_say_why(typed, says):
    with pytest.raises(HoursInputError, match=says):
        parse_days(typed)


@given(
    st.sets(st.sampled_from(WEEK), min_size=1),
    st.integers(0, 2),
    st.sampled_from([", ", " and ", " & ", " y ", "/", " "]),
)
def test_any_set_of_days_written_out_reads_back(days, spelling, separator):
    """What the widget shows (names) reads back as the row it came from."""
    ordered = [day for day in WEEK if day in days]
    typed = separator.join(NAMES[day][spelling] for day in ordered)
    assert parse_days(typed).byday == ",".join(ordered)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "1", "2", "3", "4", "5", "-1"]), st.sampled_from(WEEK)
        ),
        min_size=1,
        max_size=5,
    )
)
def test_ical_codes_stand_as_they_are(parts):
    code = ",".join(n + day for n, day in parts)
    assert parse_days(code).byday == code
    assert parse_days(code.lower()).byday == code


@given(st.text(max_size=60))
def test_anything_typed_is_read_or_refused_never_an_error(text):
    try:
        days = parse_days(text)
    except HoursInputError:
        return
    assert all(part[-2:] in WEEK for part in filter(None, days.byday.split(",")))


@pytest.mark.parametrize(
    ("typed", "time"),
    [
        ("9", dt.time(9)),
        ("9am", dt.time(9)),
        ("9 a.m.", dt.time(9)),
        ("7 pm", dt.time(19)),
        ("7:30pm", dt.time(19, 30)),
        ("19:00", dt.time(19)),
        ("0930", dt.time(9, 30)),
        ("noon", dt.time(12)),
        ("midnight", dt.time(0)),
        ("12am", dt.time(0)),
        ("12pm", dt.time(12)),
        ("24:00", dt.time(0)),
        ("09:00:00", dt.time(9)),
        ("7 de la tarde", dt.time(19)),
        ("mediodía", dt.time(12)),
    ],
)
def test_times(typed, time):
    assert parse_clock(typed) == time


@pytest.mark.parametrize("typed", ["25:00", "13pm", "12:60", "abc", "9 pmx", "0 am"])
def test_times_that_cannot_be_read_say_how_to_write_them(typed):
    with pytest.raises(HoursInputError, match="is not a time"):
        parse_clock(typed)


@given(st.integers(0, 23), st.integers(0, 59))
def test_every_time_reads_back_in_any_common_form(hour, minute):
    time = dt.time(hour, minute)
    for form in ("%H:%M", "%I:%M %p", "%I:%M%p", "%H:%M:%S"):
        assert parse_clock(time.strftime(form)) == time
    if minute == 0:
        assert parse_clock(time.strftime("%I %p").lstrip("0")) == time


@given(st.text(max_size=30))
def test_any_time_typed_is_read_or_refused_never_an_error(text):
    with contextlib.suppress(HoursInputError):
        parse_clock(text)
