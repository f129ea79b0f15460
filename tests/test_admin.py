"""The caseworkers' admin: every page opens, edits land, history can be reverted."""

import datetime
from collections.abc import Iterable

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import connection
from django.forms import MultiWidget
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from resources import roles
from resources.models import (
    Accessibility,
    Attribute,
    ChangeRequest,
    Contact,
    CostOption,
    Funding,
    Language,
    Metadata,
    Organization,
    OrganizationIdentifier,
    OrganizationMembership,
    Phone,
    Program,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    Taxonomy,
    TaxonomyTerm,
    TermMapping,
    Unit,
    Url,
    Verification,
    ZeroResultSearch,
)

from .factories import (
    link,
    make_location,
    make_organization,
    make_phone,
    make_schedule,
    make_service,
    make_staff,
    tag,
    term,
)

# Read at collection time (django.setup() has run and autodiscovered the
# admin), so a model registered tomorrow is tested without touching this file.
REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "resources"),
    key=lambda model: model._meta.model_name,
)


def admin_url(model, view: str, *args) -> str:
    return reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args
    )


def form_data(response) -> dict:
    """Return what the browser would post back for an admin form page, unchanged.

    Covers the main form and, on a change page, every inline formset with its
    management form; values are the forms' initial values, a widget of
    several parts (the schedule's days) posted part by part.
    """
    forms = [response.context["adminform"].form]
    for inline in response.context.get("inline_admin_formsets", []):
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for field in form:
            for name, value in posted(field):
                if value is None or value is False:
                    continue
                if value is True:
                    data[name] = "on"
                elif isinstance(value, Iterable) and not isinstance(value, str):
                    data[name] = [str(getattr(v, "pk", v)) for v in value]
                else:
                    data[name] = str(getattr(value, "pk", value))
    return data


def posted(field) -> list[tuple[str, object]]:
    """Return the (name, value) pairs a browser posts for a bound field."""
    widget = field.field.widget
    if not isinstance(widget, MultiWidget):
        return [(field.html_name, field.value())]
    return list(
        zip(
            (field.html_name + suffix for suffix in widget.widgets_names),
            widget.decompress(field.value()),
            strict=True,
        )
    )


def changelist_services(response) -> set[Service]:
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def service_terms(service: Service) -> dict[str, object]:
    """Return the service's attribute rows as {term code: attribute id}."""
    return dict(
        Attribute.objects.filter(link_entity="service", link_id=service.pk).values_list(
            "taxonomy_term__code", "id"
        )
    )


@pytest.fixture
def full_service(db):
    """A service with every inline the service form shows filled in."""
    service = make_service(name="Hartford Legal Aid clinic")
    make_phone(service=service, number="860-555-0199")
    make_schedule(service=service)
    link(service, make_location(organization=service.organization))
    Language.objects.create(service=service, name="Spanish", code="es")
    CostOption.objects.create(service=service, option="Sliding scale")
    RequiredDocument.objects.create(service=service, document="Photo ID")
    return service


@pytest.fixture
def one_of_each(full_service):
    """At least one record of every model the admin registers."""
    service = full_service
    organization = service.organization
    location = service.service_at_locations.get().location
    unit = Unit.objects.create(name="beds")
    tag(service, "legal-aid")
    Accessibility.objects.create(location=location, description="Step-free door")
    Contact.objects.create(service=service, name="Intake desk")
    Funding.objects.create(organization=organization, source="State grant")
    Url.objects.create(service=service, url="https://example.org/legal")
    OrganizationIdentifier.objects.create(
        organization=organization, identifier_type="EIN", identifier="06-1234567"
    )
    Program.objects.create(
        organization=organization, name="Justice", description="Legal programs."
    )
    ServiceArea.objects.create(service=service, name="Hartford County")
    ServiceCapacity.objects.create(
        service=service,
        unit=unit,
        available=3,
        updated=timezone.now(),
    )
    Metadata.objects.create(
        resource_id=service.pk,
        resource_type="service",
        last_action_date=timezone.now(),
        last_action_type="update",
        updated_by="import",
    )
    ChangeRequest.objects.create(service=service, problem="phone", message="Wrong.")
    Verification.objects.create(service=service, method="phone", outcome="confirmed")
    OrganizationMembership.objects.create(
        user=make_staff(role=roles.ORGANIZATION_EDITORS), organization=organization
    )
    for days in range(3):  # searched on three days: listed for caseworkers
        ZeroResultSearch.objects.create(
            words="ukulele",
            date=timezone.localdate() - datetime.timedelta(days=days),
        )
    theirs = Taxonomy.objects.create(name="Open Eligibility", description="Theirs.")
    TermMapping.objects.create(
        external=TaxonomyTerm.objects.create(
            name="Food", description="Meals.", code="food", taxonomy_detail=theirs
        ),
        term=term("basic-needs"),
    )
    return service


# Every registered model ------------------------------------------------------


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.model_name)
def test_caseworker_opens_every_changelist_and_add_page(caseworker_client, model):
    response = caseworker_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200

    # Metadata is written by the system: its admin refuses to add by hand.
    can_add = admin.site._registry[model].has_add_permission(response.wsgi_request)
    expected = 200 if can_add else 403
    assert caseworker_client.get(admin_url(model, "add")).status_code == expected


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.model_name)
def test_caseworker_opens_every_change_page(caseworker_client, one_of_each, model):
    obj = model._default_manager.first()
    if obj is None:
        pytest.skip(f"add a {model.__name__} to the one_of_each fixture")

    response = caseworker_client.get(admin_url(model, "change", obj.pk))

    assert response.status_code == 200


def test_service_change_page_shows_its_inlines(caseworker_client, full_service):
    response = caseworker_client.get(admin_url(Service, "change", full_service.pk))

    assert response.status_code == 200
    inlines = {
        inline.formset.model: len(inline.formset.forms)
        for inline in response.context["inline_admin_formsets"]
    }
    assert inlines[Phone] == 1
    assert inlines[Schedule] == 1
    assert inlines[ServiceAtLocation] == 1
    assert inlines[Language] == 1
    assert "860-555-0199" in response.text


@pytest.mark.parametrize("model", REGISTERED, ids=lambda m: m._meta.model_name)
def test_anonymous_visitor_is_sent_to_the_admin_login(client, db, model):
    url = admin_url(model, "changelist")

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert f"next={url}" in response.url


# Editing a service -----------------------------------------------------------


def test_category_and_access_checkboxes_become_attributes(
    caseworker_client, full_service
):
    url = admin_url(Service, "change", full_service.pk)
    data = form_data(caseworker_client.get(url))
    data["categories"] = [str(term("legal-aid").pk), str(term("food").pk)]
    data["access"] = [str(term("free").pk)]

    response = caseworker_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    saved = service_terms(full_service)
    assert set(saved) == {"legal-aid", "food", "free"}
    assert (
        not Attribute.objects.filter(link_id=full_service.pk)
        .exclude(link_entity="service")
        .exists()
    )

    data = form_data(caseworker_client.get(url))
    assert set(data["categories"]) == {str(term("legal-aid").pk), str(term("food").pk)}
    data["categories"] = [str(term("legal-aid").pk)]

    response = caseworker_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert service_terms(full_service) == {
        "legal-aid": saved["legal-aid"],
        "free": saved["free"],
    }


def test_saving_a_service_keeps_its_inlines(caseworker_client, full_service):
    url = admin_url(Service, "change", full_service.pk)
    data = form_data(caseworker_client.get(url))
    data["name"] = "Hartford Legal Aid"

    response = caseworker_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    full_service.refresh_from_db()
    assert full_service.name == "Hartford Legal Aid"
    assert [p.number for p in full_service.phones.all()] == ["860-555-0199"]
    assert full_service.schedules.count() == 1
    assert full_service.service_at_locations.count() == 1
    assert full_service.languages.get().code == "es"


def test_a_caseworker_marks_the_main_phone(caseworker_client, full_service):
    make_phone(service=full_service, number="860-555-0198", type="text")
    url = admin_url(Service, "change", full_service.pk)
    data = form_data(caseworker_client.get(url))
    main_of = {data[f"phones-{n}-number"]: n for n in range(2)}
    data[f"phones-{main_of['860-555-0198']}-main"] = "on"

    response = caseworker_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert list(full_service.phones.filter(main=True).values_list("number")) == [
        ("860-555-0198",)
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"0-main": "on", "1-main": "on"}, "Mark one phone as the main phone, not 2."),
        ({"0-main": "on", "0-type": "fax"}, "A fax or pager number cannot be the main"),
    ],
    ids=["two main phones", "a fax"],
)
def test_a_main_phone_that_cannot_be(caseworker_client, full_service, change, message):
    make_phone(service=full_service, number="860-555-0198", type="voice")
    url = admin_url(Service, "change", full_service.pk)
    data = form_data(caseworker_client.get(url))
    data.update({f"phones-{key}": value for key, value in change.items()})

    response = caseworker_client.post(url, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not full_service.phones.filter(main=True).exists()


# The service changelist ------------------------------------------------------


def test_changelist_filters_by_publication_status(caseworker_client):
    draft = make_service(publication_status=Service.Publication.DRAFT)
    make_service(publication_status=Service.Publication.PUBLISHED)

    response = caseworker_client.get(
        admin_url(Service, "changelist"), {"publication_status__exact": "draft"}
    )

    assert changelist_services(response) == {draft}


def test_changelist_filters_never_verified(caseworker_client):
    never = make_service(assured_date=None)
    make_service(assured_date=datetime.date(2025, 3, 1))

    response = caseworker_client.get(
        admin_url(Service, "changelist"), {"verified": "never"}
    )

    assert changelist_services(response) == {never}


def test_changelist_category_filter_includes_subcategories(caseworker_client):
    parent = make_service()
    tag(parent, "legal")
    child = make_service()
    tag(child, "legal-aid", "free")
    both = make_service()
    tag(both, "legal", "record-relief")
    other = make_service()
    tag(other, "food")
    make_service()

    response = caseworker_client.get(
        admin_url(Service, "changelist"), {"category": "legal"}
    )

    assert changelist_services(response) == {parent, child, both}
    assert other not in changelist_services(
        caseworker_client.get(
            admin_url(Service, "changelist"), {"category": "legal-aid"}
        )
    )


def test_changelist_search_finds_a_service_by_phone_number(caseworker_client):
    wanted = make_service()
    make_phone(service=wanted, number="860-555-0199")
    make_phone(service=wanted, number="860-555-0142")
    other = make_service()
    make_phone(service=other, number="860-555-0100")

    response = caseworker_client.get(
        admin_url(Service, "changelist"), {"q": "860-555-0199"}
    )

    assert list(response.context["cl"].result_list) == [wanted]


def test_changelist_query_count_does_not_grow_with_rows(caseworker_client):
    url = admin_url(Service, "changelist")
    for _ in range(3):
        make_service()
    # Warm process-wide caches (content types, site) so both counts compare
    # the page itself.
    caseworker_client.get(url)

    with CaptureQueriesContext(connection) as few:
        response = caseworker_client.get(url)
    assert len(response.context["cl"].result_list) == 3

    for _ in range(27):
        make_service()
    with CaptureQueriesContext(connection) as many:
        response = caseworker_client.get(url)
    assert len(response.context["cl"].result_list) == 30

    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)


def test_organization_search_by_phone_counts_each_service_once(caseworker_client):
    organization = make_organization()
    make_service(organization=organization)
    make_service(organization=organization)
    make_phone(organization=organization, number="860-555-0101")
    make_phone(organization=organization, number="860-555-0102")

    response = caseworker_client.get(
        admin_url(Organization, "changelist"), {"q": "860-555"}
    )

    assert [o.services__count for o in response.context["cl"].result_list] == [2]


# History and revert ----------------------------------------------------------


def test_history_lists_versions_and_revert_restores_the_old_name(
    caseworker_client, caseworker, full_service
):
    change_url = admin_url(Service, "change", full_service.pk)
    data = form_data(caseworker_client.get(change_url))
    data["name"] = "Renamed by mistake"
    response = caseworker_client.post(change_url, data)
    assert response.status_code == 302, response.context["errors"]

    first, latest = full_service.history.order_by("history_date", "history_id")
    assert (first.name, latest.name) == (
        "Hartford Legal Aid clinic",
        "Renamed by mistake",
    )
    assert latest.history_user == caseworker

    response = caseworker_client.get(admin_url(Service, "history", full_service.pk))
    assert response.status_code == 200
    for record in (first, latest):
        version_url = reverse(
            "admin:resources_service_simple_history",
            args=[full_service.pk, record.history_id],
        )
        assert version_url in response.text
    assert "Hartford Legal Aid clinic" in response.text
    assert "Renamed by mistake" in response.text

    version_url = reverse(
        "admin:resources_service_simple_history",
        args=[full_service.pk, first.history_id],
    )
    response = caseworker_client.get(version_url)
    assert response.status_code == 200
    response = caseworker_client.post(version_url, form_data(response))

    assert response.status_code == 302, response.context["errors"]
    full_service.refresh_from_db()
    assert full_service.name == "Hartford Legal Aid clinic"
    assert full_service.history.count() == 3


# Moderation actions ----------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("publish", Service.Publication.DRAFT, Service.Publication.PUBLISHED),
        ("unpublish", Service.Publication.PUBLISHED, Service.Publication.DRAFT),
    ],
)
def test_publication_actions_change_status_and_record_history(
    caseworker_client, caseworker, action, before, after
):
    selected = [make_service(publication_status=before) for _ in range(2)]
    untouched = make_service(publication_status=before)

    response = caseworker_client.post(
        admin_url(Service, "changelist"),
        {"action": action, "_selected_action": [str(s.pk) for s in selected]},
    )

    assert response.status_code == 302
    for service in selected:
        service.refresh_from_db()
        assert service.publication_status == after
        latest = service.history.latest("history_date")
        assert latest.publication_status == after
        assert latest.history_user == caseworker
        assert service.history.count() == 2
    untouched.refresh_from_db()
    assert untouched.publication_status == before


# Roles -----------------------------------------------------------------------


def test_caseworker_cannot_delete_an_organization(caseworker_client):
    organization = make_organization()

    response = caseworker_client.get(admin_url(Organization, "delete", organization.pk))

    assert response.status_code == 403


def test_administrator_can_delete_an_organization(client, db):
    client.force_login(make_staff(role=roles.ADMINISTRATORS))
    organization = make_organization()
    url = admin_url(Organization, "delete", organization.pk)

    assert client.get(url).status_code == 200
    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Organization.objects.filter(pk=organization.pk).exists()


def test_staff_without_a_role_cannot_see_services(client, db):
    client.force_login(
        User.objects.create_user(username="newcomer", password="x" * 16, is_staff=True)
    )

    response = client.get(admin_url(Service, "changelist"))

    assert response.status_code == 403


@pytest.mark.django_db
def test_data_exchange_links_show_only_to_those_let_in(client):
    from resources.roles import ADMINISTRATORS

    from .factories import make_staff

    client.force_login(make_staff())
    assert "Import HSDS data" not in client.get("/admin/").content.decode()
    client.force_login(make_staff(ADMINISTRATORS))
    html = client.get("/admin/").content.decode()
    assert "Import HSDS data" in html
    assert client.get("/admin/hsds/import/").status_code == 200


def test_an_action_on_ids_that_are_not_ids_is_a_message(caseworker_client, one_of_each):
    for model in (Service, TaxonomyTerm):
        response = caseworker_client.post(
            admin_url(model, "changelist"),
            {"action": "export_history", "_selected_action": ["'; drop", "x"]},
        )
        assert response.status_code == 302, model


def test_no_admin_form_has_two_fields_with_the_same_label(rf, db):
    """ "Fees description" and "Fees URL", never two "Fees:"."""
    from django.contrib import admin
    from django.contrib.auth.models import User

    request = rf.get("/")
    request.user = User(username="root", is_superuser=True, is_staff=True)
    for model, model_admin in admin.site._registry.items():
        form = model_admin.get_form(request, None)()
        labels = [
            str(field.label or name).strip().lower()
            for name, field in form.fields.items()
        ]
        repeated = {label for label in labels if labels.count(label) > 1}
        assert not repeated, (model, repeated)
