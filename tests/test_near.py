"""Services near a place: kept within the radius, with the distance to the nearest."""

import math
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from resources import areas, geo
from resources.derived import refresh_services
from resources.geo import Point
from resources.models import Location, Service, ServiceArea

from .factories import link, make_location, make_phone, make_service, tag

pytestmark = pytest.mark.django_db

HOME = Point(41.7556, -72.7532)  # ZIP 06107, West Hartford
MILES_PER_DEGREE = math.pi * geo.EARTH_RADIUS_MILES / 180


def away(north: float, east: float = 0.0, start: Point = HOME) -> Point:
    """Return the point about `north` and `east` miles from `start`."""
    lat = start.lat + north / MILES_PER_DEGREE
    lon = start.lon + east / (MILES_PER_DEGREE * math.cos(math.radians(lat)))
    return Point(lat, lon)


def located(*points: Point, **overrides) -> Service:
    """Create a service with a location at each point."""
    service = make_service(**overrides)
    for point in points:
        link(
            service,
            make_location(address=False, latitude=point.lat, longitude=point.lon),
        )
    return service


def near_names(point: Point = HOME, miles: float = 10) -> list[str]:
    services = Service.objects.near(point, miles).order_by("distance", "name")
    return [service.name for service in services]


def test_services_within_the_radius_are_kept_and_others_dropped():
    located(away(0.5), name="Across the street")
    located(away(-9, 0), name="Nine miles south")
    located(away(0, 11), name="Eleven miles east")
    located(away(40, -40), name="Far away")

    assert near_names() == ["Across the street", "Nine miles south"]


def test_a_service_takes_the_distance_of_its_nearest_location():
    # Several sites each, so that no row order the database happens to use
    # could pick the nearest by luck.
    rng = random.Random(6103)
    sites = {
        f"Service {n}": [away(rng.uniform(-9, 9), rng.uniform(-7, 7)) for _ in range(6)]
        + [away(30)]
        for n in range(5)
    }
    for name, points in sites.items():
        located(*points, name=name)

    found = {s.name: s.distance for s in Service.objects.near(HOME, 12)}

    assert found == pytest.approx(
        {
            name: min(geo.distance_miles(HOME, point) for point in points)
            for name, points in sites.items()
        },
        rel=1e-9,
    )


def test_a_service_with_several_nearby_locations_is_listed_once():
    located(away(1), away(2), away(3), name="Many sites")

    assert near_names() == ["Many sites"]


def test_distances_agree_with_the_python_haversine():
    # Within 0.5% is what a person could notice; the two should agree far closer.
    rng = random.Random(6107)
    points = [away(rng.uniform(-14, 14), rng.uniform(-14, 14)) for _ in range(40)]
    for n, point in enumerate(points):
        located(point, name=f"Service {n:02}")
    expected = {
        f"Service {n:02}": geo.distance_miles(HOME, point)
        for n, point in enumerate(points)
        if geo.distance_miles(HOME, point) <= 10
    }

    found = {s.name: s.distance for s in Service.objects.near(HOME, 10)}

    assert found == pytest.approx(expected, rel=1e-6)
    assert 5 < len(found) < 40


def test_results_order_by_distance():
    located(away(7), name="C")
    located(away(0, 2), name="A")
    located(away(-4, -4), name="B")

    services = list(Service.objects.near(HOME, 10).order_by("distance"))

    assert [service.name for service in services] == ["A", "B", "C"]
    assert [s.distance for s in services] == sorted(s.distance for s in services)


def test_locations_without_coordinates_never_match():
    located(name="No location at all")
    service = make_service(name="Address only")
    link(service, make_location(latitude=None, longitude=None))
    half = make_service(name="Half a coordinate")
    link(half, make_location(address=False, latitude=HOME.lat, longitude=None))
    link(half, make_location(address=False, latitude=None, longitude=HOME.lon))

    assert near_names() == []


def test_a_point_in_the_bounding_box_corner_but_beyond_the_radius_is_dropped():
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(HOME, 10)
    corner = Point(
        min_lat + 0.05 * (max_lat - min_lat), max_lon - 0.05 * (max_lon - min_lon)
    )
    assert geo.distance_miles(HOME, corner) > 10  # the premise of this test
    located(corner, name="In the corner")
    located(away(0, 9.9), name="On the edge")

    assert near_names() == ["On the edge"]


def test_confidential_locations_count_from_coarsened_coordinates():
    service = located(name="Shelter")
    link(
        service,
        make_location(
            latitude=away(2).lat,
            longitude=away(2).lon,
            address_visibility=Location.Visibility.CONFIDENTIAL,
        ),
    )

    [found] = Service.objects.near(HOME, 10)

    # Rounded to two decimals first, so repeated searches cannot pin it down.
    coarse = Point(round(away(2).lat, 2), round(away(2).lon, 2))
    assert found.distance == pytest.approx(geo.distance_miles(HOME, coarse), rel=1e-3)
    assert found.distance == pytest.approx(2, abs=0.7)


def test_a_circle_across_the_antimeridian_finds_both_sides():
    fiji = Point(-17.0, 179.98)
    located(Point(-17.0, -179.98), name="East of the line")
    located(Point(-17.0, 179.9), name="West of the line")
    located(Point(-17.0, 179.0), name="Too far west")

    services = Service.objects.near(fiji, 10).order_by("distance")

    assert [s.name for s in services] == ["East of the line", "West of the line"]
    assert services[0].distance == pytest.approx(
        geo.distance_miles(fiji, Point(-17.0, -179.98)), rel=1e-6
    )


def test_near_combines_with_other_filters():
    located(away(1), name="Published")
    located(away(1), name="Draft", publication_status=Service.Publication.DRAFT)

    services = Service.objects.published().near(HOME, 10).for_listing()

    assert [s.name for s in services] == ["Published"]


def test_the_query_count_does_not_grow_with_the_rows(django_assert_num_queries):
    def run() -> list[Service]:
        return list(Service.objects.near(HOME, 10).order_by("distance"))

    located(away(1), away(2))
    with django_assert_num_queries(1):
        assert len(run()) == 1

    for n in range(25):
        located(away(n / 5, 1), away(-n / 5, 2))
    with django_assert_num_queries(1):
        assert len(run()) == 26


def test_listing_near_results_is_a_fixed_number_of_queries():
    def count(services) -> int:
        with CaptureQueriesContext(connection) as queries:
            listed = list(services.near(HOME, 10).for_listing())
            for service in listed:
                for at in service.service_at_locations.all():
                    assert at.location.latitude is not None
        return len(queries)

    located(away(1))
    few = count(Service.objects.published())
    for n in range(20):
        located(away(n / 4), away(-n / 4))

    assert count(Service.objects.published()) == few


def test_nearby_services_are_reach_zero_with_their_distance():
    located(away(2), name="Two miles")

    [found] = Service.objects.near(HOME, 10)

    assert found.reach == areas.NEARBY
    assert found.distance == pytest.approx(2, rel=0.01)


def test_the_search_page_near_a_zip_code_is_a_fixed_number_of_queries(client, settings):
    """However many services are near, serve the area or answer the phone."""
    settings.DIRECTORY_PAGE_SIZE = 50

    def grow(count: int) -> None:
        for n in range(count):
            tag(located(away(n / 4)), "food")
            county = located(away(40))
            tag(county, "food")
            ServiceArea.objects.create(service=county, name="Hartford County, CT")
            line = make_service()
            make_phone(service=line, type="text")
            tag(line, "crisis-hotlines")
        refresh_services(Service.objects.values_list("pk", flat=True))

    def count(services: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(
                reverse("resources:service-list"), {"near": "06107", "radius": 5}
            )
        assert response.status_code == 200
        assert response.context["paginator"].count == services
        return len(queries)

    grow(2)
    few = count(services=6)
    grow(20)
    assert count(services=66) == few <= 10
