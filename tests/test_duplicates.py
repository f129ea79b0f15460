"""Likely duplicates, and merges that keep every related row."""

import io

import pytest
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from resources.duplicates import (
    find_duplicates,
    normalise_name,
    normalise_phone,
    normalise_website,
)
from resources.models import (
    Attribute,
    ChangeRequest,
    Contact,
    Funding,
    Language,
    Location,
    Metadata,
    Organization,
    OrganizationIdentifier,
    OrganizationMembership,
    Phone,
    Program,
    Schedule,
    Service,
    ServiceAtLocation,
    Url,
    Verification,
)
from resources.services import organization_merge, service_merge

from .factories import (
    link,
    make_editor,
    make_location,
    make_organization,
    make_phone,
    make_schedule,
    make_service,
    make_staff,
    run_worker,
    tag,
    term,
)

# Finding them -----------------------------------------------------------------


def test_names_are_compared_without_noise():
    assert normalise_name("The Salvation Army, Inc.") == "salvation army"
    assert normalise_name("Clínica Hispana") == "clinica hispana"
    assert normalise_phone("+1 (860) 555-0101") == "8605550101"
    assert normalise_phone("988") == ""
    assert normalise_website("https://www.Example.org/help/") == "example.org/help"


def test_finds_organizations_by_name_phone_website_and_address(db):
    army = make_organization(name="The Salvation Army Hartford")
    army_again = make_organization(name="Salvation Army of Hartford, Inc.")
    site = make_organization(name="Harm Reduction Works", website="https://hrw.org/")
    site_again = make_organization(name="HRW", website="http://www.hrw.org")
    phone = make_organization(name="Peer Network")
    phone_again = make_organization(name="Survivor Peers")
    make_phone(organization=phone, number="860-555-0101")
    make_phone(organization=phone_again, number="(860) 555 0101")
    make_organization(name="Community Health Services")
    make_organization(name="Community Health Resources")  # different, not listed
    shared_building = [make_organization(name=n) for n in ("Library", "Tax Help")]
    for organization in shared_building:
        make_location(
            organization=organization, address={"address_1": "20 Main Street"}
        )

    pairs = {
        frozenset((c.first, c.second)): c.reasons
        for c in find_duplicates("organization")
    }

    assert set(pairs) == {
        frozenset((army, army_again)),
        frozenset((site, site_again)),
        frozenset((phone, phone_again)),
    }
    assert pairs[frozenset((army, army_again))] == ["same name"]
    assert pairs[frozenset((site, site_again))] == ["same website"]
    assert pairs[frozenset((phone, phone_again))] == ["same phone (8605550101)"]


def test_finds_services_with_similar_names(db):
    first = make_service(name="Evening food pantry")
    second = make_service(name="Evening food pantries")
    make_service(name="Legal clinic")

    (candidate,) = find_duplicates("service", threshold=85)

    assert {candidate.first, candidate.second} == {first, second}
    assert candidate.reasons[0].startswith("similar name")


def test_command_lists_pairs(db):
    make_organization(name="Open Door Hartford")
    make_organization(name="Open Door, Hartford")
    out = io.StringIO()

    call_command("find_duplicates", "--kind", "organization", stdout=out)

    assert "Open Door Hartford" in out.getvalue()
    assert "1 likely duplicate pair(s)." in out.getvalue()


# Merging keeps every related row ----------------------------------------------


def related_rows(record) -> dict[str, set]:
    """Return {relation: ids of the rows pointing at `record`}, every relation."""
    rows = {}
    for relation in record._meta.related_objects:
        if relation.related_model.__name__ in ("SearchEntry", "OpeningWindow"):
            continue
        field = relation.field
        if isinstance(field, models.ForeignKey):
            rows[relation.get_accessor_name()] = set(
                relation.related_model._default_manager.filter(
                    **{field.name: record}
                ).values_list("pk", flat=True)
            )
    rows["attributes"] = set(
        Attribute.objects.filter(
            link_entity=record._meta.model_name, link_id=record.pk
        ).values_list("taxonomy_term__code", flat=True)
    )
    return rows


def union(first: dict, second: dict) -> dict:
    return {key: first[key] | second[key] for key in first}


@pytest.fixture
def organizations(db):
    """Two records of one organization, each with something of everything."""
    records = []
    for n, name in enumerate(("Open Door Hartford", "Open Door, Hartford")):
        organization = make_organization(
            name=name, website="" if n else "https://od.org"
        )
        service = make_service(organization=organization, name=f"Shelter {n}")
        location = make_location(organization=organization, name=f"Door {n}")
        link(service, location)
        make_phone(organization=organization, number=f"860-555-010{n}")
        Contact.objects.create(organization=organization, name=f"Director {n}")
        Program.objects.create(
            organization=organization, name=f"Programme {n}", description="Beds."
        )
        Funding.objects.create(organization=organization, source=f"Grant {n}")
        Url.objects.create(organization=organization, url=f"https://od{n}.org/")
        OrganizationIdentifier.objects.create(
            organization=organization, identifier_type="EIN", identifier=f"06-{n}"
        )
        ChangeRequest.objects.create(service=service, problem="other", message="Hi")
        Attribute.objects.create(
            link_entity="organization",
            link_id=organization.pk,
            taxonomy_term=term("housing"),
        )
        records.append(organization)
    child = make_organization(name="Open Door Youth", parent_organization=records[1])
    editor = make_editor(records[0], records[1])
    make_editor(records[1])
    return {"keep": records[0], "merge": records[1], "child": child, "editor": editor}


def test_organization_merge_moves_every_related_row(organizations):
    keep, merge = organizations["keep"], organizations["merge"]
    expected = union(related_rows(keep), related_rows(merge))
    # One editor edited both: one membership remains, not two.
    expected["memberships"] -= set(
        OrganizationMembership.objects.filter(
            organization=merge, user=organizations["editor"]
        ).values_list("pk", flat=True)
    )
    metadata_before = Metadata.objects.filter(resource_id=merge.pk).count()
    history_before = keep.history.count() + merge.history.count()
    user = make_staff()

    organization_merge(keep=keep, merge=merge, user=user)

    assert not Organization.objects.filter(pk=merge.pk).exists()
    assert related_rows(keep) == expected
    assert keep.child_organizations.get() == organizations["child"]
    assert Location.objects.filter(organization=keep).count() == 2
    assert Service.objects.filter(organization=keep).count() == 2
    # The merged record's past is now the kept record's (plus the merge itself).
    assert keep.history.count() == history_before + 1
    assert keep.history.latest("history_date").history_user == user
    merged_metadata = Metadata.objects.filter(resource_id=keep.pk)
    assert merged_metadata.filter(last_action_type="merge").count() == 1
    assert merged_metadata.count() == metadata_before + 1
    # What the kept record lacked came from the other; what it had stayed.
    keep.refresh_from_db()
    assert keep.website == "https://od.org"


def test_moved_rows_record_the_merge_in_their_history(organizations):
    keep, merge = organizations["keep"], organizations["merge"]
    user = make_staff()
    phone = Phone.objects.get(organization=merge)

    organization_merge(keep=keep, merge=merge, user=user)

    latest = phone.history.latest("history_date")
    assert latest.organization_id == keep.pk
    assert latest.history_user == user
    assert "Merged" in latest.history_change_reason


@pytest.fixture
def services(db):
    location = make_location(name="Shared office")
    records = []
    for n in range(2):
        service = make_service(
            name=f"Food pantry {n}", url="" if n == 0 else "https://x.org"
        )
        link(service, location)  # the same place: one link must remain
        own_place = make_location(name=f"Own place {n}")
        link(service, own_place)
        make_phone(service=service, number=f"860-555-011{n}")
        make_schedule(service=service)
        Language.objects.create(service=service, name="Spanish", code="es")
        Verification.objects.create(
            service=service, method="phone", outcome="confirmed"
        )
        ChangeRequest.objects.create(service=service, problem="hours", message="Hi")
        tag(service, "food", "free" if n else "walk-in")
        sal = ServiceAtLocation.objects.get(service=service, location=location)
        make_phone(service_at_location=sal, number=f"860-555-012{n}")
        make_schedule(service_at_location=sal, byday="SA")
        records.append(service)
    return {"keep": records[0], "merge": records[1], "shared": location}


def test_service_merge_moves_every_related_row(services):
    keep, merge = services["keep"], services["merge"]
    before = union(related_rows(keep), related_rows(merge))
    merged_link = ServiceAtLocation.objects.get(
        service=merge, location=services["shared"]
    )
    kept_link = ServiceAtLocation.objects.get(service=keep, location=services["shared"])
    link_children = {
        "phones": set(
            Phone.objects.filter(
                service_at_location__in=[merged_link, kept_link]
            ).values_list("pk", flat=True)
        ),
        "schedules": set(
            Schedule.objects.filter(
                service_at_location__in=[merged_link, kept_link]
            ).values_list("pk", flat=True)
        ),
    }

    service_merge(keep=keep, merge=merge, user=make_staff())

    after = related_rows(keep)
    # Two links to the same location became one; everything else is all there.
    assert after["service_at_locations"] == (
        before["service_at_locations"] - {merged_link.pk}
    )
    for key in set(before) - {"service_at_locations"}:
        assert after[key] == before[key], key
    assert after["attributes"] == {"food", "free", "walk-in"}
    kept_link.refresh_from_db()
    assert set(kept_link.phones.values_list("pk", flat=True)) == link_children["phones"]
    assert (
        set(kept_link.schedules.values_list("pk", flat=True))
        == link_children["schedules"]
    )
    assert not Service.objects.filter(pk=merge.pk).exists()
    keep.refresh_from_db()
    assert keep.url == "https://x.org"


def test_merge_refuses_the_same_record(services):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        service_merge(keep=services["keep"], merge=services["keep"], user=make_staff())


# In the admin -----------------------------------------------------------------


def test_duplicates_page_scans_in_the_background_and_lists_pairs(
    caseworker_client, db, django_capture_on_commit_callbacks
):
    first = make_organization(name="Open Door Hartford")
    second = make_organization(name="Open Door, Hartford")
    url = reverse("admin:duplicates")
    assert "No scan yet" in caseworker_client.get(url).text

    with django_capture_on_commit_callbacks(execute=True):
        assert caseworker_client.post(url, {"threshold": "90"}).status_code == 302
    running = caseworker_client.get(url)
    assert "A scan is running" in running.text
    assert 'http-equiv="refresh"' in running.text  # follows itself, no script
    run_worker()
    response = caseworker_client.get(url)

    assert response.status_code == 200
    assert "A scan is running" not in response.text
    assert "at least 90% alike" in response.text
    assert "Open Door Hartford" in response.text
    assert f"id={first.pk}" in response.text or f"id={second.pk}" in response.text
    # A pair merged since the scan is left out, not a broken link.
    organization_merge(keep=first, merge=second, user=make_staff())
    assert "Open Door, Hartford" not in caseworker_client.get(url).text


def test_merge_page_merges_into_the_chosen_record(caseworker_client, db):
    first = make_organization(name="Open Door Hartford")
    second = make_organization(name="Open Door, Hartford")
    service = make_service(organization=second)
    url = reverse("admin:merge") + f"?kind=organization&id={first.pk}&id={second.pk}"

    page = caseworker_client.get(url)
    assert page.status_code == 200
    response = caseworker_client.post(
        url, {"kind": "organization", "keep": str(second.pk)}
    )

    assert response.status_code == 302
    assert response.url == reverse(
        "admin:resources_organization_change", args=[second.pk]
    )
    assert not Organization.objects.filter(pk=first.pk).exists()
    service.refresh_from_db()
    assert service.organization == second


def test_no_model_is_forgotten_by_the_merge(db):
    """Every foreign key to an organization or a service is moved by the merge.

    The merge moves rows generically; this fails if a model points at them
    in a way it cannot move (a unique constraint without the link, say).
    """
    for target in (Organization, Service):
        for relation in target._meta.related_objects:
            model = relation.related_model
            if model.__name__ in ("SearchEntry", "OpeningWindow"):
                continue
            assert isinstance(relation.field, models.ForeignKey | models.ForeignObject)
            for constraint in model._meta.constraints:
                if isinstance(constraint, models.UniqueConstraint):
                    assert constraint.fields, (model, constraint)
