"""Two-factor authentication for staff: TOTP apps, with one-time backup codes.

Built on django-otp. Every staff account must pass a second factor before
the admin opens (see `resources.admin.site`); an account without one sets
up an authenticator app on its first sign-in.
"""

from base64 import b32encode

from django.db import transaction
from django_otp import devices_for_user, verify_token
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
