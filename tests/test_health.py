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
@pytest.mark.parametrize(
    "part, target, method, error",
    [
        ("database", connection, "cursor", OperationalError("connection refused")),
        ("cache", cache, "set", ConnectionError("Redis is down")),
    ],
)
def test_a_part_that_does_not_answer_fails_the_check(
    client, monkeypatch, part, target, method, error
):
    def refuse(*args, **kwargs):
        raise error

    monkeypatch.setattr(target, method, refuse)

    response = client.get(URL)

    assert response.status_code == 503
    other = {"database": "cache", "cache": "database"}[part]
    assert response.json() == {"status": "failing", part: "failing", other: "ok"}
