"""Services that serve a place, not only those that stand in it.

With `near`, a service whose HSDS service area covers the person's ZIP code,
town, county or state stays in the results ("serves your area"), and so does
a phone line with no place to go ("by phone"), after the nearby ones. The
API's `postcode` follows HSDS: within the service area where there is one.
"""

import re

from django.db import connection
from django.template.loader import render_to_string
from django.test import SimpleTestCase, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from resources import areas, geo
from resources.cards import render_cards
from resources.derived import refresh_services
from resources.models import Service, ServiceArea
from resources.models.locations import LocationType
from resources.models.services import ServiceCoverage

from .factories import link, make_location, make_phone, make_service

WEST_HARTFORD = geo.parse_near("06107")  # Hartford County, Connecticut
HARTFORD = "06105"  # the city of Hartford, also Hartford County
NEW_HAVEN = "06511"  # New Haven County, Connecticut
BOSTON = "02108"  # Suffolk County, Massachusetts
ANCHORAGE = "99501"
# Far from all four: Litchfield County, 20-odd miles west of West Hartford.
TORRINGTON = geo.lookup_zip("06790")


def located(point: geo.Point, state: str = "CT", **fields) -> Service:
    """Create a service with one physical location at `point`."""
    service = make_service(**fields)
    link(
        service,
        make_location(
            latitude=point.lat,
            longitude=point.lon,
            address={"state_province": state, "postal_code": point.zip_code or ""},
        ),
    )
    return service


def phone_line(*, virtual: bool = False, phone_type: str = "voice", **fields):
    """Create a service with no place to go, reached on one phone."""
    service = make_service(**fields)
    if virtual:
        link(
            service,
            make_location(address=False, location_type=LocationType.VIRTUAL),
        )
    make_phone(service=service, type=phone_type)
    return service


def serves(service: Service, *names: str, **fields) -> None:
    for name in names:
        ServiceArea.objects.create(service=service, name=name, **fields)


def near(value, miles: float = 10) -> dict[str, tuple[int, float | None]]:
    """Return {name: (reach, distance)} near a ZIP code or point, in order."""
    point = geo.parse_near(value) if isinstance(value, str) else value
    found = (
        Service.objects.published()
        .near(point, miles)
        .order_by("reach", "distance", "name")
    )
    return {s.name: (s.reach, s.distance) for s in found}


class NearTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        located(WEST_HARTFORD, name="Across the street")
        located(TORRINGTON, name="Torrington food bank")
        county = located(TORRINGTON, name="Hartford County legal aid")
        serves(county, "Hartford County, CT")
        both = located(WEST_HARTFORD, name="Statewide and here")
        serves(both, "Connecticut")
        lifeline = phone_line(name="988 Lifeline")
        serves(lifeline, "Nationwide")
        phone_line(name="Trafficking hotline", virtual=True)
        city = phone_line(name="Hartford city line")
        serves(city, "Hartford, CT")
        massachusetts = phone_line(name="Massachusetts line")
        serves(massachusetts, "Massachusetts")
        phone_line(name="Fax only", phone_type="fax")
        phone_line(name="Draft line", publication_status=Service.Publication.DRAFT)
        # Test transactions never commit: build the derived rows now.
        refresh_services(Service.objects.values_list("pk", flat=True))

    def test_phone_lines_stay_after_the_nearby_services(self):
        found = near("06107")

        assert list(found) == [
            "Across the street",
            "Statewide and here",
            "Hartford County legal aid",
            "988 Lifeline",
            "Trafficking hotline",
        ]
        assert found["988 Lifeline"] == (areas.BY_PHONE, None)
        assert found["Trafficking hotline"] == (areas.BY_PHONE, None)

    def test_a_county_wide_service_stays_for_a_zip_code_in_that_county(self):
        assert near("06107")["Hartford County legal aid"] == (areas.SERVES_AREA, None)
        assert near(HARTFORD)["Hartford County legal aid"] == (areas.SERVES_AREA, None)

    def test_a_county_wide_service_is_dropped_elsewhere(self):
        assert "Hartford County legal aid" not in near(NEW_HAVEN)
        assert "Hartford County legal aid" not in near(BOSTON)

    def test_an_area_named_hartford_is_not_west_hartford(self):
        # 06107 takes "Hartford" on envelopes, but it is West Hartford.
        assert "Hartford city line" not in near("06107")
        assert near(HARTFORD)["Hartford city line"] == (areas.SERVES_AREA, None)

    def test_a_service_near_and_serving_the_area_counts_as_near(self):
        reach, distance = near("06107")["Statewide and here"]

        assert reach == areas.NEARBY
        assert distance is not None and distance < 0.5

    def test_a_statewide_service_stays_across_its_state_only(self):
        assert near(NEW_HAVEN)["Statewide and here"] == (areas.SERVES_AREA, None)
        assert "Statewide and here" not in near(BOSTON)
        assert near(BOSTON)["Massachusetts line"] == (areas.SERVES_AREA, None)
        assert "Massachusetts line" not in near("06107")

    def test_national_lines_reach_every_state(self):
        found = near(ANCHORAGE)

        assert found == {
            "988 Lifeline": (areas.BY_PHONE, None),
            "Trafficking hotline": (areas.BY_PHONE, None),
        }

    def test_lines_one_cannot_call_and_drafts_never_show(self):
        found = near("06107")

        assert "Fax only" not in found
        assert "Draft line" not in found

    def test_a_latitude_and_longitude_takes_the_nearest_zip_codes_place(self):
        # In West Hartford, nearest the centre of 06107 or 06119.
        found = near(geo.Point(41.7622, -72.7444))

        assert found["Hartford County legal aid"] == (areas.SERVES_AREA, None)
        assert "Hartford city line" not in found

    def test_far_from_any_zip_code_only_phone_lines_without_an_area_stay(self):
        found = near(geo.Point(0.0, -30.0))  # the mid-Atlantic

        assert found == {"Trafficking hotline": (areas.BY_PHONE, None)}

    def test_the_radius_does_not_limit_the_areas(self):
        found = near("06107", miles=0.5)

        assert found["Hartford County legal aid"] == (areas.SERVES_AREA, None)
        assert "Torrington food bank" not in found


class CoverageRowsTests(TestCase):
    def test_an_area_of_one_location_counts_for_the_service(self):
        service = make_service(name="Mobile clinic")
        at = link(
            service,
            make_location(latitude=TORRINGTON.lat, longitude=TORRINGTON.lon),
        )
        ServiceArea.objects.create(service_at_location=at, name="Hartford County")
        refresh_services([service.pk])

        # The location's address (Connecticut) places "Hartford County".
        assert near("06107")["Mobile clinic"] == (areas.SERVES_AREA, None)
        assert ServiceCoverage.objects.get(service=service).service_at_location == at

    def test_an_area_that_cannot_be_read_leaves_a_phone_line_reachable(self):
        line = phone_line(name="Somewhere line")
        serves(line, "The greater MyCity area and beyond")
        refresh_services([line.pk])

        assert near(ANCHORAGE) == {"Somewhere line": (areas.BY_PHONE, None)}

    def test_a_line_with_only_a_mailing_address_is_not_a_line_for_anywhere(self):
        line = make_service(name="PO box line")
        link(line, make_location(location_type=LocationType.POSTAL))
        make_phone(service=line)
        refresh_services([line.pk])

        assert "PO box line" not in near(ANCHORAGE)
        assert not ServiceCoverage.objects.filter(service=line).exists()

    def test_geojson_extents_are_not_read_as_text(self):
        line = phone_line(name="Polygon line")
        serves(line, "", extent="Connecticut", extent_type="geojson")
        text = phone_line(name="Text extent line")
        serves(text, "", extent="Connecticut", extent_type="text")
        refresh_services([line.pk, text.pk])

        found = near(BOSTON)
        assert found["Polygon line"] == (areas.BY_PHONE, None)
        assert "Text extent line" not in found

    def test_saving_an_area_refreshes_the_rows_on_commit(self):
        with self.captureOnCommitCallbacks(execute=True):
            line = phone_line(name="Newly national")
        assert list(
            ServiceCoverage.objects.filter(service=line).values_list("key", flat=True)
        ) == [areas.ANYWHERE]

        with self.captureOnCommitCallbacks(execute=True):
            serves(line, "Nationwide")

        assert list(
            ServiceCoverage.objects.filter(service=line).values_list("key", "reach")
        ) == [(areas.NATION, areas.BY_PHONE)]

        with self.captureOnCommitCallbacks(execute=True):
            ServiceArea.objects.filter(service=line).get().delete()

        assert list(
            ServiceCoverage.objects.filter(service=line).values_list("key", flat=True)
        ) == [areas.ANYWHERE]


class CoveringNameTests(SimpleTestCase):
    PLACE = geo.zip_place("06107")

    def test_the_narrowest_area_that_covers_the_place(self):
        keys = {"us", "state:ct", "county:ct:hartford", "zip:06790"}
        assert areas.covering_name(self.PLACE, keys) == ("county", "Hartford County")
        assert areas.covering_name(self.PLACE, {"us", "state:ct"}) == (
            "state",
            "Connecticut",
        )
        assert areas.covering_name(self.PLACE, {"town:ct:west hartford", "us"}) == (
            "town",
            "West Hartford",
        )
        assert areas.covering_name(self.PLACE, {"us"}) == ("nation", "")

    def test_an_area_that_does_not_cover_it_is_no_name(self):
        assert (
            areas.covering_name(self.PLACE, {"zip:06790", "town:ct:hartford"}) is None
        )


class CardTests(TestCase):
    def card(self, **annotations) -> str:
        service = make_service(name="A line")
        make_phone(service=service)
        (service,) = render_cards([Service.objects.for_listing().get(pk=service.pk)])
        for name, value in annotations.items():
            setattr(service, name, value)
        return render_to_string(
            "resources/includes/service_card.html", {"service": service}
        )

    def test_the_card_says_how_a_service_reaches_the_person(self):
        assert "2.3 miles" in self.card(reach=areas.NEARBY, distance=2.34)
        assert "Serves your area" in self.card(reach=areas.SERVES_AREA, distance=None)
        assert "By phone" in self.card(reach=areas.BY_PHONE, distance=None)
        plain = self.card()
        assert "Serves your area" not in plain and "By phone" not in plain

    def test_the_labels_read_in_spanish(self):
        from django.utils import translation

        with translation.override("es"):
            html = self.card(reach=areas.BY_PHONE, distance=None)
            assert "Por teléfono" in html
            assert "Atiende su zona" in self.card(
                reach=areas.SERVES_AREA, distance=None
            )


class SearchPageTests(TestCase):
    URL = reverse("resources:service-list")

    @classmethod
    def setUpTestData(cls):
        located(WEST_HARTFORD, name="Across the street")
        serves(
            phone_line(name="988 Lifeline", description="Crisis counselling."),
            "Nationwide",
        )
        serves(located(TORRINGTON, name="County legal aid"), "Hartford County")
        refresh_services(Service.objects.values_list("pk", flat=True))

    def names(self, **params) -> set[str]:
        response = self.client.get(self.URL, params)
        assert response.status_code == 200
        return {service.name for service in response.context["services"]}

    def test_the_page_near_a_zip_code_keeps_the_lines_and_area_services(self):
        assert self.names(near="06107", radius=5) == {
            "Across the street",
            "988 Lifeline",
            "County legal aid",
        }

    def test_a_card_names_the_area_that_serves_the_place(self):
        html = self.client.get(
            self.URL, {"near": "06107", "radius": 5}
        ).content.decode()

        def says(name):
            card = html[html.index(name) :]
            card = card[: card.index("</article>")]
            return re.search(r'<span class="distance">([^<]*)</span>', card)[1]

        assert says("County legal aid") == "Serves Hartford County"
        assert says("988 Lifeline") == "By phone"  # a line: it serves the nation

    def test_words_narrow_them_as_they_narrow_the_nearby_ones(self):
        assert self.names(near="06107", q="crisis counselling") == {"988 Lifeline"}
        assert self.names(near="06511", q="legal aid") == set()


class APITests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.here = located(WEST_HARTFORD, name="Across the street")
        cls.county = located(TORRINGTON, name="Hartford County legal aid")
        serves(cls.county, "Hartford County, CT")
        cls.city = located(TORRINGTON, name="Hartford city clinic")
        serves(cls.city, "Hartford")
        cls.elsewhere = located(TORRINGTON, name="Torrington food bank")
        cls.lifeline = phone_line(name="988 Lifeline", virtual=True)
        serves(cls.lifeline, "Nationwide")
        cls.line = phone_line(name="Trafficking hotline")
        refresh_services(Service.objects.values_list("pk", flat=True))

    def link_services(self, url) -> list[str]:
        response = self.client.get(url)
        assert response.status_code == 200, response.content[:300]
        return sorted(
            Service.objects.get(pk=item["service_id"]).name
            for item in response.json()["contents"]
        )

    def test_service_at_locations_postcode_holds_area_serving_services(self):
        assert self.link_services(
            "/api/service_at_locations?postcode=06107&per_page=100"
        ) == [
            "988 Lifeline",  # its (virtual) location serves the nation
            "Across the street",  # no area: at a location with this postcode
            "Hartford County legal aid",
        ]

    def test_an_area_decides_over_the_postcode_of_the_location(self):
        # The Torrington services' locations are at 06790: only those with
        # no area, or an area holding 06790, are listed for it.
        assert self.link_services(
            "/api/service_at_locations?postcode=06790&per_page=100"
        ) == ["988 Lifeline", "Torrington food bank"]

    def test_proximity_keeps_only_what_is_that_near(self):
        assert self.link_services(
            "/api/service_at_locations?postcode=06107&proximity=5000&per_page=100"
        ) == ["Across the street"]

    def test_services_postcode_includes_phone_lines_with_no_location(self):
        names = [
            s["name"]
            for s in self.client.get(
                "/api/services?postcode=06107&per_page=100"
            ).json()["contents"]
        ]
        assert names == [
            "988 Lifeline",
            "Across the street",
            "Hartford County legal aid",
            "Trafficking hotline",
        ]

    def test_services_postcode_elsewhere_drops_the_county_service(self):
        names = [
            s["name"]
            for s in self.client.get(
                f"/api/services?postcode={BOSTON}&per_page=100"
            ).json()["contents"]
        ]
        assert names == ["988 Lifeline", "Trafficking hotline"]

    def test_services_near_has_the_same_extras_as_the_page(self):
        names = {
            s["name"]
            for s in self.client.get(
                "/api/services?near=06107&radius=5&per_page=100"
            ).json()["contents"]
        }
        assert names == {
            "Across the street",
            "Hartford County legal aid",
            "988 Lifeline",
            "Trafficking hotline",
        }

    def test_proximity_without_a_postcode_is_a_400(self):
        response = self.client.get("/api/services?proximity=100")
        assert response.status_code == 400
        assert "proximity" in response.json()

    def test_postcode_lists_are_a_fixed_number_of_queries(self):
        def count(url) -> int:
            with CaptureQueriesContext(connection) as queries:
                assert self.client.get(url).status_code == 200
            return len(queries)

        for url in (
            "/api/services?postcode=06107&",
            "/api/services?postcode=06107&proximity=20000&",
            "/api/services?near=06107&",
            "/api/service_at_locations?postcode=06107&",
            "/api/service_at_locations?postcode=06107&proximity=20000&",
        ):
            with self.subTest(url):
                assert count(url + "per_page=1") == count(url + "per_page=100")
