"""The schedule form in the admin: ticked or typed days, times as people say them.

The form writes the same HSDS schedule rows the hours engine reads; what
it shows for a saved row reads back as the same row (widget → row →
widget), and what it cannot read is an error on its field.
"""

import datetime as dt

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from resources.admin.forms import ScheduleForm
from resources.hours_input import WEEK
from resources.models import Schedule, Service

from .factories import make_schedule, make_service
from .test_admin import admin_url, form_data
from .test_hostile_parameters import HOSTILE

pytestmark = pytest.mark.django_db

ORDINALS = ("1", "2", "3", "4", "5", "-1")
weekly = st.sets(st.sampled_from(WEEK)).map(lambda days: [d for d in WEEK if d in days])
# At most 20 days ("-1MO," is five characters): what a row's 100 hold.
monthly = st.sets(
    st.tuples(st.sampled_from(ORDINALS), st.sampled_from(WEEK)), min_size=1, max_size=20
).map(
    lambda pairs: [
        f"{n}{day}"
        for n, day in sorted(pairs, key=lambda p: (WEEK.index(p[1]), int(p[0]) % 6))
    ]
)
times = st.times().map(lambda t: t.replace(second=0, microsecond=0))


def shown(schedule: Schedule) -> dict:
    """Return what the schedule row's form shows, as the browser posts it back."""
    form = ScheduleForm(instance=schedule)
    ticked, typed = form["byday"].field.widget.decompress(form["byday"].value())
    return {
        "service": str(schedule.service_id),
        "freq": form["freq"].value(),
        "byday_0": ticked,
        "byday_1": typed,
        "opens_at": form.fields["opens_at"].prepare_value(form["opens_at"].value()),
        "closes_at": form.fields["closes_at"].prepare_value(form["closes_at"].value()),
    }


@pytest.fixture
def service(db):
    return make_service(name="Hours form clinic")


@override_settings(LANGUAGE_CODE="en")
@HOSTILE
@given(days=weekly | monthly, opens=times, closes=times)
def test_a_saved_row_reads_back_as_the_same_row(service, days, opens, closes):
    freq = "MONTHLY" if any(d not in WEEK for d in days) else "WEEKLY"
    row = Schedule(
        service=service,
        freq=freq,
        byday=",".join(days),
        opens_at=opens,
        closes_at=closes,
    )

    form = ScheduleForm(data=shown(row))

    assert form.is_valid(), form.errors
    again = form.save(commit=False)
    assert (again.freq, again.byday, again.opens_at, again.closes_at) == (
        freq,
        row.byday,
        opens,
        closes,
    )


@pytest.mark.parametrize(
    ("ticked", "typed", "byday", "freq"),
    [
        (["MO", "WE"], "", "MO,WE", "WEEKLY"),
        ([], "Mon-Fri", "MO,TU,WE,TH,FR", "WEEKLY"),
        (["SA"], "weekdays", "MO,TU,WE,TH,FR,SA", "WEEKLY"),
        ([], "every day", "MO,TU,WE,TH,FR,SA,SU", "WEEKLY"),
        ([], "lunes a viernes", "MO,TU,WE,TH,FR", "WEEKLY"),
        ([], "first Saturday", "1SA", "MONTHLY"),
        ([], "1st and 3rd Tue", "1TU,3TU", "MONTHLY"),
    ],
)
def test_ticked_and_typed_days_are_one_set(service, ticked, typed, byday, freq):
    form = ScheduleForm(
        data={
            "service": service.pk,
            "freq": "WEEKLY",
            "byday_0": ticked,
            "byday_1": typed,
            "opens_at": "9",
            "closes_at": "5 pm",
        }
    )
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["byday"], form.cleaned_data["freq"]) == (byday, freq)
    assert form.cleaned_data["closes_at"] == dt.time(17)


def test_a_caseworker_types_hours_as_people_say_them(caseworker_client):
    service = make_service()
    make_schedule(service=service)
    url = admin_url(Service, "change", service.pk)
    data = form_data(caseworker_client.get(url))
    data |= {
        "schedules-0-byday_0": [],
        "schedules-0-byday_1": "Mon-Fri",
        "schedules-0-opens_at": "9am",
        "schedules-0-closes_at": "7 pm",
    }

    response = caseworker_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    row = service.schedules.get()
    assert (row.byday, row.opens_at, row.closes_at) == (
        "MO,TU,WE,TH,FR",
        dt.time(9),
        dt.time(19),
    )


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("byday_1", "Mon-Fri and sometimes", "“sometimes” is not a day."),
        ("opens_at", "half past nine", "“half past nine” is not a time."),
        ("closes_at", "25:00", "“25:00” is not a time."),
    ],
)
def test_hours_that_cannot_be_read_are_an_error_on_the_field(
    caseworker_client, field, value, says
):
    service = make_service()
    make_schedule(service=service)
    url = admin_url(Service, "change", service.pk)
    data = form_data(caseworker_client.get(url)) | {f"schedules-0-{field}": value}

    response = caseworker_client.post(url, data)

    assert response.status_code == 200
    assert says in response.content.decode()
    row = service.schedules.get()
    assert (row.byday, row.opens_at, row.closes_at) == (
        "MO,TU,WE,TH,FR",
        dt.time(9),
        dt.time(17),
    )


def test_a_row_saved_with_codes_nobody_can_read_still_shows(caseworker_client):
    """Imported "Mon-Fri" in byday (not iCal) once made every page a 500."""
    service = make_service()
    make_schedule(service=service, byday="Mon-Fri")
    assert "Mon-Fri" in str(service.schedules.get())

    response = caseworker_client.get(admin_url(Service, "change", service.pk))

    assert response.status_code == 200
