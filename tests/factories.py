"""Plain helpers that build valid records; override any field by keyword."""

import datetime
import itertools

from django.contrib.auth.models import Group, User

from resources import roles, taxonomies
from resources.models import (
    Address,
    Attribute,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)

_counter = itertools.count(1)


def make_organization(**overrides) -> Organization:
    n = next(_counter)
    fields = {"name": f"Organization {n}", "description": "Helps people."}
    return Organization.objects.create(**(fields | overrides))


def make_service(**overrides) -> Service:
    n = next(_counter)
    fields = {
        "name": f"Service {n}",
        "description": "A service.",
        "status": Service.Status.ACTIVE,
        "publication_status": Service.Publication.PUBLISHED,
    }
    fields |= overrides
    if "organization" not in fields:
        fields["organization"] = make_organization()
    return Service.objects.create(**fields)


def make_location(*, address: dict | bool = True, **overrides) -> Location:
    """Create a location with a physical address.

    `address` overrides address fields; `address=False` creates none.
    """
    n = next(_counter)
    location = Location.objects.create(**({"name": f"Location {n}"} | overrides))
    if address is not False:
        address = {} if address is True else address
        Address.objects.create(
            location=location,
            **(
                {
                    "address_1": f"{n} Main Street",
                    "city": "West Hartford",
                    "state_province": "CT",
                    "postal_code": "06107",
                    "country": "US",
                }
                | address
            ),
        )
    return location


def link(service: Service, location: Location) -> ServiceAtLocation:
    return ServiceAtLocation.objects.create(service=service, location=location)


def make_phone(**overrides) -> Phone:
    return Phone.objects.create(**({"number": "860-555-0100"} | overrides))


def make_schedule(**overrides) -> Schedule:
    fields = {
        "freq": Schedule.Frequency.WEEKLY,
        "byday": "MO,TU,WE,TH,FR",
        "opens_at": datetime.time(9),
        "closes_at": datetime.time(17),
    }
    return Schedule.objects.create(**(fields | overrides))


def term(code: str) -> TaxonomyTerm:
    """Return a term shipped by the migrations (categories and access)."""
    return TaxonomyTerm.objects.get(id=taxonomies.term_id(code))


def tag(service: Service, *codes: str) -> None:
    for code in codes:
        Attribute.objects.create(
            link_entity="service", link_id=service.pk, taxonomy_term=term(code)
        )


def make_staff(role: str = roles.CASEWORKERS, **overrides) -> User:
    n = next(_counter)
    user = User.objects.create_user(
        **({"username": f"staff{n}", "password": "a-long-test-password"} | overrides),
        is_staff=True,
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def give_authenticator(user: User):
    """Return the user's confirmed TOTP device, creating one if they have none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=True
    )


def make_editor(*organizations: Organization, **overrides) -> User:
    """Create an organization editor bound to these organizations."""
    from resources.models import OrganizationMembership

    user = make_staff(role=roles.ORGANIZATION_EDITORS, **overrides)
    for organization in organizations:
        OrganizationMembership.objects.create(user=user, organization=organization)
    return user


def run_worker() -> None:
    """Run the queued background jobs and the worker's chores, once, here.

    The worker closes stale connections between tasks, as a long-lived
    process must; inside a test's transaction that would close the test's
    own connection, so not here.
    """
    import io
    from unittest import mock

    from django.core.management import call_command

    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections"
    ):
        call_command("worker", once=True, stdout=io.StringIO())
