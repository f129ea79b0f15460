"""HSDS metadata: a flat log of what changed, for exchange with other systems."""

from django.db import models

from .base import HSDSModel


class Metadata(HSDSModel):
    resource_id = models.UUIDField(null=True, blank=True)
    resource_type = models.CharField(max_length=50, blank=True, default="")
    last_action_date = models.DateTimeField()
    last_action_type = models.CharField(max_length=50)
    field_name = models.CharField(max_length=100, blank=True, default="")
    previous_value = models.TextField(blank=True, default="")
    replacement_value = models.TextField(blank=True, default="")
    updated_by = models.CharField(max_length=255)

    class Meta:
        verbose_name_plural = "metadata"
        ordering = ["-last_action_date"]
        indexes = [
            models.Index(
                fields=["resource_type", "resource_id"], name="metadata_resource_idx"
            )
        ]

    def __str__(self):
        return f"{self.last_action_type} {self.resource_type} {self.field_name}"
