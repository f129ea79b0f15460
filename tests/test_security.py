"""A secure admin: lockout, a second factor for every staff account, short sessions."""

import time

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from resources import roles
from resources.middleware import StaffSessionTimeoutMiddleware
from resources.two_factor import issue_backup_codes

from .factories import give_authenticator, make_service, make_staff

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def _no_throttling(settings):
    # django-otp slows down guessing after a wrong code; tests that type a
    # wrong code and then the right one would wait for it.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_in(client, user, password=PASSWORD, next_url="/admin/"):
    return client.post(
        reverse("admin:login") + f"?next={next_url}",
        {"username": user.username, "password": password, "next": next_url},
    )


# Lockout ----------------------------------------------------------------------


def test_account_is_locked_after_repeated_failures(client, db, settings):
    user = make_staff()
    other = make_staff()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, user, password="wrong-password-1")
        assert response.status_code == 200  # the form again, with its error

    locked = sign_in(client, user, password="wrong-password-1")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.text
    # Even the right password is refused while locked.
    assert sign_in(client, user).status_code == 429
    # Another account from the same place is not locked.
    assert sign_in(client, other).status_code == 302


def test_a_successful_sign_in_resets_the_failure_count(client, db, settings):
    user = make_staff()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, user, password="wrong-password-1")
    assert sign_in(client, user).status_code == 302
    client.logout()
    assert sign_in(client, user, password="wrong-password-1").status_code == 200


# Two-factor authentication ----------------------------------------------------


def test_password_alone_does_not_open_the_admin(client, db):
    user = make_staff()
    give_authenticator(user)

    response = sign_in(client, user)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:two-factor"))
    for url in (
        reverse("admin:index"),
        reverse("admin:resources_service_changelist"),
        reverse("admin:verification-dashboard"),
    ):
        page = client.get(url)
        assert page.status_code == 302, url
        assert page.url.startswith(reverse("admin:login")), url
        # ...which, for a signed-in user, leads on to the second factor.
        assert client.get(page.url).url.startswith(reverse("admin:two-factor"))


@pytest.mark.parametrize(
    "role", [roles.ADMINISTRATORS, roles.CASEWORKERS, roles.ORGANIZATION_EDITORS]
)
def test_every_role_needs_the_second_factor(client, db, role):
    user = make_staff(role=role)
    sign_in(client, user)
    assert client.get(reverse("admin:index")).status_code == 302


def test_superusers_need_it_too(client, db):
    user = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    sign_in(client, user)
    assert client.get(reverse("admin:index")).status_code == 302


def test_authenticator_code_opens_the_admin(client, db):
    user = make_staff()
    device = give_authenticator(user)
    sign_in(client, user)
    url = reverse("admin:two-factor")

    wrong = client.post(url, {"token": "000000", "next": "/admin/"})
    assert wrong.status_code == 200
    assert wrong.context["form"].errors
    right = client.post(url, {"token": code(device), "next": "/admin/"})

    assert right.status_code == 302
    assert right.url == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_right_code_too_soon_after_a_wrong_one_says_wait(client, db, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 30  # 30 s after the first wrong code
    settings.OTP_STATIC_THROTTLE_FACTOR = 30
    user = make_staff()
    device = give_authenticator(user)
    sign_in(client, user)
    url = reverse("admin:two-factor")
    client.post(url, {"token": "000000", "next": "/admin/"})

    refused = client.post(url, {"token": code(device), "next": "/admin/"})

    assert refused.status_code == 200
    message = " ".join(refused.context["form"].errors["token"])
    assert "wait" in message and "seconds" in message
    assert "not right" not in message


def test_a_backup_code_works_once(client, db):
    user = make_staff()
    give_authenticator(user)
    backup = issue_backup_codes(user)[0]
    sign_in(client, user)

    response = client.post(reverse("admin:two-factor"), {"token": backup.upper()})

    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    assert not StaticToken.objects.filter(token=backup).exists()
    client.logout()
    sign_in(client, user)
    again = client.post(reverse("admin:two-factor"), {"token": backup})
    assert again.status_code == 200


def test_first_sign_in_sets_up_an_authenticator(client, db):
    user = make_staff()
    sign_in(client, user)
    url = reverse("admin:two-factor")

    setup = client.get(url)
    assert setup.status_code == 200
    assert "<svg" in setup.text
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert setup.context["secret"] in setup.text
    assert setup.context["uri"].startswith("otpauth://totp/")
    # Reloading keeps the same key, so a scanned code stays valid.
    client.get(url)
    assert TOTPDevice.objects.filter(user=user).count() == 1

    done = client.post(url, {"token": code(device)})

    assert done.status_code == 200
    assert len(done.context["codes"]) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("admin:index")).status_code == 200


def test_an_unverified_session_is_refused(client, db):
    client.force_login(make_staff())
    session = client.session
    del session[DEVICE_ID_SESSION_KEY]
    session.save()

    response = client.get(reverse("admin:resources_service_changelist"))

    assert response.status_code == 302


def test_hsds_pages_need_the_second_factor(client, db):
    user = make_staff(role=roles.ADMINISTRATORS)
    give_authenticator(user)
    sign_in(client, user)

    response = client.get(reverse("hsds-import"))

    assert response.status_code == 302


def test_two_factor_page_sends_strangers_to_sign_in(client, db):
    response = client.get(reverse("admin:two-factor"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_two_factor_page_refuses_foreign_next_urls(client, db):
    user = make_staff()
    device = give_authenticator(user)
    sign_in(client, user)

    response = client.post(
        reverse("admin:two-factor"),
        {"token": code(device), "next": "https://evil.example/"},
    )

    assert response.url == reverse("admin:index")


# Sessions ---------------------------------------------------------------------


def _age_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    if "idle" in seconds_ago:
        session[StaffSessionTimeoutMiddleware.SEEN] = now - seconds_ago["idle"]
    if "started" in seconds_ago:
        session[StaffSessionTimeoutMiddleware.STARTED] = now - seconds_ago["started"]
    session.save()


def test_session_ends_after_thirty_minutes_idle(caseworker_client):
    url = reverse("admin:index")
    assert caseworker_client.get(url).status_code == 200

    _age_session(caseworker_client, idle=29 * 60)
    assert caseworker_client.get(url).status_code == 200

    _age_session(caseworker_client, idle=31 * 60)
    response = caseworker_client.get(url)
    assert response.status_code == 302
    assert "_auth_user_id" not in caseworker_client.session


def test_session_ends_after_twelve_hours_however_busy(caseworker_client):
    url = reverse("admin:index")
    caseworker_client.get(url)

    _age_session(caseworker_client, started=11 * 3600, idle=60)
    assert caseworker_client.get(url).status_code == 200

    _age_session(caseworker_client, started=12 * 3600 + 60, idle=60)
    assert caseworker_client.get(url).status_code == 302


def test_anonymous_public_pages_still_set_no_cookie(client, db):
    service = make_service()
    for url in ("/", service.get_absolute_url(), "/services/?q=food"):
        response = client.get(url)
        assert response.cookies == {}, url


def test_strong_passwords_are_required(settings):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("short1", "password1234", "123456789012"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("correct horse battery staple")
