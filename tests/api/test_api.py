"""The HSDS API: shapes (against the official schemas), parameters, privacy, cost."""

import json
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from resources.derived import refresh_services
from resources.hsds.importer import import_hsds
from resources.models import Location, Metadata, Schedule

from ..factories import (
    link,
    make_location,
    make_organization,
    make_phone,
    make_service,
    tag,
)
from ..hsds_examples import write_fixed_json
from ..hsds_schemas import errors, page_errors

EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b"
SECRET_STREET = "12 Hidden Lane"


class APITestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        with tempfile.TemporaryDirectory() as folder:
            report = import_hsds(write_fixed_json("service_full.json", Path(folder)))
        assert report.ok, report.lines()
        cls.organization = make_organization(name="Shelter Network")
        cls.shelter = make_location(
            name="Safe house",
            latitude=41.761234,
            longitude=-72.741234,
            transportation="Behind the church on Elm",
            address_visibility=Location.Visibility.CONFIDENTIAL,
            organization=cls.organization,
            address={"address_1": SECRET_STREET, "address_2": "Back door"},
        )
        cls.office = make_location(name="Office", latitude=41.76, longitude=-72.7)
        cls.services = []
        for n in range(5):
            service = make_service(
                name=f"Shelter bed {n}", organization=cls.organization
            )
            link(service, cls.shelter)
            link(service, cls.office)
            make_phone(service=service)
            Schedule.objects.create(
                service=service, byday="MO", opens_at="09:00", closes_at="17:00"
            )
            tag(service, "free")
            cls.services.append(service)
        cls.draft = make_service(
            name="Unannounced draft",
            publication_status="draft",
            organization=cls.organization,
        )
        link(cls.draft, cls.office)
        # Test transactions never commit: build the derived rows now.
        refresh_services([service.pk for service in [*cls.services, cls.draft]])

    def get(self, url, status=200):
        response = self.client.get(url)
        detail = "" if response.streaming else response.content[:500]
        self.assertEqual(response.status_code, status, detail)
        return response

    def get_json(self, url, status=200):
        return self.get(url, status).json()

    def assert_valid(self, schema, instance):
        self.assertEqual(errors(schema, instance), [], schema)

    def assert_page(self, url, item_schema):
        body = self.get_json(url)
        self.assertEqual(page_errors(body), [])
        self.assertTrue(body["contents"], url)
        for item in body["contents"]:
            self.assert_valid(item_schema, item)
        return body


class ShapeTests(APITestCase):
    """Every list and detail shape passes the compiled HSDS schemas."""

    def test_root(self):
        body = self.get_json("/api/")
        self.assertEqual(body["version"], "3.1")
        self.assertTrue(body["openapi_url"].endswith("/api/schema/"))
        self.assertEqual(
            set(body),
            {"version", "profile", "openapi_url", "description", "publisher"},
        )
        self.assertEqual(body["publisher"]["name"], settings.DIRECTORY_NAME)
        schema = self.get_json("/api/schema/")
        self.assertEqual(schema["servers"][0]["url"], "/api")
        # Paths as HSDS names them, relative to that server.
        self.assertLessEqual({"/", "/services", "/services/{id}"}, set(schema["paths"]))

    def test_services(self):
        self.assert_page("/api/services", "compiled/service_list.json")
        self.assert_page("/api/services?minimal=true", "compiled/service_list.json")
        body = self.assert_page("/api/services?full=true", "compiled/service.json")
        self.assertEqual(body["total_items"], 6)
        minimal = self.get_json("/api/services?minimal=true")["contents"][0]
        self.assertEqual(set(minimal), {"id", "name", "status", "last_modified"})

    def test_service_detail(self):
        for service in (EXAMPLE_SERVICE, self.services[0].pk):
            self.assert_valid(
                "compiled/service.json", self.get_json(f"/api/services/{service}")
            )
        full = self.get_json(f"/api/services/{EXAMPLE_SERVICE}")
        for key in (
            "phones",
            "schedules",
            "service_at_locations",
            "organization",
            "capacities",
            "attributes",
            "metadata",
            "cost_options",
        ):
            self.assertTrue(full[key], key)

    def test_the_main_phone_is_marked_only_where_it_is(self):
        service = self.services[1]
        make_phone(service=service, number="860-555-0199", main=True)

        document = self.get_json(f"/api/services/{service.pk}")

        self.assertEqual(
            sorted(
                (phone["number"], phone.get("main")) for phone in document["phones"]
            ),
            [("860-555-0100", None), ("860-555-0199", True)],
        )
        self.assert_valid("compiled/service.json", document)

    def test_organizations(self):
        self.assert_page("/api/organizations", "compiled/organization_list.json")
        self.assert_page("/api/organizations?full=true", "compiled/organization.json")
        self.assert_page(
            "/api/organizations?full_service=true", "compiled/organization.json"
        )
        for query in ("", "?full_service=true"):
            body = self.get_json(f"/api/organizations/{self.organization.pk}{query}")
            self.assert_valid("compiled/organization.json", body)
            self.assertEqual(len(body["services"]), 5)

    def test_service_at_locations(self):
        self.assert_page(
            "/api/service_at_locations", "compiled/service_at_location_list.json"
        )
        self.assert_page(
            "/api/service_at_locations?full=true", "compiled/service_at_location.json"
        )
        link_id = self.services[0].service_at_locations.first().pk
        self.assert_valid(
            "compiled/service_at_location.json",
            self.get_json(f"/api/service_at_locations/{link_id}"),
        )

    def test_taxonomies(self):
        body = self.assert_page("/api/taxonomies", "taxonomy.json")
        self.assert_valid(
            "taxonomy.json",
            self.get_json(f"/api/taxonomies/{body['contents'][0]['id']}"),
        )
        body = self.assert_page("/api/taxonomy_terms", "taxonomy_term.json")
        self.assert_valid(
            "taxonomy_term.json",
            self.get_json(f"/api/taxonomy_terms/{body['contents'][0]['id']}"),
        )
        top = self.get_json("/api/taxonomy_terms?top_only=true&per_page=100")
        self.assertTrue(all("parent_id" not in term for term in top["contents"]))

    def test_envelope(self):
        body = self.get_json("/api/services?per_page=4&page=2")
        self.assertEqual(
            {k: v for k, v in body.items() if k != "contents"},
            {
                "total_items": 6,
                "total_pages": 2,
                "page_number": 2,
                "size": 2,
                "first_page": False,
                "last_page": True,
                "empty": False,
            },
        )
        past = self.get_json("/api/services?page=9")
        self.assertEqual((past["empty"], past["contents"]), (True, []))


class ParameterTests(APITestCase):
    def assert_bad(self, query, parameter):
        body = self.get_json(f"/api/{query}", status=400)
        self.assertIn(parameter, body, body)

    def test_bad_parameters_are_400_naming_them(self):
        cases = [
            ("services?page=0", "page"),
            ("services?page=x", "page"),
            ("services?per_page=10000", "per_page"),
            ("services?taxonomy_term_id=not-a-uuid", "taxonomy_term_id"),
            ("services?modified_after=yesterday", "modified_after"),
            ("services?minimal=perhaps", "minimal"),
            ("services?format=xml", "format"),
            ("services?category=no-such-category", "category"),
            ("services?near=nowhere", "near"),
            ("services?near=06107&radius=-3", "radius"),
            ("services?age=500", "age"),
            ("services?open_at=soon", "open_at"),
            ("services?open_at=0001-01-01T00:00%2B14:00", "open_at"),
            ("services?open_at=9999-12-31T23:59-12:00", "open_at"),
            ("services?modified_after=0001-01-01T00:00:00Z", "modified_after"),
            ("services?search=" + "x" * 300, "search"),
            ("organizations?per_page=101", "per_page"),
            ("taxonomy_terms?parent_id=1", "parent_id"),
            ("service_at_locations?proximity=100", "proximity"),
            ("service_at_locations?postcode=00000&proximity=100", "postcode"),
            (
                f"organizations/{self.organization.pk}?full_service=maybe",
                "full_service",
            ),
        ]
        for query, parameter in cases:
            with self.subTest(query):
                self.assert_bad(query, parameter)

    def test_ids_that_name_nothing_filter_to_an_empty_page(self):
        for query in (
            "services?taxonomy_term_id={}",
            "services?taxonomy_id={}",
            "services?organization_id={}",
            "service_at_locations?organization_id={}",
            "taxonomy_terms?parent_id={}",
            "taxonomy_terms?taxonomy_id={}",
        ):
            with self.subTest(query):
                body = self.get_json("/api/" + query.format(uuid.uuid4()))
                self.assertEqual((body["total_items"], body["empty"]), (0, True))

    def test_unknown_ids_are_404(self):
        for path in (
            "services",
            "organizations",
            "taxonomies",
            "taxonomy_terms",
            "service_at_locations",
        ):
            with self.subTest(path):
                self.get(f"/api/{path}/{uuid.uuid4()}", status=404)
                self.get(f"/api/{path}/not-a-uuid", status=404)

    def test_filters_combine_with_and(self):
        body = self.get_json(
            f"/api/services?organization_id={self.organization.pk}&access=free"
            "&taxonomy_id=" + str(tag_taxonomy())
        )
        self.assertEqual(body["total_items"], 5)
        body = self.get_json(
            f"/api/services?organization_id={self.organization.pk}"
            f"&taxonomy_term_id={uuid_of_example_term()}"
        )
        self.assertEqual(body["total_items"], 0)
        body = self.get_json("/api/services?search=shelter%20bed&per_page=100")
        self.assertEqual(body["total_items"], 5)
        body = self.get_json("/api/services?near=06107&radius=20&age=30")
        self.assertEqual(body["total_items"], 6)  # with the example, in Hartford
        body = self.get_json("/api/services?near=06107&radius=20&age=5")
        self.assertEqual(body["total_items"], 5)  # the example is for 12 and over
        body = self.get_json("/api/services?modified_after=2100-01-01T00:00:00Z")
        self.assertEqual(body["total_items"], 0)

    def test_service_at_location_postcode(self):
        body = self.get_json("/api/service_at_locations?postcode=06107&per_page=100")
        self.assertEqual(body["total_items"], 10)
        body = self.get_json(
            "/api/service_at_locations?postcode=06107&proximity=20000&per_page=100"
        )
        # Within 20 km: ours, and the example's civic centre (placed in Hartford).
        self.assertEqual(body["total_items"], 11)


class CrossOriginTests(TestCase):
    """Any web page may read the public API; nothing else, and never with cookies."""

    def test_reads_are_shared_with_every_origin(self):
        response = self.client.get("/api/services", HTTP_ORIGIN="https://211.example")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        self.assertNotIn("Access-Control-Allow-Credentials", response)

    def test_a_preflight_allows_only_reading(self):
        response = self.client.options(
            "/api/services?page=2",
            HTTP_ORIGIN="https://211.example",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="accept",
        )
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response["Access-Control-Allow-Origin"], "*")
        methods = {
            m.strip() for m in response["Access-Control-Allow-Methods"].split(",")
        }
        self.assertEqual(methods, {"GET", "HEAD", "OPTIONS"})
        self.assertIn("accept", response["Access-Control-Allow-Headers"].lower())
        self.assertFalse(response.cookies)

    def test_writes_and_the_rest_of_the_site_are_not_shared(self):
        response = self.client.post("/api/services", HTTP_ORIGIN="https://evil.example")
        self.assertNotIn("Access-Control-Allow-Origin", response)
        for path in ("/", "/services/", "/admin/login/"):
            with self.subTest(path):
                response = self.client.get(path, HTTP_ORIGIN="https://evil.example")
                self.assertNotIn("Access-Control-Allow-Origin", response)


class PrivacyTests(APITestCase):
    URLS = (
        "/api/services?full=true&per_page=100",
        "/api/services?per_page=100",
        "/api/services?format=ndjson",
        "/api/organizations?full_service=true&per_page=100",
        "/api/service_at_locations?full=true&per_page=100",
        "/api/service_at_locations?per_page=100",
    )

    def body(self, url) -> str:
        response = self.get(url)
        if response.streaming:
            return b"".join(response.streaming_content).decode()
        return response.content.decode()

    def test_confidential_address_is_never_shown(self):
        urls = [
            *self.URLS,
            f"/api/services/{self.services[0].pk}",
            f"/api/organizations/{self.organization.pk}?full_service=true",
        ]
        for url in urls:
            with self.subTest(url):
                text = self.body(url)
                for secret in (
                    SECRET_STREET,
                    "Back door",
                    "Elm",
                    "41.761234",
                    "-72.741234",
                ):
                    self.assertNotIn(secret, text)

    def test_confidential_location_keeps_city_and_rounded_point(self):
        service = self.get_json(f"/api/services/{self.services[0].pk}")
        location = next(
            link["location"]
            for link in service["service_at_locations"]
            if link["location"]["name"] == "Safe house"
        )
        self.assertEqual(location["address_visibility"], "confidential")
        self.assertEqual((location["latitude"], location["longitude"]), (41.76, -72.74))
        address = location["addresses"][0]
        self.assertEqual(address["address_1"], "")
        self.assertEqual(
            (address["city"], address["postal_code"]), ("West Hartford", "06107")
        )

    def test_drafts_are_never_shown(self):
        for url in self.URLS:
            with self.subTest(url):
                self.assertNotIn("Unannounced draft", self.body(url))
        self.get(f"/api/services/{self.draft.pk}", status=404)
        link_id = self.draft.service_at_locations.get().pk
        self.get(f"/api/service_at_locations/{link_id}", status=404)

    def test_no_cookie_no_language_prefix(self):
        response = self.get("/api/services")
        self.assertFalse(response.cookies)
        self.assertNotIn("Set-Cookie", response.headers)
        self.get("/es/api/services", status=404)


class StreamingTests(APITestCase):
    def test_ndjson_streams_every_match_unpaged(self):
        response = self.get("/api/services?format=ndjson&per_page=1")
        self.assertTrue(response.streaming)
        self.assertEqual(response["Content-Type"], "application/x-ndjson")
        lines = b"".join(response.streaming_content).decode().splitlines()
        self.assertEqual(len(lines), 6)
        for line in lines:
            self.assert_valid("compiled/service.json", json.loads(line))

    def test_ndjson_for_other_lists(self):
        response = self.get("/api/organizations?format=ndjson")
        lines = b"".join(response.streaming_content).decode().splitlines()
        for line in lines:
            self.assert_valid("compiled/organization.json", json.loads(line))


class QueryCountTests(APITestCase):
    """A page costs the same number of queries whatever its size."""

    def count(self, url) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        self.assertEqual(response.status_code, 200)
        return len(queries)

    def test_fixed_query_counts(self):
        self.count("/api/services?search=shelter&")  # reads the search vocabulary
        for url in (
            "/api/services?",
            "/api/services?full=true&",
            "/api/services?minimal=true&",
            "/api/services?access=free&near=06107&search=shelter&",
            "/api/organizations?",
            "/api/organizations?full_service=true&",
            "/api/service_at_locations?",
            "/api/service_at_locations?full=true&",
            "/api/taxonomy_terms?",
            "/api/taxonomies?",
        ):
            with self.subTest(url):
                self.assertEqual(
                    self.count(url + "per_page=1"), self.count(url + "per_page=100")
                )

    def test_detail_query_count_does_not_grow_with_children(self):
        one = self.count(f"/api/services/{self.services[0].pk}")
        for _n in range(5):
            make_phone(service=self.services[0])
        self.assertEqual(one, self.count(f"/api/services/{self.services[0].pk}"))


class DocsTests(TestCase):
    def test_schema_and_docs_are_served_from_our_static_files(self):
        schema = self.client.get("/api/schema/")
        self.assertEqual(schema.status_code, 200)
        document = schema.json()
        self.assertTrue(document["openapi"].startswith("3."))
        self.assertIn("/services", document["paths"])
        docs = self.client.get("/api/docs/")
        self.assertEqual(docs.status_code, 200)
        html = docs.content.decode()
        self.assertNotIn("<script>", html)
        self.assertNotIn("<style", html)
        self.assertNotIn("//cdn", html)
        self.assertIn("/static/drf_spectacular_sidecar/swagger-ui-dist/", html)
        script = self.client.get("/api/docs/?script=")
        self.assertEqual(script.status_code, 200)
        self.assertIn("/api/schema/", script.content.decode())


def tag_taxonomy():
    from resources import taxonomies

    return taxonomies.ACCESS_ID


def uuid_of_example_term():
    return "3f7b145d-84af-42d7-8fae-eaca714b02b2"


__all__ = ["Metadata"]
