"""Building blocks shared by every HSDS model."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..texts import too_long, translations_problem


class HSDSModel(models.Model):
    """An HSDS object: a UUID primary key named `id`, as the spec requires."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


def listing_languages() -> list[str]:
    """Return the languages listing text is written in, the base one first.

    The base language (`LANGUAGE_CODE`) is in the model fields themselves;
    the others (`DIRECTORY_LANGUAGES`) in each object's `translations`.
    """
    codes = [code for code, _name in settings.DIRECTORY_LANGUAGES]
    return [settings.LANGUAGE_CODE, *(c for c in codes if c != settings.LANGUAGE_CODE)]


class Translatable(models.Model):
    """An object whose public text is kept in several languages.

    `translated_fields` names the text fields people read. Their text in the
    base language stays in those fields; the other languages' text is in
    `translations`, {"es": {"description": "..."}}: one JSON column, which
    history, exports and the queue carry like any other field, and which a
    new language in `DIRECTORY_LANGUAGES` needs no migration for.
    """

    translated_fields: tuple[str, ...] = ()

    translations = models.JSONField(
        _("translations"),
        blank=True,
        default=dict,
        help_text=_("The listing's text in other languages, by language code."),
    )

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude=exclude)
        if exclude and "translations" in exclude:
            return
        limits = {
            field: self._meta.get_field(field).max_length
            for field in self.translated_fields
        }
        if problem := translations_problem(
            self.translations, self.translated_fields
        ) or too_long(self.translations, limits):
            raise ValidationError({"translations": problem})

    def translated(self, field: str, language: str) -> tuple[str, str]:
        """Return (text, its language) of `field` to show in `language`.

        The text in `language` where there is one, else the base text.
        """
        if language != settings.LANGUAGE_CODE:
            text = (self.translations or {}).get(language, {}).get(field, "")
            if isinstance(text, str) and text.strip():
                return text, language
        return getattr(self, field), settings.LANGUAGE_CODE


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
