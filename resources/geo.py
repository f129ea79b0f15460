"""Places and distances for "near me" searches. Pure Python: no ORM.

A place is a US ZIP code, looked up in the dataset that the `zipcodes`
package compiles into its wheel (no file to ship, no network at run time),
or a "latitude,longitude" pair such as a phone's location. Distances are
great-circle miles on a sphere of the Earth's mean radius: within 0.5% of
the ellipsoid, far better than a ZIP code's own centre point.

Error messages are meant for the person who typed the value: `str(error)`
is translated and safe to show as it is.
"""

import math
import re
from contextlib import suppress
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

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


@dataclass(frozen=True, slots=True)
class Point:
    lat: float
    lon: float


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
    return Point(float(rows[0]["lat"]), float(rows[0]["long"]))


def parse_near(value: str) -> Point:
    """Turn what a person typed, a ZIP code or "lat,lon", into a point."""
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
    raise GeoError(
        _(
            "Enter a 5-digit ZIP code, such as 06107, or a latitude and "
            "longitude, such as 41.76,-72.74."
        )
    )


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
