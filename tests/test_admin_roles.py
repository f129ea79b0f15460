"""Every admin URL, for every role: each role reaches what it may and nothing else.

The walk is built from the admin site's own registry and URL patterns at
run time, so a model or page added tomorrow is walked without touching
this file. Organization editors are the sharpest case: bound to one
organization, they must not see another's listings, the queue, staff
accounts or the HSDS import and export pages.
"""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from simple_history.admin import SimpleHistoryAdmin

from resources import roles
from resources.models import (
    Accessibility,
    ChangeRequest,
    Contact,
    CostOption,
    Funding,
    Language,
    Metadata,
    OrganizationIdentifier,
    Program,
    RequiredDocument,
    ServiceArea,
    ServiceCapacity,
    SynonymGroup,
    Unit,
    Url,
    Verification,
    ZeroResultSearch,
)

from .factories import (
    give_authenticator,
    link,
    make_editor,
    make_location,
    make_organization,
    make_phone,
    make_schedule,
    make_service,
    make_staff,
    tag,
)

OTHER = "Zebra Street Mission"  # the organization the editor must never see
SECRET = "Zebra night shelter"  # its draft service


def _listing(organization_name: str, service_name: str, street: str):
    organization = make_organization(name=organization_name)
    service = make_service(
        organization=organization,
        name=service_name,
        publication_status="draft",
    )
    location = make_location(
        organization=organization,
        name=f"{service_name} site",
        address={"address_1": street},
    )
    link(service, location)
    make_phone(service=service, number="860-555-0142")
    make_phone(location=location, number="860-555-0143")
    make_schedule(service=service)
    tag(service, "emergency-shelter")
    return organization, service, location


@pytest.fixture
def world(db):
    """Two organizations, the editor's and another, and a row of every model."""
    own_org, own_service, own_location = _listing(
        "Aster House", "Aster counselling", "1 Aster Road"
    )
    other_org, other_service, other_location = _listing(
        OTHER, SECRET, "99 Zebra Street"
    )
    editor = make_editor(own_org)
    unit = Unit.objects.create(name="beds")
    for service in (other_service,):
        Language.objects.create(service=service, name="Spanish", code="es")
        CostOption.objects.create(service=service, option="Sliding scale")
        RequiredDocument.objects.create(service=service, document="Photo ID")
        Contact.objects.create(service=service, name="Intake desk")
        Url.objects.create(service=service, url="https://zebra.example.org/")
        ServiceArea.objects.create(service=service, name="Hartford County")
        ServiceCapacity.objects.create(
            service=service, unit=unit, available=3, updated=timezone.now()
        )
    Accessibility.objects.create(location=other_location, description="Ramp")
    Funding.objects.create(organization=other_org, source="State grant")
    OrganizationIdentifier.objects.create(
        organization=other_org, identifier_type="EIN", identifier="06-1234567"
    )
    Program.objects.create(organization=other_org, name="Zebra", description="All.")
    Metadata.objects.create(
        resource_id=other_service.pk,
        resource_type="service",
        last_action_date=timezone.now(),
        last_action_type="update",
        updated_by="import",
    )
    SynonymGroup.objects.create(members="zebra crossing, zebra")
    ChangeRequest.objects.create(
        service=other_service, problem="phone", message=f"{SECRET}: wrong phone"
    )
    Verification.objects.create(
        service=other_service, method="phone", outcome="confirmed"
    )
    for days in range(3):  # searched on three days: listed for caseworkers
        ZeroResultSearch.objects.create(
            words="zebra",
            date=timezone.localdate() - datetime.timedelta(days=days),
            count=2,
        )
    AccessAttempt.objects.create(
        username="someone", ip_address="127.0.0.1", failures_since_start=1
    )
    AccessLog.objects.create(username="someone", ip_address="127.0.0.1")
    AccessFailureLog.objects.create(username="someone", ip_address="127.0.0.1")
    StaticDevice.objects.create(user=editor, name="Backup codes")
    give_authenticator(editor)
    return {
        "editor": editor,
        "own": (own_org, own_service, own_location),
        "other": (other_org, other_service, other_location),
    }


def _reverse(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _object_for(model, world):
    """Pick a record of `model`, the other organization's wherever it has one."""
    other_org, other_service, other_location = world["other"]
    manager = model._default_manager
    for field, value in (
        ("organization", other_org),
        ("service", other_service),
        ("location", other_location),
    ):
        try:
            model._meta.get_field(field)
        except Exception:  # noqa: BLE001 - the model has no such field
            continue
        found = manager.filter(**{field: value}).first()
        if found is not None:
            return found
    if model._meta.label in ("resources.Organization", "resources.Service"):
        return other_org if model._meta.model_name == "organization" else other_service
    if model._meta.label == "resources.Location":
        return other_location
    return manager.order_by("pk").last()


def admin_urls(world) -> list[tuple[str, str]]:
    """Return (what, url) for every page of every registered model, and our pages."""
    urls = [("index", reverse("admin:index"))]
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        label = model._meta.label
        urls.append((f"{label} changelist", reverse(f"{prefix}_changelist")))
        urls.append((f"{label} add", reverse(f"{prefix}_add")))
        obj = _object_for(model, world)
        if obj is None:
            continue
        for view in ("change", "delete", "history"):
            urls.append((f"{label} {view}", reverse(f"{prefix}_{view}", args=[obj.pk])))
        version = (
            obj.history.first() if isinstance(model_admin, SimpleHistoryAdmin) else None
        )
        if version is not None:  # rows loaded by data migrations have none
            urls.append(
                (
                    f"{label} version",
                    reverse(f"{prefix}_simple_history", args=[obj.pk, version.pk]),
                )
            )
    _org, other_service, _location = world["other"]
    other_request = ChangeRequest.objects.get(service=other_service)
    urls += [
        ("verification dashboard", reverse("admin:verification-dashboard")),
        ("verify", reverse("admin:resources_service_verify", args=[other_service.pk])),
        ("duplicates", reverse("admin:duplicates")),
        (
            "merge",
            reverse("admin:merge")
            + f"?kind=service&id={world['own'][1].pk}&id={other_service.pk}",
        ),
        ("reports", reverse("admin:reports")),
        *(
            (
                f"search to {kind}",
                reverse("admin:resources_zeroresultsearch_vocabulary", args=[kind])
                + "?words=zebra",
            )
            for kind in ("alias", "synonyms")
        ),
        (
            "decide",
            reverse(
                "admin:resources_changerequest_decide",
                args=[other_request.pk, "accept"],
            ),
        ),
        ("hsds import", _reverse("hsds-import")),
        ("hsds export", _reverse("hsds-export")),
    ]
    return [(what, url) for what, url in urls if url]


def walk(client, world) -> dict[str, object]:
    return {what: client.get(url) for what, url in admin_urls(world)}


def is_denied(response) -> bool:
    """Refused, or sent away (to the login page or the admin home)."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response.url.split("?")[0] in (
        reverse("admin:login"),
        reverse("admin:index"),
    )


# Anonymous visitors and staff without a role ----------------------------------


def test_anonymous_visitor_is_sent_to_sign_in_from_every_admin_url(client, world):
    for what, response in walk(client, world).items():
        assert response.status_code == 302, what
        assert response.url.startswith(reverse("admin:login")), what


def test_staff_without_a_role_is_refused_everything_but_the_home_page(client, world):
    client.force_login(
        User.objects.create_user(username="newcomer", password="x" * 16, is_staff=True)
    )
    for what, response in walk(client, world).items():
        if what == "index":
            assert response.status_code == 200
            assert OTHER not in response.text
        else:
            assert is_denied(response), (what, response.status_code)


# Organization editors ---------------------------------------------------------

EDITOR_PAGES = {
    "index",
    "resources.Service changelist",
    "resources.Location changelist",
}


def test_organization_editor_is_denied_every_out_of_scope_url(client, world):
    client.force_login(world["editor"])

    responses = walk(client, world)

    for what, response in responses.items():
        if what in EDITOR_PAGES:
            assert response.status_code == 200, what
        else:
            assert is_denied(response), (what, response.status_code)
        if response.status_code == 200:
            for secret in (OTHER, SECRET, "99 Zebra Street", "wrong phone"):
                assert secret not in response.text, (what, secret)


def test_organization_editor_opens_their_own_listings(client, world):
    client.force_login(world["editor"])
    own_org, own_service, own_location = world["own"]

    for obj in (own_service, own_location):
        prefix = f"admin:resources_{obj._meta.model_name}"
        for view in ("change", "history"):
            response = client.get(reverse(f"{prefix}_{view}", args=[obj.pk]))
            assert response.status_code == 200, (obj, view)
            assert OTHER not in response.text
        for view in ("delete",):
            assert is_denied(client.get(reverse(f"{prefix}_{view}", args=[obj.pk])))
        # No revert: it would publish without review.
        version = obj.history.first()
        response = client.get(
            reverse(f"{prefix}_simple_history", args=[obj.pk, version.pk])
        )
        assert response.status_code == 403
        assert is_denied(client.get(reverse(f"{prefix}_add")))

    listed = client.get(reverse("admin:resources_service_changelist"))
    assert [s.pk for s in listed.context["cl"].result_list] == [own_service.pk]
    listed = client.get(reverse("admin:resources_location_changelist"))
    assert [loc.pk for loc in listed.context["cl"].result_list] == [own_location.pk]


def test_organization_editor_cannot_autocomplete_other_organizations(client, world):
    client.force_login(world["editor"])

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "resources",
            "model_name": "serviceatlocation",
            "field_name": "location",
            "term": "site",
        },
    )

    assert response.status_code in (200, 403)
    assert "Zebra" not in response.text


def test_organization_editor_without_organizations_sees_no_listing(client, world):
    client.force_login(make_editor())

    response = client.get(reverse("admin:resources_service_changelist"))

    assert list(response.context["cl"].result_list) == []


# Caseworkers and administrators -----------------------------------------------

# What caseworkers may not open at all: staff accounts, second factors,
# lockouts, and the whole-directory import and export.
CASEWORKER_DENIED_APPS = {"auth", "otp_totp", "otp_static", "axes"}


def test_caseworker_reaches_the_directory_but_not_accounts_or_exchange(client, world):
    client.force_login(make_staff(role=roles.CASEWORKERS))

    for what, response in walk(client, world).items():
        label = what.split(" ")[0]
        app = label.split(".")[0]
        if app in CASEWORKER_DENIED_APPS or what.startswith("hsds"):
            assert is_denied(response), (what, response.status_code)
        elif what == "resources.OrganizationMembership add":
            assert response.status_code == 403  # administrators bind editors
        elif what.endswith((" add", " delete", " version")):
            assert response.status_code in (200, 403), what
        else:
            assert response.status_code == 200, (what, response.status_code)


def test_administrator_reaches_every_admin_url(client, world):
    client.force_login(make_staff(role=roles.ADMINISTRATORS))

    for what, response in walk(client, world).items():
        if what.endswith((" add", " delete")):
            # Logs and counters are written by the system, never by hand;
            # staff accounts and groups are deactivated, not deleted.
            assert response.status_code in (200, 403), what
        else:
            assert response.status_code == 200, (what, response.status_code)


def test_every_group_exists_with_permissions(db):
    for name in (roles.ADMINISTRATORS, roles.CASEWORKERS, roles.ORGANIZATION_EDITORS):
        assert Group.objects.get(name=name).permissions.exists()
    editor_codenames = set(
        Group.objects.get(name=roles.ORGANIZATION_EDITORS).permissions.values_list(
            "codename", flat=True
        )
    )
    assert editor_codenames == roles.EDITOR_PERMISSIONS
    assert "add_service" not in editor_codenames  # import/export need it
