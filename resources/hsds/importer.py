"""Import HSDS data: all or nothing, upsert by id, with a report of every fault.

`import_hsds(path)` reads a CSV data package, a JSON file or NDJSON (see
`sources`) in two streaming passes:

1. check every row (types, required fields, enumerations, the database's
   own limits) and collect the ids the input defines and refers to;
2. inside one transaction, write the rows in batches: new ids are created,
   known ids updated where a field differs, identical rows left alone.
   Every change is logged as an HSDS `metadata` row and in the records'
   history.

Any fault rolls the whole import back, and the report lists file, row,
field and reason for each. A reference to a row that exists neither in the
input nor in the database is a fault too; with `lenient=True` a row whose
required reference dangles is skipped, and a dangling optional reference
(a location's organization, say) is dropped, each listed in the report.
With `skip_invalid=True` every invalid row is skipped instead (and what
refers to it, as with `lenient`), the rest imported in one transaction;
`Report.write_csv` lists what was skipped and `Report.skipped_by_field`
sums it up. `dry_run=True` does everything, then rolls back.

Unique keys (a term's code within its taxonomy) are checked before
writing, so a clash is reported by row and field too. An empty street is
accepted for a confidential location's address (a public export redacts
it) and never blanks the one we hold. Rows HSDS allows but the directory
cannot keep are not refused: a new service without organization becomes a
draft under a placeholder; a row that belongs to nothing is skipped with a
note.

After a successful import, the derived rows of the services concerned
(opening windows, the search index) are rebuilt, since bulk writes send no
signals.
"""

import csv
import datetime as dt
import logging
import resource
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from ..derived import mark_stale, rebuild
from ..freshness import touch
from ..history import through
from ..models.base import Channel
from ..texts import too_long
from . import mapping
from .sources import Record, SourceError, open_source

BATCH_SIZE = 1000
# Written on the history entries of imported rows (created in bulk, without
# the signal that stamps a channel).
THROUGH_IMPORT = {"history_channel": Channel.IMPORT}
REFRESH_BATCH = 500
logger = logging.getLogger(__name__)
MAX_ISSUES = 10_000
ERROR, SKIPPED, NOTE = "error", "skipped", "note"


@dataclass(frozen=True)
class Issue:
    level: str
    file: str
    row: int | str
    field: str
    reason: str

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                self.file,
                f"row {self.row}" if self.row != "" else "",
                self.field,
            )
            if part
        )
        return f"{self.level.upper()}: {where}: {self.reason}"


@dataclass
class Report:
    source: str = ""
    dry_run: bool = False
    issues: list[Issue] = field(default_factory=list)
    dropped_issues: Counter = field(default_factory=Counter)
    counts: dict = field(default_factory=lambda: defaultdict(Counter))
    committed: bool = False
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    service_ids: set = field(default_factory=set)

    def add(self, level, file, row, field_name, reason) -> None:
        if len(self.issues) >= MAX_ISSUES:
            self.dropped_issues[level] += 1
            return
        self.issues.append(Issue(level, file, row, field_name, reason))

    def of(self, level: str) -> list[Issue]:
        return [issue for issue in self.issues if issue.level == level]

    def skipped_by_field(self) -> list[tuple[str, str, int]]:
        """Return (file, field, how many) for the skipped rows' faults, most first."""
        counts = Counter(
            (issue.file, issue.field.rsplit(".", 1)[-1]) for issue in self.of(SKIPPED)
        )
        return [(file, name, n) for (file, name), n in counts.most_common()]

    def write_csv(self, path) -> None:
        """Write every issue as a CSV row: level, file, row, field, reason.

        For people, in a spreadsheet: reasons quote what the feed said, so
        cells are guarded against formulas (`mapping.guard_cell`).
        """
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["level", "file", "row", "field", "reason"])
            for issue in self.issues:
                cells = (issue.level, issue.file, issue.row, issue.field, issue.reason)
                writer.writerow([mapping.guard_cell(str(cell)) for cell in cells])

    @property
    def error_count(self) -> int:
        return len(self.of(ERROR)) + self.dropped_issues[ERROR]

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def summary(self) -> list[str]:
        lines = []
        for table in mapping.TABLES:
            counts = self.counts.get(table.name)
            if counts:
                parts = ", ".join(
                    f"{counts[key]} {key}"
                    for key in ("created", "updated", "unchanged", "skipped")
                    if counts[key]
                )
                lines.append(f"{table.file}: {parts}")
        return lines

    @property
    def dropped(self) -> list[tuple[str, int]]:
        return sorted(self.dropped_issues.items())

    def as_summary(self, *, shown: int = 500) -> dict:
        """The report as JSON, for a job's page: the first `shown` issues."""
        return {
            "source": self.source,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "committed": self.committed,
            "error_count": self.error_count,
            "summary": self.summary(),
            "issues": [
                [issue.level, issue.file, issue.row, issue.field, issue.reason]
                for issue in self.issues[:shown]
            ],
            "more_issues": max(0, len(self.issues) - shown)
            + sum(self.dropped_issues.values()),
            "seconds": round(self.seconds, 1),
        }

    def lines(self) -> list[str]:
        out = [str(issue) for issue in self.issues]
        for level, count in self.dropped_issues.items():
            out.append(f"... and {count} more {level} lines not shown.")
        return out


def import_hsds(
    path,
    *,
    dry_run: bool = False,
    lenient: bool = False,
    skip_invalid: bool = False,
    updated_by: str = "import_hsds",
    user=None,
    batch_size: int = BATCH_SIZE,
    progress=None,
) -> Report:
    """Import an HSDS data package, JSON or NDJSON file; return the report.

    `progress(step, done, total)`, if given, hears where the import stands
    and may raise to stop it (`resources.jobs.Progress`); nothing is
    written unless the whole import gets to its commit.
    """
    progress = progress or _no_progress
    started = time.monotonic()
    report = Report(source=str(path), dry_run=dry_run)
    try:
        source = open_source(Path(path))
        importer = _Importer(
            source,
            report,
            lenient=lenient or skip_invalid,
            skip_invalid=skip_invalid,
            updated_by=updated_by,
            user=user,
        )
        importer.batch_size = batch_size
        importer.progress = progress
        importer.run(dry_run=dry_run)
    except SourceError as error:
        report.add(ERROR, error.file, error.row, "", error.reason)
    if report.committed:
        service_ids = list(report.service_ids)
        try:
            for start in range(0, len(service_ids), REFRESH_BATCH):
                progress(
                    gettext_noop("Updating search and opening hours"),
                    start,
                    len(service_ids),
                    cancellable=False,
                )
                rebuild(
                    service_ids[start : start + REFRESH_BATCH], importer.stale_token
                )
        except Exception:  # noqa: BLE001 - the data is in; the worker repairs
            logger.exception("Import committed; derived rows left for repair")
            report.add(
                NOTE,
                "(search index)",
                "",
                "",
                "The data is imported; updating search and opening hours "
                "failed and is left to the worker's repair.",
            )
    report.seconds = time.monotonic() - started
    report.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return report


def _no_progress(step, done=0, total=None, *, cancellable=True) -> None:
    pass


class _Rollback(Exception):
    pass


class _Importer:
    def __init__(
        self,
        source,
        report: Report,
        *,
        lenient: bool,
        skip_invalid: bool,
        updated_by: str,
        user,
    ):
        self.source = source
        self.report = report
        self.lenient = lenient
        # What a fault in a row does: rejects the import, or skips the row.
        self.fault = SKIPPED if skip_invalid else ERROR
        self.updated_by = updated_by
        self.user = user
        self.batch_size = BATCH_SIZE
        self.progress = _no_progress
        self.rows_checked = 0
        self.zone = timezone.get_default_timezone()
        self.models = {
            t.name: apps.get_model("resources", t.model) for t in mapping.TABLES
        }
        self.fields = {
            t.name: {
                column.name: self.models[t.name]._meta.get_field(
                    column.attname.removesuffix("_id")
                    if column.attname.endswith("_id") and column.ref
                    else column.attname
                )
                for column in t.columns
                if not column.derived
            }
            for t in mapping.TABLES
        }
        self.checked: dict = {}
        self.seen: dict[str, set] = defaultdict(set)
        self.refs: dict[str, set] = defaultdict(set)
        self.unknown: dict[str, set] = defaultdict(set)
        self.skipped: dict[str, set] = defaultdict(set)
        self.skip_files: set[str] = set()
        self.batches: dict[str, dict] = defaultdict(dict)
        self.touched: dict[str, set] = defaultdict(set)
        self.unique_keys: dict[str, dict] = defaultdict(dict)
        self.refused: dict[str, set] = defaultdict(set)
        # Rows HSDS allows that belong to nothing here (see `parse`).
        self.unattached: dict[str, set] = defaultdict(set)
        self.dated: set = set()  # services whose row gives last_modified
        self.placeholders: dict = {}  # organization id: file (see below)
        # Locations the input marks confidential; addresses with their
        # street redacted, by location id (see `check_redacted`).
        self.confidential: set = set()
        self.redacted: dict = {}

    # The two passes ------------------------------------------------------------

    @through(Channel.IMPORT)
    def run(self, *, dry_run: bool) -> None:
        for problem in self.source.header_problems():
            level = ERROR if problem.fatal else NOTE
            self.report.add(
                level,
                problem.file,
                1 if problem.field else "",
                problem.field,
                problem.reason,
            )
            if problem.fatal:
                self.skip_files.add(problem.file)
        self.check_pass()
        self.find_unknown_references()
        self.find_unique_conflicts()
        self.check_redacted()
        # Said before the transaction, where whoever follows the job sees it.
        self.progress(gettext_noop("Writing (all or nothing)"), 0, self.rows_checked)
        try:
            with transaction.atomic():
                self.write_pass()
                if not self.report.ok or dry_run:
                    raise _Rollback
                # The last moment a cancel can stop it all.
                self.progress(gettext_noop("Saving"), self.rows_checked)
                self.collect_services()
                self.stamp_services()
                # Durable, with the data: a crash before the rebuild below
                # leaves the services for `derived.repair` to find.
                self.stale_token = mark_stale(self.report.service_ids)
        except _Rollback:
            return
        except DatabaseError as error:
            self.report.add(
                ERROR, "(database)", "", "", f"The database refused the data: {error}"
            )
            return
        self.report.committed = True

    def records(self):
        for record in self.source.records():
            if record.file not in self.skip_files:
                yield record

    def check_pass(self) -> None:
        csv_ids: dict[str, set] = defaultdict(set)
        for checked, record in enumerate(self.records()):
            self.progress(gettext_noop("Checking rows"), checked)
            self.rows_checked = checked + 1
            row = self.parse(record, report=True)
            if row is None:
                # An invalid row still defines its id: what refers to it is
                # fine, or skipped with it.
                with suppress(mapping.ValueProblem, AttributeError):
                    pk = mapping.parse_value(mapping.ID, record.values.get("id"))
                    if pk is not None:
                        self.seen[record.table].add(pk)
                        if self.fault == SKIPPED:
                            self.skip(record.table, pk)
                continue
            if row.get("id") is None:
                continue
            table = mapping.TABLES_BY_NAME[record.table]
            pk = row["id"]
            if record.from_csv:
                if pk in csv_ids[record.table]:
                    self.error(record, "id", f"Duplicate id {pk} in this file.")
                csv_ids[record.table].add(pk)
            self.seen[record.table].add(pk)
            if record.table == "location" and row.get("address_visibility") == (
                "confidential"
            ):
                self.confidential.add(pk)
            self.check_unique(record, row)
            for column in table.columns:
                if column.ref and row.get(column.attname) is not None:
                    self.refs[column.ref].add(row[column.attname])

    def find_unknown_references(self) -> None:
        """Find referenced ids that neither the input nor the database holds."""
        for table, ids in self.refs.items():
            missing = list(ids - self.seen[table])
            model = self.models[table]
            for start in range(0, len(missing), 1000):
                chunk = missing[start : start + 1000]
                known = set(
                    model.objects.filter(pk__in=chunk).values_list("pk", flat=True)
                )
                self.unknown[table].update(set(chunk) - known)
        self.refs.clear()

    def check_unique(self, record: Record, row: dict) -> None:
        """Refuse a second row of the input with the same unique key."""
        rule = UNIQUE_KEYS.get(record.table)
        key = rule.key(row) if rule else None
        if key is None:
            return
        first = self.unique_keys[record.table].setdefault(key, (row["id"], record))
        if first[0] != row["id"]:
            self.refuse(record.table, row["id"])
            where = first[1]
            self.error(
                record,
                rule.field,
                f"{rule.what(key)}, as the {record.table} {first[0]} does "
                f"({where.file}, row {where.row}).",
            )

    def find_unique_conflicts(self) -> None:
        """Refuse rows whose unique key another row in the database holds.

        Checked before writing, so that the report names file, row and
        field instead of the database's bare "duplicate key".
        """
        for table, keys in self.unique_keys.items():
            rule = UNIQUE_KEYS[table]
            model = self.models[table]
            values = sorted({key[0] for key in keys}, key=str)
            for start in range(0, len(values), 1000):
                rows = model.objects.filter(
                    **{f"{rule.lookup}__in": values[start : start + 1000]}
                ).values(*rule.attnames)
                for existing in rows:
                    key = rule.key(existing)
                    claim = keys.get(key)
                    if claim is None or claim[0] == existing["id"]:
                        continue
                    # A row the input rewrites is checked by its new values.
                    if existing["id"] in self.seen[table]:
                        continue
                    self.refuse(table, claim[0])
                    self.error(
                        claim[1],
                        rule.field,
                        f"{rule.what(key)}, as the {table} {existing['id']} "
                        "in the directory does.",
                    )
        self.unique_keys.clear()

    def check_redacted(self) -> None:
        """Accept an empty street only for the address of a confidential location.

        A public export redacts those (`address_visibility: confidential`);
        re-importing it must neither fail nor blank the street we hold.
        """
        pending = {
            location: record
            for location, record in self.redacted.items()
            if location not in self.confidential
        }
        if pending:
            stored = set(
                self.models["location"]
                .objects.filter(
                    pk__in=[p for p in pending if p], address_visibility="confidential"
                )
                .values_list("pk", flat=True)
            )
            for location, addresses in pending.items():
                if location in stored:
                    continue
                for record, pk in addresses:
                    self.refuse("address", pk)
                    self.error(
                        record,
                        "address_1",
                        "Required field is empty (allowed only for the address "
                        "of a confidential location).",
                    )
        self.redacted.clear()

    def write_pass(self) -> None:
        Organization = self.models["organization"]
        for pk, file in self.placeholders.items():
            Organization.objects.get_or_create(
                pk=pk,
                defaults={
                    "name": _placeholder_name(file),
                    "description": f"Services imported from {file} named no "
                    "organization: give each its own, then publish it.",
                },
            )
        step = gettext_noop("Writing (all or nothing)")
        written = 0
        for written, record in enumerate(self.records()):
            self.progress(step, written, self.rows_checked)
            row = self.parse(record, report=False)
            if row is None or row.get("id") is None:
                continue
            if row["id"] in self.refused[record.table]:
                continue  # reported: writing it would only fail again
            row = self.resolve_references(record, row)
            if row is None:
                continue
            batch = self.batches[record.table]
            batch.setdefault(row["id"], {}).update(row)
            if len(batch) >= self.batch_size:
                self.flush(record.table)
        for table in mapping.TABLES:
            self.progress(step, written, self.rows_checked)
            self.flush(table.name)

    # Checking one row ----------------------------------------------------------

    def refuse(self, table: str, pk) -> None:
        """Keep a row found invalid after parsing out of the write pass."""
        self.refused[table].add(pk)
        if self.fault == SKIPPED:
            self.skip(table, pk)

    def skip(self, table: str, pk) -> None:
        """Count a skipped row once; rows that refer to it follow (`lenient`)."""
        if pk not in self.skipped[table]:
            self.skipped[table].add(pk)
            self.report.counts[table]["skipped"] += 1

    def error(self, record: Record, column: str, reason: str, level: str = ""):
        level = level or self.fault
        name = (
            f"{record.path}.{column}"
            if record.path and column
            else (column or record.path)
        )
        self.report.add(level, record.file, record.row, name, reason)

    def parse(self, record: Record, *, report: bool) -> dict | None:
        """Return the row as model attribute values, or None if it is invalid."""
        table = mapping.TABLES_BY_NAME[record.table]
        values = record.values
        fail = self.error if report else (lambda *args, **kwargs: None)
        if "__invalid__" in values:
            fail(record, "", f"Expected an object for {table.name}.")
            return None
        if "__unplaced__" in values:
            fail(record, "", values["__unplaced__"])
            return None
        if report:
            for key in record.ignored:
                self.error(
                    record, key, "Unknown field; no place to keep it, ignored.", NOTE
                )
            for key, note in record.notes:
                self.error(record, key, note, NOTE)
        row = {}
        valid = True
        placeless = False
        unattached = None  # a reference HSDS allows to be missing, but we need
        for column in table.columns:
            if column.derived:
                continue  # recomputed from the rest (`mapping.zoned_hours`)
            if (table.name, column.name) == NO_ORGANIZATION and (
                values.get(column.name) in (None, "")
            ):
                row[column.attname] = self.without_organization(record, report=report)
                placeless = True
                continue
            if (
                column.ref_required
                and not column.required
                and (values.get(column.name) in (None, ""))
            ):
                unattached = unattached or column
                continue
            if column.name not in values:
                if column.required or column.ref_required:
                    fail(record, column.name, "Required field is missing.")
                    valid = False
                continue
            raw = values[column.name]
            try:
                value = mapping.parse_value(column, raw, default_zone=self.zone)
            except mapping.ValueProblem as problem:
                fail(record, column.name, str(problem))
                valid = False
                continue
            if value in (None, "") and (column.required or column.ref_required):
                if (table.name, column.name) == REDACTED and value == "":
                    # Allowed where the location is confidential (checked
                    # once the locations are known: `check_redacted`).
                    row[column.attname] = value
                    continue
                fail(record, column.name, "Required field is empty.")
                valid = False
                continue
            if value not in (None, ""):
                reason = self.database_limits(table.name, column, value)
                if reason:
                    fail(record, column.name, reason)
                    valid = False
                    continue
            row[column.attname] = value
        for column_name, reason in mapping.check_row(
            table.name, _by_hsds_name(table, row)
        ):
            fail(record, column_name, reason)
            valid = False
        if table.name == "schedule" and values.get("time_zone"):
            # Our own format: the zone (of its location) says the offset,
            # which changes with the date; a bare offset is the source's.
            row["timezone"] = None
        if placeless:
            row["publication_status"] = "draft"
        if valid and unattached is not None:
            # HSDS requires only the id; the directory cannot keep a row
            # that belongs to nothing. What refers to it follows it.
            if report and row.get("id") is not None:
                self.error(
                    record,
                    unattached.name,
                    f"No {unattached.ref} to belong to: skipped.",
                    NOTE,
                )
                self.unattached[table.name].add(row["id"])
                self.skip(table.name, row["id"])
            return None
        if valid and (nothing := mapping.says_nothing(table.name, row)):
            if report:
                self.error(record, nothing[0], nothing[1], NOTE)
                self.report.counts[table.name]["skipped"] += 1
            return None
        table_name, column_name = REDACTED
        if valid and report and table.name == table_name and not row[column_name]:
            self.redacted.setdefault(row.get("location_id"), []).append(
                (record, row["id"])
            )
        return row if valid else None

    def without_organization(self, record: Record, *, report: bool) -> uuid.UUID:
        """Return where a service that names no organization goes (HSDS allows it).

        The directory shows a service with its organization, so a new one is
        kept as a draft under a placeholder organization for its file, for a
        caseworker to complete; a service the directory holds keeps its own
        organization and state (see `flush`).
        """
        placeholder = uuid.uuid5(_PLACEHOLDERS, record.file)
        if report:
            self.placeholders[placeholder] = record.file
            self.seen["organization"].add(placeholder)
            self.error(
                record,
                "organization_id",
                "No organization: a new service is kept as a draft under "
                f"'{_placeholder_name(record.file)}' for a caseworker to "
                "complete; a known one keeps its own.",
                NOTE,
            )
        return placeholder

    def database_limits(self, table: str, column: mapping.Column, value) -> str:
        """Check a value against the model field (length, format, range)."""
        if column.type == mapping.TRANSLATIONS:
            return self.translation_limits(table, value)
        key = (table, column.name, value)
        cacheable = not isinstance(value, str) or len(value) <= 80
        if cacheable and key in self.checked:
            return self.checked[key]
        model_field = self.fields[table][column.name]
        reason = ""
        if column.type == mapping.UUID and column.ref:
            reason = ""
        else:
            try:
                model_field.run_validators(value)
            except ValidationError as error:
                reason = " ".join(error.messages)
        if cacheable:
            if len(self.checked) > 200_000:
                self.checked.clear()
            self.checked[key] = reason
        return reason

    def translation_limits(self, table: str, translations: dict) -> str:
        """Check each translated text against its field's length."""
        limits = {name: field.max_length for name, field in self.fields[table].items()}
        return too_long(translations, limits)

    def resolve_references(self, record: Record, row: dict) -> dict | None:
        """Handle references to ids that exist nowhere (see the module doc)."""
        table = mapping.TABLES_BY_NAME[record.table]
        keep = True
        for column in table.columns:
            target_id = row.get(column.attname) if column.ref else None
            if target_id is None:
                continue
            skipped = target_id in self.skipped[column.ref]
            if not skipped and target_id not in self.unknown[column.ref]:
                continue
            if skipped:
                what = f"The {column.ref} {target_id} was skipped"
            else:
                what = f"No {column.ref} has the id {target_id}"
            if not self.lenient and target_id not in self.unattached[column.ref]:
                self.error(record, column.name, f"{what}.")
                keep = False
            elif column.ref_required:
                self.error(record, column.name, f"{what}: row skipped.", SKIPPED)
                self.skip(record.table, row["id"])
                return None
            else:
                self.error(record, column.name, f"{what}: reference dropped.", SKIPPED)
                row[column.attname] = None
                # Hours whose only owner was dropped now belong to nothing.
                if nothing := mapping.says_nothing(record.table, row):
                    self.error(record, nothing[0], nothing[1], NOTE)
                    self.skip(record.table, row["id"])
                    return None
        return row if keep else None

    # Writing -------------------------------------------------------------------

    def flush(self, table_name: str) -> None:
        rows = self.batches.pop(table_name, None)
        if not rows:
            return
        table = mapping.TABLES_BY_NAME[table_name]
        model = self.models[table_name]
        names = {column.attname: column.name for column in table.columns}
        now = timezone.now()
        existing = model.objects.in_bulk(list(rows))
        created, updated, log = [], [], []
        modified = {}
        counts = self.report.counts[table_name]
        for pk, row in rows.items():
            if table_name == "service" and row.get("last_modified"):
                self.dated.add(pk)  # the file's date stands (`stamp_services`)
            obj = existing.get(pk)
            if obj is None:
                obj = model(**row)
                if table_name == "service" and "publication_status" not in row:
                    # Imported services are published unless the file says so.
                    obj.publication_status = "published"
                created.append(obj)
                log.append(self.log_row(table_name, pk, now, "create"))
            else:
                if table_name == "service" and row["organization_id"] in (
                    self.placeholders
                ):
                    # Known here: it keeps its organization and state.
                    row.pop("organization_id")
                    row.pop("publication_status")
                if table_name == "address" and row.get("address_1") == "":
                    # Redacted by a public export: keep what we hold.
                    for attname in ("address_1", "address_2", "attention"):
                        if row.get(attname) == "":
                            row.pop(attname)
                changes = [
                    (attname, getattr(obj, attname), value)
                    for attname, value in row.items()
                    if attname != "id" and not _same(getattr(obj, attname), value)
                ]
                if not changes:
                    counts["unchanged"] += 1
                    continue
                for attname, old, new in changes:
                    setattr(obj, attname, new)
                    log.append(
                        self.log_row(
                            table_name, pk, now, "update", names[attname], old, new
                        )
                    )
                updated.append(obj)
            if table_name == "service" and row.get("last_modified"):
                modified[pk] = row["last_modified"]
            self.touched[table_name].add(pk)
        counts["created"] += len(created)
        counts["updated"] += len(updated)
        objects = created + updated
        if not objects:
            return
        update_fields = [
            f.name for f in model._meta.concrete_fields if not f.primary_key
        ]
        model.objects.bulk_create(
            objects,
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=update_fields,
        )
        if modified:
            # auto_now stamped them just now; keep the dates the file gives.
            for obj in objects:
                if obj.pk in modified:
                    obj.last_modified = modified[obj.pk]
            model.objects.bulk_update(
                [obj for obj in objects if obj.pk in modified], ["last_modified"]
            )
        if table_name != "metadata":
            history = getattr(model, "history", None)
            reason = f"HSDS import ({self.report.source})"[:100]
            if history is not None:
                if created:
                    history.bulk_history_create(
                        created,
                        default_user=self.user,
                        default_change_reason=reason,
                        custom_historical_attrs=THROUGH_IMPORT,
                    )
                if updated:
                    history.bulk_history_create(
                        updated,
                        update=True,
                        default_user=self.user,
                        default_change_reason=reason,
                        custom_historical_attrs=THROUGH_IMPORT,
                    )
            self.models["metadata"].objects.bulk_create(log, batch_size=self.batch_size)

    def log_row(self, table, pk, now, action, field_name="", old=None, new=None):
        return self.models["metadata"](
            id=uuid.uuid4(),
            resource_id=pk,
            resource_type=table,
            last_action_date=now,
            last_action_type=action,
            field_name=field_name,
            previous_value=_text(old),
            replacement_value=_text(new),
            updated_by=self.updated_by[:255],
        )

    def collect_services(self) -> None:
        """Note every service that shows a row the import created or changed.

        Their derived rows are rebuilt after the commit (marked stale in
        it, see `resources.derived`), and their
        `last_modified` moves (see `stamp_services`).
        """
        found = set(self.touched["service"])
        for table, lookups in SHOWN_WITH_SERVICES.items():
            touched = list(self.touched[table])
            rows = self.models[table].objects
            for start in range(0, len(touched), 1000):
                chunk = rows.filter(pk__in=touched[start : start + 1000])
                for lookup in lookups:
                    found.update(
                        chunk.exclude(**{f"{lookup}__isnull": True}).values_list(
                            lookup, flat=True
                        )
                    )
        ids = list(found)
        existing = set()
        for start in range(0, len(ids), 1000):
            existing.update(
                self.models["service"]
                .objects.filter(pk__in=ids[start : start + 1000])
                .values_list("pk", flat=True)
            )
        self.report.service_ids = existing

    def stamp_services(self) -> None:
        """Move `last_modified` of the services whose related rows changed.

        Bulk writes send no signals (see `resources.freshness`). A service
        row of the file that gives its own `last_modified` keeps it.
        """
        ids = list(self.report.service_ids - self.dated)
        for start in range(0, len(ids), 1000):
            touch(Q(pk__in=ids[start : start + 1000]))


@dataclass(frozen=True)
class _Unique:
    """A unique constraint of a table, checked before writing."""

    field: str  # the HSDS column to blame
    attnames: tuple[str, ...]  # id first, then what the key is made of
    lookup: str  # the attname of the key's first part: narrows the rows read
    key: Callable[[dict], tuple | None]
    what: Callable[[tuple], str]


def _term_key(row: dict):
    # HSDS: a term is its code within its taxonomy (see `TaxonomyTerm`).
    if not row.get("code"):
        return None
    taxonomy = row.get("taxonomy_detail_id")
    return (row["code"], taxonomy, "" if taxonomy else row.get("taxonomy") or "")


def _term_clash(key) -> str:
    code, taxonomy, name = key
    within = f"taxonomy {taxonomy}" if taxonomy else f"taxonomy {name!r}"
    return f"The code {code!r} is already used in {within}"


def _link_key(row: dict):
    if row.get("service_id") is None or row.get("location_id") is None:
        return None
    return (row["service_id"], row["location_id"])


UNIQUE_KEYS = {
    "taxonomy_term": _Unique(
        "code",
        ("id", "code", "taxonomy_detail_id", "taxonomy"),
        "code",
        _term_key,
        _term_clash,
    ),
    "service_at_location": _Unique(
        "location_id",
        ("id", "service_id", "location_id"),
        "service_id",
        _link_key,
        lambda key: f"The service {key[0]} is already linked to the location {key[1]}",
    ),
}


# For each table, the lookups from its rows to the services that show them.
_AT_LOCATION = "location__service_at_locations__service_id"
SHOWN_WITH_SERVICES = {
    "service_at_location": ("service_id",),
    "schedule": ("service_id", "service_at_location__service_id", _AT_LOCATION),
    "language": ("service_id", _AT_LOCATION),
    "phone": (
        "service_id",
        "service_at_location__service_id",
        _AT_LOCATION,
        "organization__services__id",
    ),
    "contact": (
        "service_id",
        "service_at_location__service_id",
        _AT_LOCATION,
        "organization__services__id",
    ),
    "location": ("service_at_locations__service_id",),
    "address": (_AT_LOCATION,),
    "accessibility": (_AT_LOCATION,),
    "service_area": ("service_id", "service_at_location__service_id"),
    "cost_option": ("service_id",),
    "required_document": ("service_id",),
    "funding": ("service_id", "organization__services__id"),
    "url": ("service_id", "organization__services__id"),
    "organization": ("services__id",),
    "program": ("services__id",),
    "taxonomy_term": ("attributes__service__id",),
    "attribute": ("service__id",),
}

# A service without organization goes under a placeholder for its file.
NO_ORGANIZATION = ("service", "organization_id")
_PLACEHOLDERS = uuid.UUID("0c6e8f0e-3f9b-4c55-9d1e-6a3b2a1f7c44")


def _placeholder_name(file: str) -> str:
    return f"Organization not given ({file})"[:255]


# The one required value a public export may leave empty (see `check_redacted`).
REDACTED = ("address", "address_1")


def _by_hsds_name(table: mapping.Table, row: dict) -> dict:
    return {column.name: row.get(column.attname) for column in table.columns}


def _same(old, new) -> bool:
    if old is None or new is None:
        return old is None and new is None
    try:
        return old == new
    except TypeError:
        return False


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return str(value)
