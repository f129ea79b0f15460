"""Places and distances for "near me": ZIP codes, typed input, the search box."""

import json
import math
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from resources import areas, geo
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


class TestPlaces:
    def test_a_zip_code_names_its_own_town_county_and_state(self):
        assert geo.zip_place("06107") == geo.Place(
            zip_code="06107",
            town="West Hartford",
            county="Hartford County",
            state="CT",
        )
        assert geo.zip_place("00000") is None
        assert geo.zip_place("0610") is None

    def test_a_point_from_a_zip_code_is_that_zip_codes_place(self):
        point = geo.parse_near("06107-1234")

        assert point.zip_code == "06107"
        assert geo.place_of(point) == geo.zip_place("06107")

    def test_a_latitude_and_longitude_is_in_the_nearest_zip_codes_place(self):
        # The centre of West Hartford is nearest 06107's centre.
        assert geo.place_of(WEST_HARTFORD_CENTER).town == "West Hartford"
        assert geo.place_of(Point(42.3601, -71.0589)).state == "MA"  # Boston

    def test_somewhere_far_from_any_zip_code_is_no_place(self):
        # The mid-Atlantic; and 0,0, where the dataset parks what it cannot place.
        assert geo.place_of(Point(30, -45)) is None
        assert geo.place_of(Point(0, 0)) is None

    def test_zip_code_reads_a_zip_code_or_zip_plus_four(self):
        assert geo.zip_code(" 06107 ") == "06107"
        assert geo.zip_code("06107-1234") == "06107"
        assert geo.zip_code("SW1A 1AA") is None
        assert geo.zip_code("") is None

    def test_names_in_a_state_are_its_towns_and_counties(self):
        towns, counties = geo.names_in_state("CT")

        assert {"Hartford", "West Hartford", "New Haven"} <= towns
        assert "Hartford County" in counties
        assert "Hartford County" not in geo.names_in_state("MA")[1]


def keys(text: str, *states: str) -> set[str]:
    return set(areas.area_keys([text], states=states))


HARTFORD_COUNTY = "county:ct:hartford"


class TestServiceAreaKeys:
    """What the service areas that 211 feeds write are read as."""

    @pytest.mark.parametrize(
        ("text", "states", "found"),
        [
            ("Hartford County, CT", (), {HARTFORD_COUNTY}),
            ("Hartford County, Connecticut", (), {HARTFORD_COUNTY}),
            ("hartford county", ("CT",), {HARTFORD_COUNTY}),
            ("HARTFORD CO.", ("CT",), {HARTFORD_COUNTY}),
            ("Hartford County CT", (), {HARTFORD_COUNTY}),
            ("Residents of Hartford County only", ("CT",), {HARTFORD_COUNTY}),
            ("Condado de Hartford", ("CT",), {HARTFORD_COUNTY}),
            ("Connecticut", (), {"state:ct"}),
            ("CT", (), {"state:ct"}),
            ("State of Connecticut", (), {"state:ct"}),
            ("Connecticut statewide", (), {"state:ct"}),
            ("Statewide", ("CT",), {"state:ct"}),
            ("CT, MA", (), {"state:ct", "state:ma"}),
            ("Nationwide", (), {"us"}),
            ("National", (), {"us"}),
            ("United States", (), {"us"}),
            ("U.S.A.", (), {"us"}),
            ("Todo el país", (), {"us"}),
            ("todo el pais", (), {"us"}),
            ("Available nationwide, 24/7.", (), {"us"}),
            ("Hartford", ("CT",), {"town:ct:hartford"}),
            ("City of Hartford", ("CT",), {"town:ct:hartford"}),
            ("Hartford, CT", (), {"town:ct:hartford"}),
            (
                "West Hartford, Hartford and Bloomfield, CT",
                (),
                {"town:ct:west hartford", "town:ct:hartford", "town:ct:bloomfield"},
            ),
            (
                "Hartford y West Hartford",
                ("CT",),
                {"town:ct:hartford", "town:ct:west hartford"},
            ),
            (
                "Hartford, Tolland and Windham Counties, CT",
                (),
                {HARTFORD_COUNTY, "county:ct:tolland", "county:ct:windham"},
            ),
            (
                "Hartford County; Tolland County",
                ("CT",),
                {HARTFORD_COUNTY, "county:ct:tolland"},
            ),
            ("06105, 06106, 06107", (), {"zip:06105", "zip:06106", "zip:06107"}),
            ("06105-06107", (), {"zip:06105", "zip:06106", "zip:06107"}),
            ("East Hartford, CT 06108", (), {"town:ct:east hartford", "zip:06108"}),
            ("Washington, DC", (), {"town:dc:washington"}),
            ("New York, NY", (), {"town:ny:new york"}),
            ("St. Louis, MO", (), {"town:mo:saint louis"}),
            (
                "New England",
                (),
                {f"state:{s}" for s in ("ct", "ma", "me", "nh", "ri", "vt")},
            ),
        ],
    )
    def test_the_shapes_feeds_write(self, text, states, found):
        assert keys(text, *states) == found

    @pytest.mark.parametrize(
        ("text", "states"),
        [
            ("Greater Hartford", ("CT",)),
            ("the Hartford area", ("CT",)),
            ("Hartford County", ()),  # which state's?
            ("Hartford", ()),
            ("Statewide", ()),
            ("Springfield", ("CT",)),  # not a Connecticut town
            ("MyCity", ("CT",)),
            ("00000", ()),
            ("", ()),
            ("   ", ("CT",)),
        ],
    )
    def test_what_cannot_be_placed_is_read_as_nothing(self, text, states):
        assert keys(text, *states) == set()

    def test_a_town_is_not_the_towns_that_share_its_name(self):
        assert keys("Hartford", "CT") == {"town:ct:hartford"}
        assert "town:ct:hartford" not in areas.place_keys(geo.zip_place("06107"))
        assert "town:ct:hartford" in areas.place_keys(geo.zip_place("06105"))

    def test_prose_needs_a_state_beside_a_bare_town(self):
        prose = "We serve Hartford. Call us first, OK"
        assert keys(prose, "CT") == set()
        assert keys("We serve Hartford, CT. Call first.") == {"town:ct:hartford"}
        assert keys("We serve all of Connecticut. Call first.") == {"state:ct"}
        assert keys("Walk in, no appointment. Call us, OK?", "CT") == set()

    def test_an_hsds_example_area_of_free_text_is_nothing(self):
        assert (
            keys(
                "The service is available to all residents of the MyCity area, "
                "including all postcodes starting with AB1, AB2, and AB3"
            )
            == set()
        )

    def test_names_beyond_the_key_length_are_dropped(self):
        assert all(
            len(key) <= areas.MAX_KEY_LENGTH
            for key in areas.area_keys(["Hartford County, CT" * 20], states=["CT"])
        )


class TestPlaceKeys:
    def test_a_zip_code_is_in_its_town_county_state_and_nation(self):
        assert areas.place_keys(geo.zip_place("06107")) == {
            "zip:06107",
            "town:ct:west hartford",
            HARTFORD_COUNTY,
            "state:ct",
            "us",
        }

    def test_no_place_has_no_keys(self):
        assert areas.place_keys(None) == frozenset()

    def test_a_zip_code_and_the_area_naming_it_share_a_key(self):
        for code, area in [
            ("06105", "Hartford"),
            ("06107", "West Hartford"),
            ("63101", "St. Louis"),
            ("70112", "Orleans Parish"),
            ("00901", "San Juan"),
        ]:
            place = geo.zip_place(code)
            assert keys(area, place.state) & areas.place_keys(place), (code, area)


class TestCoverage:
    def test_a_service_with_a_place_serves_its_areas(self):
        assert areas.coverage(
            {"us", HARTFORD_COUNTY}, has_place=True, has_phone=True
        ) == {"us": areas.SERVES_AREA, HARTFORD_COUNTY: areas.SERVES_AREA}

    def test_a_national_line_is_by_phone_and_a_local_one_serves_its_area(self):
        assert areas.coverage({"us", "state:ct"}, has_place=False, has_phone=True) == {
            "us": areas.BY_PHONE,
            "state:ct": areas.SERVES_AREA,
        }

    def test_a_line_that_names_no_area_takes_calls_from_anywhere(self):
        assert areas.coverage(set(), has_place=False, has_phone=True) == {
            areas.ANYWHERE: areas.BY_PHONE
        }
        assert areas.coverage(set(), has_place=False, has_phone=False) == {}
        assert areas.coverage(set(), has_place=True, has_phone=True) == {}


class TestAreaWords:
    def test_no_name_means_two_states(self):
        words = json.loads(areas.DATA.read_text(encoding="utf-8"))
        assert len(words["states"]) >= 51
        names = [
            areas.fold(name)
            for state, names in words["states"].items()
            for name in [state, *names]
        ]
        assert len(names) == len(set(names))

    @pytest.mark.parametrize(
        "text", ["Conn.", "CT", "ct", "Connecticut", " connecticut "]
    )
    def test_a_state_written_any_way_is_its_abbreviation(self, text):
        assert areas.state_abbreviation(text) == "CT"

    def test_fold_drops_case_accents_and_dots(self):
        assert areas.fold("Todo el País") == "todo el pais"
        assert areas.fold("St. John's  Co.") == "st johns co"
        assert areas.fold("Winston-Salem") == "winston salem"


@pytest.mark.parametrize(
    ("typed", "town"),
    [
        ("West Hartford", "West Hartford"),
        ("west hartford, ct", "West Hartford"),
        ("WEST HARTFORD  CT", "West Hartford"),
        ("West Hartford, Connecticut", "West Hartford"),
        ("new britain", "New Britain"),
        ("Unionville", "Unionville"),  # its own ZIP code's town
        ("Kensington", "Berlin"),  # a village its ZIP code accepts
    ],
)
def test_a_town_becomes_the_centre_of_its_zip_codes(typed, town):
    point = geo.parse_near(typed, state="CT")

    assert point.town == town and point.name == town
    zips = [geo.lookup_zip(z) for z in ("06107", "06117", "06119")]
    if town == "West Hartford":  # among its ZIP codes' centres
        assert min(z.lat for z in zips) <= point.lat <= max(z.lat for z in zips)
        assert geo.distance_miles(point, zips[0]) < 3


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Hartfrod", "Did you mean Hartford"),
        ("Springfield", "We don't know a town called “Springfield” in Connecticut"),
        ("Nowhereville", "Enter its ZIP code"),
    ],
)
def test_an_unknown_town_gets_a_clear_message(typed, message):
    with pytest.raises(geo.GeoError) as error:
        geo.parse_near(typed, state="CT")
    assert message in str(error.value)
    assert "latitude" not in str(error.value).lower()


def test_without_a_state_only_zip_codes_and_points():
    with pytest.raises(geo.GeoError):
        geo.parse_near("West Hartford")
    assert geo.parse_near("06107").zip_code == "06107"
