"""Building blocks shared by every HSDS model."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class HSDSModel(models.Model):
    """An HSDS object: a UUID primary key named `id`, as the spec requires."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


class Channel(models.TextChoices):
    """Through what a change came: set on each history entry."""

    ADMIN = "admin", _("admin")
    QUEUE = "queue", _("corrections queue")
    IMPORT = "import", _("import")
    VERIFICATION = "verification", _("verification")
    MERGE = "merge", _("merge")


class ChannelledHistory(models.Model):
    """The history entry's extra column: which way the change came in."""

    history_channel = models.CharField(
        _("through"), max_length=12, choices=Channel, blank=True, default=""
    )

    class Meta:
        abstract = True


def tracked_history(**options) -> HistoricalRecords:
    """Keep every version of a model, with who, when and through what."""
    return HistoricalRecords(bases=[ChannelledHistory], **options)


def choices_constraint(
    model: str, field: str, choices: type[models.TextChoices], *, blank: bool = False
) -> models.CheckConstraint:
    """Back a TextChoices field with a database check, so no write path skips it."""
    condition = Q(**{f"{field}__in": choices.values})
    if blank:
        condition |= Q(**{field: ""})
    return models.CheckConstraint(
        condition=condition,
        name=f"{model}_{field}_valid",
        violation_error_message=f"{field} must be one of: {', '.join(choices.values)}.",
    )


def required_text_constraint(model: str, field: str) -> models.CheckConstraint:
    """Reject an empty string where HSDS requires a value."""
    return models.CheckConstraint(
        condition=~Q(**{field: ""}),
        name=f"{model}_{field}_required",
        violation_error_message=f"{field} is required.",
    )


class PostgresPartialIndex(models.Index):
    """A partial index on PostgreSQL, a full one elsewhere.

    SQLite uses a partial index only when a query states its condition with
    literal values, and Django binds them as parameters.
    """

    def _get_condition_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super()._get_condition_sql(model, schema_editor)
