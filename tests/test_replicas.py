"""Public pages read from replicas; the admin, forms and every write use the primary."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from resources.models import Service
from resources.replicas import ReplicaReadsMiddleware, ReplicaRouter, replica_reads

REPLICAS = ["replica1", "replica2"]
router = ReplicaRouter()


def test_marked_reads_go_to_a_replica_and_writes_never_do(settings):
    settings.DIRECTORY_REPLICAS = REPLICAS

    assert router.db_for_read(Service) == "default"
    with replica_reads():
        assert router.db_for_read(Service) in REPLICAS
        assert router.db_for_write(Service) == "default"
    assert router.db_for_read(Service) == "default"
    assert router.allow_migrate("default", "resources")
    assert not router.allow_migrate("replica1", "resources")


def test_without_replicas_everything_reads_the_primary(settings):
    settings.DIRECTORY_REPLICAS = []
    with replica_reads():
        assert router.db_for_read(Service) == "default"


def reads_from(request) -> str:
    """Return where the request's reads go, as the middleware lets them."""
    seen = []

    def view(request):
        seen.append(router.db_for_read(Service))
        return HttpResponse()

    ReplicaReadsMiddleware(view)(request)
    return seen[0]


class SignedIn:
    is_authenticated = True


@pytest.mark.parametrize(
    "method, path, user, expected",
    [
        ("get", "/services/?q=food", AnonymousUser(), "replica"),
        ("head", "/es/", AnonymousUser(), "replica"),
        ("get", "/api/services", AnonymousUser(), "replica"),
        (
            "post",
            "/services/00000000-0000-0000-0000-000000000000/report/",
            AnonymousUser(),
            "default",
        ),
        ("get", "/admin/resources/service/", AnonymousUser(), "default"),
        ("get", "/services/", SignedIn(), "default"),
    ],
)
def test_only_a_public_read_by_someone_not_signed_in_uses_a_replica(
    settings, method, path, user, expected
):
    settings.DIRECTORY_REPLICAS = REPLICAS
    request = getattr(RequestFactory(), method)(path)
    request.user = user

    where = reads_from(request)

    assert (where in REPLICAS) == (expected == "replica"), where


def test_a_mirrored_replica_serves_the_public_and_not_the_admin(tmp_path):
    """Run tests/test_replica_mirror.py with a replica alias mirroring `default`."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'primary.sqlite3'}",
        "DATABASE_REPLICA_URLS": f"sqlite:///{tmp_path / 'replica.sqlite3'}",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_replica_mirror.py",
        ],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "2 passed" in result.stdout
