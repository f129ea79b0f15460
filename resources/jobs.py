"""Long work off the request: imports, exports and the duplicates scan as jobs.

The admin queues a `Job` (`queue`); the task worker (`manage.py worker`)
runs it (`run`), reporting each step through `Progress`, which also stops
the work when a caseworker cancels. An import cancelled before its commit
writes nothing. The job keeps its report (`summary`) and its file, in
`settings.DIRECTORY_JOB_DIR`, private: only the admin serves them.
"""

import datetime as dt
import logging
import time
from contextlib import suppress
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

# Steps are stored in English and translated where they are shown.
from django.utils.translation import gettext_noop

from .models import Job

logger = logging.getLogger(__name__)


class Cancelled(Exception):
    """A caseworker cancelled the job."""


def job_dir() -> Path:
    folder = Path(settings.DIRECTORY_JOB_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def queue(kind: str, *, user, options: dict, upload=None) -> Job:
    """Create a job, keep its uploaded file, and hand it to the worker on commit."""
    from .tasks import run_job

    job = Job.objects.create(kind=kind, requested_by=user, options=options)
    if upload is not None:
        # Under its own name, which the import's report and its reading of
        # the file's kind go by, in the job's own folder.
        name = f"{job.pk}/{get_valid_filename(Path(upload.name).name)}"
        (job_dir() / name).parent.mkdir()
        with open(job_dir() / name, "wb") as stored:
            for chunk in upload.chunks():
                stored.write(chunk)
        job.input_file = name
        job.save(update_fields=["input_file"])
    transaction.on_commit(lambda: run_job.enqueue(str(job.pk)))
    return job


def cancel(job: Job) -> bool:
    """Ask the worker to stop `job`; return False if it has already finished."""
    if job.finished:
        return False
    if job.status == Job.Status.QUEUED:
        finished = Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
            status=Job.Status.CANCELLED,
            cancel_requested=True,
            finished_at=timezone.now(),
            step=gettext_noop("Cancelled before it started."),
        )
        if finished:
            return True
    Job.objects.filter(pk=job.pk).update(cancel_requested=True)
    return True


# Job files (reports, staff exports with confidential addresses) are kept
# this long after the job ends, then deleted by the worker's chores.
KEEP_FILES = dt.timedelta(days=7)


def prune(*, keep: dt.timedelta = KEEP_FILES) -> int:
    """Delete the files of jobs that ended more than `keep` ago; return how many."""
    old = Job.objects.filter(finished_at__lt=timezone.now() - keep).exclude(
        output_file=""
    )
    pruned = 0
    for job in old:
        (job_dir() / job.output_file).unlink(missing_ok=True)
        job.output_file = ""
        job.save(update_fields=["output_file"])
        pruned += 1
    return pruned


class Progress:
    """Say where a job stands, at most once a second; stop it when cancelled.

    Called as `progress(step, done, total)`. Past the point of no return
    (an import after its commit) pass `cancellable=False`. Inside a
    transaction (an import's write pass) it only reads: a write there would
    be seen by nobody until the commit, and would hold the job's row, so
    that a caseworker's Cancel would wait for the very work it stops.
    """

    every_seconds = 1.0

    def __init__(self, job_id):
        self.job_id = job_id
        self.last = 0.0
        self.step = None

    def __call__(
        self,
        step: str,
        done: int = 0,
        total: int | None = None,
        *,
        cancellable: bool = True,
    ) -> None:
        now = time.monotonic()
        if step == self.step and now - self.last < self.every_seconds:
            return
        self.step, self.last = step, now
        if not transaction.get_connection().in_atomic_block:
            Job.objects.filter(pk=self.job_id).update(
                step=str(step)[:200], done=done, total=total
            )
        if (
            cancellable
            and Job.objects.filter(pk=self.job_id, cancel_requested=True).exists()
        ):
            raise Cancelled


def run(job_id) -> str:
    """Run a queued job to its end; return its status."""
    started = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING, started_at=timezone.now()
    )
    job = Job.objects.filter(pk=job_id).first()
    if job is None or not started:  # gone, cancelled, or run already
        return job.status if job else "missing"
    progress = Progress(job.pk)
    try:
        RUNNERS[job.kind](job, progress)
    except Cancelled:
        job.status = Job.Status.CANCELLED
        job.step = (
            gettext_noop("Cancelled: nothing was written.")
            if job.kind == (Job.Kind.IMPORT)
            else gettext_noop("Cancelled.")
        )
    except Exception as error:  # noqa: BLE001 - the job records any failure
        logger.exception("Job %s failed", job.pk)
        job.status = Job.Status.FAILED
        job.error = f"{type(error).__name__}: {error}"[:2000]
        job.step = (
            gettext_noop("Failed: nothing was written.")
            if job.kind == (Job.Kind.IMPORT)
            else gettext_noop("Failed.")
        )
    else:
        job.status = Job.Status.DONE
    finally:
        if job.input_file:
            upload = job_dir() / job.input_file
            upload.unlink(missing_ok=True)
            with suppress(OSError):
                upload.parent.rmdir()
    job.finished_at = timezone.now()
    job.cancel_requested = (
        Job.objects.filter(pk=job.pk).values_list("cancel_requested", flat=True).first()
        or False
    )
    job.save()
    return job.status


# The kinds of work ------------------------------------------------------------


def run_import(job: Job, progress: Progress) -> None:
    from .hsds.importer import import_hsds

    options = job.options
    user = job.requested_by
    report = import_hsds(
        job_dir() / job.input_file,
        dry_run=options.get("dry_run", True),
        lenient=options.get("lenient", False),
        skip_invalid=options.get("skip_invalid", False),
        # The change log is published: it names the import, not the person
        # (who stays in the job and in each record's staff history).
        updated_by="import_hsds",
        user=user,
        progress=progress,
    )
    report.source = options.get("file_name", report.source)
    job.summary = report.as_summary()
    if report.issues:
        name = f"{job.pk}-report.csv"
        report.write_csv(job_dir() / name)
        job.output_file, job.output_name = name, "import-report.csv"
    job.step = (
        gettext_noop("Nothing was imported: the file has errors.")
        if not report.ok
        else gettext_noop("Dry run: no error found, nothing was written.")
        if report.dry_run
        else gettext_noop("Imported.")
    )


def run_export(job: Job, progress: Progress) -> None:
    from .hsds import exporter

    kind = job.options.get("format", "csv")
    public = job.options.get("scope", "public") == "public"
    stamp = timezone.localtime(job.created_at).strftime("%Y%m%d-%H%M")
    suffix = {"csv": "zip"}.get(kind, kind)
    name = f"{job.pk}-export.{suffix}"
    path = job_dir() / name
    if kind == "csv":
        counts = exporter.export_csv(
            path,
            public=public,
            for_spreadsheets=job.options.get("for_spreadsheets", False),
            progress=progress,
        )
        services = counts.get("services.csv", 0)
    else:
        services = exporter.export_json(
            path, public=public, ndjson=kind == "ndjson", progress=progress
        )
    job.output_file = name
    job.output_name = f"hsds-{'public' if public else 'all'}-{stamp}.{suffix}"
    job.summary = {"services": services}
    job.step = gettext_noop("Ready to download.")


STEPS = {
    "organization": gettext_noop("Comparing organizations"),
    "service": gettext_noop("Comparing services"),
}


def run_duplicates(job: Job, progress: Progress) -> None:
    from .duplicates import find_duplicates

    threshold = job.options.get("threshold")
    found = {}
    kinds = job.options.get("kinds", ["organization", "service"])
    for done, kind in enumerate(kinds):
        progress(STEPS[kind], done, len(kinds))
        found[kind] = [
            {
                "first": str(candidate.first.pk),
                "second": str(candidate.second.pk),
                "reasons": [str(reason) for reason in candidate.reasons],
                "score": candidate.score,
            }
            for candidate in find_duplicates(kind, threshold=threshold)
        ]
    job.summary = {"threshold": threshold, "candidates": found}
    job.step = gettext_noop("Scan finished.")


RUNNERS = {
    Job.Kind.IMPORT: run_import,
    Job.Kind.EXPORT: run_export,
    Job.Kind.DUPLICATES: run_duplicates,
}
