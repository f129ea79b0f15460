"""HSDS 3.1 tables, columns and values, as plain data. No ORM, no settings.

One description of every table serves the CSV data package (file names,
columns, `datapackage.json`), the nested JSON (which keys hold which child
tables) and the checks an imported value must pass. The importer and the
exporter translate between these rows and the models; this module only
knows HSDS.

Conventions kept here, so that import and export agree:
- Times: HSDS writes `opens_at` / `closes_at` as `09:00:00Z` or with an
  offset, but means the location's local wall-clock time. We store the
  wall-clock time and drop the offset (`parse_time`). We write it with the
  UTC offset of its zone on the schedule's date (`09:00:00-05:00`), that
  offset as the schedule's numeric `timezone` and the zone's IANA name as
  our extension `time_zone` (`zoned_hours`): without them HSDS says UTC.
  A schedule whose source gave its `timezone` keeps that offset.
- CSV cells: a text value starting with ``=``, ``+``, ``-``, ``@``, a tab or
  a carriage return (after any leading single quotes) gets one extra single
  quote in front on export, as OWASP recommends against spreadsheet formula
  injection; import removes exactly that one quote (`guard_cell`,
  `unguard_cell`), so the round trip is lossless.
"""

import datetime as dt
import decimal
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..texts import translations_problem

# Column types: how a raw CSV/JSON value becomes a Python value.
STRING, UUID, INTEGER, NUMBER, DECIMAL, DATE, TIME, DATETIME, DATESTAMP, BOOLEAN = (
    "string",
    "uuid",
    "integer",
    "number",
    "decimal",
    "date",
    "time",
    "datetime",
    # A date (midnight UTC), or a date and time: metadata.last_action_date,
    # which HSDS types as a date but our change log keeps to the second.
    "datestamp",
    # JSON true/false; in CSV the words Frictionless reads as booleans.
    "boolean",
)
# Our `translations` extension: {language: {column: text}}, a JSON object
# (in CSV, its JSON text). `Column.enum` names the columns it may translate.
TRANSLATIONS = "translations"
BOOLEAN_WORDS = {"true": True, "false": False, "1": True, "0": False}

# Frictionless Table Schema type of each column type, for datapackage.json.
FRICTIONLESS_TYPES = {
    STRING: "string",
    UUID: "string",
    INTEGER: "integer",
    NUMBER: "number",
    DECIMAL: "number",
    DATE: "date",
    TIME: "time",
    DATETIME: "datetime",
    DATESTAMP: "string",
    BOOLEAN: "boolean",
    TRANSLATIONS: "object",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str = STRING
    required: bool = False
    enum: tuple[str, ...] = ()
    # HSDS table this column refers to, and whether the row needs it.
    ref: str | None = None
    ref_required: bool = False
    # Model attribute, when it differs from the HSDS name.
    attr: str | None = None
    # Our extensions (DESIGN.md §4), exchanged under their own names.
    extension: bool = False
    # Written on export from other data (see `zoned_hours`); not read back.
    derived: bool = False
    format: str = ""

    @property
    def attname(self) -> str:
        return self.attr or self.name


@dataclass(frozen=True)
class Nested:
    """A key of a nested JSON object that holds rows of another table.

    kind "many": an array of children that point back at the parent through
    `column`; kind "one": one object the parent points at through its own
    `column`; kind "link": attributes (link_entity + link_id); kind "meta":
    metadata (resource_type + resource_id).
    """

    key: str
    table: str
    kind: str
    column: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    file: str
    model: str
    columns: tuple[Column, ...]
    nested: tuple[Nested, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def by_name(self) -> dict[str, Column]:
        return {column.name: column for column in self.columns}

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required or c.ref_required]


ID = Column("id", UUID, required=True)


def _id() -> Column:
    return ID


def _ref(name: str, table: str, *, required: bool = False, attr=None) -> Column:
    return Column(name, UUID, ref=table, ref_required=required, attr=attr)


def _attributes_and_metadata() -> tuple[Nested, ...]:
    return (
        Nested("attributes", "attribute", "link"),
        Nested("metadata", "metadata", "meta"),
    )


LOCATION_TYPES = ("physical", "postal", "virtual")
SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# RFC 6350 TEL types, as our Phone model allows.
PHONE_TYPES = ("voice", "text", "textphone", "cell", "fax", "video", "pager")

_PHONES = Nested("phones", "phone", "many", "")
_LANGUAGES = Nested("languages", "language", "many", "")
_CONTACTS = Nested("contacts", "contact", "many", "")
_SCHEDULES = Nested("schedules", "schedule", "many", "")


def _translations(*columns: str) -> Column:
    # Our extension: the text of these columns in other languages.
    return Column(TRANSLATIONS, TRANSLATIONS, enum=columns, extension=True)


def _many(template: Nested, column: str) -> Nested:
    return Nested(template.key, template.table, "many", column)


# In dependency order: a table comes after every table it must refer to.
TABLES: tuple[Table, ...] = (
    Table(
        "taxonomy",
        "taxonomies.csv",
        "Taxonomy",
        (
            _id(),
            Column("name", required=True),
            Column("description", required=True),
            Column("uri", format="uri"),
            Column("version"),
        ),
        (Nested("metadata", "metadata", "meta"),),
    ),
    Table(
        "taxonomy_term",
        "taxonomy_terms.csv",
        "TaxonomyTerm",
        (
            _id(),
            Column("code"),
            Column("name", required=True),
            Column("description", required=True),
            _ref("parent_id", "taxonomy_term"),
            Column("taxonomy"),
            Column("language"),
            _ref("taxonomy_id", "taxonomy", attr="taxonomy_detail_id"),
            Column("term_uri", format="uri"),
        ),
        (
            Nested("taxonomy_detail", "taxonomy", "one", "taxonomy_id"),
            Nested("metadata", "metadata", "meta"),
        ),
    ),
    Table(
        "organization",
        "organizations.csv",
        "Organization",
        (
            _id(),
            Column("name", required=True),
            Column("alternate_name"),
            Column("description", required=True),
            Column("email", format="email"),
            Column("website", format="uri"),
            Column("tax_status"),
            Column("tax_id"),
            Column("year_incorporated", INTEGER),
            Column("legal_status"),
            Column("logo"),
            Column("uri", format="uri"),
            _ref("parent_organization_id", "organization"),
            _translations("name", "alternate_name", "description"),
        ),
        (
            Nested("additional_websites", "url", "many", "organization_id"),
            Nested("funding", "funding", "many", "organization_id"),
            _many(_CONTACTS, "organization_id"),
            _many(_PHONES, "organization_id"),
            Nested("locations", "location", "many", "organization_id"),
            Nested("programs", "program", "many", "organization_id"),
            Nested(
                "organization_identifiers",
                "organization_identifier",
                "many",
                "organization_id",
            ),
            Nested("services", "service", "many", "organization_id"),
            *_attributes_and_metadata(),
        ),
    ),
    Table(
        "program",
        "programs.csv",
        "Program",
        (
            _id(),
            # HSDS requires it in CSV; our model (and nested JSON) may leave it out.
            _ref("organization_id", "organization"),
            Column("name", required=True),
            Column("alternate_name"),
            Column("description", required=True),
        ),
        _attributes_and_metadata(),
    ),
    Table(
        "service",
        "services.csv",
        "Service",
        (
            _id(),
            _ref("organization_id", "organization", required=True),
            _ref("program_id", "program"),
            Column("name", required=True),
            Column("alternate_name"),
            Column("description"),
            Column("url", format="uri"),
            Column("email", format="email"),
            Column("status", required=True, enum=SERVICE_STATUSES),
            Column("interpretation_services"),
            Column("application_process"),
            Column("fees_description"),
            Column("wait_time"),
            Column("fees"),
            Column("accreditations"),
            Column("eligibility_description"),
            Column("minimum_age", INTEGER),
            Column("maximum_age", INTEGER),
            Column("assured_date", DATE),
            Column("assurer_email", format="email"),
            Column("licenses"),
            Column("alert"),
            Column("last_modified", DATETIME),
            Column("publication_status", enum=("draft", "published"), extension=True),
            _translations(
                "name",
                "alternate_name",
                "description",
                "eligibility_description",
                "application_process",
                "fees_description",
                "wait_time",
                "alert",
            ),
        ),
        (
            Nested("organization", "organization", "one", "organization_id"),
            Nested("program", "program", "one", "program_id"),
            Nested("additional_urls", "url", "many", "service_id"),
            _many(_PHONES, "service_id"),
            _many(_SCHEDULES, "service_id"),
            Nested("service_areas", "service_area", "many", "service_id"),
            Nested("service_at_locations", "service_at_location", "many", "service_id"),
            _many(_LANGUAGES, "service_id"),
            Nested("funding", "funding", "many", "service_id"),
            Nested("cost_options", "cost_option", "many", "service_id"),
            Nested("required_documents", "required_document", "many", "service_id"),
            _many(_CONTACTS, "service_id"),
            Nested("capacities", "service_capacity", "many", "service_id"),
            *_attributes_and_metadata(),
        ),
    ),
    Table(
        "location",
        "locations.csv",
        "Location",
        (
            _id(),
            Column("location_type", required=True, enum=LOCATION_TYPES),
            Column("url", format="uri"),
            _ref("organization_id", "organization"),
            Column("name"),
            Column("alternate_name"),
            Column("description"),
            Column("transportation"),
            Column("latitude", NUMBER),
            Column("longitude", NUMBER),
            Column("external_identifier"),
            Column("external_identifier_type"),
            Column("time_zone", extension=True),
            Column(
                "address_visibility",
                enum=("public", "confidential"),
                extension=True,
            ),
            _translations("name", "alternate_name", "description", "transportation"),
        ),
        (
            _many(_LANGUAGES, "location_id"),
            Nested("addresses", "address", "many", "location_id"),
            _many(_CONTACTS, "location_id"),
            Nested("accessibility", "accessibility", "many", "location_id"),
            _many(_PHONES, "location_id"),
            _many(_SCHEDULES, "location_id"),
            *_attributes_and_metadata(),
        ),
    ),
    Table(
        "service_at_location",
        "service_at_location.csv",
        "ServiceAtLocation",
        (
            _id(),
            _ref("service_id", "service", required=True),
            _ref("location_id", "location", required=True),
            Column("description"),
        ),
        (
            Nested("service", "service", "one", "service_id"),
            Nested("location", "location", "one", "location_id"),
            Nested("service_areas", "service_area", "many", "service_at_location_id"),
            _many(_CONTACTS, "service_at_location_id"),
            _many(_PHONES, "service_at_location_id"),
            _many(_SCHEDULES, "service_at_location_id"),
            *_attributes_and_metadata(),
        ),
    ),
    Table(
        "address",
        "addresses.csv",
        "Address",
        (
            _id(),
            _ref("location_id", "location", required=True),
            Column("attention"),
            Column("address_1", required=True),
            Column("address_2"),
            Column("city", required=True),
            Column("region"),
            Column("state_province", required=True),
            Column("postal_code", required=True),
            Column("country", required=True),
            Column("address_type", required=True, enum=LOCATION_TYPES),
        ),
        _attributes_and_metadata(),
    ),
    Table(
        "accessibility",
        "accessibility.csv",
        "Accessibility",
        (
            _id(),
            _ref("location_id", "location", required=True),
            Column("description"),
            Column("details"),
            Column("url", format="uri"),
            _translations("description", "details"),
        ),
        _attributes_and_metadata(),
    ),
    Table(
        "contact",
        "contacts.csv",
        "Contact",
        (
            _id(),
            _ref("organization_id", "organization"),
            _ref("service_id", "service"),
            _ref("service_at_location_id", "service_at_location"),
            _ref("location_id", "location"),
            Column("name"),
            Column("title"),
            Column("department"),
            Column("email", format="email"),
        ),
        (_many(_PHONES, "contact_id"), *_attributes_and_metadata()),
    ),
    Table(
        "phone",
        "phones.csv",
        "Phone",
        (
            _id(),
            _ref("location_id", "location"),
            _ref("service_id", "service"),
            _ref("organization_id", "organization"),
            _ref("contact_id", "contact"),
            _ref("service_at_location_id", "service_at_location"),
            Column("number", required=True),
            Column("extension", INTEGER),
            Column("type", enum=PHONE_TYPES),
            Column("description"),
            Column("main", BOOLEAN, extension=True),
            _translations("description"),
        ),
        (_many(_LANGUAGES, "phone_id"), *_attributes_and_metadata()),
    ),
    Table(
        "language",
        "languages.csv",
        "Language",
        (
            _id(),
            _ref("service_id", "service"),
            _ref("location_id", "location"),
            _ref("phone_id", "phone"),
            Column("name"),
            Column("code"),
            Column("note"),
        ),
        _attributes_and_metadata(),
    ),
    Table(
        "schedule",
        "schedules.csv",
        "Schedule",
        (
            _id(),
            _ref("service_id", "service"),
            _ref("location_id", "location"),
            _ref("service_at_location_id", "service_at_location"),
            Column("valid_from", DATE),
            Column("valid_to", DATE),
            Column("dtstart", DATE),
            Column("timezone", NUMBER),
            Column("until", DATE),
            Column("count", INTEGER),
            Column("wkst", enum=WEEKDAYS),
            Column("freq", enum=("WEEKLY", "MONTHLY")),
            Column("interval", INTEGER),
            Column("byday"),
            Column("byweekno"),
            Column("bymonthday"),
            Column("byyearday"),
            Column("description"),
            Column("opens_at", TIME),
            Column("closes_at", TIME),
            Column("schedule_link", format="uri"),
            Column("attending_type"),
            Column("notes"),
            _translations("description", "notes"),
            Column("time_zone", extension=True, derived=True),
        ),
        _attributes_and_metadata(),
    ),
    Table(
        "service_area",
        "service_areas.csv",
        "ServiceArea",
        (
            _id(),
            _ref("service_id", "service"),
            _ref("service_at_location_id", "service_at_location"),
            Column("name"),
            Column("description"),
            Column("extent"),
            Column("extent_type"),
            Column("uri"),
        ),
        _attributes_and_metadata(),
    ),
    Table(
        "cost_option",
        "cost_options.csv",
        "CostOption",
        (
            _id(),
            _ref("service_id", "service", required=True),
            Column("valid_from", DATE),
            Column("valid_to", DATE),
            Column("option"),
            Column("currency"),
            Column("amount", DECIMAL),
            Column("amount_description"),
            _translations("option", "amount_description"),
        ),
        _attributes_and_metadata(),
    ),
    Table(
        "required_document",
        "required_documents.csv",
        "RequiredDocument",
        (
            _id(),
            _ref("service_id", "service", required=True),
            Column("document"),
            Column("uri", format="uri"),
            _translations("document"),
        ),
        _attributes_and_metadata(),
    ),
    Table(
        "funding",
        "funding.csv",
        "Funding",
        (
            _id(),
            _ref("organization_id", "organization"),
            _ref("service_id", "service"),
            Column("source"),
        ),
        _attributes_and_metadata(),
    ),
    Table(
        "url",
        "url.csv",
        "Url",
        (
            _id(),
            Column("label"),
            Column("url", required=True, format="uri"),
            _ref("organization_id", "organization"),
            _ref("service_id", "service"),
        ),
        _attributes_and_metadata(),
    ),
    Table(
        "organization_identifier",
        "organization_identifiers.csv",
        "OrganizationIdentifier",
        (
            _id(),
            _ref("organization_id", "organization", required=True),
            Column("identifier_scheme"),
            Column("identifier_type", required=True),
            Column("identifier", required=True),
        ),
        _attributes_and_metadata(),
    ),
    Table(
        "unit",
        "units.csv",
        "Unit",
        (
            _id(),
            Column("name", required=True),
            Column("scheme"),
            Column("identifier"),
            Column("uri", format="uri"),
        ),
        _attributes_and_metadata(),
    ),
    Table(
        "service_capacity",
        "service_capacity.csv",
        "ServiceCapacity",
        (
            _id(),
            _ref("service_id", "service", required=True),
            _ref("unit_id", "unit", required=True),
            Column("available", DECIMAL, required=True),
            Column("maximum", DECIMAL),
            Column("description"),
            Column("updated", DATETIME, required=True),
        ),
        (Nested("unit", "unit", "one", "unit_id"), *_attributes_and_metadata()),
    ),
    Table(
        "attribute",
        "attributes.csv",
        "Attribute",
        (
            _id(),
            Column("link_id", UUID, required=True),
            _ref("taxonomy_term_id", "taxonomy_term", required=True),
            Column("link_type"),
            Column("link_entity", required=True),
            Column("value"),
            Column("label"),
        ),
        (
            Nested("taxonomy_term", "taxonomy_term", "one", "taxonomy_term_id"),
            Nested("metadata", "metadata", "meta"),
        ),
    ),
    Table(
        "metadata",
        "metadata.csv",
        "Metadata",
        (
            _id(),
            Column("resource_id", UUID, required=True),
            Column("resource_type", required=True),
            Column("last_action_date", DATESTAMP, required=True),
            Column("last_action_type", required=True),
            Column("field_name"),
            Column("previous_value"),
            Column("replacement_value"),
            Column("updated_by", required=True),
        ),
    ),
)

TABLES_BY_NAME = {table.name: table for table in TABLES}
TABLES_BY_FILE = {table.file: table for table in TABLES}
# HSDS files we read but have no model for: reported, not an error.
UNSUPPORTED_FILES = {"meta_table_descriptions.csv": "meta_table_description"}


# Values ------------------------------------------------------------------------

_TIME = re.compile(
    r"^(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.(?P<f>\d{1,6}))?)?"
    r"(?P<zone>Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")
_GUARDED = re.compile(r"^'+[=+\-@\t\r]")


class ValueProblem(ValueError):
    """A value that does not fit its column; the message says why."""


def parse_time(value: str) -> dt.time:
    """Parse an HSDS time, keeping the wall-clock time and dropping any offset.

    HSDS examples write `09:00:00Z` but mean 9 AM where the service is.
    """
    match = _TIME.match(value.strip())
    if not match:
        raise ValueProblem(f"{value!r} is not a time such as 09:00:00.")
    try:
        return dt.time(
            int(match["h"]),
            int(match["m"]),
            int(match["s"] or 0),
            int((match["f"] or "0").ljust(6, "0")),
        )
    except ValueError:
        raise ValueProblem(f"{value!r} is not a valid time of day.") from None


def hours_day(valid_from: dt.date | None, valid_to: dt.date | None, today: dt.date):
    """Return the date whose UTC offset a schedule's times are written with.

    Today, or the first day of a schedule that has not started, or the last
    of one that has ended: offsets change with daylight saving time.
    """
    day = max(today, valid_from) if valid_from else today
    return min(day, valid_to) if valid_to else day


def utc_offset_hours(zone: dt.tzinfo, day: dt.date) -> float:
    """Return the zone's offset from UTC at noon on `day`, in hours (-5.0)."""
    moment = dt.datetime.combine(day, dt.time(12), tzinfo=zone)
    return moment.utcoffset().total_seconds() / 3600


def zoned_time(value: dt.time, offset_hours: float) -> str:
    """Write a wall-clock time with its UTC offset: 09:00:00-05:00."""
    sign = "-" if offset_hours < 0 else "+"
    minutes = round(abs(offset_hours) * 60)
    return f"{value:%H:%M:%S}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def zoned_hours(row: dict, zone, today: dt.date) -> dict:
    """Return a schedule row's times and zone as we publish them.

    `row` holds the HSDS schedule columns (`opens_at` as `datetime.time`);
    `zone` is the ZoneInfo its times are wall-clock times in, unless the row
    gives its own `timezone` (an offset its source stated).
    """
    if row.get("timezone") is not None:
        offset, found = row["timezone"], {}
    else:
        day = hours_day(row.get("valid_from"), row.get("valid_to"), today)
        offset = utc_offset_hours(zone, day)
        found = {"timezone": offset, "time_zone": str(zone)}
    for name in ("opens_at", "closes_at"):
        if row.get(name) is not None:
            found[name] = zoned_time(row[name], offset)
    return found


def parse_value(column: Column, raw, *, default_zone: dt.tzinfo = dt.UTC):  # noqa: C901 - one branch per type reads best
    """Turn a raw CSV string or JSON value into the Python value of `column`.

    Empty means None (or "" for text). Raises ValueProblem with a reason a
    person can act on.
    """
    if raw is None or (
        isinstance(raw, str) and raw.strip() == "" and column.type != STRING
    ):
        return {STRING: "", BOOLEAN: False, TRANSLATIONS: {}}.get(column.type)
    kind = column.type
    if kind == TRANSLATIONS:
        return parse_translations(column, raw)
    if kind == BOOLEAN:
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower() if isinstance(raw, (str, int)) else None
        if word in BOOLEAN_WORDS:
            return BOOLEAN_WORDS[word]
        raise ValueProblem(f"{raw!r} is not true or false.")
    if kind == STRING:
        if isinstance(raw, (bool, dict, list)):
            raise ValueProblem(f"expected text, got {type(raw).__name__}.")
        value = raw if isinstance(raw, str) else _number_text(raw)
        if column.enum and value and value not in column.enum:
            allowed = ", ".join(repr(item) for item in column.enum)
            raise ValueProblem(f"{value!r} is not one of {allowed}.")
        return value
    if isinstance(raw, (dict, list, bool)):
        raise ValueProblem(f"expected a {kind}, got {type(raw).__name__}.")
    text = raw.strip() if isinstance(raw, str) else raw
    try:
        if kind == UUID:
            return uuid.UUID(str(text))
        if kind == INTEGER:
            number = decimal.Decimal(str(text))
            if number != number.to_integral_value():
                raise ValueProblem(f"{raw!r} is not a whole number.")
            return int(number)
        if kind == NUMBER:
            number = float(text)
            if number != number or number in (float("inf"), float("-inf")):
                raise ValueProblem(f"{raw!r} is not a finite number.")
            return number
        if kind == DECIMAL:
            number = decimal.Decimal(str(text))
            if not number.is_finite():
                raise ValueProblem(f"{raw!r} is not a finite number.")
            return number
        if kind == DATE:
            return dt.date.fromisoformat(str(text))
        if kind == TIME:
            return parse_time(str(text))
        if kind == DATESTAMP:
            text = str(text)
            if len(text) == 10:
                return dt.datetime.combine(
                    dt.date.fromisoformat(text), dt.time(), tzinfo=dt.UTC
                )
            moment = dt.datetime.fromisoformat(text)
            return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
        if kind == DATETIME:
            moment = dt.datetime.fromisoformat(str(text))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=default_zone)
            return moment
    except ValueProblem:
        raise
    except (ValueError, TypeError, decimal.InvalidOperation):
        expected = {
            UUID: "a UUID",
            INTEGER: "a whole number",
            NUMBER: "a number",
            DECIMAL: "a number",
            DATE: "a date such as 2026-01-31",
            DATESTAMP: "a date such as 2026-01-31",
            DATETIME: "a date and time such as 2026-01-31T09:00:00Z",
        }[kind]
        raise ValueProblem(f"{raw!r} is not {expected}.") from None
    raise AssertionError(f"unknown column type {kind}")


def datestamp(value: dt.datetime) -> str:
    """Write a change-log time: the date alone when it is midnight UTC."""
    moment = value.astimezone(dt.UTC)
    if moment.time() == dt.time():
        return moment.date().isoformat()
    return moment.isoformat().replace("+00:00", "Z")


def _number_text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def check_row(table: str, row: dict) -> list[tuple[str, str]]:
    """Return (field, reason) for rules that span fields or that our database adds."""
    problems = []
    if table == "service":
        low, high = row.get("minimum_age"), row.get("maximum_age")
        if low is not None and high is not None and low > high:
            problems.append(("minimum_age", "is above maximum_age."))
        for name in ("minimum_age", "maximum_age"):
            if row.get(name) is not None and row[name] < 0:
                problems.append((name, "cannot be negative."))
    elif table == "schedule":
        start, end = row.get("valid_from"), row.get("valid_to")
        if start and end and start > end:
            problems.append(("valid_from", "is after valid_to."))
    elif table == "phone":
        if row.get("main") and row.get("type") in ("fax", "pager"):
            problems.append(("main", f"a {row['type']} cannot be the main phone."))
    elif table == "location":
        for name, limit in (("latitude", 90), ("longitude", 180)):
            value = row.get(name)
            if value is not None and not -limit <= value <= limit:
                problems.append((name, f"{value} is outside -{limit} to {limit}."))
    for name in ("extension", "count", "interval", "year_incorporated"):
        if row.get(name) is not None and row[name] < 0:
            problems.append((name, "cannot be negative."))
    return problems


# The data package property that says its text cells are guarded: our own
# extension, read by our importer (other readers see the quotes).
FORMULA_GUARD = "x-directory-formula-guard"


def says_nothing(table: str, row: dict) -> tuple[str, str] | None:
    """Return (field, reason) for a row HSDS allows but that says nothing here.

    HSDS requires only an `id` of a language or a schedule; one without a
    name or code, or without a record to belong to, is skipped with a note
    rather than refused.
    """
    if table == "language" and not row.get("name") and not row.get("code"):
        return "name", "A language with neither name nor code says nothing: skipped."
    owners = OWNERS.get(table)
    if owners and not any(row.get(name) for name in owners):
        return owners[0], f"A {table} of no {' or '.join(owners)}: skipped."
    return None


# What a schedule or a language must belong to, to mean anything here.
OWNERS = {
    "schedule": ("service_id", "location_id", "service_at_location_id"),
    "language": ("service_id", "location_id", "phone_id"),
}


def guard_cell(value: str) -> str:
    """Neutralise a CSV text cell that a spreadsheet would run as a formula."""
    return "'" + value if _FORMULA.match(value) else value


def unguard_cell(value: str) -> str:
    """Undo `guard_cell`: remove the one quote it added, nothing else."""
    return value[1:] if _GUARDED.match(value) else value


def parse_translations(column: Column, raw) -> dict:
    """Return a `translations` value: a JSON object, or its text in a CSV cell."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise ValueProblem(
                'expected a JSON object such as {"es": {"name": "..."}}.'
            ) from None
    if problem := translations_problem(raw, column.enum):
        raise ValueProblem(problem)
    # Empty texts say nothing; a language without any is left out.
    return {
        code: kept
        for code, texts in raw.items()
        if (kept := {name: text for name, text in texts.items() if text.strip()})
    }


def format_cell(column: Column, value) -> str:
    """Write a Python value as a CSV cell (text cells still need `guard_cell`)."""
    if column.type == TRANSLATIONS:
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    if value is None:
        return ""
    if column.type == DECIMAL or isinstance(value, decimal.Decimal):
        text = format(decimal.Decimal(value).normalize(), "f")
        return text
    if column.type == NUMBER:
        return _number_text(float(value))
    if column.type == TIME:
        return value if isinstance(value, str) else value.strftime("%H:%M:%S")
    if column.type == DATESTAMP:
        return datestamp(value)
    if column.type == BOOLEAN:
        return "true" if value else "false"
    if column.type == DATETIME:
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, (dt.date, uuid.UUID)):
        return str(value)
    return str(value)


# Nested JSON -------------------------------------------------------------------


@dataclass
class FlatRow:
    """One table row taken out of a nested JSON object."""

    table: str
    values: dict
    path: str
    # Keys this module does not know, and contradictions it resolved.
    ignored: list[str] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)


# What a top-level JSON object may be, and what a file named after it is.
TOP_LEVEL = (
    "service",
    "organization",
    "location",
    "service_at_location",
    "taxonomy",
    "taxonomy_term",
)


class Unplaced(ValueError):
    """A JSON object that fits no HSDS table, or more than one equally."""


def _keys(table: str) -> set[str]:
    spec = TABLES_BY_NAME[table]
    return set(spec.by_name) | {nested.key for nested in spec.nested}


def _distinctive() -> dict[str, set[str]]:
    keys = {table: _keys(table) for table in TOP_LEVEL}
    return {
        table: own - set().union(*(keys[t] for t in TOP_LEVEL if t != table))
        for table, own in keys.items()
    }


_DISTINCTIVE = _distinctive()


def kind_of_file(name: str) -> str | None:
    """Return the table a JSON file's name says it holds ("taxonomies.json")."""
    stem = name.lower().split(".")[0].replace("-", "_")
    for table in TOP_LEVEL:
        plural = TABLES_BY_NAME[table].file.removesuffix(".csv")
        if stem in (table, plural, f"{table}s"):
            return table
    return None


def detect_kind(item: dict, *, hint: str | None = None) -> str:
    """Say which HSDS table a top-level JSON object belongs to, by its shape.

    The table whose fields hold the most of the object's keys, then the one
    it misses the fewest required fields of, then the one with the most of
    its own fields (`location_type`, `version`, `code`...). A file named
    after a table (`hint`) settles a tie. Raises `Unplaced` when no table
    fits or several fit equally: an object stored in the wrong table would
    be worse than one refused.
    """
    keys = set(item) - {"id"}
    scores = {}
    for table in TOP_LEVEL:
        spec = TABLES_BY_NAME[table]
        required = {name for name in spec.required_columns if name != "id"}
        scores[table] = (
            len(keys - _keys(table)),
            len(required - keys),
            -len(keys & _DISTINCTIVE[table]),
        )
    best = min(scores.values())
    fitting = [table for table in TOP_LEVEL if scores[table] == best]
    if hint in TOP_LEVEL and scores[hint][0] <= best[0]:
        return hint
    if best[0] == len(keys) or ("id" not in item and best[0]):
        raise Unplaced(
            "Not an HSDS record: none of its fields belongs to a service, "
            "organization, location, service at location, taxonomy or term."
        )
    if len(fitting) > 1:
        named = [
            ("an " if table[0] in "aeiou" else "a ") + table.replace("_", " ")
            for table in fitting
        ]
        names = ", ".join(named[:-1]) + " or " + named[-1]
        raise Unplaced(
            f"Cannot tell whether this object is {names}: its fields "
            f"({', '.join(sorted(keys))}) fit each. Name the file after its "
            "table (organizations.json, taxonomies.json, ...) or give the "
            "fields that say which."
        )
    return fitting[0]


def flatten(
    item, table: str, *, path: str = "", context: dict | None = None
) -> Iterator[FlatRow]:
    """Yield the rows of a nested HSDS object, each referenced row before its referrer.

    Children point at their parent through the nesting (a phone inside a
    service gets the service's id as `service_id`), so nested JSON without
    foreign keys imports as it would from CSV.
    """
    spec = TABLES_BY_NAME[table]
    if not isinstance(item, dict):
        yield FlatRow(table, {"__invalid__": item}, path)
        return
    columns = spec.by_name
    values = {key: value for key, value in item.items() if key in columns}
    notes: list[tuple[str, str]] = []
    for key, value in (context or {}).items():
        given = values.get(key)
        if given not in (None, "") and str(given) != str(value):
            notes.append(
                (key, f"{given!r} replaced by {value!r}, the record it is nested in.")
            )
        values[key] = value
    nested_keys = {nested.key: nested for nested in spec.nested}
    ignored = [key for key in item if key not in columns and key not in nested_keys]
    # Objects this row refers to come first.
    for nested in spec.nested:
        if nested.kind != "one" or nested.key not in item or item[nested.key] is None:
            continue
        child = item[nested.key]
        yield from flatten(child, nested.table, path=f"{path}{nested.key}.")
        if isinstance(child, dict) and child.get("id") not in (None, ""):
            given = values.get(nested.column)
            if given not in (None, "") and str(given) != str(child["id"]):
                notes.append(
                    (
                        nested.column,
                        f"{given!r} disagrees with the nested {nested.key}.",
                    )
                )
            values[nested.column] = child["id"]
    yield FlatRow(table, values, path.rstrip("."), ignored, notes)
    own_id = item.get("id")
    for nested in spec.nested:
        children = item.get(nested.key)
        if nested.kind == "one" or children is None:
            continue
        if not isinstance(children, list):
            yield FlatRow(
                nested.table, {"__invalid__": children}, f"{path}{nested.key}"
            )
            continue
        if nested.kind == "many":
            child_context = {nested.column: own_id}
        elif nested.kind == "link":
            child_context = {"link_id": own_id, "link_entity": table}
        else:  # metadata
            child_context = {"resource_id": own_id}
        for index, child in enumerate(children):
            context_for_child = dict(child_context)
            if (
                nested.kind == "meta"
                and isinstance(child, dict)
                and not child.get("resource_type")
            ):
                context_for_child["resource_type"] = table
            yield from flatten(
                child,
                nested.table,
                path=f"{path}{nested.key}[{index}].",
                context=context_for_child,
            )


# The data package ------------------------------------------------------------


def datapackage_descriptor(*, name: str, title: str) -> dict:
    """Describe our CSV data package as a Frictionless Tabular Data Package."""
    resources = []
    for table in TABLES:
        fields = []
        for column in table.columns:
            spec = {"name": column.name, "type": FRICTIONLESS_TYPES[column.type]}
            if column.type == UUID:
                spec["format"] = "uuid"
            elif column.format:
                spec["format"] = column.format
            constraints = {"required": column.required or column.ref_required}
            if column.name == "id":
                constraints["unique"] = True
            if column.enum and column.type != TRANSLATIONS:
                constraints["enum"] = list(column.enum)
            spec["constraints"] = constraints
            if column.type == TRANSLATIONS:
                spec["description"] = (
                    "Extension of this directory (not in HSDS 3.1): the text of "
                    f"{', '.join(column.enum)} in other languages, as JSON: "
                    '{"es": {"description": "..."}}.'
                )
            elif column.extension:
                spec["description"] = "Extension of this directory (not in HSDS 3.1)."
            fields.append(spec)
        foreign_keys = [
            {
                "fields": column.name,
                # Frictionless names the resource itself "".
                "reference": {
                    "resource": "" if column.ref == table.name else column.ref,
                    "fields": "id",
                },
            }
            for column in table.columns
            if column.ref
        ]
        schema = {"fields": fields, "primaryKey": "id"}
        if foreign_keys:
            schema["foreignKeys"] = foreign_keys
        resources.append(
            {
                "name": table.name,
                "path": table.file,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": schema,
            }
        )
    return {
        "name": name,
        "title": title,
        "profile": "tabular-data-package",
        "version": "3.1",
        "homepage": "https://openreferral.org/",
        "resources": resources,
    }
