"""Bad input is never a 500: generated values in every parameter of every list.

For the search page (each filter of the FilterSet, plus page), the other
public pages and the report form, and each list and record of the HSDS API
(each parameter of its serializer, plus paging, and any id), Hypothesis
draws combinations of hostile values — out-of-range and malformed dates,
numbers and ids, NUL bytes, control and right-to-left characters, very long
text — and every answer must be a page, a 400 or a 404, never a server error.
"""

import urllib.parse

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resources.api import params
from resources.filters import ServiceFilter

from .factories import link, make_location, make_service, tag

EDGES = [
    "",
    " ",
    "0",
    "-1",
    "1e309",
    "-1e309",
    "nan",
    "inf",
    "9" * 400,
    "0x10",
    "true",
    "on",
    "null",
    "[]",
    "{}",
    "%00",
    "\x00",
    "a\x00b",
    "\u202eevil",
    "😀" * 50,
    "0000-00-00",
    "0001-01-01T00:00+14:00",
    "9999-12-31T23:59-12:00",
    "2024-02-30",
    "2024-13-01T25:61:61",
    "10000-01-01",
    "1969-12-31T23:59:59.999999999999Z",
    "00000000-0000-0000-0000-000000000000",
    "not-a-uuid",
    "{00000000-0000-0000-0000-000000000000}",
    "06110",
    "West Hartford",
    "99999",
    "-91,181",
    "41.76,-72.74",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "emergency-shelter",
    "free",
    "es",
]
VALUES = st.one_of(
    st.sampled_from(EDGES),
    st.text(max_size=300),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.lists(st.sampled_from(EDGES), min_size=2, max_size=3),
)

PAGE_PARAMETERS = sorted({*ServiceFilter.base_filters, "page"})
API_LISTS = {
    "/api/services": params.ServiceParameters,
    "/api/organizations": params.OrganizationParameters,
    "/api/taxonomies": params.ListParameters,
    "/api/taxonomy_terms": params.TaxonomyTermParameters,
    "/api/service_at_locations": params.ServiceAtLocationParameters,
}


def queries(names):
    return st.dictionaries(st.sampled_from(names), VALUES, min_size=1, max_size=4)


@pytest.fixture
def directory(db):
    service = make_service(name="Harbor night shelter")
    link(service, make_location(name="Harbor house"))
    tag(service, "emergency-shelter")
    return service


HOSTILE = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# For the tests that try several URLs with each example.
HOSTILE_MANY = settings(HOSTILE, max_examples=20)


def assert_no_server_error(url, query, *, method="get", allowed=(200, 400, 404)):
    response = getattr(Client(), method)(url, query)
    assert response.status_code in allowed, (url, query, response.status_code)


@HOSTILE
@given(query=queries(PAGE_PARAMETERS))
def test_the_search_page_answers_any_filters(directory, query):
    assert_no_server_error("/services/", query)
    assert_no_server_error("/es/services/", query)


@pytest.mark.parametrize("url", sorted(API_LISTS))
def test_each_api_list_answers_any_parameters(directory, url):
    names = sorted({*API_LISTS[url]().fields, "page", "per_page"})

    @HOSTILE
    @given(query=queries(names))
    def check(query):
        assert_no_server_error(url, query)

    check()


@HOSTILE_MANY
@given(query=queries([*PAGE_PARAMETERS, "s"]), ids=st.lists(VALUES, max_size=3))
def test_every_public_page_answers_any_query(directory, query, ids):
    pk = directory.pk
    organization = directory.organization_id
    query = query | {"s": ",".join(map(str, ids))}
    for url in (
        "/",
        "/categories/emergency-shelter/",
        "/es/categories/emergency-shelter/",
        "/list/",
        f"/services/{pk}/",
        f"/organizations/{organization}/",
        "/browse-safely/",
    ):
        assert_no_server_error(url, query)


@HOSTILE
@given(
    form=st.dictionaries(
        st.sampled_from(["problem", "message", "correction", "contact", "website"]),
        VALUES,
        max_size=5,
    )
)
def test_the_report_form_answers_any_post(directory, form):
    assert_no_server_error(
        f"/services/{directory.pk}/report/",
        form,
        method="post",
        allowed=(200, 302, 400, 429),
    )


@HOSTILE_MANY
@given(segment=VALUES, query=queries(["full_service", "full", "format", "page"]))
def test_each_api_detail_answers_any_id(directory, segment, query):
    for collection in API_LISTS:
        segment_text = segment if isinstance(segment, str) else ",".join(segment)
        url = f"{collection}/{urllib.parse.quote(segment_text, safe='') or 'x'}"
        assert_no_server_error(url, query)
    assert_no_server_error(f"/api/services/{directory.pk}", query)
    assert_no_server_error(f"/api/organizations/{directory.organization_id}", query)


@pytest.fixture
def administrator(db):
    from resources import roles

    from .factories import make_staff

    client = Client()
    client.force_login(make_staff(role=roles.ADMINISTRATORS))
    return client


@HOSTILE_MANY
@given(
    fields=st.dictionaries(
        st.sampled_from(
            ["format", "scope", "for_spreadsheets", "dry_run", "lenient", "threshold"]
        ),
        VALUES,
        max_size=4,
    ),
    upload=st.binary(max_size=2000),
    name=st.sampled_from(["feed.json", "feed.ndjson", "feed.zip", "feed.exe", ""]),
)
def test_the_job_forms_answer_anything(administrator, fields, upload, name):
    """Import, export, the duplicates scan and password reset: never a 500."""
    import io

    file = io.BytesIO(upload)
    file.name = name or "x"
    posts = {
        "/admin/hsds/import/": fields | {"file": file},
        "/admin/hsds/export/": fields,
        "/admin/caseworkers/duplicates/": fields,
        "/admin/password_reset/": {"email": str(fields.get("format", ""))},
    }
    for url, data in posts.items():
        response = administrator.post(url, data)
        assert response.status_code in (200, 302, 400), (url, response.status_code)
    for segment in map(str, fields.values()):
        quoted = urllib.parse.quote(segment, safe="") or "x"
        for view in ("change", "download"):
            response = administrator.get(f"/admin/resources/job/{quoted}/{view}/")
            assert response.status_code in (200, 302, 404), (quoted, view)
