"""Keep derived tables (opening windows, the search index, coverage) in step.

Whatever changes a listing — the admin, the importer, a shell — saves or
deletes model instances; these receivers note which services are affected
and refresh their derived rows once, when the transaction commits. This is
index maintenance, not domain logic: it only recomputes data that is fully
determined by the records themselves. Bulk writes (`bulk_create`,
`QuerySet.update`) send no signals: code that uses them marks and
refreshes the services itself, and `manage.py rebuild_indexes` rebuilds all.

Once the rows are rebuilt, the data version is raised (`caching.bump`):
cached search results and pages of the old data are no longer used. Any
change to listing data raises it, derived rows or not (a cost option, a
contact).

The note is durable: each affected service gets a `StaleService` row in the
same transaction as the change, cleared once its rows are rebuilt. Should
the rebuild never happen (the process killed just after the commit, a lost
connection), `repair()` finds the row and does it; it also finds services
whose entry in the search index is missing, or there when it must not be.
"""

import datetime as dt
import logging
import uuid

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from . import areas, caching
from .models import (
    Accessibility,
    Address,
    AliasLanguage,
    Attribute,
    Closure,
    ConceptAlias,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    Organization,
    OrganizationIdentifier,
    Phone,
    Program,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    StaleService,
    SynonymGroup,
    Taxonomy,
    TaxonomyTerm,
    TermMapping,
    Unit,
    Url,
)
from .models.search import SearchEntry
from .models.services import ServiceCoverage

logger = logging.getLogger(__name__)

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


def refresh_services(service_ids, *, bump: bool = True) -> None:
    """Recompute every derived row of these services, now.

    Then raise the data version, unless `bump` is false: cached results and
    pages show the new rows at once.
    """
    from .search import index_services
    from .services import opening_windows_rebuild

    service_ids = list(service_ids)
    if not service_ids:
        return
    opening_windows_rebuild(service_ids=service_ids)
    index_services(service_ids)
    coverage_rebuild(service_ids)
    if bump:
        caching.bump()


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
        case Schedule() | Closure() | Language() | Phone() | ServiceArea():
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


def mark_stale(service_ids, token=None) -> uuid.UUID:
    """Note, in the current transaction, that these services need a rebuild."""
    token = token or uuid.uuid4()
    now = timezone.now()
    service_ids = sorted(set(service_ids), key=str)  # one lock order
    for start in range(0, len(service_ids), 1000):
        StaleService.objects.bulk_create(
            [
                StaleService(service_id=pk, token=token, noted_at=now)
                for pk in service_ids[start : start + 1000]
            ],
            update_conflicts=True,
            unique_fields=["service_id"],
            update_fields=["token", "noted_at"],
        )
    return token


def clear_stale(service_ids, token) -> None:
    """Forget the notes this transaction (`token`) made; a newer one stays."""
    service_ids = list(service_ids)
    for start in range(0, len(service_ids), 1000):
        StaleService.objects.filter(
            service_id__in=service_ids[start : start + 1000], token=token
        ).delete()


def rebuild(service_ids, token, *, batch_size: int = 1000) -> None:
    """Refresh these services' derived rows, then clear their notes."""
    service_ids = list(service_ids)
    for start in range(0, len(service_ids), batch_size):
        batch = service_ids[start : start + batch_size]
        refresh_services(batch)
        clear_stale(batch, token)


class _Pending:
    """The services this transaction changed, rebuilt once when it commits."""

    def __init__(self):
        self.ids: set = set()
        self.token = uuid.uuid4()

    def add(self, ids) -> None:
        new = set(ids) - self.ids
        if new:
            mark_stale(new, self.token)
            self.ids |= new

    def flush(self) -> None:
        connection._directory_pending = None
        try:
            rebuild(self.ids, self.token)
        finally:
            caching.bump()


def _pending(connection) -> _Pending:
    """Return this transaction's pending set, registering its one flush.

    A rolled-back transaction drops its callbacks and its notes together.
    """
    state = getattr(connection, "_directory_pending", None)
    if state is None or not any(
        callback == state.flush for _sids, callback, _robust in connection.run_on_commit
    ):
        state = connection._directory_pending = _Pending()
        # Robust: the change is committed; should its rebuild fail, the
        # caseworker still sees it saved, and `repair` does the rebuild.
        transaction.on_commit(state.flush, robust=True)
    return state


def _note_change(sender, instance, **kwargs):
    if kwargs.get("raw"):
        return  # loaddata: the fixture's derived rows are rebuilt separately
    ids = affected_services(instance) if sender in WATCHED else set()
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        if ids:
            _pending(connection).add(ids)
        elif not connection.run_on_commit or (
            connection.run_on_commit[-1][1] is not caching.bump
        ):
            # Nothing to rebuild: the version alone, once per run of saves.
            transaction.on_commit(caching.bump, robust=True)
        return
    # Committed at once: the note outlives a failed or lost rebuild.
    try:
        if ids:
            rebuild(ids, mark_stale(ids))
    except Exception:  # noqa: BLE001 - the change is saved; repair rebuilds
        logger.exception("Derived rows left for repair")
    finally:
        caching.bump()


# Repair ----------------------------------------------------------------------

# A note younger than this may belong to a transaction whose rebuild is
# still running: leave it to that transaction.
REPAIR_GRACE = dt.timedelta(minutes=2)


def out_of_step(*, grace: dt.timedelta = REPAIR_GRACE) -> list:
    """Return the ids of services whose derived rows are not to be trusted.

    Those noted stale, published services with no entry in the search
    index, and entries of services no longer published — each only once
    `grace` has passed since it was noted or the service changed.
    """
    cutoff = timezone.now() - grace
    noted = StaleService.objects.filter(noted_at__lt=cutoff)
    unindexed = (
        Service.objects.published()
        .filter(last_modified__lt=cutoff)
        .exclude(Exists(SearchEntry.objects.filter(service_id=OuterRef("pk"))))
    )
    unpublished = SearchEntry.objects.filter(service__last_modified__lt=cutoff).exclude(
        service_id__in=Service.objects.published().values("pk")
    )
    return list(
        dict.fromkeys(
            [
                *noted.values_list("service_id", flat=True),
                *unindexed.values_list("pk", flat=True),
                *unpublished.values_list("service_id", flat=True),
            ]
        )
    )


def repair(*, grace: dt.timedelta = REPAIR_GRACE) -> int:
    """Rebuild every service `out_of_step`; return how many were rebuilt."""
    service_ids = out_of_step(grace=grace)
    for start in range(0, len(service_ids), 1000):
        batch = service_ids[start : start + 1000]
        by_token: dict = {}
        for pk, token in StaleService.objects.filter(service_id__in=batch).values_list(
            "service_id", "token"
        ):
            by_token.setdefault(token, []).append(pk)
        refresh_services(batch)
        for token, ids in by_token.items():
            clear_stale(ids, token)
    return len(service_ids)


# The rolling audit: where the last round stopped (cache key).
AUDIT_CURSOR = "derived:audit-after"


def audit_next(batch_size: int) -> int:
    """Rebuild the next `batch_size` services in id order; return how many.

    Run by the worker's chores, round after round, so that every service's
    derived rows are recomputed from its records now and then, whatever
    went wrong with them unnoticed (rows deleted by hand, a bulk update that
    forgot its rebuild). Where it stopped is kept in the cache; if that is
    lost, it starts again from the first service.
    """
    from django.core.cache import cache

    after = cache.get(AUDIT_CURSOR)
    ids = Service.objects.order_by("pk")
    if after is not None:
        ids = ids.filter(pk__gt=after)
    batch = list(ids.values_list("pk", flat=True)[:batch_size])
    if not batch:
        cache.delete(AUDIT_CURSOR)
        return 0
    # Rows that should be right already: what it corrects shows once the
    # cached pages expire (DIRECTORY_CACHE_SECONDS), not every round.
    refresh_services(batch, bump=False)
    cache.set(AUDIT_CURSOR, batch[-1], None)
    return len(batch)


WATCHED = (
    Service,
    ServiceAtLocation,
    Schedule,
    Closure,
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


# Listing data without derived rows: a change still raises the data version.
# Not here: what the public pages write (corrections, zero-result counts),
# the derived rows themselves and staff bookkeeping, none of which a public
# page shows.
LISTINGS = (
    *WATCHED,
    Accessibility,
    AliasLanguage,
    ConceptAlias,
    Contact,
    CostOption,
    Funding,
    OrganizationIdentifier,
    Program,
    RequiredDocument,
    ServiceCapacity,
    SynonymGroup,
    Taxonomy,
    Unit,
    Url,
)


def connect() -> None:
    for model in LISTINGS:
        post_save.connect(_note_change, sender=model, dispatch_uid=f"derived-{model}")
        post_delete.connect(
            _note_change, sender=model, dispatch_uid=f"derived-del-{model}"
        )
