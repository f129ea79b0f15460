"""A demo directory for West Hartford and Hartford County, Connecticut.

The listings are an HSDS 3.1 data package, `data/demo/`, loaded by the HSDS
importer like any other feed; this module adds what HSDS has no place for:
the demo staff logins and a few requests waiting in the corrections queue
(`data/demo_reports.json`).

The listings come from an unverified news article: every one is published
but never marked verified, carries a metadata row that says where it came
from (`SOURCE`), and uses fictional 555-01xx phone numbers. The only real
numbers are two well-known national lines (the National Human Trafficking
Hotline and 988), so that nobody in crisis is sent to a number that
belongs to someone else. Ids derive from fixed keys (UUID 5, `demo_id`), so
loading again changes nothing, and restores what was edited.
"""

import copy
import datetime
import hashlib
import json
import uuid
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured

from . import changes
from .models import (
    ChangeRequest,
    Organization,
    OrganizationMembership,
    Schedule,
    Service,
    TaxonomyTerm,
)
from .models.corrections import Problem, RequestSource
from .roles import ADMINISTRATORS, CASEWORKERS, ORGANIZATION_EDITORS
from .taxonomies import CATEGORIES_ID

NAMESPACE = uuid.UUID("3d6c1a0e-2b7f-5c44-9e1d-8a0f4b7c2e91")
DATA = Path(__file__).resolve().parent / "data"
PACKAGE = DATA / "demo"
REPORTS = DATA / "demo_reports.json"

# What the package's metadata rows say about every organization and service.
SOURCE = (
    "Demo data from an unverified article about West Hartford (shared/seed); "
    "not verified"
)
LOADED_BY = "load_demo_data"
# The package carries the shipped taxonomies too, to stand alone as HSDS.
SHIPPED = ("taxonomy", "taxonomy_term")

# Known passwords: for a laptop or a demo server only, never a real directory.
DEMO_LOGINS = (
    ("caseworker", "hartford-demo-2026", CASEWORKERS),
    ("admin", "hartford-admin-2026", ADMINISTRATORS),
    ("editor", "hartford-editor-2026", ORGANIZATION_EDITORS),
)
# The organization the demo editor works for.
DEMO_EDITOR_ORGANIZATION = "interval-house"
DEMO_BACKUP_CODES = 5


def demo_id(kind: str, key: str) -> uuid.UUID:
    """Return the fixed id of one demo row."""
    return uuid.uuid5(NAMESPACE, f"demo:{kind}:{key}")


def _demo_second_factor(user) -> dict:
    """Give a demo login a known authenticator key and fresh backup codes.

    The key derives from the username, so an authenticator app set up once
    keeps working after reloading; the backup codes are new each time.
    """
    from .two_factor import (
        APP_DEVICE_NAME,
        TOTPDevice,
        issue_backup_codes,
        secret,
    )

    key = hashlib.sha256(f"{NAMESPACE}:totp:{user.username}".encode()).hexdigest()
    TOTPDevice.objects.filter(user=user).exclude(name=APP_DEVICE_NAME).delete()
    device, _created = TOTPDevice.objects.update_or_create(
        user=user,
        name=APP_DEVICE_NAME,
        defaults={"key": key[:40], "confirmed": True},
    )
    return {
        "totp_secret": secret(device),
        "totp_uri": device.config_url,
        "backup_codes": issue_backup_codes(user, count=DEMO_BACKUP_CODES),
    }


def _load_logins() -> list[dict]:
    """Create or reset the demo staff accounts; none of them is a superuser.

    Each gets a second factor (see `_demo_second_factor`); the editor edits
    one demo organization.
    """
    User = get_user_model()
    logins = []
    for username, password, group_name in DEMO_LOGINS:
        group = Group.objects.get(name=group_name)
        user = User.objects.filter(username=username).first() or User(username=username)
        user.is_staff = True
        user.is_superuser = False
        user.is_active = True
        user.email = f"{username}@example.org"
        user.set_password(password)
        user.save()
        user.groups.set([group])
        login = {"username": username, "password": password, "group": group_name}
        if group_name == ORGANIZATION_EDITORS:
            organization_id = demo_id("organization", DEMO_EDITOR_ORGANIZATION)
            OrganizationMembership.objects.filter(user=user).exclude(
                organization_id=organization_id
            ).delete()
            OrganizationMembership.objects.get_or_create(
                user=user, organization_id=organization_id
            )
            login["organization"] = Organization.objects.get(pk=organization_id).name
        logins.append(login | _demo_second_factor(user))
    return logins


def _load_change_requests(*, editor=None) -> int:
    """Open some requests, once: a caseworker's decision is never undone here."""
    reports = json.loads(REPORTS.read_text())
    for report in reports:
        pk = demo_id("changerequest", report["key"])
        if not ChangeRequest.objects.filter(pk=pk).exists():
            ChangeRequest.objects.create(
                id=pk,
                service_id=demo_id("service", report["service"]),
                problem=report["problem"],
                message=report["message"],
                correction=report["correction"],
            )
    if editor is None:
        return len(reports)
    pk = demo_id("changerequest", "editor-counselling")
    if not ChangeRequest.objects.filter(pk=pk).exists():
        service = Service.objects.get(
            pk=demo_id("service", "interval-house-counselling")
        )
        phone = service.phones.order_by("number").first()
        new_service, new_phone = copy.copy(service), copy.copy(phone)
        new_service.wait_time = "New clients are seen within two weeks."
        new_phone.description = "Counselling intake, weekdays"
        saturday = Schedule(
            id=demo_id("schedule", "editor-counselling:saturday"),
            service=service,
            freq=Schedule.Frequency.WEEKLY,
            byday="SA",
            opens_at=datetime.time(10),
            closes_at=datetime.time(13),
            description="Saturday support group",
        )
        operations = [
            changes.update_operation(service, new_service, ["wait_time"]),
            changes.update_operation(phone, new_phone, ["description"]),
            changes.create_operation(saturday),
        ]
        ChangeRequest.objects.create(
            id=pk,
            service=service,
            problem=Problem.UPDATE,
            source=RequestSource.EDITOR,
            message=changes.summarize(operations),
            proposed_changes=operations,
            submitted_by=editor,
        )
    return len(reports) + 1


def load_demo_data(*, demo_login: bool = False) -> dict:
    """Create or update the demo directory; safe to run again.

    Return the number of demo rows per HSDS table, and under "logins" the
    demo staff accounts when `demo_login` asks for them.
    """
    from .hsds import mapping
    from .hsds.importer import import_hsds

    if not TaxonomyTerm.objects.filter(taxonomy_detail_id=CATEGORIES_ID).exists():
        raise ImproperlyConfigured(
            "The shipped taxonomy terms are missing; run `manage.py migrate`."
        )
    report = import_hsds(PACKAGE, updated_by=LOADED_BY)
    if not report.ok:
        raise ImproperlyConfigured(
            "The demo package does not import:\n" + "\n".join(report.lines())
        )
    # Per table, as before: "22 organizations, 33 services, ...".
    result: dict = {
        str(apps.get_model("resources", table.model)._meta.verbose_name_plural): (
            sum(report.counts[table.name].values())
        )
        for table in mapping.TABLES
        if report.counts.get(table.name) and table.name not in SHIPPED
    }
    logins = _load_logins() if demo_login else []
    editor = next(
        (
            get_user_model().objects.get(username=login["username"])
            for login in logins
            if login["group"] == ORGANIZATION_EDITORS
        ),
        None,
    )
    result["change requests"] = _load_change_requests(editor=editor)
    if demo_login:
        result["logins"] = logins
    return result
