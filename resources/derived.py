"""Keep derived tables (opening windows, the search index) in step with listings.

Whatever changes a listing — the admin, the importer, a shell — saves or
deletes model instances; these receivers note which services are affected
and refresh their derived rows once, when the transaction commits. This is
index maintenance, not domain logic: it only recomputes data that is fully
determined by the records themselves. Bulk writes (`bulk_create`,
`QuerySet.update`) send no signals: code that uses them calls
`refresh_services` itself, and `manage.py rebuild_indexes` rebuilds all.
"""

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from .models import (
    Attribute,
    Language,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)


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
        case Schedule() | Language():
            ids = set()
            if instance.service_id:
                ids.add(instance.service_id)
            if getattr(instance, "service_at_location_id", None):
                ids.update(
                    ServiceAtLocation.objects.filter(
                        pk=instance.service_at_location_id
                    ).values_list("service_id", flat=True)
                )
            if instance.location_id:
                ids.update(_services_at(instance.location_id))
            return ids
        case Location():
            return set(_services_at(instance.pk))
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
    Organization,
    Attribute,
    TaxonomyTerm,
)


def connect() -> None:
    for model in WATCHED:
        post_save.connect(_note_change, sender=model, dispatch_uid=f"derived-{model}")
        post_delete.connect(
            _note_change, sender=model, dispatch_uid=f"derived-del-{model}"
        )
