"""The verification cycle: due dates, the log, the dashboard, the public labels."""

import datetime

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from resources.models import Service, Verification
from resources.models.services import VerificationState
from resources.policy import VerificationPolicy, add_months, verification_policy
from resources.services import service_verify

from .factories import make_organization, make_service, make_staff, tag

TODAY = datetime.date(2026, 6, 15)
POLICY = {
    "months": 12,
    "categories": {"crisis-hotlines": 3, "emergency-shelter": 3, "legal": 24},
    "due_soon_days": 30,
    "public_warning_after_days": None,
}


# The policy, in plain Python --------------------------------------------------


def test_add_months_clamps_to_the_end_of_the_month():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2026, 3, 15), 12) == datetime.date(2027, 3, 15)
    assert add_months(datetime.date(2026, 3, 15), -3) == datetime.date(2025, 12, 15)


def test_interval_is_the_shortest_override_of_the_categories():
    policy = VerificationPolicy(**POLICY)
    assert policy.months_for([]) == 12
    assert policy.months_for(["food"]) == 12
    assert policy.months_for(["legal-aid", "legal"]) == 24
    assert policy.months_for(["legal", "crisis-hotlines"]) == 3


@given(
    day=st.dates(datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)),
    months=st.sampled_from([1, 3, 6, 12, 24]),
)
def test_the_sql_cutoff_agrees_with_the_due_date(day, months):
    cutoff = VerificationPolicy.last_assured_before_due(day, months)
    one = datetime.timedelta(days=1)
    assert VerificationPolicy.due_date(cutoff - one, months) < day
    assert VerificationPolicy.due_date(cutoff, months) >= day


def test_a_bad_interval_is_refused():
    with pytest.raises(ValueError):
        VerificationPolicy(months=0)


def test_the_public_warning_is_off_by_default():
    policy = verification_policy()
    assert policy.public_warning_after_days is None
    assert not policy.shows_public_warning(datetime.date(2000, 1, 1), 12, TODAY)


# Due, overdue and never verified, in the database -----------------------------


def verified(months_ago: int, days: int = 0, **overrides) -> Service:
    return make_service(
        assured_date=add_months(TODAY, -months_ago) - datetime.timedelta(days=days),
        **overrides,
    )


@pytest.fixture
def policy(settings):
    settings.DIRECTORY_VERIFICATION_POLICY = POLICY


@pytest.fixture
def services(db, policy):
    hotline = verified(4)
    tag(hotline, "suicide-crisis")  # a sub-category of crisis-hotlines
    shelter = verified(2, days=20)  # due in 10 days
    tag(shelter, "emergency-shelter")
    return {
        "never": make_service(assured_date=None),
        "overdue": verified(13),
        "due": verified(11, days=10),  # due in about three weeks
        "current": verified(6),
        "due today": verified(12),
        "hotline overdue": hotline,
        "shelter due": shelter,
        "legal current": _tagged(verified(13), "legal-aid"),  # 24 months
        "legal overdue": _tagged(verified(27), "legal"),  # 3 months late
    }


def _tagged(service: Service, code: str) -> Service:
    tag(service, code)
    return service


def states(today=TODAY) -> dict:
    return dict(
        Service.objects.with_verification_state(today).values_list(
            "name", "verification_state"
        )
    )


def test_state_of_each_service_follows_the_policy(services):
    by_name = states()
    expected = {
        "never": VerificationState.NEVER,
        "overdue": VerificationState.OVERDUE,
        "due": VerificationState.DUE,
        "current": VerificationState.CURRENT,
        "due today": VerificationState.DUE,
        "hotline overdue": VerificationState.OVERDUE,
        "shelter due": VerificationState.DUE,
        "legal current": VerificationState.CURRENT,
        "legal overdue": VerificationState.OVERDUE,
    }
    assert {key: by_name[s.name] for key, s in services.items()} == expected


def test_verification_due_includes_never_verified_and_due_today(services):
    due = set(Service.objects.verification_due(TODAY))
    assert due == {
        services[key]
        for key in (
            "never",
            "overdue",
            "due today",
            "hotline overdue",
            "legal overdue",
        )
    }


def test_overdue_never_includes_never_verified(services):
    overdue = set(Service.objects.verification_overdue(TODAY))
    assert overdue == {
        services[key] for key in ("overdue", "hotline overdue", "legal overdue")
    }
    assert services["never"] not in overdue


def test_overdue_after_a_grace_period(services):
    # Overdue by a month (13 of 12, 4 of 3): a 40-day grace spares them.
    lenient = set(Service.objects.verification_overdue(TODAY, grace_days=40))
    assert lenient == {services["legal overdue"]}


def test_python_and_sql_agree_on_every_service(services):
    policy = verification_policy()
    rows = Service.objects.with_verification_state(TODAY)
    for service in rows:
        if service.assured_date is None:
            continue
        overdue = policy.is_overdue(
            service.assured_date, service.verification_months, TODAY
        )
        assert overdue == (service.verification_state == VerificationState.OVERDUE)


# The log ----------------------------------------------------------------------


def test_confirming_sets_the_assured_date_and_email(db, policy):
    service = make_service(assured_date=None)
    caseworker = make_staff(email="pat@example.org")

    verification = service_verify(
        service=service,
        user=caseworker,
        method=Verification.Method.PHONE,
        outcome=Verification.Outcome.CONFIRMED,
        notes="Spoke to the front desk.",
    )

    service.refresh_from_db()
    assert service.assured_date == timezone.localdate()
    assert service.assurer_email == settings.DIRECTORY_VERIFICATION_EMAIL
    assert verification.verified_by == caseworker
    latest = service.history.latest("history_date")
    assert latest.history_user == caseworker
    assert "Verified" in latest.history_change_reason


def test_could_not_reach_is_logged_but_assures_nothing(db):
    service = make_service(assured_date=datetime.date(2025, 1, 1))

    service_verify(
        service=service,
        user=make_staff(),
        method=Verification.Method.PHONE,
        outcome=Verification.Outcome.UNREACHABLE,
        notes="Rang out twice.",
    )

    service.refresh_from_db()
    assert service.assured_date == datetime.date(2025, 1, 1)
    assert service.verifications.get().outcome == "unreachable"


def test_a_late_entry_does_not_move_the_assured_date_back(db):
    service = make_service(assured_date=datetime.date(2026, 5, 1))
    when = timezone.make_aware(datetime.datetime(2026, 3, 1, 12))

    service_verify(
        service=service,
        user=make_staff(),
        method=Verification.Method.VISIT,
        outcome=Verification.Outcome.CONFIRMED,
        notes="Visit in March, logged late.",
        when=when,
    )

    service.refresh_from_db()
    assert service.assured_date == datetime.date(2026, 5, 1)


def test_a_verification_cannot_be_in_the_future(db):
    with pytest.raises(ValidationError):
        service_verify(
            service=make_service(),
            user=make_staff(),
            method=Verification.Method.PHONE,
            outcome=Verification.Outcome.CONFIRMED,
            notes="",
            when=timezone.now() + datetime.timedelta(days=2),
        )
    assert not Verification.objects.exists()


# Public labels ----------------------------------------------------------------


def test_public_page_says_verified_month_year_or_not_yet(client, db):
    checked = make_service(assured_date=datetime.date(2026, 3, 9))
    unchecked = make_service(assured_date=None)

    assert "Verified March 2026" in client.get(checked.get_absolute_url()).text
    assert "Not verified yet" in client.get(unchecked.get_absolute_url()).text


def test_overdue_warning_only_after_the_configured_grace_period(client, db, settings):
    stale = make_service(assured_date=timezone.localdate() - datetime.timedelta(400))
    hotline = make_service(assured_date=timezone.localdate() - datetime.timedelta(120))
    tag(hotline, "crisis-hotlines")
    fresh = make_service(assured_date=timezone.localdate() - datetime.timedelta(100))
    never = make_service(assured_date=None)
    warning = "overdue for its regular check"

    # Off by default.
    assert warning not in client.get(stale.get_absolute_url()).text

    settings.DIRECTORY_VERIFICATION_POLICY = verification_policy().__dict__ | {
        "public_warning_after_days": 14
    }
    cache.clear()  # a new setting comes with a restart and a new release
    assert warning in client.get(stale.get_absolute_url()).text
    assert warning in client.get(hotline.get_absolute_url()).text
    assert warning not in client.get(fresh.get_absolute_url()).text
    assert warning not in client.get(never.get_absolute_url()).text


# The dashboard ----------------------------------------------------------------


@override_settings(DIRECTORY_VERIFICATION_POLICY=POLICY)
def test_dashboard_lists_overdue_due_and_never_verified(caseworker_client):
    today = timezone.localdate()
    never = make_service(name="Never checked", assured_date=None)
    overdue = make_service(name="Long ago", assured_date=add_months(today, -14))
    due = make_service(
        name="Soon due",
        assured_date=add_months(today, -12) + datetime.timedelta(days=10),
    )
    current = make_service(name="Fresh", assured_date=today)
    retired = make_service(name="Retired", assured_date=None, status="defunct")

    response = caseworker_client.get(reverse("admin:verification-dashboard"))

    assert response.status_code == 200
    sections = {s["state"]: set(s["rows"]) for s in response.context["sections"]}
    assert sections == {
        VerificationState.OVERDUE: {overdue},
        VerificationState.DUE: {due},
        VerificationState.NEVER: {never},
    }
    assert current.name not in response.text
    assert retired.name not in response.text
    verify_url = reverse("admin:resources_service_verify", args=[never.pk])
    assert verify_url in response.text


@override_settings(DIRECTORY_VERIFICATION_POLICY=POLICY)
def test_dashboard_filters_by_organization_and_category(caseworker_client):
    mine = make_organization(name="Mine")
    shelter = make_service(organization=mine, name="Mine shelter", assured_date=None)
    tag(shelter, "emergency-shelter")
    food = make_service(organization=mine, name="Mine pantry", assured_date=None)
    tag(food, "food")
    elsewhere = make_service(name="Elsewhere", assured_date=None)
    tag(elsewhere, "emergency-shelter")
    url = reverse("admin:verification-dashboard")

    by_org = caseworker_client.get(url, {"organization": str(mine.pk)})
    by_category = caseworker_client.get(url, {"category": "housing"})

    def never(response):
        return next(
            set(s["rows"])
            for s in response.context["sections"]
            if s["state"] == VerificationState.NEVER
        )

    assert never(by_org) == {shelter, food}
    assert never(by_category) == {shelter, elsewhere}
    summary = {row["name"]: row for row in by_org.context["by_organization"]}
    assert summary["Mine"]["never"] == 2
    categories = {row["code"]: row for row in by_category.context["by_category"]}
    assert categories["housing"]["total"] == 2


def test_dashboard_query_count_does_not_grow_with_rows(
    caseworker_client, django_assert_max_num_queries
):
    url = reverse("admin:verification-dashboard")
    for _ in range(3):
        make_service(assured_date=None)
    caseworker_client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        caseworker_client.get(url)
    for _ in range(20):
        tag(make_service(assured_date=None), "food")
    with CaptureQueriesContext(connection) as many:
        caseworker_client.get(url)
    assert len(many) == len(few)


def test_one_click_verify_opens_the_record_and_logs(caseworker_client, caseworker):
    service = make_service(name="Call me", assured_date=None)
    url = reverse("admin:resources_service_verify", args=[service.pk])
    dashboard = reverse("admin:verification-dashboard")

    page = caseworker_client.get(url, {"next": dashboard})
    assert page.status_code == 200
    assert "Call me" in page.text
    assert service.organization.name in page.text

    response = caseworker_client.post(
        url,
        {
            "method": "email",
            "outcome": "updated",
            "notes": "New hours by email.",
            "next": dashboard,
        },
    )

    assert response.status_code == 302
    assert response.url == dashboard
    service.refresh_from_db()
    assert service.assured_date == timezone.localdate()
    log = service.verifications.get()
    assert (log.method, log.outcome, log.verified_by) == (
        "email",
        "updated",
        caseworker,
    )


def test_verify_page_refuses_a_foreign_next_url(caseworker_client):
    service = make_service()
    response = caseworker_client.post(
        reverse("admin:resources_service_verify", args=[service.pk]),
        {
            "method": "phone",
            "outcome": "confirmed",
            "next": "https://evil.example/",
        },
    )
    assert response.url == reverse("admin:verification-dashboard")


# Bulk "mark verified" ---------------------------------------------------------


def test_bulk_mark_verified_asks_for_method_and_note_first(
    caseworker_client, caseworker
):
    selected = [make_service(assured_date=None) for _ in range(2)]
    other = make_service(assured_date=None)
    url = reverse("admin:resources_service_changelist")
    ids = [str(s.pk) for s in selected]

    page = caseworker_client.post(
        url, {"action": "mark_verified", "_selected_action": ids}
    )
    assert page.status_code == 200
    assert "How did you check?" in page.text
    assert not Verification.objects.exists()

    without_note = caseworker_client.post(
        url,
        {
            "action": "mark_verified",
            "_selected_action": ids,
            "apply": "1",
            "method": "phone",
            "notes": "  ",
        },
    )
    assert without_note.status_code == 200
    assert without_note.context["form"].errors["notes"]
    assert not Verification.objects.exists()

    done = caseworker_client.post(
        url,
        {
            "action": "mark_verified",
            "_selected_action": ids,
            "apply": "1",
            "method": "email",
            "notes": "Annual confirmation emails of 3 March.",
        },
    )

    assert done.status_code == 302
    for service in selected:
        service.refresh_from_db()
        assert service.assured_date == timezone.localdate()
        log = service.verifications.get()
        assert (log.method, log.outcome, log.verified_by) == (
            "email",
            "confirmed",
            caseworker,
        )
    other.refresh_from_db()
    assert other.assured_date is None


def test_editor_cannot_verify(client, db):
    from .factories import make_editor

    service = make_service()
    client.force_login(make_editor(service.organization))

    response = client.get(reverse("admin:resources_service_verify", args=[service.pk]))

    assert response.status_code == 403
    assert not User.objects.filter(is_superuser=True).exists()
