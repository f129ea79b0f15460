"""With a read replica configured: who reads where, on real connections.

Skipped in the main run; `test_replicas.py` runs it in a process whose
`DATABASE_REPLICA_URLS` adds `replica1`, a test mirror of `default`.
"""

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .factories import make_service

pytestmark = [
    pytest.mark.skipif(
        settings.DIRECTORY_REPLICAS != ["replica1"],
        reason="needs one replica (test_replicas.py runs this with one)",
    ),
    pytest.mark.django_db(transaction=True, databases=["default", "replica1"]),
]


def selects(captured) -> list[str]:
    return [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")
    ]


def test_a_public_page_reads_only_the_replica(client):
    service = make_service(name="Harbor crisis line")  # written to the primary

    with (
        CaptureQueriesContext(connections["replica1"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        response = client.get(service.get_absolute_url())

    assert response.status_code == 200
    assert "Harbor crisis line" in response.text
    assert selects(replica)
    assert selects(primary) == []


def test_the_admin_reads_and_writes_the_primary(admin_client):
    service = make_service(name="Harbor crisis line")
    url = reverse("admin:resources_service_change", args=[service.pk])

    with (
        CaptureQueriesContext(connections["replica1"]) as replica,
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        response = admin_client.get(url)

    assert response.status_code == 200
    assert selects(primary)
    assert replica.captured_queries == []
