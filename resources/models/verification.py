"""Verification: the logged checks that keep each listing true."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .base import HSDSModel, choices_constraint

# A clock a few minutes fast on another server is not a lie.
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)


class VerificationMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    EMAIL = "email", _("Email")
    VISIT = "visit", _("Site visit")
    ORGANIZATION = "organization", _("The organization's own update")


class VerificationOutcome(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed: the listing is right")
    UPDATED = "updated", _("Updated: the listing was corrected")
    UNREACHABLE = "unreachable", _("Could not reach them")


class Verification(HSDSModel):
    """One check of a listing with its provider: who, when, how, what came of it.

    An append-only log, so it keeps no history of its own: entries are
    never edited, and a wrong one is answered by a newer one.
    """

    Method = VerificationMethod
    Outcome = VerificationOutcome
    # Outcomes that vouch for the listing and so set its HSDS assured_date.
    ASSURING = (Outcome.CONFIRMED, Outcome.UPDATED)

    service = models.ForeignKey(
        "resources.Service",
        on_delete=models.CASCADE,
        related_name="verifications",
        verbose_name=_("service"),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("when"), default=timezone.now)
    method = models.CharField(_("how"), max_length=20, choices=Method)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome)
    notes = models.TextField(_("notes"), blank=True, default="")

    class Meta:
        ordering = ["-verified_at"]
        constraints = [
            choices_constraint("verification", "method", VerificationMethod),
            choices_constraint("verification", "outcome", VerificationOutcome),
        ]
        indexes = [
            models.Index(
                fields=["service", "-verified_at"], name="verification_service_idx"
            )
        ]

    def __str__(self):
        return f"{self.service} · {self.get_outcome_display()}"

    def clean(self):
        if self.verified_at and self.verified_at > timezone.now() + FUTURE_TOLERANCE:
            raise ValidationError(
                {"verified_at": _("A verification cannot be in the future.")}
            )

    @property
    def assures(self) -> bool:
        return self.outcome in self.ASSURING
