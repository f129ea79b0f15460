"""Taxonomies, their terms, and the attributes that apply terms to records."""

from django.db import models
from django.db.models import Q
from django.db.models.fields.related_descriptors import (
    ForwardManyToOneDescriptor,
    ReverseManyToOneDescriptor,
)
from django.db.models.lookups import Exact
from django.db.models.sql.where import AND, WhereNode
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .base import HSDSModel, required_text_constraint, tracked_history


class Taxonomy(HSDSModel):
    name = models.CharField(max_length=255)
    description = models.TextField()
    uri = models.URLField(max_length=500, blank=True, default="")
    version = models.CharField(max_length=50, blank=True, default="")

    history = tracked_history()

    class Meta:
        verbose_name_plural = "taxonomies"
        ordering = ["name"]
        constraints = [
            required_text_constraint("taxonomy", "name"),
            required_text_constraint("taxonomy", "description"),
        ]

    def __str__(self):
        return self.name


class TermQuerySet(models.QuerySet):
    def categories(self) -> "TermQuerySet":
        """The directory's own categories (other taxonomies may reuse codes)."""
        from ..taxonomies import CATEGORIES_ID

        return self.filter(taxonomy_detail_id=CATEGORIES_ID)

    def category_tree(self, codes) -> "TermQuerySet":
        """The categories with these codes and their sub-categories."""
        return self.categories().filter(Q(code__in=codes) | Q(parent__code__in=codes))


class TaxonomyTerm(HSDSModel):
    code = models.CharField(
        max_length=100,
        blank=True,
        default="",
        help_text=_(
            "Unique within its taxonomy; the directory's own terms use it as "
            "the URL slug."
        ),
    )
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    taxonomy = models.CharField(max_length=255, blank=True, default="")
    language = models.CharField(max_length=10, blank=True, default="")
    taxonomy_detail = models.ForeignKey(
        Taxonomy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_column="taxonomy_id",
        related_name="terms",
    )
    term_uri = models.URLField(max_length=500, blank=True, default="")

    objects = TermQuerySet.as_manager()
    history = tracked_history()

    class Meta:
        ordering = ["name"]
        constraints = [
            required_text_constraint("taxonomy_term", "name"),
            required_text_constraint("taxonomy_term", "description"),
            # HSDS: a term is its code within its taxonomy. Taxonomies
            # from other systems may reuse the shipped codes ("health").
            models.UniqueConstraint(
                fields=["taxonomy_detail", "code"],
                condition=~Q(code="") & Q(taxonomy_detail__isnull=False),
                name="taxonomy_term_code_unique",
                violation_error_message=_(
                    "Another term of this taxonomy already has this code."
                ),
            ),
            models.UniqueConstraint(
                fields=["taxonomy", "code"],
                condition=~Q(code="") & Q(taxonomy_detail__isnull=True),
                name="taxonomy_term_named_code_unique",
                violation_error_message=_(
                    "Another term of this taxonomy already has this code."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("resources:category-detail", args=[self.code])


def delete_linked_attributes(collector, field, sub_objs, using):
    """Cascade a record's deletion to its own attributes, not another table's."""
    models.CASCADE(collector, field, sub_objs.filter(link_entity=field.entity), using)


class LinkedAttributesDescriptor(ReverseManyToOneDescriptor):
    """`service.attributes`: only the attributes whose link_entity is "service"."""

    @cached_property
    def related_manager_cls(self):
        entity = self.field.entity
        base = super().related_manager_cls

        class LinkedAttributesManager(base):
            def _apply_rel_filters(self, queryset):
                return super()._apply_rel_filters(queryset).filter(link_entity=entity)

            def get_prefetch_querysets(self, instances, querysets=None):
                queryset = querysets[0] if querysets else self.model._base_manager.all()
                return super().get_prefetch_querysets(
                    instances, [queryset.filter(link_entity=entity)]
                )

        return LinkedAttributesManager


class LinkedRecordDescriptor(ForwardManyToOneDescriptor):
    """`attribute.service`: the service, or None when the link is to another table."""

    def get_object(self, instance):
        if instance.link_entity != self.field.entity:
            return None
        return self.get_queryset(instance=instance).filter(pk=instance.link_id).first()

    def __set__(self, instance, value):
        # The link is link_entity + link_id. A bare id handed back (as
        # django-simple-history does when it rebuilds an old version) says
        # nothing they do not; only a record is assigned.
        if isinstance(value, self.field.remote_field.model):
            super().__set__(instance, value)


class EntityLink(models.ForeignObject):
    """A read-only relation from an attribute to the record it describes.

    HSDS links an attribute to any table through `link_entity` + `link_id`.
    This virtual relation (no column of its own) joins `link_id` to one
    model's primary key and adds `link_entity = <entity>` to every join, so
    that `Service.objects.filter(attributes__taxonomy_term=...)` is a single
    indexed join and `prefetch_related("attributes")` works.
    """

    forward_related_accessor_class = LinkedRecordDescriptor
    related_accessor_class = LinkedAttributesDescriptor

    def __init__(self, to, *, entity: str, related_name: str, **kwargs):
        self.entity = entity
        kwargs.update(
            on_delete=delete_linked_attributes,
            from_fields=["link_id"],
            to_fields=["id"],
            related_name=related_name,
            editable=False,
            null=True,
            blank=True,
        )
        super().__init__(to, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key in (
            "on_delete",
            "from_fields",
            "to_fields",
            "editable",
            "null",
            "blank",
        ):
            kwargs.pop(key, None)
        kwargs["entity"] = self.entity
        return name, path, args, kwargs

    def get_extra_restriction(self, alias, related_alias):
        field = self.model._meta.get_field("link_entity")
        return WhereNode([Exact(field.get_col(related_alias), self.entity)], AND)


class AttributeQuerySet(models.QuerySet):
    def for_entity(self, entity: str) -> "AttributeQuerySet":
        """Return attributes that describe records of one HSDS table."""
        return self.filter(link_entity=entity)


class Attribute(HSDSModel):
    """Applies a taxonomy term to any HSDS record (`link_entity` + `link_id`)."""

    link_id = models.UUIDField(db_index=False)
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attributes",
    )
    link_type = models.CharField(max_length=100, blank=True, default="")
    link_entity = models.CharField(max_length=50)
    value = models.TextField(blank=True, default="")
    label = models.CharField(max_length=255, blank=True, default="")

    service = EntityLink(
        "resources.Service", entity="service", related_name="attributes"
    )
    organization = EntityLink(
        "resources.Organization", entity="organization", related_name="attributes"
    )
    location = EntityLink(
        "resources.Location", entity="location", related_name="attributes"
    )

    objects = AttributeQuerySet.as_manager()
    history = tracked_history(excluded_fields=["service", "organization", "location"])

    class Meta:
        constraints = [required_text_constraint("attribute", "link_entity")]
        indexes = [
            models.Index(fields=["link_entity", "link_id"], name="attribute_link_idx"),
            models.Index(
                fields=["taxonomy_term", "link_entity", "link_id"],
                name="attribute_term_link_idx",
            ),
        ]

    def __str__(self):
        return f"{self.taxonomy_term} → {self.link_entity} {self.link_id}"


def _directory_terms():
    from ..taxonomies import ACCESS_ID, CATEGORIES_ID

    return {"taxonomy_detail_id__in": [CATEGORIES_ID, ACCESS_ID]}


class TermMapping(models.Model):
    """A crosswalk entry: a term of another taxonomy shown as one of ours.

    Services imported with another system's taxonomy (AIRS/211 LA, Open
    Eligibility, ...) carry its terms; a mapping lists them under the
    directory's category or access term too, on the public pages and in
    search. Their own terms stay on them, and in the HSDS exports.
    """

    external = models.ForeignKey(
        TaxonomyTerm,
        on_delete=models.CASCADE,
        related_name="mappings",
        verbose_name=_("their term"),
    )
    term = models.ForeignKey(
        TaxonomyTerm,
        on_delete=models.CASCADE,
        related_name="mapped_from",
        limit_choices_to=_directory_terms,
        verbose_name=_("shown as"),
    )

    history = tracked_history()

    class Meta:
        verbose_name = _("crosswalk entry")
        verbose_name_plural = _("crosswalk")
        ordering = ["external__taxonomy_detail__name", "external__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["external", "term"],
                name="term_mapping_unique",
                violation_error_message=_("This term is already mapped there."),
            )
        ]

    def __str__(self):
        return f"{self.external} → {self.term}"

    def clean(self):
        from django.core.exceptions import ValidationError

        from ..taxonomies import ACCESS_ID, CATEGORIES_ID

        ours = (CATEGORIES_ID, ACCESS_ID)
        errors = {}
        if self.external_id and self.external.taxonomy_detail_id in ours:
            errors["external"] = _("This is already one of the directory's terms.")
        if self.term_id and self.term.taxonomy_detail_id not in ours:
            errors["term"] = _(
                "Choose one of the directory's categories or access terms."
            )
        if errors:
            raise ValidationError(errors)
