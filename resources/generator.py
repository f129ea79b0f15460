"""Generate a realistic synthetic directory, quickly, for demos and load tests.

One seeded random generator draws everything a listing says (organizations,
places, services, hours, terms, languages), so a seed always gives the same
directory whatever the batch size. Row ids are fresh UUIDs, so one seed can
be generated twice into the same database.

Rows are written with `bulk_create`, one transaction per batch, and the
derived rows that signals would otherwise keep up to date (opening windows,
and the search index when `resources.search` provides `index_services`) are
rebuilt for each batch. Nothing is saved one row at a time, so no history
rows are written. Every generated organization carries a Metadata row whose
`updated_by` is "generate_directory": that, not the names, tells generated
listings from real ones. Phone numbers are fictional (555-01xx) and websites
live under example.org, so no listing sends anyone to a real person.
"""

import bisect
import contextlib
import datetime as dt
import functools
import gc
import importlib
import importlib.util
import itertools
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from random import Random

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from . import caching
from . import generator_words as words
from .derived import coverage_rebuild
from .models import (
    Address,
    Attribute,
    Language,
    Location,
    Metadata,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from .services import opening_windows_rebuild
from .taxonomies import CATEGORY_TREE, term_id

GENERATED_BY = "generate_directory"

# Places ------------------------------------------------------------------------

# (south, north, west, east) in degrees.
STATE_BOXES = {"CT": (41.0, 42.05, -73.73, -71.78)}
STATE_AREA_CODES = {"CT": ("203", "475", "860", "959")}


@dataclass(frozen=True)
class Place:
    """A real ZIP code: where a generated location is put."""

    zip_code: str
    city: str
    county: str
    latitude: float
    longitude: float
    area_codes: tuple[str, ...]


@dataclass(frozen=True)
class Region:
    """A state's bounding box, time zone and ZIP codes."""

    state: str
    south: float
    north: float
    west: float
    east: float
    time_zone: str
    places: tuple[Place, ...]
    source: str  # "zipcodes" or "built-in"

    def contains(self, latitude: float, longitude: float) -> bool:
        """Say whether a point lies inside the state's box."""
        return (
            self.south <= latitude <= self.north and self.west <= longitude <= self.east
        )

    def clamp(self, latitude: float, longitude: float) -> tuple[float, float]:
        """Move a point to the nearest one inside the box."""
        return (
            min(max(latitude, self.south), self.north),
            min(max(longitude, self.west), self.east),
        )


def _zipcodes_places(state: str) -> tuple[list[Place], str]:
    """Return the state's delivery ZIP codes and main zone from `zipcodes`.

    Return no places when the package is not installed.
    """
    if importlib.util.find_spec("zipcodes") is None:
        return [], ""
    zipcodes = importlib.import_module("zipcodes")
    local_codes = set(STATE_AREA_CODES.get(state, ()))
    places, zones = [], Counter()
    for row in zipcodes.filter_by(state=state):
        if not row.get("active") or row.get("zip_code_type") != "STANDARD":
            continue
        try:
            latitude, longitude = float(row["lat"]), float(row["long"])
        except (KeyError, TypeError, ValueError):
            continue
        codes = tuple(row.get("area_codes") or ())
        # A ZIP on a state line also lists its neighbour's area codes.
        codes = tuple(c for c in codes if c in local_codes) or codes or ("555",)
        places.append(
            Place(
                row["zip_code"],
                row["city"],
                row.get("county") or "",
                latitude,
                longitude,
                codes,
            )
        )
        zones[row.get("timezone") or ""] += 1
    return places, zones.most_common(1)[0][0] if zones else ""


@functools.cache
def region_for(*, state: str) -> Region:
    """Return the places to spread a state's directory over.

    ZIP codes come from the `zipcodes` package when it is installed, or else
    from a small built-in list (Connecticut only). A state without a known
    box gets the box around its ZIP codes.
    """
    state = state.upper()
    places, zone = _zipcodes_places(state)
    source = "zipcodes"
    if not places and state in words.BUILT_IN_PLACES:
        places = [Place(*row) for row in words.BUILT_IN_PLACES[state]]
        zone, source = "America/New_York", "built-in"
    if state in STATE_BOXES:
        south, north, west, east = STATE_BOXES[state]
        places = [
            p
            for p in places
            if south <= p.latitude <= north and west <= p.longitude <= east
        ]
    if not places:
        raise ValueError(f"No ZIP codes are known for the state {state!r}.")
    if state not in STATE_BOXES:
        south = min(p.latitude for p in places)
        north = max(p.latitude for p in places)
        west = min(p.longitude for p in places)
        east = max(p.longitude for p in places)
    return Region(
        state=state,
        south=south,
        north=north,
        west=west,
        east=east,
        time_zone=zone,
        places=tuple(sorted(places, key=lambda p: p.zip_code)),
        source=source,
    )


# Drawing -----------------------------------------------------------------------


class Weighted:
    """Items drawn in proportion to their weights."""

    def __init__(self, pairs: Sequence[tuple[object, float]]):
        self.items = [item for item, _weight in pairs]
        self.totals = list(itertools.accumulate(weight for _item, weight in pairs))

    def pick(self, rng: Random):
        """Return one item."""
        return self.items[bisect.bisect(self.totals, rng.random() * self.totals[-1])]


PARENTS = {
    child[0]: code for code, _n, _d, children in CATEGORY_TREE for child in children
}
ORGANIZATION_KIND = Weighted([(kind, kind.weight) for kind in words.ORGANIZATION_KINDS])
AUDIENCE = Weighted([(row[:-1], row[-1]) for row in words.AUDIENCES])
OTHER_LANGUAGE = Weighted(
    [((code, name), w) for code, name, w in words.OTHER_LANGUAGES]
)
EXTRA_PHONE = Weighted([((t, d), w) for t, d, w in words.EXTRA_PHONES])
ACCESS_COUNT = Weighted([(1, 25), (2, 35), (3, 25), (4, 15)])
# Terms that only an audience brings: a random draw must not add them.
AUDIENCE_TERMS = {"youth", "women-only"}
# Terms any kind of service may have; the rest come from the kind's own list.
GENERAL_ACCESS = ("free", "walk-in", "no-id", "confidential", "interpreter",
                  "lgbtq-affirming", "wheelchair")  # fmt: skip
SERVICES_PER_ORGANIZATION = Weighted(
    [(1, 12), (2, 15), (3, 17), (4, 16), (5, 14), (6, 11), (7, 9), (8, 6)]
)  # 4 on average
LOCATIONS_PER_ORGANIZATION = Weighted([(1, 55), (2, 30), (3, 15)])
# Every block of this many services has exactly one draft, one inactive and
# one temporarily closed service: 2% each, whatever the seed.
STATUS_BLOCK = 50
# Rows per INSERT. A fixed size makes most statements the same text, which
# SQLite's per-connection statement cache then reuses instead of keeping a
# large compiled statement for every batch.
INSERT_ROWS = 250

# Hours -------------------------------------------------------------------------

WEEKDAYS = "MO,TU,WE,TH,FR"
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"
_TIMES = {f"{h:02d}:{m:02d}": dt.time(h, m) for h in range(24) for m in (0, 30)}

# Round-the-clock and overnight hours go only to services that keep them
# (crisis lines, shelters), which about a third of providers offer: drawn
# at 8%, they end up near 3% of all services each.
HOURS_KIND = Weighted(
    [
        ("none", 8),
        ("always", 8),
        ("overnight", 8),
        ("monthly", 3),
        ("split", 12),
        ("evening", 10),
        ("saturday", 8),
        ("part-week", 10),
        ("office", 33),
    ]
)
ROUND_THE_CLOCK = {
    "crisis-hotlines",
    "suicide-crisis",
    "trafficking-hotlines",
    "emergency-shelter",
    "domestic-violence",
    "sexual-violence",
}
NIGHT_FOCUS = {
    kind: tuple(code for code in kind.focus if code in ROUND_THE_CLOCK)
    for kind in words.ORGANIZATION_KINDS
}
OPENS = ("08:00", "08:30", "09:00", "09:00", "09:00", "10:00")
CLOSES = ("16:00", "16:30", "17:00", "17:00", "17:00", "18:00", "19:00")


def _row(byday: str, opens: str, closes: str, description: str = "", **extra) -> dict:
    return {
        "freq": Schedule.Frequency.WEEKLY,
        "byday": byday,
        "opens_at": _TIMES[opens],
        "closes_at": _TIMES[closes],
        "description": description,
    } | extra


def _seasonal_row(*, rng: Random, year: int) -> dict:
    """Return hours that hold on some dates only, as HSDS adds them up."""
    return rng.choice(
        (
            _row(
                "SA",
                "10:00",
                "14:00",
                "Summer Saturdays",
                valid_from=dt.date(year, 6, 1),
                valid_to=dt.date(year, 8, 31),
            ),
            _row(
                EVERY_DAY,
                "19:00",
                "07:00",
                "Winter warming centre",
                valid_from=dt.date(year, 11, 15),
                valid_to=dt.date(year + 1, 3, 31),
            ),
            _row(
                WEEKDAYS,
                "08:00",
                "20:00",
                "Extended hours in tax season",
                valid_from=dt.date(year, 2, 1),
                valid_to=dt.date(year, 4, 15),
            ),
        )
    )


def draw_hours(*, rng: Random, kind: str, today: dt.date) -> list[dict]:
    """Draw schedule rows (as field values) for a kind of opening hours."""
    opens, closes = rng.choice(OPENS), rng.choice(CLOSES)
    match kind:
        case "none":
            return []
        case "always":
            rows = [_row(EVERY_DAY, "00:00", "00:00", "24 hours a day, 7 days a week")]
        case "overnight":
            start = rng.choice(("19:00", "20:00", "21:00"))
            end = rng.choice(("07:00", "08:00"))
            rows = [_row(EVERY_DAY, start, end, "Overnight")]
        case "monthly":
            byday, start, end, description = rng.choice(words.MONTHLY)
            rows = [
                _row(byday, start, end, description, freq=Schedule.Frequency.MONTHLY)
            ]
        case "split":
            rows = [
                _row(WEEKDAYS, opens, "12:00"),
                _row(WEEKDAYS, "13:00", closes, "Closed for lunch 12 to 1"),
            ]
        case "evening":
            days = rng.choice(("TU,TH", "MO,WE", "WE"))
            rows = [
                _row(WEEKDAYS, opens, closes),
                _row(days, "17:30", "20:30", "Evening hours"),
            ]
        case "saturday":
            rows = [_row(WEEKDAYS, opens, closes), _row("SA", "09:00", "13:00")]
        case "part-week":
            days = rng.choice(("MO,WE,FR", "TU,TH", "MO,TU,WE,TH"))
            rows = [_row(days, opens, closes)]
        case _:
            rows = [_row(WEEKDAYS, opens, closes)]
    chance = rng.random()
    if chance < 0.06:
        rows.append(_seasonal_row(rng=rng, year=today.year))
    elif chance < 0.10:
        rows[0]["valid_from"] = today - dt.timedelta(days=rng.randrange(1, 365))
        rows[0]["description"] = rows[0]["description"] or "New hours"
    return rows


# Building rows -----------------------------------------------------------------


@dataclass
class Batch:
    """Unsaved rows of one batch, table by table, in insertion order."""

    rows: dict[type[models.Model], list] = field(
        default_factory=lambda: {
            model: []
            for model in (
                Organization,
                Metadata,
                Location,
                Address,
                Service,
                ServiceAtLocation,
                Phone,
                Schedule,
                Attribute,
                Language,
            )
        }
    )

    def add(self, row: models.Model) -> models.Model:
        """Queue `row` for its table and return it."""
        self.rows[type(row)].append(row)
        return row

    @property
    def service_ids(self) -> list[uuid.UUID]:
        """Return the ids of the batch's services."""
        return [service.id for service in self.rows[Service]]


@dataclass(frozen=True)
class BatchReport:
    """What one committed batch wrote, for a progress line."""

    number: int
    services_done: int
    services_total: int
    rows: Counter
    seconds: float


class Builder:
    """Draw organizations and their services from one random stream.

    Only `organization()` draws, so the stream, and with it every name and
    hour, does not depend on how the caller batches the rows.
    """

    def __init__(self, *, rng: Random, region: Region, today: dt.date, seed: int):
        self.rng = rng
        self.region = region
        self.today = today
        self.now = timezone.now()
        self.source = f"Synthetic listing (generate_directory, seed {seed}); not real."
        self.terms = {code: term_id(code) for code in shipped_codes()}
        # Blank means the directory's zone, as an editor would leave it.
        self.zone = "" if region.time_zone == settings.TIME_ZONE else region.time_zone
        self.services_made = 0
        self._statuses: list[tuple[str, str]] = []
        self._neighbours: dict[str, list[Place]] = {}

    def organization(self, batch: Batch, *, services: int) -> None:
        """Add one organization with its locations and `services` services."""
        rng = self.rng
        kind = ORGANIZATION_KIND.pick(rng)
        home = rng.choice(self.region.places)
        name = rng.choice(kind.names).format(
            city=home.city,
            region=rng.choice((f"Greater {home.city}", home.county or home.city)),
            virtue=rng.choice(words.VIRTUES),
            surname=rng.choice(words.SURNAMES),
        )
        domain = f"{slugify(name)[:40].strip('-')}.example.org"
        initials = "".join(word[0] for word in name.split() if word[0].isupper())
        organization = batch.add(
            Organization(
                id=uuid.uuid4(),
                name=name,
                alternate_name=initials if rng.random() < 0.3 else "",
                description=kind.description,
                email=f"info@{domain}",
                website=f"https://www.{domain}/",
                year_incorporated=rng.randrange(1890, 2022),
                tax_status="501(c)(3)",
                legal_status="Nonprofit",
            )
        )
        batch.add(
            Metadata(
                id=uuid.uuid4(),
                resource_id=organization.id,
                resource_type="organization",
                last_action_date=self.now,
                last_action_type="create",
                field_name="source",
                replacement_value=self.source,
                updated_by=GENERATED_BY,
            )
        )
        batch.add(
            Phone(
                id=uuid.uuid4(),
                organization_id=organization.id,
                number=self._number(home),
                type=Phone.Type.VOICE,
                description="Main office",
            )
        )
        sites = [
            self._location(
                batch,
                organization=organization,
                place=self._near(home) if index else home,
                confidential=bool(index) and kind.safe_houses and rng.random() < 0.5,
            )
            for index in range(LOCATIONS_PER_ORGANIZATION.pick(rng))
        ]
        for _ in range(services):
            self._service(batch, kind=kind, organization=organization, sites=sites)
            self.services_made += 1

    def _status(self) -> tuple[str, str]:
        """Return the next (publication status, status)."""
        if not self._statuses:
            self._statuses = [
                ("draft", "active"),
                ("published", "inactive"),
                ("published", "temporarily closed"),
                *[("published", "active")] * (STATUS_BLOCK - 3),
            ]
            self.rng.shuffle(self._statuses)
        return self._statuses.pop()

    def _near(self, place: Place) -> Place:
        """Return a random one of the eight ZIP codes nearest to `place`."""
        if place.zip_code not in self._neighbours:
            self._neighbours[place.zip_code] = sorted(
                self.region.places,
                key=lambda p: (
                    (p.latitude - place.latitude) ** 2
                    + (p.longitude - place.longitude) ** 2
                ),
            )[:8]
        return self.rng.choice(self._neighbours[place.zip_code])

    def _number(self, place: Place) -> str:
        # 555-0100 to 555-0199 are reserved for fiction: never a real line.
        area = self.rng.choice(place.area_codes)
        return f"{area}-555-01{self.rng.randrange(100):02d}"

    def _access(self, *, code: str, given: list[str]) -> list[str]:
        """Return one to four access terms: `given`, then terms usual for `code`."""
        access = list(given)
        target = max(ACCESS_COUNT.pick(self.rng), len(access))
        usual = words.KINDS[code].access
        while len(access) < target:
            term = self.rng.choice(
                usual if self.rng.random() < 0.75 else GENERAL_ACCESS
            )
            if term not in access and term not in AUDIENCE_TERMS:
                access.append(term)
        return access

    def _describe(
        self, *, code: str, phrase: str, access: list[str], hours_kind: str
    ) -> tuple[str, str]:
        """Return a name and a description as a provider would write them."""
        rng, kind_words = self.rng, words.KINDS[code]
        name = rng.choice(kind_words.names)
        if phrase and rng.random() < 0.35:
            name = f"{name} {phrase}"
        if hours_kind == "always" and "24" not in name and rng.random() < 0.5:
            # Lower the capital of "Crisis line", not of "PrEP" or "STI".
            start = name[0].lower() if name[1:2].islower() else name[0]
            name = f"24/7 {start}{name[1:]}"
        offers = rng.sample(kind_words.offers, min(len(kind_words.offers), 3))
        # Offers contain commas and "and" themselves: semicolons keep them apart.
        lead = "; ".join(offers[: rng.randrange(2, 4)])
        if phrase:
            lead = f"{phrase}: {lead}"
        sentences = [f"{lead[0].upper()}{lead[1:]}."]
        sentences += [words.ACCESS_SENTENCES[term] for term in access]
        if hours_kind == "always":
            sentences.append("Open 24 hours a day, 7 days a week.")
        elif hours_kind == "evening":
            sentences.append("Evening hours for people who work.")
        return name, " ".join(sentences)

    def _location(
        self, batch: Batch, *, organization, place: Place, confidential: bool
    ) -> tuple[Location, Place]:
        rng = self.rng
        street = rng.choice(words.STREETS)
        if confidential:
            # The ZIP's centre, not the house: coordinates must not give it away.
            latitude, longitude = place.latitude, place.longitude
        else:
            latitude, longitude = self.region.clamp(
                place.latitude + rng.uniform(-0.015, 0.015),
                place.longitude + rng.uniform(-0.02, 0.02),
            )
        location = batch.add(
            Location(
                id=uuid.uuid4(),
                organization_id=organization.id,
                # Never the street: a confidential location's name is public.
                name=f"{organization.name}, {place.city}",
                latitude=round(latitude, 6),
                longitude=round(longitude, 6),
                time_zone=self.zone,
                address_visibility=(
                    Location.Visibility.CONFIDENTIAL
                    if confidential
                    else Location.Visibility.PUBLIC
                ),
                transportation=rng.choice(
                    ("", "", "On a city bus line.", "Free parking behind the building.")
                ),
            )
        )
        batch.add(
            Address(
                id=uuid.uuid4(),
                location_id=location.id,
                address_1=f"{rng.randrange(1, 1500)} {street}",
                address_2=rng.choice(words.SUITES) if rng.random() < 0.2 else "",
                city=place.city,
                state_province=self.region.state,
                postal_code=place.zip_code,
            )
        )
        return location, place

    def _service(self, batch: Batch, *, kind, organization, sites) -> None:
        rng = self.rng
        hours_kind = HOURS_KIND.pick(rng)
        if hours_kind in ("always", "overnight") and not NIGHT_FOCUS[kind]:
            hours_kind = "office"
        code = rng.choice(
            NIGHT_FOCUS[kind] if hours_kind in ("always", "overnight") else kind.focus
        )
        categories = [code]
        if code in PARENTS:
            categories.append(PARENTS[code])
        other = rng.choice(kind.focus)
        if rng.random() < 0.25 and other not in categories:
            categories.append(other)
        phrase, eligibility, min_age, max_age, audience_term = AUDIENCE.pick(rng)
        languages = [("en", "English")]
        if rng.random() < 0.6:
            languages.append(("es", "Spanish"))
        if rng.random() < 0.25:
            languages.append(OTHER_LANGUAGE.pick(rng))
        access = self._access(
            code=code,
            # A Spanish-speaking service is filtered as such, as in the demo.
            given=[
                term
                for term, wanted in (
                    ("spanish", ("es", "Spanish") in languages),
                    (audience_term, bool(audience_term)),
                )
                if wanted
            ],
        )
        hours = draw_hours(rng=rng, kind=hours_kind, today=self.today)
        publication, status = self._status()
        name, description = self._describe(
            code=code, phrase=phrase, access=access, hours_kind=hours_kind
        )
        translations = {}
        if ("es", "Spanish") in languages and rng.random() < 0.5:
            spanish_names, spanish_lead = words.SPANISH[code]
            translations = {
                "es": {
                    "name": rng.choice(spanish_names),
                    "description": " ".join(
                        [spanish_lead, words.ACCESS_SENTENCES["spanish"]]
                    ),
                }
            }
        website = organization.website
        service = batch.add(
            Service(
                id=uuid.uuid4(),
                organization_id=organization.id,
                name=name,
                description=description,
                translations=translations,
                url=f"{website}{slugify(name)}/" if rng.random() < 0.3 else "",
                email=(
                    organization.email.replace("info@", "intake@")
                    if rng.random() < 0.4
                    else ""
                ),
                status=status,
                publication_status=publication,
                alert=rng.choice(words.ALERTS)
                if status == "temporarily closed"
                else "",
                eligibility_description=eligibility.format(city=sites[0][1].city),
                minimum_age=min_age,
                maximum_age=max_age,
                fees_description="Free."
                if "free" in access
                else rng.choice(words.FEES),
                application_process=(
                    "Walk in during opening hours."
                    if "walk-in" in access
                    else rng.choice(words.APPLY)
                ),
                interpretation_services=(
                    "Phone interpreters for any language."
                    if "interpreter" in access
                    else ""
                ),
                wait_time=(
                    "There is often a waiting list; call for the current wait."
                    if code in ("transitional-housing", "legal-aid")
                    else ""
                ),
                assured_date=(
                    self.today - dt.timedelta(days=rng.randrange(400))
                    if rng.random() < 0.65
                    else None
                ),
            )
        )
        links = 2 if len(sites) > 1 and rng.random() < 0.25 else 1
        for location, _place in rng.sample(sites, links):
            batch.add(
                ServiceAtLocation(
                    id=uuid.uuid4(), service_id=service.id, location_id=location.id
                )
            )
        phones = [(Phone.Type.VOICE, rng.choice(words.MAIN_PHONE))]
        phones += [EXTRA_PHONE.pick(rng) for _ in range(rng.choice((0, 0, 0, 1, 1, 2)))]
        for type_, description in phones:
            batch.add(
                Phone(
                    id=uuid.uuid4(),
                    service_id=service.id,
                    number=self._number(sites[0][1]),
                    extension=rng.randrange(100, 500) if rng.random() < 0.1 else None,
                    type=type_,
                    description=description,
                )
            )
        for row in hours:
            batch.add(Schedule(id=uuid.uuid4(), service_id=service.id, **row))
        for term in (*categories, *access):
            batch.add(
                Attribute(
                    id=uuid.uuid4(),
                    link_entity="service",
                    link_id=service.id,
                    taxonomy_term_id=self.terms[term],
                )
            )
        for language_code, language_name in languages:
            batch.add(
                Language(
                    id=uuid.uuid4(),
                    service_id=service.id,
                    code=language_code,
                    name=language_name,
                )
            )


# Writing -----------------------------------------------------------------------


def shipped_codes() -> set[str]:
    """Return the codes of every shipped term the generator uses."""
    return {*words.KINDS, *words.ACCESS_SENTENCES}


def check_taxonomies() -> None:
    """Refuse to generate before the shipped terms exist."""
    codes = shipped_codes()
    found = TaxonomyTerm.objects.filter(id__in=[term_id(code) for code in codes])
    if found.count() != len(codes):
        raise ImproperlyConfigured(
            "The shipped taxonomy terms are missing; run `manage.py migrate`."
        )


def search_indexer() -> Callable | None:
    """Return `resources.search.index_services` when that module provides it."""
    name = f"{__package__}.search"
    if importlib.util.find_spec(name) is None:
        return None
    return getattr(importlib.import_module(name), "index_services", None)


def write_batch(*, batch: Batch, indexer: Callable | None) -> Counter:
    """Insert one batch and rebuild its derived rows, in one transaction."""
    written: Counter = Counter()
    service_ids = batch.service_ids
    with transaction.atomic():
        for model, rows in batch.rows.items():
            model.objects.bulk_create(rows, batch_size=INSERT_ROWS)
            written[str(model._meta.verbose_name_plural)] += len(rows)
        written["opening windows"] += opening_windows_rebuild(service_ids=service_ids)
        written["coverage rows"] += coverage_rebuild(service_ids)
        if indexer is not None:
            indexer(service_ids)
        transaction.on_commit(caching.bump)
    return written


def generate_directory(
    *,
    services: int,
    seed: int,
    state: str = "CT",
    batch_size: int = 5000,
    today: dt.date | None = None,
    on_batch: Callable[[BatchReport], None] | None = None,
) -> Counter:
    """Generate a synthetic directory of `services` services; return rows per table.

    About one organization per four services, each with one to three
    locations spread over `state`. The contents depend on `seed` alone (and
    on the year of `today`, which dates seasonal hours); `batch_size` only
    decides how many services are written per transaction, and so bounds
    the memory used.
    """
    if services < 1 or batch_size < 1:
        raise ValueError("The number of services and the batch size must be positive.")
    check_taxonomies()
    indexer = search_indexer()
    builder = Builder(
        rng=Random(seed),
        region=region_for(state=state),
        today=today or dt.date.today(),
        seed=seed,
    )
    totals: Counter = Counter()
    number, started, batch = 0, time.monotonic(), Batch()
    with cycle_collection_per_batch() as batch_done:
        while builder.services_made < services:
            count = SERVICES_PER_ORGANIZATION.pick(builder.rng)
            builder.organization(
                batch, services=min(count, services - builder.services_made)
            )
            if (
                len(batch.rows[Service]) < batch_size
                and builder.services_made < services
            ):
                continue
            number += 1
            written = write_batch(batch=batch, indexer=indexer)
            totals.update(written)
            batch = Batch()
            batch_done()
            if on_batch is not None:
                on_batch(
                    BatchReport(
                        number=number,
                        services_done=builder.services_made,
                        services_total=services,
                        rows=written,
                        seconds=time.monotonic() - started,
                    )
                )
    return totals


@contextlib.contextmanager
def cycle_collection_per_batch():
    """Pause the cyclic garbage collector; yield a function that collects once.

    A batch allocates a few hundred thousand short-lived objects without
    cycles, which the collector would otherwise scan over and over: a third
    of the run time. Collecting after each batch keeps memory bounded.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield gc.collect
    finally:
        if enabled:
            gc.enable()
