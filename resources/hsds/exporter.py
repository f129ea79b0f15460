"""Export the directory as HSDS: a CSV data package, JSON or NDJSON.

- CSV: every HSDS table as its HSDS file (`services.csv`, ...) with the HSDS
  columns plus our extensions, and a `datapackage.json` describing them,
  in a folder or a .zip. The cells are the data, exactly: "+1 860 …" stays
  a phone number. A package made for opening in a spreadsheet
  (`for_spreadsheets=True`) instead puts a single quote before text that a
  spreadsheet would run as a formula (see `mapping.guard_cell`), and says
  so in `datapackage.json` (`mapping.FORMULA_GUARD`); our importer then
  removes exactly that quote again.
- JSON: an array of fully nested services, as `GET /api/services/{id}`
  returns them; NDJSON: the same, one service per line. A staff export
  nests every record's change log (`metadata`) in the record, as the CSV
  package's `metadata.csv` holds it (`_nest_metadata`).

A public export (the default) holds what the public API shows: published
services and what hangs off them, confidential addresses withheld (no
street lines, coordinates rounded to two decimals) and the change log only
for services and organizations. A staff export (`public=False`) holds
everything, drafts and confidential addresses included, and round-trips
through the importer without loss.

Rows are read in batches and written as they come, so memory stays flat.
"""

import csv
import io
import json
import zipfile
from collections import Counter
from contextlib import ExitStack
from itertools import batched
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from rest_framework.utils.encoders import JSONEncoder

from ..api import queries
from ..api.serializers import MetadataSerializer, ServiceSerializer
from ..models import (
    Closure,
    Contact,
    Location,
    Metadata,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
)
from ..models.schedules import hsds_schedules
from . import mapping

BATCH_SIZE = 200
ROW_CHUNK = 2000
FORMATS = ("csv", "json", "ndjson")


# Which rows a public export holds ---------------------------------------------


def _owned_by_visible(model, queryset: QuerySet) -> QuerySet:
    """Keep rows none of whose owners is hidden from the public."""
    services = queries.visible_services().values("pk")
    owners = {
        "service": services,
        "location": queries.visible_locations().values("pk"),
        "service_at_location": queries.visible_links().values("pk"),
    }
    if model is Phone:
        owners["contact"] = _owned_by_visible(Contact, Contact.objects.all()).values(
            "pk"
        )
    if model._meta.model_name == "language":
        owners["phone"] = _owned_by_visible(Phone, Phone.objects.all()).values("pk")
    for name, visible in owners.items():
        try:
            model._meta.get_field(name)
        except Exception:  # noqa: BLE001 - the model has no such owner
            continue
        queryset = queryset.filter(
            Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__in": visible})
        )
    return queryset


def table_queryset(table: mapping.Table, *, public: bool) -> QuerySet:
    """Return the rows of one HSDS table that this export holds."""
    model = apps.get_model("resources", table.model)
    queryset = model.objects.order_by("pk")
    if not public:
        return queryset
    match table.name:
        case "service":
            return queries.visible_services().order_by("pk")
        case "location":
            return queries.visible_locations().order_by("pk")
        case "service_at_location":
            return queries.visible_links().order_by("pk")
        case "attribute":
            return queryset.filter(
                Q(
                    link_entity="service",
                    link_id__in=queries.visible_services().values("pk"),
                )
                | Q(
                    link_entity="location",
                    link_id__in=queries.visible_locations().values("pk"),
                )
                | Q(link_entity__in=("organization", "taxonomy_term", "taxonomy"))
            )
        case "metadata":
            return queryset.filter(
                Q(
                    resource_type="service",
                    resource_id__in=queries.visible_services().values("pk"),
                )
                | Q(resource_type="organization")
            )
    return _owned_by_visible(model, queryset)


def schedule_zones():
    """Return `zone(row)`: the zone a schedule row's times are in.

    As the site reads them (`models.schedules.zones_by_service`): the zone
    of the schedule's location, of its service-at-location's location, or
    of its service's first location that names one; else the directory's.
    Only locations that name a zone are looked up, so this stays small.
    """
    from zoneinfo import ZoneInfo

    from ..models import ServiceAtLocation

    named = dict(Location.objects.exclude(time_zone="").values_list("pk", "time_zone"))
    of_link, of_service = {}, {}
    for pk, service_id, location_id in (
        ServiceAtLocation.objects.filter(location_id__in=list(named))
        .order_by("pk")
        .values_list("pk", "service_id", "location_id")
    ):
        of_link[pk] = named[location_id]
        of_service.setdefault(service_id, named[location_id])
    default = settings.TIME_ZONE

    def zone(row: dict) -> ZoneInfo:
        return ZoneInfo(
            named.get(row.get("location_id"))
            or of_link.get(row.get("service_at_location_id"))
            or of_service.get(row.get("service_id"))
            or default
        )

    return zone


def table_rows(table: mapping.Table, *, public: bool):
    """Yield each exported row as {HSDS column: Python value}."""
    queryset = table_queryset(table, public=public)
    attnames = [column.attname for column in table.columns if not column.derived]
    zone = schedule_zones() if table.name == "schedule" else None
    today = timezone.localdate()
    extra = []
    if public and table.name == "address":
        extra = ["location__address_visibility"]
    rows = queryset.values(*attnames, *extra).iterator(chunk_size=ROW_CHUNK)
    if table.name == "schedule":
        rows = _with_closures(rows, attnames, public=public, today=today)
    for values in rows:
        row = {column.name: values.get(column.attname) for column in table.columns}
        if zone is not None:
            row.update(mapping.zoned_hours(row, zone(row), today))
        if public and table.name == "location" and _confidential(values):
            row["transportation"] = ""
            for axis in ("latitude", "longitude"):
                if row[axis] is not None:
                    row[axis] = round(row[axis], 2)
        if (
            public
            and table.name == "address"
            and _confidential(
                {"address_visibility": values["location__address_visibility"]}
            )
        ):
            row.update(address_1="", address_2="", attention="")
        yield row


def _with_closures(rows, attnames: list[str], *, public: bool, today):
    """Schedule rows as HSDS says the services' closures (`hsds_schedules`).

    Rows of a service, or of one of its links, are split around its closed
    days; the special hours of closures follow, a row each. A location's
    own rows stay as they are: other services may keep those hours.
    """
    closures = Closure.objects.not_over(today)
    if public:
        closures = closures.filter(service__in=queries.visible_services())
    by_service: dict = {}
    for closure in closures:
        by_service.setdefault(closure.service_id, []).append(closure)
    if not by_service:
        yield from rows
        return
    service_of_link = dict(
        ServiceAtLocation.objects.filter(service_id__in=by_service).values_list(
            "pk", "service_id"
        )
    )

    def values_of(schedule) -> dict:
        return {name: getattr(schedule, name) for name in attnames}

    for values in rows:
        service = values.get("service_id") or service_of_link.get(
            values.get("service_at_location_id")
        )
        if service not in by_service:
            yield values
            continue
        schedule = Schedule(**values)
        for piece in hsds_schedules([schedule], by_service[service], special=False):
            yield values_of(piece)
    for service_closures in by_service.values():
        for special in hsds_schedules([], service_closures):
            yield values_of(special)


def _confidential(values: dict) -> bool:
    return values.get("address_visibility") == Location.Visibility.CONFIDENTIAL


# CSV data package ----------------------------------------------------------------


def export_csv(
    out: Path, *, public: bool = True, for_spreadsheets: bool = False, progress=None
) -> Counter:
    """Write the CSV data package to a folder, or to a .zip if `out` ends so.

    `progress(step, done, total)`, if given, hears each table as it starts.
    """
    out = Path(out)
    counts: Counter = Counter()
    descriptor = mapping.datapackage_descriptor(
        name="community-resource-directory",
        title=f"{settings.DIRECTORY_NAME} (HSDS 3.1)",
    )
    if for_spreadsheets:
        descriptor[mapping.FORMULA_GUARD] = True
    with ExitStack() as stack:
        if out.suffix.lower() == ".zip":
            archive = stack.enter_context(
                zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)
            )

            def open_member(name):
                # One member at a time: zipfile allows a single open writer.
                return io.TextIOWrapper(
                    archive.open(name, "w"), encoding="utf-8", newline=""
                )
        else:
            out.mkdir(parents=True, exist_ok=True)

            def open_member(name):
                return open(out / name, "w", encoding="utf-8", newline="")

        for done, table in enumerate(mapping.TABLES):
            if progress:
                progress(table.file, done, len(mapping.TABLES))
            with open_member(table.file) as handle:
                writer = csv.writer(handle, lineterminator="\r\n")
                writer.writerow(table.column_names)
                for row in table_rows(table, public=public):
                    writer.writerow(_cells(table, row, guard=for_spreadsheets))
                    counts[table.file] += 1
        with open_member("datapackage.json") as handle:
            json.dump(descriptor, handle, indent=2)
            handle.write("\n")
    return counts


def _cells(table: mapping.Table, row: dict, *, guard: bool) -> list[str]:
    cells = []
    for column in table.columns:
        text = mapping.format_cell(column, row[column.name])
        if guard and column.type == mapping.STRING:
            text = mapping.guard_cell(text)
        cells.append(text)
    return cells


# JSON and NDJSON ---------------------------------------------------------------


def service_documents(*, public: bool = True, queryset: QuerySet | None = None):
    """Yield fully nested services, a batch of prefetched records at a time."""
    services = (
        queryset if queryset is not None else queries.visible_services(public=public)
    )
    ids = services.order_by("name", "pk").values_list("pk", flat=True)
    context = {"staff": not public}
    for chunk in batched(ids.iterator(chunk_size=BATCH_SIZE), BATCH_SIZE):
        fetched = queries.full_services(
            Service.objects.filter(pk__in=chunk), public=public
        )
        by_pk = {service.pk: service for service in fetched}
        queries.attach_metadata(list(by_pk.values()))
        documents = [ServiceSerializer(by_pk[pk], context=context).data for pk in chunk]
        if not public:
            _nest_metadata(documents)
        yield from documents


def _records(item: dict, table: str):
    """Yield (table, object) for a nested HSDS object and every one inside it."""
    yield table, item
    for nested in mapping.TABLES_BY_NAME[table].nested:
        if nested.kind == "meta" or nested.key not in item:
            continue
        children = item[nested.key]
        for child in children if isinstance(children, list) else [children]:
            if isinstance(child, dict):
                yield from _records(child, nested.table)


def _nest_metadata(documents: list) -> None:
    """Put each nested record's metadata rows in it, a few queries a batch.

    Services carry theirs already (`queries.attach_metadata`); the rest —
    phones, schedules, locations, terms... — get theirs here, where HSDS
    nests a `metadata` array, so that a staff JSON export loses no row.
    """
    holders: dict = {}
    for document in documents:
        for table, item in _records(document, "service"):
            keys = {n.key for n in mapping.TABLES_BY_NAME[table].nested}
            if "metadata" in keys and "metadata" not in item and item.get("id"):
                holders.setdefault(item["id"], []).append(item)
    ids = list(holders)
    for start in range(0, len(ids), ROW_CHUNK):
        rows = Metadata.objects.filter(
            resource_id__in=ids[start : start + ROW_CHUNK]
        ).order_by("last_action_date", "pk")
        found: dict = {}
        for row in rows:
            found.setdefault(str(row.resource_id), []).append(row)
        for pk in ids[start : start + ROW_CHUNK]:
            if str(pk) not in found:
                continue
            data = MetadataSerializer(found[str(pk)], many=True).data
            for item in holders[pk]:
                item["metadata"] = data


def _dumps(document) -> str:
    return json.dumps(document, cls=JSONEncoder, ensure_ascii=False)


def ndjson_lines(*, public: bool = True):
    for document in service_documents(public=public):
        yield _dumps(document) + "\n"


def json_chunks(*, public: bool = True):
    """Yield a JSON array of services piece by piece."""
    yield "["
    first = True
    for document in service_documents(public=public):
        yield ("\n" if first else ",\n") + _dumps(document)
        first = False
    yield "\n]\n"


def export_json(
    out: Path, *, public: bool = True, ndjson: bool = False, progress=None
) -> int:
    """Write services as a JSON array (or NDJSON); return how many.

    `progress(step, done, total)`, if given, hears how many are written.
    """
    count = 0
    total = queries.visible_services(public=public).count()
    with open(out, "w", encoding="utf-8") as handle:
        chunks = ndjson_lines(public=public) if ndjson else json_chunks(public=public)
        for chunk in chunks:
            handle.write(chunk)
            count += 1
            if progress:
                progress("services", count, total)
    return count - (0 if ndjson else 2)


def export(
    out: Path, *, format: str, public: bool = True, for_spreadsheets: bool = False
) -> Counter:
    """Export in one of FORMATS; return counts of what was written."""
    if format == "csv":
        return export_csv(out, public=public, for_spreadsheets=for_spreadsheets)
    count = export_json(out, public=public, ndjson=format == "ndjson")
    return Counter({"services": count})
