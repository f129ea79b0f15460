"""Organizations and what hangs off them directly (HSDS organization cluster)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import HSDSModel, Translatable, required_text_constraint, tracked_history


class Organization(Translatable, HSDSModel):
    translated_fields = ("name", "alternate_name", "description")

    name = models.CharField(_("name"), max_length=255)
    alternate_name = models.CharField(
        _("alternate name"), max_length=255, blank=True, default=""
    )
    description = models.TextField(_("description"))
    email = models.EmailField(_("email"), blank=True, default="")
    website = models.URLField(_("website"), max_length=500, blank=True, default="")
    tax_status = models.CharField(max_length=100, blank=True, default="")
    tax_id = models.CharField(max_length=100, blank=True, default="")
    year_incorporated = models.PositiveSmallIntegerField(null=True, blank=True)
    legal_status = models.CharField(max_length=100, blank=True, default="")
    logo = models.URLField(max_length=500, blank=True, default="")
    uri = models.URLField(max_length=500, blank=True, default="")
    parent_organization = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="child_organizations",
    )

    history = tracked_history()

    class Meta:
        ordering = ["name"]
        constraints = [
            required_text_constraint("organization", "name"),
            required_text_constraint("organization", "description"),
        ]
        indexes = [models.Index(fields=["name"], name="organization_name_idx")]
        permissions = [
            ("merge_organization", _("Can merge duplicate organizations")),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("resources:organization-detail", args=[self.pk])


class OrganizationIdentifier(HSDSModel):
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="organization_identifiers"
    )
    identifier_scheme = models.CharField(max_length=100, blank=True, default="")
    identifier_type = models.CharField(max_length=100)
    identifier = models.CharField(max_length=255)

    history = tracked_history()

    class Meta:
        constraints = [
            required_text_constraint("organization_identifier", "identifier_type"),
            required_text_constraint("organization_identifier", "identifier"),
        ]

    def __str__(self):
        return f"{self.identifier_type}: {self.identifier}"


class Program(HSDSModel):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="programs",
    )
    name = models.CharField(max_length=255)
    alternate_name = models.CharField(max_length=255, blank=True, default="")
    description = models.TextField()

    history = tracked_history()

    class Meta:
        ordering = ["name"]
        constraints = [
            required_text_constraint("program", "name"),
            required_text_constraint("program", "description"),
        ]

    def __str__(self):
        return self.name


class Funding(HSDSModel):
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="funding",
    )
    service = models.ForeignKey(
        "resources.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="funding",
    )
    source = models.TextField(blank=True, default="")

    history = tracked_history()

    def __str__(self):
        return self.source[:60]


class Url(HSDSModel):
    """An additional website of an organization or a service."""

    label = models.CharField(max_length=255, blank=True, default="")
    url = models.URLField(max_length=500)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="additional_websites",
    )
    service = models.ForeignKey(
        "resources.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="additional_urls",
    )

    history = tracked_history()

    class Meta:
        constraints = [required_text_constraint("url", "url")]

    def __str__(self):
        return self.label or self.url
