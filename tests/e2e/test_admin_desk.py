"""The caseworker's desk in a real browser at 1280 px: home, queue, history, calls.

Each page fits the screen and axe finds nothing on it; the actions a
caseworker takes work without JavaScript too.
"""

import datetime as dt

import pytest

from resources.models import ChangeRequest, Closure, Schedule, Service

from .test_admin_pages import fits


def test_the_home_puts_todays_work_first_and_folds_the_tables(staff_visit):
    session = staff_visit(bypass_csp=True)  # for axe
    page = session.page
    session.open("/admin/")

    assert page.locator("#caseworker-tasks").is_visible()
    assert page.locator("#listings").get_by_role("link", name="Services").is_visible()
    schedules = page.locator("#all-tables").get_by_role("link", name="Schedules")
    assert not schedules.is_visible()
    page.click("#all-tables summary")
    assert schedules.is_visible()
    assert fits(page)
    assert session.axe_violations() == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_rejecting_a_report_from_its_page(staff_visit, javascript):
    report = ChangeRequest.objects.open().order_by("created_at").first()
    session = staff_visit(javascript=javascript, bypass_csp=True)
    page = session.page
    session.open(f"/admin/resources/changerequest/{report.pk}/change/")

    accept = page.locator("#decide a.primary", has_text="Accept")
    reject = page.locator("#decide a.primary", has_text="Reject")
    for button in (accept, reject):
        box = button.bounding_box()
        assert box["height"] >= 44, box
    assert fits(page)
    if javascript:
        assert session.axe_violations() == []
    with page.expect_navigation():
        reject.click()
    page.fill("textarea[name=reason]", "Checked by phone: the number is right.")
    with page.expect_navigation():
        page.click("input[type=submit].default")

    report.refresh_from_db()
    assert report.status == ChangeRequest.Status.REJECTED
    assert report.resolution_note == "Checked by phone: the number is right."


def test_the_queue_list_passes_axe(staff_visit):
    session = staff_visit(bypass_csp=True)
    session.open("/admin/resources/changerequest/?status__exact=open")
    assert fits(session.page)
    assert session.axe_violations() == []


def test_an_hours_change_shows_in_the_listings_history(staff_visit):
    service = Service.objects.filter(schedules__isnull=False).order_by("name").first()
    row = service.schedules.order_by("pk").first()
    session = staff_visit(bypass_csp=True)
    page = session.page
    session.open(f"/admin/resources/service/{service.pk}/change/")
    prefix = (
        page.locator(f"input[name$='-id'][value='{row.pk}']")
        .get_attribute("name")
        .removesuffix("-id")
    )
    page.fill(f"input[name='{prefix}-closes_at']", "11 pm")
    with page.expect_navigation():
        page.click("input[name=_continue]")
    session.open(f"/admin/resources/service/{service.pk}/history/")

    first = page.locator("#timeline tbody tr").first
    assert "Schedule" in first.inner_text()
    assert "23:00:00" in first.locator("ins").inner_text()
    assert first.get_by_role("link", name="Go back to this version").is_visible()
    assert fits(page)
    assert session.axe_violations() == []


def test_a_holiday_closure_typed_without_javascript(staff_visit, visit):
    service = (
        Service.objects.published()
        .filter(schedules__isnull=False)
        .order_by("name")
        .first()
    )
    session = staff_visit(javascript=False)
    page = session.page
    session.open(f"/admin/resources/service/{service.pk}/change/")
    page.fill("input[name='closures-0-first_day']", "2026-12-24")
    page.fill("input[name='closures-0-last_day']", "2026-12-26")
    page.fill("input[name='closures-0-note']", "Closed for the holidays")
    with page.expect_navigation():
        page.click("input[name=_continue]")

    assert page.locator(".errornote").count() == 0, page.content()
    closure = Closure.objects.get(service=service)
    assert (closure.first_day, closure.last_day) == (
        dt.date(2026, 12, 24),
        dt.date(2026, 12, 26),
    )
    assert fits(page)

    # A person on a phone reads it on the listing, in English and Spanish.
    for prefix, text in (
        ("", "Closed December 24–26 · Closed for the holidays"),
        ("/es", "Cerrado 24–26 de diciembre · Closed for the holidays"),
    ):
        phone = visit(width=320, bypass_csp=True)
        phone.open(f"{prefix}{service.get_absolute_url()}")
        assert phone.page.locator(".closures").inner_text().strip() == text
        assert fits(phone.page)
        assert phone.axe_violations() == []


def test_the_call_list_offers_numbers_to_tap_and_prints(staff_visit):
    session = staff_visit(bypass_csp=True)
    page = session.page
    session.open("/admin/caseworkers/verification/")

    assert page.locator("a.tel[href^='tel:']").count() > 0
    assert fits(page)
    assert session.axe_violations() == []
    with page.expect_navigation():
        page.click("text=Print this call list")
    assert page.locator("table").count() > 0
    assert session.axe_violations() == []
    assert Schedule.objects.exists()
