"""A service's `last_modified` moves when anything shown with it changes.

HSDS clients sync with `modified_after`: a new phone, address, schedule,
category or organization name must make the service count as modified, or
their copy goes stale. The service's own saves are stamped by `auto_now`;
these receivers stamp the services that a saved or deleted related record
is shown with, in the same transaction. Bulk writes send no signals: the
importer calls `touch` itself.
"""

from django.apps import apps
from django.db.models import Q
from django.db.models.signals import post_save, pre_delete
from django.utils import timezone

from .models import (
    Attribute,
    ChangeRequest,
    Location,
    Metadata,
    Organization,
    Program,
    Service,
    Taxonomy,
    TaxonomyTerm,
    TermMapping,
    Unit,
    Verification,
)
from .models.base import HSDSModel

# HSDS records that no service's page or document shows: the rest are.
NOT_SHOWN = (Service, Metadata, Taxonomy, Unit, ChangeRequest, Verification)


def shown_with_services() -> list:
    """Return the models whose records a service's page or HSDS document shows."""
    return [
        model
        for model in apps.get_app_config("resources").get_models()
        if (issubclass(model, HSDSModel) and model not in NOT_SHOWN)
        or model is TermMapping
    ]


def _of_locations(ids) -> Q:
    return Q(service_at_locations__location_id__in=ids)


def services_showing(instance) -> Q | None:
    """Return a condition on services that show `instance`, or None if none do."""
    match instance:
        case Service():
            return None
        case Location():
            return _of_locations([instance.pk])
        case Organization():
            return Q(organization_id=instance.pk)
        case Program():
            return Q(program_id=instance.pk)
        case TaxonomyTerm():
            return Q(attributes__taxonomy_term=instance)
        case TermMapping():
            return Q(attributes__taxonomy_term_id=instance.external_id)
        case Attribute():
            return {
                "service": Q(pk=instance.link_id),
                "organization": Q(organization_id=instance.link_id),
                "location": _of_locations([instance.link_id]),
            }.get(instance.link_entity)
    found = Q()
    for attname, condition in (
        ("service_id", lambda pk: Q(pk=pk)),
        ("service_at_location_id", lambda pk: Q(service_at_locations=pk)),
        ("location_id", lambda pk: _of_locations([pk])),
        ("organization_id", lambda pk: Q(organization_id=pk)),
    ):
        if (pk := getattr(instance, attname, None)) is not None:
            found |= condition(pk)
    return found or None


def touch(condition: Q, *, using: str | None = None) -> int:
    """Stamp the services matching `condition` as modified now."""
    services = Service.objects.using(using) if using else Service.objects
    ids = services.filter(condition).values("pk")
    return services.filter(pk__in=ids).update(last_modified=timezone.now())


def _changed(sender, instance, raw=False, using=None, **kwargs):
    if raw:
        return  # loaddata keeps the fixture's dates
    condition = services_showing(instance)
    if condition is not None:
        touch(condition, using=using)


def connect() -> None:
    for model in shown_with_services():
        post_save.connect(_changed, sender=model, dispatch_uid=f"fresh-{model}")
        # Before the delete: afterwards the links to the services are gone.
        pre_delete.connect(_changed, sender=model, dispatch_uid=f"fresh-del-{model}")
