"""Corrections the public (and organization editors) suggest for a listing."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .base import (
    HSDSModel,
    choices_constraint,
    required_text_constraint,
    tracked_history,
)


class Problem(models.TextChoices):
    PHONE = "phone", _("The phone number is wrong")
    HOURS = "hours", _("The hours are wrong")
    ADDRESS = "address", _("The address is wrong")
    CLOSED = "closed", _("The service has closed or moved")
    ELIGIBILITY = "eligibility", _("Who it is for or the cost is wrong")
    OTHER = "other", _("Something else")
    # Not offered on the public form: an organization editor's own edit.
    UPDATE = "update", _("An update from the organization")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")


class RequestSource(models.TextChoices):
    PUBLIC = "public", _("Public report")
    EDITOR = "editor", _("Organization editor")
    VERIFICATION = "calls", _("Verification calls")


class ChangeRequestQuerySet(models.QuerySet):
    def open(self) -> "ChangeRequestQuerySet":
        """Return the requests still waiting for a caseworker."""
        return self.filter(status=RequestStatus.OPEN)


class ChangeRequest(HSDSModel):
    """A suggested correction, waiting in the caseworkers' queue.

    The public's reports describe a problem in words. An organization
    editor's edit also carries `proposed_changes`: the field-level
    operations (see `resources.changes`) that accepting it applies.
    """

    Status = RequestStatus
    Source = RequestSource

    # A public report is about a service; an editor's edit may be about a
    # location; either way the organization scopes who may see it.
    service = models.ForeignKey(
        "resources.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="change_requests",
    )
    location = models.ForeignKey(
        "resources.Location",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="change_requests",
    )
    organization = models.ForeignKey(
        "resources.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="change_requests",
    )
    problem = models.CharField(_("what is wrong"), max_length=20, choices=Problem)
    message = models.TextField(_("details"), max_length=2000)
    correction = models.TextField(
        _("the correct information"), max_length=2000, blank=True, default=""
    )
    # Optional, so that a caseworker can ask a question; removed on resolution.
    contact = models.CharField(
        _("how to reach you (optional)"), max_length=200, blank=True, default=""
    )
    source = models.CharField(
        max_length=10, choices=RequestSource, default=RequestSource.PUBLIC
    )
    status = models.CharField(
        max_length=10, choices=RequestStatus, default=RequestStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolution_note = models.TextField(blank=True, default="")
    proposed_changes = models.JSONField(
        _("proposed changes"), default=list, blank=True, editable=False
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )

    objects = ChangeRequestQuerySet.as_manager()
    history = tracked_history()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            choices_constraint("change_request", "problem", Problem),
            choices_constraint("change_request", "status", RequestStatus),
            choices_constraint("change_request", "source", RequestSource),
            required_text_constraint("change_request", "message"),
            models.CheckConstraint(
                condition=Q(service__isnull=False) | Q(location__isnull=False),
                name="change_request_has_listing",
                violation_error_message=_("A change request is about a listing."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "created_at"], name="change_request_queue_idx"
            )
        ]

    def __str__(self):
        return f"{self.get_problem_display()}: {self.listing}"

    def save(self, *args, **kwargs):
        if self.organization_id is None:
            listing = self.service or self.location
            self.organization_id = getattr(listing, "organization_id", None)
        super().save(*args, **kwargs)

    @property
    def listing(self):
        """Return the service or location the request is about."""
        return self.service or self.location

    @property
    def is_open(self) -> bool:
        return self.status == RequestStatus.OPEN
