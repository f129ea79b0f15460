"""Places and distances for "near me": ZIP codes, typed input, the search box."""

import math
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from resources import geo
from resources.geo import Point

# Independent references: town centres and stations from public gazetteers.
WEST_HARTFORD_CENTER = Point(41.7622, -72.7444)
HARTFORD_CITY_HALL = Point(41.7637, -72.6851)
PENN_STATION = Point(40.7506, -73.9935)


class TestLookupZip:
    @pytest.mark.parametrize(
        ("code", "place"),
        [
            ("06107", WEST_HARTFORD_CENTER),
            ("06103", HARTFORD_CITY_HALL),
            ("10001", PENN_STATION),
        ],
    )
    def test_known_zip_codes_resolve_near_their_place(self, code, place):
        point = geo.lookup_zip(code)

        assert point is not None
        assert geo.distance_miles(point, place) < 2

    def test_zip_codes_far_from_the_mainland_resolve(self):
        assert geo.lookup_zip("99950").lat > 50  # Ketchikan, Alaska
        assert geo.lookup_zip("96799").lat < 0  # Pago Pago, American Samoa

    @pytest.mark.parametrize("code", ["00000", "99999", "0610", "061070", "", "abcde"])
    def test_no_such_zip_code_is_none(self, code):
        assert geo.lookup_zip(code) is None

    def test_only_ascii_digits_are_a_zip_code(self):
        assert geo.lookup_zip("٠٦١٠٧") is None  # Arabic-Indic digits


class TestDistance:
    @pytest.mark.parametrize(
        ("a", "b", "miles"),
        [
            # Nashville to Los Angeles airports, the textbook haversine case.
            (Point(36.12, -86.67), Point(33.94, -118.40), 1793.55),
            # JFK to LAX, 2,475 great-circle miles.
            (Point(40.6413, -73.7781), Point(33.9416, -118.4085), 2475),
            # One degree of latitude.
            (Point(0, 0), Point(1, 0), 69.09),
            # Half way round the Earth, pole to pole.
            (Point(90, 0), Point(-90, 0), 12436.1),
        ],
    )
    def test_distances_between_known_points(self, a, b, miles):
        assert geo.distance_miles(a, b) == pytest.approx(miles, rel=0.01)
        assert geo.distance_miles(b, a) == pytest.approx(miles, rel=0.01)

    def test_a_point_is_no_distance_from_itself(self):
        assert geo.distance_miles(HARTFORD_CITY_HALL, HARTFORD_CITY_HALL) == 0

    def test_antipodes_do_not_crash(self):
        assert geo.distance_miles(Point(10, 20), Point(-10, -160)) == pytest.approx(
            math.pi * geo.EARTH_RADIUS_MILES
        )


def destination(start: Point, bearing: float, miles: float) -> Point:
    """Walk `miles` from `start` on the great circle at `bearing` degrees."""
    angle = miles / geo.EARTH_RADIUS_MILES
    lat1, lon1, theta = map(math.radians, (start.lat, start.lon, bearing))
    lat2 = math.asin(
        math.sin(lat1) * math.cos(angle)
        + math.cos(lat1) * math.sin(angle) * math.cos(theta)
    )
    lon2 = lon1 + math.atan2(
        math.sin(theta) * math.sin(angle) * math.cos(lat1),
        math.cos(angle) - math.sin(lat1) * math.sin(lat2),
    )
    lon = (math.degrees(lon2) + 180) % 360 - 180
    return Point(max(-90.0, min(90.0, math.degrees(lat2))), lon)


def inside(box, point: Point) -> bool:
    min_lat, max_lat, min_lon, max_lon = box
    return min_lat <= point.lat <= max_lat and min_lon <= point.lon <= max_lon


latitudes = st.floats(-90, 90)
longitudes = st.floats(-180, 180)
radii = st.floats(0.01, geo.MAX_RADIUS_MILES)


class TestBoundingBox:
    @settings(max_examples=2000, deadline=None)
    @given(
        latitudes,
        longitudes,
        radii,
        st.floats(0, 360),
        st.floats(0, 1),
    )
    def test_holds_every_point_within_the_radius(
        self, lat, lon, miles, bearing, fraction
    ):
        center = Point(lat, lon)
        point = destination(center, bearing, miles * fraction)
        # On the rim, rounding may put the point a hair outside the circle.
        assume(geo.distance_miles(center, point) <= miles)

        assert inside(geo.bounding_box(center, miles), point)

    @settings(max_examples=1000, deadline=None)
    @given(latitudes, longitudes, radii)
    def test_stays_on_the_globe(self, lat, lon, miles):
        min_lat, max_lat, min_lon, max_lon = geo.bounding_box(Point(lat, lon), miles)

        assert -90 <= min_lat <= lat <= max_lat <= 90
        assert -180 <= min_lon <= lon <= max_lon <= 180

    def test_is_tight_at_mid_latitudes(self):
        min_lat, max_lat, min_lon, max_lon = geo.bounding_box(WEST_HARTFORD_CENTER, 10)

        # 10 miles is 0.145 degrees of latitude; of longitude, 1/cos(41.8°) more.
        assert max_lat - min_lat == pytest.approx(0.2894, rel=1e-3)
        assert max_lon - min_lon == pytest.approx(0.2894 / 0.7454, rel=1e-3)

    def test_a_circle_over_a_pole_takes_every_longitude(self):
        box = geo.bounding_box(Point(89.9, 10), 20)

        assert box == (pytest.approx(89.9 - 0.2894, rel=1e-3), 90, -180, 180)

    def test_a_circle_over_the_antimeridian_takes_every_longitude(self):
        # Near Fiji: the circle reaches both 179.9 and -179.9.
        min_lat, max_lat, min_lon, max_lon = geo.bounding_box(Point(-17, 179.95), 10)

        assert (min_lon, max_lon) == (-180, 180)
        assert min_lat < -17 < max_lat


class TestParseNear:
    def test_a_zip_code_is_its_centre(self):
        assert geo.parse_near("06107") == geo.lookup_zip("06107")

    def test_space_around_and_zip_plus_four_are_accepted(self):
        assert geo.parse_near(" 06107 ") == geo.lookup_zip("06107")
        assert geo.parse_near("06107-1234") == geo.lookup_zip("06107")

    @pytest.mark.parametrize(
        ("value", "point"),
        [
            ("41.76,-72.74", Point(41.76, -72.74)),
            ("41.76, -72.74", Point(41.76, -72.74)),
            (" +41 , -72.5 ", Point(41, -72.5)),
            ("-90,180", Point(-90, 180)),
            (".5,-.5", Point(0.5, -0.5)),
        ],
    )
    def test_latitude_and_longitude_are_a_point(self, value, point):
        assert geo.parse_near(value) == point

    def test_an_unknown_zip_code_says_so(self):
        with pytest.raises(ValueError, match="We don't know the ZIP code 00000"):
            geo.parse_near("00000")

    @pytest.mark.parametrize("value", ["91,0", "-90.5,0", "0,180.01", "0,-181"])
    def test_coordinates_off_the_globe_are_refused(self, value):
        with pytest.raises(ValueError, match="Latitude must be between -90 and 90"):
            geo.parse_near(value)

    @pytest.mark.parametrize(
        "value",
        [
            "",
            "   ",
            "0610",
            "061070",
            "Hartford",
            "06107x",
            "nan,0",
            "inf,0",
            "1e1,2",
            "41.7 -72.7",
            "41.7,-72.7,3",
            "٠٦١٠٧",
        ],
    )
    def test_anything_else_asks_for_a_zip_code_or_coordinates(self, value):
        with pytest.raises(geo.GeoError, match="Enter a 5-digit ZIP code"):
            geo.parse_near(value)

    def test_errors_are_value_errors_whose_text_is_the_message(self):
        with pytest.raises(ValueError) as error:
            geo.parse_near("hello")

        assert str(error.value).startswith("Enter a 5-digit ZIP code, such as 06107")


class TestParseRadius:
    @pytest.mark.parametrize(
        ("value", "miles"),
        [("5", 5.0), (" 2.5 ", 2.5), ("100", 100.0), (10, 10.0), (Decimal("0.5"), 0.5)],
    )
    def test_miles_are_a_number(self, value, miles):
        assert geo.parse_radius(value) == miles

    @pytest.mark.parametrize("value", ["0", 0, "-1", -3.5, "100.01", 101])
    def test_out_of_range_is_refused(self, value):
        with pytest.raises(ValueError, match="more than 0 and at most 100 miles"):
            geo.parse_radius(value)

    @pytest.mark.parametrize(
        "value",
        [
            "",
            "ten",
            "5 miles",
            "nan",
            "inf",
            math.nan,
            math.inf,
            True,
            None,
            "1e1",
            Decimal("sNaN"),
        ],
    )
    def test_not_a_number_is_refused(self, value):
        with pytest.raises(geo.GeoError, match="Enter the distance as a number"):
            geo.parse_radius(value)
