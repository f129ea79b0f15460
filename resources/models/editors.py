"""Organization editors: staff of a listed organization, bound to it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import tracked_history


class OrganizationMembership(models.Model):
    """Lets one organization editor propose changes to one organization's listings."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organization_memberships",
        verbose_name=_("editor"),
    )
    organization = models.ForeignKey(
        "resources.Organization",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organization"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = tracked_history()

    class Meta:
        verbose_name = _("organization editor")
        verbose_name_plural = _("organization editors")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                name="organization_membership_unique",
                violation_error_message=_(
                    "This person already edits this organization."
                ),
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.organization}"
