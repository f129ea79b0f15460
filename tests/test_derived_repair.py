"""Derived rows cannot go stale for good: a missed rebuild is found and done.

The rebuild of the search index and opening windows runs after the commit;
if the process dies in between, the listing is saved but not searchable.
The note written with the change lets `repair` (run by the worker and by
`manage.py repair_derived`) put it right.
"""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from resources import derived
from resources.hsds import exporter
from resources.hsds.importer import import_hsds
from resources.models import SearchEntry, Service, StaleService
from resources.search import search_services

from .factories import make_service

NOW = dt.timedelta(0)
ROOT = Path(__file__).resolve().parents[1]


def found(word: str) -> set[str]:
    return set(
        search_services(Service.objects.published(), word).values_list(
            "name", flat=True
        )
    )


class Crash(Exception):
    """The rebuild failing after the commit (a lost connection, a bug)."""


class Killed(BaseException):
    """The process dying between the commit and the rebuild."""


def crashing_rebuild(*args, **kwargs):
    raise Crash


def dying_rebuild(*args, **kwargs):
    raise Killed


@pytest.fixture
def crash_after_commit(db, django_capture_on_commit_callbacks):
    """Save as the admin does, in a transaction whose rebuild is lost."""

    def save(**fields):
        with (
            mock.patch.object(derived, "refresh_services", crashing_rebuild),
            django_capture_on_commit_callbacks(execute=True),
            transaction.atomic(),
        ):
            make_service(**fields)  # saved, as far as the caseworker can tell

    return save


def test_a_rebuild_lost_after_the_commit_is_repaired(crash_after_commit):
    crash_after_commit(name="Harbor night shelter")

    assert Service.objects.filter(name="Harbor night shelter").exists()
    assert found("harbor") == set()  # saved, but missing from search
    assert StaleService.objects.count() == 1

    assert derived.repair(grace=NOW) == 1

    assert found("harbor") == {"Harbor night shelter"}
    assert not StaleService.objects.exists()
    assert derived.out_of_step(grace=NOW) == []


def test_a_caseworker_whose_rebuild_fails_still_sees_the_edit_saved(
    caseworker_client, django_capture_on_commit_callbacks
):
    from .test_admin import form_data

    service = make_service(name="Harbor night shelter")
    url = f"/admin/resources/service/{service.pk}/change/"
    data = form_data(caseworker_client.get(url)) | {"name": "Harbor day shelter"}
    with (
        mock.patch.object(derived, "refresh_services", crashing_rebuild),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = caseworker_client.post(url, data)

    assert response.status_code == 302  # saved, no error page
    service.refresh_from_db()
    assert service.name == "Harbor day shelter"
    derived.repair(grace=NOW)
    assert found("day") == {"Harbor day shelter"}


def test_a_fresh_note_is_left_to_its_own_transaction(crash_after_commit):
    crash_after_commit(name="Harbor night shelter")

    assert derived.repair() == 0  # within the grace period
    assert StaleService.objects.count() == 1


def test_a_successful_save_leaves_no_note(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        service = make_service(name="Harbor night shelter")
        service.description = "Beds for the night."
        service.save()

    assert not StaleService.objects.exists()
    assert found("harbor") == {"Harbor night shelter"}


def test_a_save_outside_a_transaction_leaves_no_note(transactional_db):
    make_service(name="Harbor night shelter")

    assert not StaleService.objects.exists()
    assert found("harbor") == {"Harbor night shelter"}


def test_an_import_killed_after_its_commit_is_repaired(db, tmp_path):
    make_service(name="Harbor night shelter")
    make_service(name="Harbor food pantry")
    package = tmp_path / "package.zip"
    exporter.export_csv(package, public=False)
    Service.objects.all().delete()

    with (
        mock.patch.object(derived, "refresh_services", dying_rebuild),
        pytest.raises(Killed),
    ):
        import_hsds(package)

    assert Service.objects.count() == 2
    assert found("harbor") == set()

    call_command("repair_derived", grace=0)

    assert found("harbor") == {"Harbor night shelter", "Harbor food pantry"}
    assert not StaleService.objects.exists()


def test_an_import_whose_rebuild_fails_says_so_and_is_repaired(db, tmp_path):
    make_service(name="Harbor night shelter")
    package = tmp_path / "package.zip"
    exporter.export_csv(package, public=False)
    Service.objects.all().delete()

    with mock.patch.object(derived, "refresh_services", crashing_rebuild):
        report = import_hsds(package)

    assert report.committed and report.ok
    assert any("left to the worker's repair" in line for line in report.lines())
    derived.repair(grace=NOW)
    assert found("harbor") == {"Harbor night shelter"}


def test_repair_finds_rows_lost_or_left_without_any_note(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        kept = make_service(name="Harbor night shelter")
        hidden = make_service(name="Harbor food pantry")
    # Writes that skip the rebuild: an entry deleted, a service unpublished
    # by a bulk update.
    SearchEntry.objects.filter(service=kept).delete()
    Service.objects.filter(pk=hidden.pk).update(
        publication_status=Service.Publication.DRAFT
    )
    assert found("harbor") == set()
    assert SearchEntry.objects.filter(service=hidden).exists()

    assert derived.out_of_step() == []  # just changed: maybe being rebuilt
    assert set(derived.out_of_step(grace=NOW)) == {kept.pk, hidden.pk}
    assert derived.repair(grace=NOW) == 2

    assert found("harbor") == {"Harbor night shelter"}
    assert not SearchEntry.objects.filter(service=hidden).exists()


def test_the_rolling_audit_rebuilds_rows_deleted_by_hand(
    db, django_capture_on_commit_callbacks, settings
):
    from resources.models import OpeningWindow

    from .factories import make_schedule, run_worker

    settings.DIRECTORY_AUDIT_BATCH = 2
    with django_capture_on_commit_callbacks(execute=True):
        services = [make_service(name=f"Harbor {n}") for n in range(3)]
        for service in services:
            make_schedule(service=service)
    assert OpeningWindow.objects.count() > 0
    OpeningWindow.objects.all().delete()  # no note, no change to any service
    SearchEntry.objects.all().delete()
    assert derived.out_of_step() == []  # too recent for the repair

    run_worker()  # two services
    run_worker()  # the third
    run_worker()  # the end: starts over

    assert {w.service_id for w in OpeningWindow.objects.all()} == {
        s.pk for s in services
    }
    assert found("harbor") == {"Harbor 0", "Harbor 1", "Harbor 2"}


KILL_AFTER_COMMIT = """
import os, django
django.setup()
from django.db import transaction
from tests.factories import make_service
with transaction.atomic():
    # Runs first among the commit's callbacks, before the rebuild.
    transaction.on_commit(lambda: os._exit(9))
    make_service(name="Harbor night shelter")
"""


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a second process needs a server"
)
def test_a_process_killed_between_commit_and_rebuild(transactional_db):
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    environment = os.environ | {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "directory.settings",
    }

    killed = subprocess.run(
        [sys.executable, "-c", KILL_AFTER_COMMIT],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        timeout=120,
    )

    assert killed.returncode == 9, killed.stderr.decode()[-2000:]
    assert Service.objects.filter(name="Harbor night shelter").exists()
    assert found("harbor") == set()

    call_command("repair_derived", grace=0)

    assert found("harbor") == {"Harbor night shelter"}
