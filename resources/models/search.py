"""The keyword search index, and the vocabulary caseworkers maintain for it.

The index is derived data (see `resources.derived`): one `SearchEntry` per
public service, rebuilt by `resources.search.index_services`, so the Service
table keeps its HSDS shape. PostgreSQL searches the entry's stored tsvector;
SQLite an FTS5 table keyed by the entry's id (`SearchEntryFTS`). The texts
themselves are not kept in the entry: a narrow row is what lets a broad word
rank its thousands of matches quickly.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, GistIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.db.models.lookups import Lookup
from django.utils.translation import gettext_lazy as _

from .base import required_text_constraint, tracked_history


class _PlainIndexElsewhere:
    """Build the PostgreSQL index type on PostgreSQL, a plain index elsewhere.

    SQLite has neither GIN nor GiST (it searches through FTS5); building an
    ordinary index there keeps one set of migrations, and SQLite's table
    rebuilds, working.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        return models.Index.create_sql(self, model, schema_editor, **kwargs)


class PostgresGinIndex(_PlainIndexElsewhere, GinIndex):
    pass


class PostgresGistIndex(_PlainIndexElsewhere, GistIndex):
    pass


class FacetKeysField(ArrayField):
    """PostgreSQL: an array of facet keys. Elsewhere an unused NULL column."""

    def __init__(self, **kwargs):
        kwargs.setdefault("base_field", models.TextField())
        super().__init__(**kwargs)

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return super().db_type(connection)
        return "text"

    def get_placeholder_sql(self, value, compiler, connection):
        if connection.vendor == "postgresql":
            return super().get_placeholder_sql(value, compiler, connection)
        return "%s", (value,)


class SearchEntry(models.Model):
    """One public service in the search index.

    Its document (see `resources.search.documents`) is weighted: A the
    service's names, B its organization's and categories' names, C its
    description and eligibility, D the languages spoken.
    """

    service = models.OneToOneField(
        "resources.Service",
        on_delete=models.CASCADE,
        related_name="search_entry",
    )
    # PostgreSQL only (NULL elsewhere): the weighted document.
    vector = SearchVectorField(null=True, editable=False)
    # PostgreSQL only (NULL elsewhere): its categories, access terms and
    # languages as keys such as "language:es" (see `resources.search.facets`).
    facets = FacetKeysField(null=True, editable=False)

    class Meta:
        verbose_name_plural = "search entries"
        indexes = [
            PostgresGinIndex(fields=["vector"], name="search_entry_vector_idx"),
            PostgresGinIndex(fields=["facets"], name="search_entry_facets_idx"),
        ]

    def __str__(self):
        return str(self.service_id)


class FullTextMatch(Lookup):
    """`column MATCH expression`, SQLite's full-text operator."""

    lookup_name = "match"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", (*lhs_params, *rhs_params)


class FullTextField(models.TextField):
    """The hidden column of an FTS5 table that bears the table's own name."""


FullTextField.register_lookup(FullTextMatch)


class SearchEntryFTS(models.Model):
    """SQLite only: the FTS5 table of the entries' documents (see `search.sqlite`).

    Its rowid is the entry's id; a trigger drops a row with its entry.
    Mapped here only so that searches can join it
    (`search_entry__fts__document__match=...`) and read its bm25 `rank`;
    nothing writes through this model.
    """

    entry = models.OneToOneField(
        SearchEntry,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        related_name="fts",
    )
    document = FullTextField(db_column="resources_searchentry_fts")
    bm25 = models.FloatField(db_column="rank")

    class Meta:
        managed = False
        db_table = "resources_searchentry_fts"

    def __str__(self):
        return str(self.pk)


class SearchWord(models.Model):
    """A word that occurs in the index: the vocabulary that typos are fixed from.

    Words are only added as services are indexed; a word that no longer
    occurs is never offered, because every correction is checked against
    the index first, and `rebuild_index` starts the vocabulary afresh.
    """

    word = models.CharField(max_length=64, unique=True)

    class Meta:
        indexes = [
            # GiST rather than GIN: the planner trusts its estimates for
            # `%` and it can order by trigram distance.
            PostgresGistIndex(
                fields=["word"],
                opclasses=["gist_trgm_ops"],
                name="search_word_trgm_idx",
            )
        ]

    def __str__(self):
        return self.word


class SynonymGroup(models.Model):
    """Words and phrases that mean the same thing: any member finds the others.

    Members are separated by commas. A member of several words matches them
    anywhere in a listing; one in double quotes matches that exact phrase.
    """

    members = models.CharField(
        _("words that mean the same"),
        max_length=500,
        help_text=_(
            "Separate the members with commas, e.g. dentist, dental, teeth, "
            "dentista. Put a phrase that must appear word for word in quotes, "
            'e.g. "legal aid".'
        ),
    )

    history = tracked_history()

    class Meta:
        verbose_name = _("synonym group")
        ordering = ["members"]
        constraints = [
            models.CheckConstraint(
                condition=Q(members__contains=","),
                name="synonym_group_members_several",
                violation_error_message=_(
                    "Give at least two members, separated by commas."
                ),
            ),
        ]

    def __str__(self):
        return self.members


class AliasLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")


class ConceptAlias(models.Model):
    """A phrase people use for a category or access term: "evicted" → Housing.

    A search that contains the phrase also finds the term's services (and a
    category's sub-categories'), ranked below services that match the words.
    """

    term = models.ForeignKey(
        "resources.TaxonomyTerm",
        on_delete=models.CASCADE,
        related_name="aliases",
        verbose_name=_("category or access term"),
    )
    phrase = models.CharField(
        _("people search for"),
        max_length=100,
        help_text=_(
            "A lay word, slang, abbreviation, misspelling or situation, "
            "e.g. evicted, couch surfing, desalojo."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=AliasLanguage,
        default=AliasLanguage.ENGLISH,
    )

    history = tracked_history()

    class Meta:
        verbose_name = _("concept alias")
        verbose_name_plural = _("concept aliases")
        ordering = ["term__name", "phrase"]
        constraints = [
            required_text_constraint("concept_alias", "phrase"),
            models.CheckConstraint(
                condition=Q(language__in=AliasLanguage.values),
                name="concept_alias_language_valid",
            ),
            models.UniqueConstraint(
                "term",
                Lower("phrase"),
                name="concept_alias_unique",
                violation_error_message=_("This term already has this alias."),
            ),
        ]

    def __str__(self):
        return f"{self.phrase} → {self.term}"
