"""Writes that span several models. Keyword-only, typed, atomic."""

import dataclasses
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction

from . import hours
from .models import (
    Attribute,
    OpeningWindow,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from .models.schedules import hours_by_service, zones_by_service


@transaction.atomic
def service_set_terms(
    *, service: Service, taxonomy_id, terms: Iterable[TaxonomyTerm]
) -> None:
    """Make `terms` the service's terms from one taxonomy, keeping the others.

    Unchanged terms keep their attribute rows (and so their ids and history).
    """
    wanted = {term.pk for term in terms}
    current = Attribute.objects.for_entity("service").filter(
        link_id=service.pk, taxonomy_term__taxonomy_detail_id=taxonomy_id
    )
    for attribute in current:
        if attribute.taxonomy_term_id in wanted:
            wanted.discard(attribute.taxonomy_term_id)
        else:
            attribute.delete()
    for term_pk in wanted:
        attribute = Attribute(
            link_entity="service", link_id=service.pk, taxonomy_term_id=term_pk
        )
        attribute.full_clean()
        attribute.save()


@transaction.atomic
def opening_windows_rebuild(*, service_ids: Iterable) -> int:
    """Recompile the opening windows of these services from their schedules.

    Returns the number of windows written. Services that no longer exist
    simply lose theirs.
    """
    service_ids = list(service_ids)
    OpeningWindow.objects.filter(service_id__in=service_ids).delete()
    links = ServiceAtLocation.objects.filter(service_id__in=service_ids).values_list(
        "pk", "service_id", "location_id"
    )
    rows = hours_by_service(service_ids, links)
    zones = zones_by_service(service_ids, settings.TIME_ZONE)
    windows = [
        OpeningWindow(
            service_id=service_id,
            schedule_id=row.pk,
            zone=zones[service_id],
            **dataclasses.asdict(window),
        )
        for service_id, schedules in rows.items()
        for row in schedules
        for window in hours.compile_rule(hours.Rule.of(row))
    ]
    OpeningWindow.objects.bulk_create(windows, batch_size=2000)
    return len(windows)
