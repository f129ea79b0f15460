"""A database outage shows people a calm page, never an error trace."""

from unittest import mock

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
