"""`/healthz` tells a load balancer whether this server can serve, and nothing more."""

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection

URL = "/healthz"


@pytest.mark.django_db
def test_healthy_when_the_database_and_the_cache_answer(client):
    response = client.get(URL)

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_database_that_does_not_answer_fails_the_check(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get(URL)

    assert response.status_code == 503
    assert response.json()["database"] == "failing"
    assert response.json()["cache"] == "ok"


@pytest.mark.django_db
def test_a_cache_that_does_not_answer_fails_the_check(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(cache, "set", refuse)

    response = client.get(URL)

    assert response.status_code == 503
    assert response.json() == {
        "status": "failing",
        "database": "ok",
        "cache": "failing",
    }
