"""A database outage, a hung query or a locked table shows a calm page, fast."""

import re
import time
from unittest import mock

import psycopg2
import pytest
from django.db import OperationalError, connection
from django.test import Client

from .factories import make_staff


def database_down():
    """Make every attempt to reach the database fail, as when the server is gone.

    Django calls `ensure_connection()` before each query; once a lost
    connection has been dropped, that is where reconnecting fails.
    """
    outage = OperationalError('connection to server at "db" failed: Connection refused')
    return mock.patch.object(connection, "ensure_connection", side_effect=outage)


@pytest.fixture
def browser(db, settings):
    # An escaped exception becomes the page a visitor would get (with DEBUG
    # on, Django's traceback page) instead of being raised into the test.
    settings.DEBUG = True
    return Client(raise_request_exception=False)


def assert_calm_503(response) -> None:
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert "briefly unavailable" in text
    assert "Traceback" not in text
    assert "OperationalError" not in text
    assert "Connection refused" not in text
    assert "Nothing you sent was saved" in text
    # Works under the site's CSP: no inline style or script, and the way out.
    assert not re.search(r"<style|style=|<script>|onclick=", text)
    assert 'id="quick-exit"' in text


@pytest.mark.parametrize("url", ["/", "/services/"])
def test_public_page_answers_503_when_the_database_is_down(browser, url):
    with database_down() as down:
        response = browser.get(url)

    assert down.called
    assert_calm_503(response)


def test_signing_in_answers_503_when_the_database_is_down(browser):
    with database_down() as down:
        response = browser.post(
            "/admin/login/",
            {"username": "caseworker", "password": "a-long-test-password"},
        )

    assert down.called
    assert_calm_503(response)


def test_signed_in_caseworker_gets_503_in_the_admin(browser):
    browser.force_login(make_staff())

    with database_down() as down:
        response = browser.get("/admin/")

    assert down.called
    assert_calm_503(response)


def test_pages_work_again_once_the_database_is_back(browser):
    with database_down():
        assert browser.get("/").status_code == 503

    assert browser.get("/").status_code == 200


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="time limits are PostgreSQL's"
)


@pytest.fixture
def locked_services(transactional_db, settings):
    """Another session holds every row of the service table, as a stuck job would."""
    settings.DEBUG = True
    params = connection.get_connection_params()
    other = psycopg2.connect(**params)
    other.autocommit = False
    with other.cursor() as cursor:
        cursor.execute("LOCK TABLE resources_service IN ACCESS EXCLUSIVE MODE")
    yield
    other.rollback()
    other.close()
    with connection.cursor() as cursor:  # for the flush that follows
        cursor.execute("RESET statement_timeout; RESET lock_timeout")


@postgresql_only
@pytest.mark.parametrize("limit", ["lock", "statement"])
def test_a_locked_table_gives_the_503_page_within_the_time_limit(
    locked_services, settings, limit
):
    limits = {"statement": 60_000, "lock": 60_000} | {limit: 300}
    settings.DIRECTORY_DB_TIMEOUTS = {"public": limits, "staff": limits}
    started = time.monotonic()

    response = Client(raise_request_exception=False).get("/services/?q=food")

    assert time.monotonic() - started < 10
    assert_calm_503(response)


@postgresql_only
def test_staff_pages_wait_longer_than_public_ones(db, settings):
    settings.DIRECTORY_DB_TIMEOUTS = {
        "public": {"statement": 1234, "lock": 321},
        "staff": {"statement": 56789, "lock": 4321},
    }
    staff = Client()
    staff.force_login(make_staff())

    def limits(client, url):
        seen = {}

        def record(execute, sql, params, many, context):
            result = execute(sql, params, many, context)
            with context["connection"].connection.cursor() as cursor:
                cursor.execute("SHOW statement_timeout")
                seen["statement"] = cursor.fetchone()[0]
                cursor.execute("SHOW lock_timeout")
                seen["lock"] = cursor.fetchone()[0]
            return result

        with connection.execute_wrapper(record):
            assert client.get(url).status_code == 200
        return seen

    assert limits(Client(), "/services/") == {"statement": "1234ms", "lock": "321ms"}
    assert limits(staff, "/admin/") == {"statement": "56789ms", "lock": "4321ms"}


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_limits_set_in_a_transaction_that_rolled_back_are_set_again(settings):
    """A persistent connection keeps its limits, unless a rollback undid them."""
    from django.db import transaction
    from django.http import HttpResponse
    from django.test import RequestFactory

    from resources.middleware import DatabaseTimeoutMiddleware

    settings.DIRECTORY_DB_TIMEOUTS = {
        "public": {"statement": 1234, "lock": 321},
        "staff": {"statement": 56789, "lock": 4321},
    }

    def shown() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            return cursor.fetchone()[0]

    def rolled_back(request):
        with transaction.atomic():  # the request's first statement, inside
            shown()
            transaction.set_rollback(True)
        return HttpResponse()

    seen = []

    def reads(request):
        seen.append(shown())
        return HttpResponse()

    request = RequestFactory().get("/services/")
    connection.close()  # a new connection: no limits yet
    try:
        DatabaseTimeoutMiddleware(rolled_back)(request)  # set, then undone
        DatabaseTimeoutMiddleware(reads)(request)  # so set again
        DatabaseTimeoutMiddleware(reads)(request)  # kept: nothing sent
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET statement_timeout; RESET lock_timeout")
    assert seen == ["1234ms", "1234ms"]
