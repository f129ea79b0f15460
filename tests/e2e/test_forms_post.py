"""Forms that real browsers post: the public report form, and signing in to the admin.

A browser under `Referrer-Policy: no-referrer` posts with `Origin: null`,
which Django's CSRF check refuses; only a real browser shows that.
"""

from resources.models import ChangeRequest, Service


def test_a_person_reports_a_problem(visit, demo):
    service = Service.objects.published().order_by("name").first()
    session = visit()
    session.open(service.get_absolute_url())
    session.page.click("text=Report a problem with this listing")
    session.page.check("input[name=problem][value=phone]")
    session.page.fill("textarea[name=message]", "The number rings out.")

    with session.page.expect_navigation():
        session.page.click("form.report [type=submit]")

    assert session.page.url.endswith(f"/services/{service.pk}/report/thanks/")
    assert ChangeRequest.objects.filter(
        service=service, message="The number rings out."
    ).exists()


def test_a_wrong_number_is_reported_in_one_tap_in_spanish(visit, demo):
    service = Service.objects.published().order_by("name").first()
    session = visit()
    session.open(f"/es/services/{service.pk}/report/")
    radios = session.page.locator("input[name=problem]")
    assert radios.count() == 6
    assert not any(radios.nth(n).is_checked() for n in range(radios.count()))

    session.page.check("input[name=problem][value=phone]")
    with session.page.expect_navigation():
        session.page.click("form.report [type=submit]")

    assert session.page.url.endswith(f"/es/services/{service.pk}/report/thanks/")
    report = ChangeRequest.objects.get(service=service, problem="phone")
    assert report.message == "The phone number is wrong"


def test_staff_sign_in_with_a_password_and_a_backup_code(staff_visit):
    session = staff_visit()

    assert session.page.url.endswith("/admin/")
    assert session.page.locator("#caseworker-tasks").count() == 1
    assert session.foreign_requests() == []
