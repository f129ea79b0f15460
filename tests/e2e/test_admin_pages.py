"""The caseworkers' admin in a real browser at 1280 px: the hours widget.

With and without JavaScript: ticked days and times typed the way people
say them are saved as HSDS rows; the schedule table fits the screen; axe
finds nothing on the page.
"""

import datetime as dt

import pytest

from resources.models import Service


def fits(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_caseworker_sets_hours_by_ticking_days(staff_visit, javascript):
    service = Service.objects.filter(schedules__isnull=False).order_by("name").first()
    row = service.schedules.order_by("pk").first()
    session = staff_visit(javascript=javascript, bypass_csp=True)  # for axe
    page = session.page
    session.open(f"/admin/resources/service/{service.pk}/change/")
    index = page.locator(f"input[name$='-id'][value='{row.pk}']").get_attribute("name")
    prefix = index.removesuffix("-id")

    assert fits(page)
    if javascript:
        assert session.axe_violations() == []
    for box in page.locator(f"input[name='{prefix}-byday_0']").all():
        box.uncheck()
    page.check(f"input[name='{prefix}-byday_0'][value='TU']")
    page.check(f"input[name='{prefix}-byday_0'][value='TH']")
    page.fill(f"input[name='{prefix}-byday_1']", "")
    page.fill(f"input[name='{prefix}-opens_at']", "9:30am")
    page.fill(f"input[name='{prefix}-closes_at']", "7 pm")
    with page.expect_navigation():
        page.click("input[name=_continue]")

    assert page.locator(".errornote").count() == 0, page.content()
    row.refresh_from_db()
    assert (row.byday, row.opens_at, row.closes_at) == (
        "TU,TH",
        dt.time(9, 30),
        dt.time(19),
    )
    assert page.locator(f"input[name='{prefix}-byday_0'][value='TU']").is_checked()
    assert page.input_value(f"input[name='{prefix}-closes_at']") == "19:00"


def test_days_that_cannot_be_read_are_shown_on_the_field(staff_visit):
    service = Service.objects.filter(schedules__isnull=False).order_by("name").first()
    session = staff_visit(bypass_csp=True)  # for axe
    page = session.page
    session.open(f"/admin/resources/service/{service.pk}/change/")
    typed = page.locator("input[name^='schedules-'][name$='-byday_1']").first
    typed.fill("Mon-Fri except holidays")
    with page.expect_navigation():
        page.click("input[name=_continue]")

    assert "“except” is not a day." in page.locator(".errorlist").all_inner_texts()[0]
    assert fits(page)
    assert session.axe_violations() == []
