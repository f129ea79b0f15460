"""Two-factor authentication for staff: TOTP apps, with one-time backup codes.

Built on django-otp. Every staff account must pass a second factor before
the admin opens (see `resources.admin.site`); an account without one sets
up an authenticator app on its first sign-in.
"""

import math
from base64 import b32encode

from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user, verify_token
from django_otp.models import MAX_THROTTLE_DELAY_SECONDS
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

BACKUP_CODES = 10
APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"


def is_verified(user) -> bool:
    """Return whether this request's user has passed their second factor."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def has_second_factor(user) -> bool:
    return next(iter(devices_for_user(user)), None) is not None


def pending_app_device(user) -> TOTPDevice:
    """Return the unconfirmed authenticator of `user`, creating it once.

    Reused until confirmed, so reloading the setup page keeps its QR code.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=APP_DEVICE_NAME, confirmed=False
        )
    return device


def secret(device: TOTPDevice) -> str:
    """Return the device's key as the base32 text authenticator apps accept."""
    return b32encode(device.bin_key).decode()


@transaction.atomic
def issue_backup_codes(user, *, count: int = BACKUP_CODES) -> list[str]:
    """Replace the user's backup codes with `count` new ones, and return them."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(count)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=code) for code in codes
    )
    return codes


def wait_seconds(user) -> int:
    """Return how long until every device of `user` takes a code again.

    After a wrong code django-otp refuses even the right one for 1, 2, 4, …
    seconds; a person must be told to wait, not that their code is wrong.
    """
    waits = [0]
    for device in devices_for_user(user):
        allowed, data = device.verify_is_allowed()
        if allowed or not data or "failure_count" not in data:
            continue
        factor = device.get_throttle_factor()
        required = min(
            factor * 2 ** (data["failure_count"] - 1), MAX_THROTTLE_DELAY_SECONDS
        )
        elapsed = (timezone.now() - device.throttling_failure_timestamp).total_seconds()
        waits.append(max(0, math.ceil(required - elapsed)))
    return max(waits)


def match(user, token: str):
    """Return the user's confirmed device that accepts `token`, or None.

    Each device throttles its own failures (django-otp), so guessing gets
    slower with every wrong code.
    """
    for device in list(devices_for_user(user)):
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


@transaction.atomic
def confirm_app_device(device: TOTPDevice, token: str) -> TOTPDevice | None:
    """Confirm a new authenticator with a code it generated; None if wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device
