"""The corrections queue, and organization editors whose edits wait for it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from resources import roles
from resources.models import ChangeRequest, Phone, Schedule, Service, Verification
from resources.services import (
    change_request_accept,
    change_request_mark_duplicate,
    change_request_reject,
)

from .factories import (
    link,
    make_editor,
    make_location,
    make_phone,
    make_schedule,
    make_service,
    make_staff,
)
from .test_admin import form_data


@pytest.fixture
def listing(db):
    service = make_service(
        name="Aster counselling",
        wait_time="About a month.",
        fees_description="Free.",
    )
    make_phone(service=service, number="860-555-0110", description="Intake")
    make_schedule(service=service)
    location = make_location(organization=service.organization, name="Aster office")
    link(service, location)
    return service


@pytest.fixture
def editor(listing):
    return make_editor(listing.organization)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def service_url(service: Service) -> str:
    return reverse("admin:resources_service_change", args=[service.pk])


def snapshot(service: Service) -> dict:
    service.refresh_from_db()
    return {
        "service": {
            f.attname: getattr(service, f.attname)
            for f in Service._meta.concrete_fields
            if f.name != "last_modified"
        },
        "phones": sorted(service.phones.values_list("number", "description")),
        "schedules": sorted(
            service.schedules.values_list("byday", "opens_at", "closes_at")
        ),
    }


def editor_edit(editor_client, service: Service, edit) -> ChangeRequest:
    """Post the editor's change form with `edit(data)` applied; return the request."""
    url = service_url(service)
    data = form_data(editor_client.get(url))
    edit(data)
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    return ChangeRequest.objects.get()


def propose_three_changes(data: dict) -> None:
    data["wait_time"] = "Within two weeks."
    data["phones-0-description"] = "Intake, weekdays"
    data["schedules-TOTAL_FORMS"] = "2"
    data.update(
        {
            "schedules-1-freq": "WEEKLY",
            "schedules-1-byday_0": ["SA"],
            "schedules-1-opens_at": "10:00",
            "schedules-1-closes_at": "13:00",
            "schedules-1-description": "Saturday group",
        }
    )


# Organization editors' edits are held -----------------------------------------


def test_editor_edit_is_held_as_a_change_request(editor_client, editor, listing):
    before = snapshot(listing)

    change_request = editor_edit(editor_client, listing, propose_three_changes)

    assert snapshot(listing) == before, "the public listing must not change yet"
    assert change_request.status == ChangeRequest.Status.OPEN
    assert change_request.source == ChangeRequest.Source.EDITOR
    assert change_request.submitted_by == editor
    assert change_request.service == listing
    assert change_request.organization == listing.organization
    by_model = {
        (op["model"], op["action"]): op for op in change_request.proposed_changes
    }
    assert set(by_model) == {
        ("service", "update"),
        ("phone", "update"),
        ("schedule", "create"),
    }
    assert by_model["service", "update"]["fields"] == {"wait_time": "Within two weeks."}
    assert by_model["service", "update"]["previous"] == {"wait_time": "About a month."}
    assert by_model["phone", "update"]["fields"] == {"description": "Intake, weekdays"}
    assert by_model["schedule", "create"]["fields"]["byday"] == "SA"


def test_editor_saving_nothing_makes_no_request(editor_client, listing):
    url = service_url(listing)
    response = editor_client.post(url, form_data(editor_client.get(url)))
    assert response.status_code == 302
    assert not ChangeRequest.objects.exists()


def test_editor_cannot_change_fields_outside_their_form(editor_client, listing):
    url = service_url(listing)
    data = form_data(editor_client.get(url))
    data["publication_status"] = "draft"
    data["assured_date"] = "2030-01-01"
    data["organization"] = str(make_service().organization.pk)
    data["name"] = "Aster counselling and groups"

    editor_client.post(url, data)

    (operation,) = ChangeRequest.objects.get().proposed_changes
    assert operation["fields"] == {"name": "Aster counselling and groups"}


def test_editor_sees_that_changes_wait_for_review(editor_client, listing):
    editor_edit(editor_client, listing, propose_three_changes)

    page = editor_client.get(service_url(listing))

    assert "waiting for a caseworker" in page.text


def test_editor_cannot_revert_history(editor_client, listing):
    version = listing.history.first()
    url = reverse(
        "admin:resources_service_simple_history", args=[listing.pk, version.pk]
    )
    assert editor_client.post(url, {"name": "Reverted"}).status_code == 403


# Accept applies exactly the proposed change -----------------------------------


def test_accept_applies_exactly_the_proposed_change(editor_client, listing):
    change_request = editor_edit(editor_client, listing, propose_three_changes)
    before = snapshot(listing)
    caseworker = make_staff()
    # Someone fixes an unrelated field meanwhile; accepting must keep it.
    Service.objects.filter(pk=listing.pk).update(fees_description="Sliding scale.")

    change_request_accept(change_request=change_request, user=caseworker)

    after = snapshot(listing)
    expected = before["service"] | {
        "wait_time": "Within two weeks.",
        "fees_description": "Sliding scale.",
    }
    assert after["service"] == expected
    assert after["phones"] == [("860-555-0110", "Intake, weekdays")]
    assert after["schedules"] == sorted(
        [*before["schedules"], ("SA", datetime.time(10), datetime.time(13))]
    )
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.ACCEPTED
    assert change_request.resolved_by == caseworker
    # History names who approved, and why.
    latest = listing.history.latest("history_date")
    assert latest.history_user == caseworker
    assert "Change request" in latest.history_change_reason
    new_hours = Schedule.objects.get(byday="SA")
    assert new_hours.history.get().history_user == caseworker


def test_accept_with_verification_logs_it(editor_client, listing):
    change_request = editor_edit(editor_client, listing, propose_three_changes)
    caseworker = make_staff()

    change_request_accept(
        change_request=change_request,
        user=caseworker,
        verify=True,
        method=Verification.Method.ORGANIZATION,
        notes="Their own update.",
    )

    log = listing.verifications.get()
    assert (log.method, log.outcome, log.verified_by) == (
        "organization",
        "updated",
        caseworker,
    )
    listing.refresh_from_db()
    assert listing.assured_date == timezone.localdate()


def test_accept_refuses_a_field_changed_since_and_applies_nothing(
    editor_client, listing
):
    change_request = editor_edit(editor_client, listing, propose_three_changes)
    Service.objects.filter(pk=listing.pk).update(wait_time="No wait.")
    before = snapshot(listing)

    with pytest.raises(ValidationError, match="has changed since"):
        change_request_accept(change_request=change_request, user=make_staff())

    assert snapshot(listing) == before
    change_request.refresh_from_db()
    assert change_request.is_open


def test_a_request_is_decided_once(listing):
    change_request = ChangeRequest.objects.create(
        service=listing, problem="phone", message="Wrong number", contact="me@x.org"
    )
    user = make_staff()
    change_request_reject(change_request=change_request, user=user, reason="Checked.")

    with pytest.raises(ValidationError):
        change_request_accept(change_request=change_request, user=user)
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.REJECTED
    assert change_request.contact == ""  # the reporter's contact is not kept
    # ...in any stored version either, which old versions and exports show.
    assert change_request.history.count() >= 2
    assert not change_request.history.exclude(contact="").exists()


@pytest.mark.parametrize("close", ["accept", "duplicate", "delete", "admin delete"])
def test_closing_or_deleting_a_request_erases_the_contact_from_history(
    listing, close, client
):
    request = ChangeRequest.objects.create(
        service=listing, problem="phone", message="Rings out", contact="555-0100"
    )
    request.message = "Rings out, every time"
    request.save()  # a second stored version, with the contact
    pk, user = request.pk, make_staff()
    if close == "accept":
        change_request_accept(change_request=request, user=user)
    elif close == "duplicate":
        change_request_mark_duplicate(change_request=request, user=user)
    elif close == "delete":
        request.delete()
    else:
        admin = make_staff(role=roles.ADMINISTRATORS)
        client.force_login(admin)
        response = client.post(
            "/admin/resources/changerequest/",
            {
                "action": "delete_selected",
                "_selected_action": [str(pk)],
                "post": "yes",
            },
        )
        assert response.status_code in (200, 302)

    versions = ChangeRequest.history.filter(id=pk)
    assert versions.exists()
    assert not versions.exclude(contact="").exists()


def test_reject_needs_a_reason(listing):
    change_request = ChangeRequest.objects.create(
        service=listing, problem="phone", message="Wrong number"
    )
    with pytest.raises(ValidationError):
        change_request_reject(
            change_request=change_request, user=make_staff(), reason=" "
        )


def test_mark_duplicate_links_the_original(listing):
    first, second = (
        ChangeRequest.objects.create(service=listing, problem="phone", message=m)
        for m in ("Wrong number", "Number is wrong")
    )

    change_request_mark_duplicate(
        change_request=second, user=make_staff(), duplicate_of=first
    )

    second.refresh_from_db()
    assert second.status == ChangeRequest.Status.DUPLICATE
    assert second.duplicate_of == first
    with pytest.raises(ValidationError):
        change_request_mark_duplicate(
            change_request=first, user=make_staff(), duplicate_of=first
        )


# The queue in the admin -------------------------------------------------------


def test_queue_shows_the_listing_and_the_field_level_change(
    editor_client, listing, client
):
    change_request = editor_edit(editor_client, listing, propose_three_changes)
    client.logout()
    client.force_login(make_staff())

    listed = client.get(reverse("admin:resources_changerequest_changelist"))
    page = client.get(
        reverse("admin:resources_changerequest_change", args=[change_request.pk])
    )

    assert listed.status_code == 200
    assert "Aster counselling" in listed.text
    assert page.status_code == 200
    for text in ("About a month.", "Within two weeks.", "Intake, weekdays", "SA"):
        assert text in page.text
    assert (
        reverse(
            "admin:resources_changerequest_decide", args=[change_request.pk, "accept"]
        )
        in page.text
    )


def test_accept_from_the_admin_applies_and_verifies(editor_client, listing, client):
    change_request = editor_edit(editor_client, listing, propose_three_changes)
    client.logout()
    caseworker = make_staff()
    client.force_login(caseworker)
    url = reverse(
        "admin:resources_changerequest_decide", args=[change_request.pk, "accept"]
    )

    form = client.get(url)
    assert form.status_code == 200
    assert form.context["form"]["method"].initial == "organization"
    response = client.post(
        url, {"apply": "1", "verify": "on", "method": "organization", "notes": "OK"}
    )

    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.wait_time == "Within two weeks."
    assert listing.verifications.get().verified_by == caseworker
    change_request.refresh_from_db()
    assert change_request.status == ChangeRequest.Status.ACCEPTED


def test_reject_action_asks_for_a_reason(caseworker_client, listing):
    requests = [
        ChangeRequest.objects.create(service=listing, problem="hours", message=m)
        for m in ("Closed Fridays", "Shut on Friday")
    ]
    url = reverse("admin:resources_changerequest_changelist")
    ids = [str(r.pk) for r in requests]

    page = caseworker_client.post(url, {"action": "reject", "_selected_action": ids})
    assert page.status_code == 200
    assert "Reason" in page.text
    caseworker_client.post(
        url,
        {
            "action": "reject",
            "_selected_action": ids,
            "apply": "1",
            "reason": "Called: open on Fridays.",
        },
    )

    for change_request in requests:
        change_request.refresh_from_db()
        assert change_request.status == ChangeRequest.Status.REJECTED
        assert change_request.resolution_note == "Called: open on Fridays."


def test_conflicting_accept_is_reported_not_applied(editor_client, listing, client):
    change_request = editor_edit(editor_client, listing, propose_three_changes)
    Phone.objects.filter(service=listing).update(description="Changed meanwhile")
    client.logout()
    client.force_login(make_staff())

    response = client.post(
        reverse("admin:resources_changerequest_changelist"),
        {
            "action": "accept",
            "_selected_action": [str(change_request.pk)],
            "apply": "1",
        },
        follow=True,
    )

    assert "has changed since" in response.text
    change_request.refresh_from_db()
    assert change_request.is_open


def test_admin_home_counts_open_requests(caseworker_client, listing):
    for message in ("One", "Two", "Three"):
        ChangeRequest.objects.create(service=listing, problem="other", message=message)
    ChangeRequest.objects.create(
        service=listing, problem="other", message="Done", status="accepted"
    )

    response = caseworker_client.get(reverse("admin:index"))

    assert response.context["open_change_requests"] == 3
    assert "3 open requests" in response.text


def test_public_report_reaches_the_queue(client, listing):
    response = client.post(
        reverse("resources:report-problem", args=[listing.pk]),
        {"problem": "phone", "message": "Rings out.", "correction": "", "contact": ""},
    )
    assert response.status_code == 302
    change_request = ChangeRequest.objects.get()
    assert change_request.organization == listing.organization
    assert change_request.proposed_changes == []
    # The organization's own kind of request is not offered to the public.
    form = client.get(reverse("resources:report-problem", args=[listing.pk]))
    assert 'value="update"' not in form.text


def test_editor_location_edit_is_held_then_applied(editor_client, listing):
    location = listing.service_at_locations.get().location
    address = location.addresses.get()
    url = reverse("admin:resources_location_change", args=[location.pk])
    data = form_data(editor_client.get(url))
    data["transportation"] = "Bus 60 stops outside."
    data["addresses-0-address_1"] = "2 Aster Road"

    response = editor_client.post(url, data)

    assert response.status_code == 302
    change_request = ChangeRequest.objects.get()
    assert (change_request.location, change_request.service) == (location, None)
    address.refresh_from_db()
    assert address.address_1 != "2 Aster Road"

    change_request_accept(
        change_request=change_request, user=make_staff(), verify=True, method="phone"
    )

    address.refresh_from_db()
    location.refresh_from_db()
    assert address.address_1 == "2 Aster Road"
    assert location.transportation == "Bus 60 stops outside."
    # Every service at the location was verified with it.
    assert listing.verifications.get().outcome == "updated"


def test_editor_cannot_post_to_another_organizations_listing(client, listing):
    other = make_service(name="Zebra shelter")
    client.force_login(make_editor(listing.organization))
    url = service_url(other)

    response = client.post(url, {"name": "Taken over"})

    assert response.status_code in (302, 403, 404)
    other.refresh_from_db()
    assert other.name == "Zebra shelter"
    assert not ChangeRequest.objects.exists()


def test_the_queue_shows_what_they_wrote_and_how_many_said_the_same(
    caseworker_client, listing
):
    for message in ("Number is disconnected", "Number is disconnected", "Moved"):
        ChangeRequest.objects.create(service=listing, problem="phone", message=message)

    page = caseworker_client.get(reverse("admin:resources_changerequest_changelist"))

    rows = {(r.message, r.alike) for r in page.context["cl"].result_list}
    assert rows == {("Number is disconnected", 2), ("Moved", 1)}
    assert "Number is disconnected" in page.text


def test_mark_duplicate_offers_the_open_requests_of_the_same_listing(
    caseworker_client, listing
):
    original = ChangeRequest.objects.create(
        service=listing, problem="phone", message="Rings out"
    )
    repeat = ChangeRequest.objects.create(
        service=listing, problem="phone", message="No answer"
    )
    ChangeRequest.objects.create(
        service=make_service(), problem="phone", message="Another listing"
    )
    url = reverse("admin:resources_changerequest_decide", args=[repeat.pk, "duplicate"])

    page = caseworker_client.get(url)
    offered = list(page.context["form"].fields["duplicate_of"].queryset)
    assert offered == [original]
    assert "Rings out" in page.text
    caseworker_client.post(url, {"apply": "1", "duplicate_of": str(original.pk)})

    repeat.refresh_from_db()
    assert (repeat.status, repeat.duplicate_of) == (
        ChangeRequest.Status.DUPLICATE,
        original,
    )


def test_only_administrators_delete_requests(caseworker_client, client, listing):
    report = ChangeRequest.objects.create(service=listing, problem="other", message="x")
    delete = reverse("admin:resources_changerequest_delete", args=[report.pk])

    assert caseworker_client.post(delete, {"post": "yes"}).status_code == 403
    assert ChangeRequest.objects.filter(pk=report.pk).exists()
    client.force_login(make_staff(username="ada", role=roles.ADMINISTRATORS))
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert not ChangeRequest.objects.filter(pk=report.pk).exists()


@pytest.mark.parametrize(
    ("problem", "shown"),
    [("phone", "860-555-0144 (Voice)"), ("hours", "09:00–17:00")],
)
def test_a_report_shows_what_the_listing_says_now(
    caseworker_client, listing, problem, shown
):
    make_phone(service=listing, number="860-555-0144")
    make_schedule(service=listing)
    report = ChangeRequest.objects.create(
        service=listing, problem=problem, message="This is wrong"
    )

    page = caseworker_client.get(
        reverse("admin:resources_changerequest_change", args=[report.pk])
    )

    assert page.status_code == 200
    assert "What the listing says now" in page.text
    assert shown in page.text
