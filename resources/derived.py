"""Keep derived tables (opening windows, the search index, coverage) in step.

Whatever changes a listing — the admin, the importer, a shell — saves or
deletes model instances; these receivers note which services are affected
and refresh their derived rows once, when the transaction commits. This is
index maintenance, not domain logic: it only recomputes data that is fully
determined by the records themselves. Bulk writes (`bulk_create`,
`QuerySet.update`) send no signals: code that uses them calls
`refresh_services` itself, and `manage.py rebuild_indexes` rebuilds all.
"""

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from . import areas
from .models import (
    Address,
    Attribute,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
    TermMapping,
)
from .models.services import ServiceCoverage

# Phones a person can call or text: not fax or pager.
REACHABLE_PHONES = Q(type__in=["", "voice", "cell", "text", "textphone", "video"])
# Locations that tie a service to a place. A virtual one does not: a line
# with only virtual locations (or none), a phone and no area it can be read
# by takes calls from anywhere. A postal address still says where it is.
PLACE_TYPES = ("physical", "postal")
# Extents read as text; GeoJSON, TopoJSON and KML ones are not read.
TEXT_EXTENTS = ("", "text")


def refresh_statistics() -> None:
    """Prepare the database for searching after bulk writes.

    Without fresh statistics the planner treats new rows as absent and picks
    nested loops that take minutes. On PostgreSQL, VACUUM also reclaims the
    rows that rewriting entries left behind and marks pages all-visible, so
    that searches read narrow tables and use index-only scans; it cannot
    run inside a transaction, where ANALYZE alone does.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def refresh_services(service_ids) -> None:
    """Recompute every derived row of these services, now."""
    from .search import index_services
    from .services import opening_windows_rebuild

    service_ids = list(service_ids)
    if not service_ids:
        return
    opening_windows_rebuild(service_ids=service_ids)
    index_services(service_ids)
    coverage_rebuild(service_ids)


def coverage_rebuild(service_ids) -> int:
    """Recompute which places these services serve from afar; return the rows.

    From their service areas (read by `resources.areas`, with the states of
    their addresses for names given without one), their phones, and
    whether they have a physical location at all. Four queries a batch,
    plus the delete and the insert.
    """
    service_ids = list(service_ids)
    if not service_ids:
        return 0
    links = {}  # service-at-location id: service id
    has_place = set()
    for pk, service_id, location_type in ServiceAtLocation.objects.filter(
        service_id__in=service_ids
    ).values_list("pk", "service_id", "location__location_type"):
        links[pk] = service_id
        if location_type in PLACE_TYPES:
            has_place.add(service_id)
    states: dict[object, set[str]] = {}  # service or link id: its states
    for link_id, service_id, state in Address.objects.filter(
        location__service_at_locations__service_id__in=service_ids
    ).values_list(
        "location__service_at_locations",
        "location__service_at_locations__service_id",
        "state_province",
    ):
        if abbreviation := areas.state_abbreviation(state):
            states.setdefault(service_id, set()).add(abbreviation)
            states.setdefault(link_id, set()).add(abbreviation)
    has_phone = set()
    for service_id, link_id in (
        Phone.objects.filter(REACHABLE_PHONES)
        .filter(
            Q(service_id__in=service_ids)
            | Q(service_at_location__service_id__in=service_ids)
        )
        .values_list("service_id", "service_at_location_id")
    ):
        has_phone.add(service_id or links.get(link_id))
    # Each service's keys, by the link they were given for (None: all).
    keys: dict[object, dict[object, set[str]]] = {pk: {} for pk in service_ids}
    for service_id, link_id, *texts, extent_type in ServiceArea.objects.filter(
        Q(service_id__in=service_ids)
        | Q(service_at_location__service_id__in=service_ids)
    ).values_list(
        "service_id",
        "service_at_location_id",
        "name",
        "description",
        "extent",
        "extent_type",
    ):
        service_id = links.get(link_id, service_id)
        if extent_type.strip().lower() not in TEXT_EXTENTS:
            texts = texts[:2]
        nearby_states = states.get(link_id) or states.get(service_id, ())
        found = areas.area_keys(texts, states=nearby_states)
        keys[service_id].setdefault(link_id, set()).update(found)
    rows = []
    for service_id, by_link in keys.items():
        reach = areas.coverage(
            set().union(*by_link.values()),
            has_place=service_id in has_place,
            has_phone=service_id in has_phone,
        )
        given = [(link_id, key) for link_id, found in by_link.items() for key in found]
        if areas.ANYWHERE in reach:
            given.append((None, areas.ANYWHERE))
        rows += [
            ServiceCoverage(
                service_id=service_id,
                service_at_location_id=link_id,
                key=key,
                reach=reach[key],
            )
            for link_id, key in given
        ]
    with transaction.atomic():
        ServiceCoverage.objects.filter(service_id__in=service_ids).delete()
        ServiceCoverage.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _services_at(location_id) -> list:
    return list(
        ServiceAtLocation.objects.filter(location_id=location_id).values_list(
            "service_id", flat=True
        )
    )


def affected_services(instance) -> set:
    """Return the ids of the services whose derived rows depend on `instance`."""
    match instance:
        case Service():
            return {instance.pk}
        case ServiceAtLocation():
            return {instance.service_id}
        case Schedule() | Language() | Phone() | ServiceArea():
            ids = set()
            if instance.service_id:
                ids.add(instance.service_id)
            if getattr(instance, "service_at_location_id", None):
                ids.update(
                    ServiceAtLocation.objects.filter(
                        pk=instance.service_at_location_id
                    ).values_list("service_id", flat=True)
                )
            if getattr(instance, "location_id", None):
                ids.update(_services_at(instance.location_id))
            return ids
        case Location():
            return set(_services_at(instance.pk))
        case Address():
            # Its state places the names a service area gives without one.
            return set(_services_at(instance.location_id))
        case Organization():
            return set(instance.services.values_list("pk", flat=True))
        case Attribute():
            return {instance.link_id} if instance.link_entity == "service" else set()
        case TaxonomyTerm():
            return set(
                Attribute.objects.for_entity("service")
                .filter(taxonomy_term=instance)
                .values_list("link_id", flat=True)
            )
        case TermMapping():
            # Services with their term now count under ours (or no longer).
            return set(
                Attribute.objects.for_entity("service")
                .filter(taxonomy_term_id=instance.external_id)
                .values_list("link_id", flat=True)
            )
    return set()


def _pending(connection) -> set:
    """Return the ids waiting for this transaction's commit, registering one flush.

    A rolled-back transaction drops its callbacks; the set goes with it.
    """
    state = getattr(connection, "_directory_pending", None)
    if state is None or not any(
        callback is state[1] for _sids, callback, _robust in connection.run_on_commit
    ):
        ids: set = set()

        def flush():
            connection._directory_pending = None
            refresh_services(ids)

        state = connection._directory_pending = (ids, flush)
        transaction.on_commit(flush)
    return state[0]


def _note_change(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return  # loaddata: the fixture's derived rows are rebuilt separately
    ids = affected_services(instance)
    if not ids:
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        _pending(connection).update(ids)
    else:
        refresh_services(ids)


WATCHED = (
    Service,
    ServiceAtLocation,
    Schedule,
    Language,
    Location,
    Address,
    Phone,
    ServiceArea,
    Organization,
    Attribute,
    TaxonomyTerm,
    TermMapping,
)


def connect() -> None:
    for model in WATCHED:
        post_save.connect(_note_change, sender=model, dispatch_uid=f"derived-{model}")
        post_delete.connect(
            _note_change, sender=model, dispatch_uid=f"derived-del-{model}"
        )
