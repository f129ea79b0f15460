"""Places and distances for "near me" searches. Pure Python: no ORM.

A place is a US ZIP code, looked up in the dataset that the `zipcodes`
package compiles into its wheel (no file to ship, no network at run time),
or a "latitude,longitude" pair such as a phone's location. Distances are
great-circle miles on a sphere of the Earth's mean radius: within 0.5% of
the ellipsoid, far better than a ZIP code's own centre point.

A ZIP code also names a town, county and state (`zip_place`), which is what
service areas are written in (see `resources.areas`). A latitude and
longitude is taken to be in the place of the nearest ZIP code centre
(`place_of`): right away from borders, and at worst a neighbouring town,
county or state next to one.

Error messages are meant for the person who typed the value: `str(error)`
is translated and safe to show as it is.
"""

import math
import re
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache

from django.utils.translation import gettext as _

# IUGG mean radius, 6371.0088 km.
EARTH_RADIUS_MILES = 3958.7613
MAX_RADIUS_MILES = 100.0
# About 10 cm of slack, so that rounding never leaves a point on the rim outside.
_BOX_SLACK_DEGREES = 1e-6

_ZIP = re.compile(r"([0-9]{5})(?:-[0-9]{4})?")
_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_LAT_LON = re.compile(rf"({_NUMBER})\s*,\s*({_NUMBER})")
_MILES = re.compile(_NUMBER)


# How far to look for the ZIP code centre nearest a latitude and longitude:
# the first radius, then the second, which the widest rural ZIP codes need.
NEAREST_ZIP_MILES = (10.0, 60.0)


@dataclass(frozen=True, slots=True)
class Point:
    lat: float
    lon: float
    # The ZIP code or town the point stands for, when one was given; not
    # part of its identity (the same spot is the same point).
    zip_code: str | None = field(default=None, compare=False)
    town: str | None = field(default=None, compare=False)

    @property
    def name(self) -> str:
        """What to call the point on a page: its town, ZIP code, or position."""
        return self.town or self.zip_code or f"{self.lat:.3f},{self.lon:.3f}"


@dataclass(frozen=True, slots=True)
class Place:
    """A ZIP code and the town, county and state it belongs to."""

    zip_code: str
    # The Postal Service's own name for the ZIP code's town ("West Hartford"
    # for 06107), never the other names it accepts on envelopes ("Hartford").
    town: str
    county: str  # "Hartford County"; "" where the dataset has none
    state: str  # two letters: "CT"


class GeoError(ValueError):
    """A place or distance that cannot be used; its text is shown to the person."""


def lookup_zip(code: str) -> Point | None:
    """Return the centre of a 5-digit US ZIP code, or None if there is no such ZIP.

    Retired ZIP codes still resolve: people keep using them, and the place
    has not moved.
    """
    if not isinstance(code, str) or not re.fullmatch(r"[0-9]{5}", code):
        return None
    return _zip_point(code)


@cache
def _zip_point(code: str) -> Point | None:
    # Memory, measured per process: the package decompresses its dataset
    # on first use (~0.2 s, ~38 MB resident, kept), then answers in ~0.15 ms.
    # This cache holds only ZIPs people ask for: at most 100,000 keys, 12 MB
    # if every one were asked. Copying the whole dataset into a dict up front
    # would cost ~1.7 s and a transient 100-300 MB per worker, because the
    # package builds 42,000 Python dicts to hand it over.
    import zipcodes

    rows = zipcodes.matching(code)
    if not rows or not rows[0].get("lat") or not rows[0].get("long"):
        return None
    return Point(float(rows[0]["lat"]), float(rows[0]["long"]), zip_code=code)


def zip_place(code: str) -> Place | None:
    """Return the town, county and state of a 5-digit ZIP code, or None."""
    if not isinstance(code, str) or not re.fullmatch(r"[0-9]{5}", code):
        return None
    return _zip_place(code)


@cache
def _zip_place(code: str) -> Place | None:
    import zipcodes

    rows = zipcodes.matching(code)
    return _place(rows[0]) if rows else None


def _has_centre(row: dict) -> bool:
    # Military ZIP codes (APO, FPO) have no place; the dataset puts them,
    # and a few others it cannot place, at 0,0.
    if row.get("zip_code_type") == "MILITARY" or not row.get("lat"):
        return False
    return (float(row["lat"]), float(row.get("long") or 0)) != (0.0, 0.0)


def _place(row: dict) -> Place:
    return Place(
        zip_code=row["zip_code"],
        town=row.get("city") or "",
        county=row.get("county") or "",
        state=row.get("state") or "",
    )


def place_of(point: Point) -> Place | None:
    """Return the place `point` is in: its ZIP code's, else the nearest ZIP's.

    None when no ZIP code centre is near (out at sea, outside the US).
    """
    if point.zip_code is not None:
        return zip_place(point.zip_code)
    return _nearest_place(round(point.lat, 4), round(point.lon, 4))


@lru_cache(maxsize=4096)
def _nearest_place(lat: float, lon: float) -> Place | None:
    # Rounded to about 10 m, so that a phone's jitter shares an entry; a
    # bounded cache, as the points come from anyone. The package scans its
    # compiled table (2-5 ms); the wider search runs only where the nearer
    # one found nothing.
    import zipcodes

    here = Point(lat, lon)
    for miles in NEAREST_ZIP_MILES:
        rows = [
            row
            for row in zipcodes.filter_by_coordinates(lat, lon, miles)
            if _has_centre(row)
        ]
        if rows:
            nearest = min(
                rows,
                key=lambda row: (
                    distance_miles(here, Point(float(row["lat"]), float(row["long"]))),
                    row["zip_code"],
                ),
            )
            return _place(nearest)
    return None


@cache
def names_in_state(state: str) -> tuple[frozenset[str], frozenset[str]]:
    """Return the towns (USPS primary cities) and counties of a state's ZIP codes."""
    import zipcodes

    rows = zipcodes.filter_by(state=state.upper())
    towns = frozenset(row["city"] for row in rows if row.get("city"))
    counties = frozenset(row["county"] for row in rows if row.get("county"))
    return towns, counties


def zip_code(value: str) -> str | None:
    """Return the 5-digit ZIP code that `value` is ("06107", "06107-1234"), or None."""
    match = _ZIP.fullmatch((value or "").strip())
    return match[1] if match else None


@cache
def _towns(state: str) -> tuple[dict[str, Point], dict[str, frozenset[str]]]:
    """Return a state's towns: {name: centre}, and {folded name: town names}.

    A town is the Postal Service's primary city of its ZIP codes; its centre
    is the mean of their centres. Other names a ZIP code accepts (villages
    such as Unionville, for Burlington) lead to their town.
    """
    import zipcodes

    from .areas import fold

    spots: dict[str, list[tuple[float, float]]] = {}
    known: dict[str, set[str]] = {}
    aliases: dict[str, set[str]] = {}
    for row in zipcodes.filter_by(state=state.upper()):
        if not (row.get("city") and _has_centre(row)):
            continue
        town = row["city"]
        spots.setdefault(town, []).append((float(row["lat"]), float(row["long"])))
        known.setdefault(fold(town), set()).add(town)
        for other in row.get("acceptable_cities") or ():
            aliases.setdefault(fold(other), set()).add(town)
    centres = {
        town: Point(
            sum(lat for lat, _lon in points) / len(points),
            sum(lon for _lat, lon in points) / len(points),
            town=town,
        )
        for town, points in spots.items()
    }
    # A town's own name wins over another town's accepted one ("Hartford").
    names = {name: frozenset(towns) for name, towns in aliases.items()}
    names |= {name: frozenset(towns) for name, towns in known.items()}
    return centres, names


def town_point(text: str, state: str) -> Point:
    """Turn a town's name in `state` ("west hartford", "Hartford, CT") into a point."""
    from .areas import fold, state_names

    centres, names = _towns(state)
    spellings = state_names(state)
    state_name = spellings[0] if spellings else state.upper()
    folded = fold(text)
    for suffix in (state, *spellings):
        folded = folded.removesuffix(f" {fold(suffix)}").strip()
    towns = sorted(names.get(folded, ()))
    if len(towns) == 1:
        return centres[towns[0]]
    if towns:
        raise GeoError(
            _(
                "“%(name)s” is in more than one town: %(towns)s. Choose one, or "
                "enter the ZIP code."
            )
            % {"name": text.strip(), "towns": ", ".join(towns)}
        )
    from rapidfuzz import fuzz, process

    close = process.extract(
        folded, list(names), scorer=fuzz.WRatio, limit=3, score_cutoff=85
    )
    suggestions = sorted({town for name, _s, _i in close for town in names[name]})
    if suggestions:
        raise GeoError(
            _(
                "We don't know a town called “%(name)s” in %(state)s. Did you mean "
                "%(towns)s?"
            )
            % {
                "name": text.strip(),
                "state": state_name,
                "towns": ", ".join(suggestions),
            }
        )
    raise GeoError(
        _(
            "We don't know a town called “%(name)s” in %(state)s. Enter its ZIP "
            "code, such as 06107."
        )
        % {"name": text.strip(), "state": state_name}
    )


def parse_near(value: str, *, state: str | None = None) -> Point:
    """Turn what a person typed into a point.

    A ZIP code, a town of `state` (the directory's) by name, or "lat,lon"
    (what a phone's location gives).
    """
    text = (value or "").strip()
    if match := _ZIP.fullmatch(text):
        point = lookup_zip(match[1])
        if point is None:
            raise GeoError(
                _("We don't know the ZIP code %(zip)s. Check it, or try a nearby one.")
                % {"zip": match[1]}
            )
        return point
    if match := _LAT_LON.fullmatch(text):
        lat, lon = float(match[1]), float(match[2])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise GeoError(
                _(
                    "Latitude must be between -90 and 90, and longitude between "
                    "-180 and 180."
                )
            )
        return Point(lat, lon)
    if state and re.search(r"[^\W\d_]", text):
        return town_point(text, state)
    raise GeoError(_("Enter a 5-digit ZIP code, such as 06107, or the name of a town."))


def parse_radius(value: str | float | Decimal) -> float:
    """Turn a distance in miles into a number, more than 0 and at most 100."""
    miles = math.nan
    if isinstance(value, str):
        if _MILES.fullmatch(value.strip()):
            miles = float(value)
    elif not isinstance(value, bool):
        with suppress(TypeError, ValueError):  # a signalling Decimal NaN
            miles = float(value)
    if not math.isfinite(miles):
        raise GeoError(_("Enter the distance as a number of miles, such as 5."))
    if not 0 < miles <= MAX_RADIUS_MILES:
        raise GeoError(
            _("Choose a distance of more than 0 and at most %(max)s miles.")
            % {"max": int(MAX_RADIUS_MILES)}
        )
    return miles


def bounding_box(point: Point, miles: float) -> tuple[float, float, float, float]:
    """Return (min_lat, max_lat, min_lon, max_lon) around every point within `miles`.

    The box is for an indexed first pass, so it may hold more than the
    circle but never less. A circle that reaches a pole or crosses the
    antimeridian gets every longitude rather than a box that wraps.
    """
    angle = max(miles, 0.0) / EARTH_RADIUS_MILES
    dlat = math.degrees(angle) + _BOX_SLACK_DEGREES
    min_lat, max_lat = point.lat - dlat, point.lat + dlat
    if min_lat <= -90 or max_lat >= 90:
        return max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0
    # The widest longitude on a circle of this angular radius (Matuschek);
    # the pole test above keeps the ratio below 1.
    ratio = math.sin(angle) / math.cos(math.radians(point.lat))
    dlon = math.degrees(math.asin(min(ratio, 1.0))) + _BOX_SLACK_DEGREES
    min_lon, max_lon = point.lon - dlon, point.lon + dlon
    if min_lon < -180 or max_lon > 180:
        return min_lat, max_lat, -180.0, 180.0
    return min_lat, max_lat, min_lon, max_lon


def distance_miles(a: Point, b: Point) -> float:
    """Return the great-circle distance between two points (haversine)."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = (
        math.sin(dlat / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    )
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(min(h, 1.0)))
