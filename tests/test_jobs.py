"""Long work runs as background jobs: progress, cancel, report, file, roles.

The admin pages queue a job; `manage.py worker` runs it. These tests drive
the real queue (django-tasks-db) with the worker run once in-process.
"""

import json

import pytest
from django.db import connection
from django.urls import reverse

from resources import jobs, roles
from resources.hsds import exporter, published
from resources.hsds.importer import import_hsds
from resources.models import Job, Service

from .factories import make_service, make_staff, run_worker
from .hsds.helpers import table_dump


@pytest.fixture
def administrator(client, db):
    client.force_login(make_staff(role=roles.ADMINISTRATORS))
    return client


@pytest.fixture
def package(db, tmp_path):
    """A CSV package of three services, then the directory emptied."""
    for name in ("Harbor night shelter", "Harbor food pantry", "Harbor clinic"):
        make_service(name=name)
    path = tmp_path / "harbor.zip"
    exporter.export_csv(path, public=False)
    Service.objects.all().delete()
    return path


def queue_import(client, path, capture, **fields) -> Job:
    with capture(execute=True), open(path, "rb") as upload:
        response = client.post(reverse("hsds-import"), {"file": upload, **fields})
    job = Job.objects.latest("created_at")
    assert response.status_code == 302
    assert response.url == reverse("admin:resources_job_change", args=[job.pk])
    return job


def test_an_import_reports_each_step(package):
    steps = []

    def progress(step, done=0, total=None, *, cancellable=True):
        steps.append((step, cancellable))

    report = import_hsds(package, progress=progress)

    assert report.committed
    seen = list(dict.fromkeys(steps))
    assert seen == [
        ("Checking rows", True),
        ("Writing (all or nothing)", True),
        ("Saving", True),  # the last moment a cancel stops it all
        ("Updating search and opening hours", False),  # past the commit
    ]


def test_the_job_page_follows_an_import_to_its_end(
    administrator, package, django_capture_on_commit_callbacks
):
    job = queue_import(administrator, package, django_capture_on_commit_callbacks)
    page = administrator.get(reverse("admin:resources_job_change", args=[job.pk]))
    assert "Waiting for the worker" in page.text
    assert 'http-equiv="refresh"' in page.text
    assert "Cancel this job" in page.text

    run_worker()

    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert job.step == "Imported."
    assert job.summary["committed"] and job.summary["ok"]
    assert Service.objects.count() == 3
    page = administrator.get(reverse("admin:resources_job_change", args=[job.pk]))
    assert "services.csv: 3 created" in page.text
    assert 'http-equiv="refresh"' not in page.text
    assert not (jobs.job_dir() / job.input_file).exists()  # the upload goes


class CancelWhen:
    """A Progress that a caseworker cancels once the import reaches `step`."""

    real = jobs.Progress

    def __init__(self, job, step):
        self.progress, self.step, self.job = self.real(job.pk), step, job

    def __call__(self, step, done=0, total=None, *, cancellable=True):
        if step == self.step:
            jobs.cancel(Job.objects.get(pk=self.job.pk))
        self.progress(step, done, total, cancellable=cancellable)


@pytest.mark.parametrize("step", ["Checking rows", "Writing (all or nothing)"])
def test_a_cancelled_import_writes_nothing(
    administrator, package, django_capture_on_commit_callbacks, monkeypatch, step
):
    job = queue_import(administrator, package, django_capture_on_commit_callbacks)
    monkeypatch.setattr(jobs, "Progress", lambda pk: CancelWhen(job, step))
    before = table_dump()

    run_worker()

    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert job.step == "Cancelled: nothing was written."
    assert table_dump() == before
    assert Service.objects.count() == 0


def test_a_job_cancelled_before_it_starts_never_runs(
    administrator, package, django_capture_on_commit_callbacks
):
    job = queue_import(administrator, package, django_capture_on_commit_callbacks)
    response = administrator.post(reverse("admin:resources_job_cancel", args=[job.pk]))
    assert response.status_code == 302

    run_worker()

    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert Service.objects.count() == 0
    # Cancelling a finished job says so and changes nothing.
    administrator.post(reverse("admin:resources_job_cancel", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED


def test_a_failing_job_is_recorded_not_raised(
    administrator, package, django_capture_on_commit_callbacks, monkeypatch
):
    job = queue_import(administrator, package, django_capture_on_commit_callbacks)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setitem(jobs.RUNNERS, Job.Kind.IMPORT, broken)
    run_worker()

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "disk full" in job.error
    page = administrator.get(reverse("admin:resources_job_change", args=[job.pk]))
    assert page.status_code == 200 and "disk full" in page.text


def test_jobs_belong_to_who_asked(
    administrator, package, django_capture_on_commit_callbacks, client
):
    job = queue_import(administrator, package, django_capture_on_commit_callbacks)
    run_worker()
    other = make_staff()
    client.force_login(other)

    page = client.get(reverse("admin:resources_job_change", args=[job.pk]))
    assert page.status_code == 302  # not found among their jobs
    assert (
        client.get(reverse("admin:resources_job_download", args=[job.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("admin:resources_job_cancel", args=[job.pk])).status_code
        == 404
    )


def test_the_worker_publishes_the_public_export_when_data_changes(db, client):
    make_service(name="Harbor night shelter")
    draft = make_service(name="Secret draft", publication_status="draft")
    assert client.get("/api/export/").status_code == 503  # not made yet

    run_worker()

    index = client.get("/api/export/").json()
    assert index["services"] == 1
    assert {entry["name"] for entry in index["files"]} == {
        "services.ndjson",
        "hsds.zip",
    }
    response = client.get("/api/export/services.ndjson")
    assert response["Content-Type"] == "application/x-ndjson"
    assert response["X-Generated-At"] == index["generated_at"]
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert [json.loads(line)["name"] for line in lines] == ["Harbor night shelter"]
    assert "Secret draft" not in b"".join(
        client.get("/api/export/hsds.zip").streaming_content
    ).decode("latin-1")

    generated = index["generated_at"]
    run_worker()  # nothing changed: the files stay
    assert client.get("/api/export/").json()["generated_at"] == generated
    draft.publication_status = Service.Publication.PUBLISHED
    draft.save()
    run_worker()
    assert client.get("/api/export/").json()["services"] == 2
    assert client.get("/api/export/nothing.txt").status_code == 404


def test_a_large_ndjson_request_is_never_built_live(
    db, client, settings, django_capture_on_commit_callbacks
):
    settings.DIRECTORY_API_STREAM_LIMIT = 2
    with django_capture_on_commit_callbacks(execute=True):  # indexed
        for word in ("alpha", "beta", "gamma"):
            make_service(name=f"Harbor {word}")

    # Before the worker has made the file: come back shortly.
    response = client.get("/api/services?format=ndjson")
    assert response.status_code == 503 and int(response["Retry-After"]) > 0
    # Filtered, with more matches than the limit: say how to narrow it.
    response = client.get("/api/services?format=ndjson&q=harbor")
    assert response.status_code == 400
    assert "/api/export/" in response.json()["format"][0]
    # Within the limit, live as before.
    response = client.get("/api/services?format=ndjson&q=gamma")
    assert response.status_code == 200

    published.publish()
    response = client.get("/api/services?format=ndjson&per_page=1")
    assert response.status_code == 200
    assert "X-Generated-At" in response
    assert len(b"".join(response.streaming_content).splitlines()) == 3


def test_job_files_are_deleted_after_a_week(
    administrator, package, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):
        administrator.post(reverse("hsds-export"), {"format": "csv", "scope": "staff"})
    run_worker()
    job = Job.objects.get(kind=Job.Kind.EXPORT)
    path = jobs.job_dir() / job.output_file
    assert path.exists()

    Job.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=8)
    )
    run_worker()

    assert not path.exists()
    job.refresh_from_db()
    assert job.output_file == ""
    page = administrator.get(reverse("admin:resources_job_change", args=[job.pk]))
    assert "job-download" not in page.text


SLOW_WORKER = """
import sys, time, django
django.setup()
from resources import jobs
from resources.hsds import importer
flush = importer._Importer.flush
def slow_flush(self, table_name):
    time.sleep(0.3)
    return flush(self, table_name)
importer._Importer.flush = slow_flush
print(jobs.run(sys.argv[1]))
"""


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a second process needs a server"
)
def test_cancel_during_the_write_pass_is_heard_at_once(transactional_db, tmp_path):
    """The worker in its own process, the caseworker's Cancel from here."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    for n in range(20):
        make_service(name=f"Harbor service {n}")
    archive = tmp_path / "harbor.zip"
    exporter.export_csv(archive, public=False)
    Service.objects.all().delete()
    job = Job.objects.create(kind=Job.Kind.IMPORT, options={"dry_run": False})
    (jobs.job_dir() / str(job.pk)).mkdir()
    job.input_file = f"{job.pk}/harbor.zip"
    (jobs.job_dir() / job.input_file).write_bytes(archive.read_bytes())
    job.save()
    db = connection.settings_dict
    worker = subprocess.Popen(
        [sys.executable, "-c", SLOW_WORKER, str(job.pk)],
        cwd=Path(__file__).resolve().parents[1],
        env=os.environ
        | {
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}",
            "DIRECTORY_JOB_DIR": str(jobs.job_dir()),
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while Job.objects.get(pk=job.pk).step != "Writing (all or nothing)":
        assert time.monotonic() < deadline and worker.poll() is None, worker.stderr
        time.sleep(0.1)

    started = time.monotonic()
    assert jobs.cancel(Job.objects.get(pk=job.pk))
    waited = time.monotonic() - started
    out, errors = worker.communicate(timeout=120)

    assert waited < 1, "Cancel waited for the import's transaction"
    assert out.strip() == "cancelled", errors[-2000:]
    assert Job.objects.get(pk=job.pk).status == Job.Status.CANCELLED
    assert Service.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "options", "expected"),
    [
        (Job.Kind.EXPORT, {"format": "csv", "scope": "public"}, "services.csv"),
        (Job.Kind.EXPORT, {"format": "ndjson", "scope": "staff"}, "services"),
        (Job.Kind.DUPLICATES, {"threshold": 90}, "Comparing services"),
    ],
)
def test_exports_and_scans_report_their_progress(
    db, monkeypatch, django_capture_on_commit_callbacks, kind, options, expected
):
    make_service(name="Harbor night shelter")
    heard = []

    class Recording(jobs.Progress):
        def __call__(self, step, done=0, total=None, **kwargs):
            heard.append((step, done, total))
            super().__call__(step, done, total, **kwargs)

    monkeypatch.setattr(jobs, "Progress", Recording)
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.queue(kind, user=make_staff(), options=options)
    run_worker()

    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    assert any(step == expected and total for step, _done, total in heard), heard
