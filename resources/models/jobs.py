"""Long work run off the request by the task worker, and what it reports.

An import (or its dry run), a staff export and the duplicates scan each
become a `Job`: queued by the admin, run by `manage.py worker`, followed on
the job's page (step, done of total), cancellable until it finishes, its
report and its file kept. The task queue itself is django-tasks-db's; the
job is what a caseworker sees of it.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import choices_constraint


class JobKind(models.TextChoices):
    IMPORT = "import", _("HSDS import")
    EXPORT = "export", _("HSDS export")
    DUPLICATES = "duplicates", _("Duplicates scan")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED = (JobStatus.DONE, JobStatus.FAILED, JobStatus.CANCELLED)


class Job(models.Model):
    Kind = JobKind
    Status = JobStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=JobKind)
    status = models.CharField(
        _("status"), max_length=20, choices=JobStatus, default=JobStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # What was asked: the import's file name and switches, the export's format.
    options = models.JSONField(default=dict, blank=True)
    # Where it stands: "Checking rows", 1200 of 5000.
    step = models.CharField(_("step"), max_length=200, blank=True, default="")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    # Files in settings.DIRECTORY_JOB_DIR: the upload, and the result.
    input_file = models.CharField(max_length=300, blank=True, default="")
    output_file = models.CharField(max_length=300, blank=True, default="")
    output_name = models.CharField(max_length=200, blank=True, default="")
    # The outcome: the import report's lines, the duplicates found.
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background job")
        constraints = [
            choices_constraint("job", "kind", JobKind),
            choices_constraint("job", "status", JobStatus),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))
