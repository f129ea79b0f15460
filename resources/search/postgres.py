"""PostgreSQL: a stored, weighted tsvector with a GIN index; pg_trgm for typos."""

import json

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections
from django.db.models import F, Q, QuerySet, Value

from ..models import SearchEntry, SearchWord
from .documents import FIELDS, Document
from .facets import Facet
from .query import All, Any, Node, Phrase, Words

CONFIG = "english"
CANDIDATES = 20

# The document's fields, by weight: see `SearchEntry`.
_WEIGHTED = " || ".join(
    f"setweight(to_tsvector('{CONFIG}', document.{field}), '{weight}')"
    for field, weight in zip(FIELDS, "ABCD", strict=True)
)
# Facet keys travel as JSON: an array of arrays cannot be unnested.
_UPSERT = f"""
    INSERT INTO {SearchEntry._meta.db_table} (service_id, vector, facets)
    SELECT
        document.service_id,
        {_WEIGHTED},
        ARRAY(SELECT jsonb_array_elements_text(document.facets::jsonb))
    FROM unnest(%s::uuid[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[])
        AS document(service_id, {", ".join(FIELDS)}, facets)
    ON CONFLICT (service_id)
    DO UPDATE SET vector = excluded.vector, facets = excluded.facets
"""


def _tsquery(node: Node) -> str:
    # Words hold only letters and digits (see query.words): written into
    # to_tsquery's syntax they are plain operands, never operators.
    match node:
        case Words(found):
            return "(" + " & ".join(found) + ")"
        case Phrase(found):
            return "(" + " <-> ".join(found) + ")"
        case Any(children):
            return "(" + " | ".join(map(_tsquery, children)) + ")"
        case All(children):
            return "(" + " & ".join(map(_tsquery, children)) + ")"
    raise TypeError(node)


def _query(node: Node) -> SearchQuery:
    """Return `node` as one tsquery: stemmed, stop words dropped.

    One expression however many synonyms a query has, rather than a tree
    of them: Django copies a query's expressions each time it refines it.
    """
    return SearchQuery(_tsquery(node), search_type="raw", config=CONFIG)


def text_condition(node: Node) -> Q:
    """Match the services whose entry matches `node`."""
    return Q(search_entry__vector=_query(node))


def rank(nodes: list[Node]):
    """Return how well each service's text matches any of `nodes`, in [0, 1)."""
    query = _query(Any(tuple(nodes)) if len(nodes) > 1 else nodes[0])
    # Normalization 32 scales the rank as rank / (rank + 1).
    return SearchRank(F("search_entry__vector"), query, normalization=Value(32))


def matching(node: Node) -> QuerySet:
    """Return the entries that match `node`."""
    return SearchEntry.objects.filter(vector=_query(node))


def store(documents: dict[object, Document], using: str) -> None:
    """Write the entries of these services (id: document), vectors computed.

    One statement, and each row written once: a narrow table without dead
    rows is what keeps ranking thousands of matches fast.
    """
    if not documents:
        return
    texts = zip(*(document.texts() for document in documents.values()), strict=True)
    facets = [
        json.dumps(sorted(facet.key for facet in document.facets))
        for document in documents.values()
    ]
    with connections[using].cursor() as cursor:
        cursor.execute(_UPSERT, [list(documents), *map(list, texts), facets])


def filter_facets(
    queryset: QuerySet, *, any_of: list[Facet], all_of: list[Facet]
) -> QuerySet:
    """Filter by the entries' indexed facet keys (see `facets`)."""
    if any_of:
        keys = sorted(facet.key for facet in any_of)
        queryset = queryset.filter(search_entry__facets__overlap=keys)
    if all_of:
        keys = sorted(facet.key for facet in all_of)
        queryset = queryset.filter(search_entry__facets__contains=keys)
    return queryset


def known(found: set[str], using: str) -> set[str]:
    """Return those of the words that some indexed service matches (stemmed)."""
    found = sorted(found)
    if not found:
        return set()
    exists = (
        f"EXISTS (SELECT 1 FROM {SearchEntry._meta.db_table} "
        f"WHERE vector @@ plainto_tsquery('{CONFIG}', %s))"
    )
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join([exists] * len(found)), found)
        row = cursor.fetchone()
    return {word for word, hit in zip(found, row, strict=True) if hit}


def candidates(found: set[str], using: str) -> dict[str, list[str]]:
    """Return, for each word, the vocabulary words nearest it by trigrams.

    One query: the GiST index walks the vocabulary nearest first (pg_trgm's
    distance), so however far the nearest are, they are found.
    """
    table = SearchWord._meta.db_table
    nearest = {word: [] for word in found}
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"""
            SELECT typed.word, near.word
            FROM unnest(%s::text[]) AS typed(word)
            CROSS JOIN LATERAL (
                SELECT vocabulary.word FROM {table} AS vocabulary
                ORDER BY vocabulary.word <-> typed.word, vocabulary.word
                LIMIT {CANDIDATES}
            ) AS near
            """,
            [sorted(found)],
        )
        for word, candidate in cursor.fetchall():
            nearest[word].append(candidate)
    return nearest


def install(using: str) -> None:
    """Nothing to do: the migrations built the column and its index."""


def rebuilt(using: str) -> None:
    """Nothing to do: vectors are written with their entries."""
