"""Bad input is never a 500: generated values in every parameter of every list.

For the search page (each filter of the FilterSet, plus page) and each list
of the HSDS API (each parameter of its serializer, plus paging), Hypothesis
draws combinations of hostile values — out-of-range and malformed dates,
numbers and ids, NUL bytes, control and right-to-left characters, very long
text — and every answer must be a page or a 400, never a server error.
"""

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


HOSTILE = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def assert_no_server_error(url, query):
    response = Client().get(url, query)
    assert response.status_code in (200, 400, 404), (url, query, response.status_code)


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
