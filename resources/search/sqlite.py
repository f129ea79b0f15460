"""SQLite: an FTS5 table of the entries' documents, ranked by weighted bm25.

The table keeps its own copy of each document (rowid = entry id): `store`
writes it with the entry, and a trigger deletes it with the entry, so
cascades reach it too. `INSTALL` is idempotent; `rebuild_index` runs it
again, which also repairs the trigger should a migration rebuild the entry
table (SQLite drops a table's triggers with it). Changing the table's shape
needs a migration that runs `UNINSTALL`, then `INSTALL`.
"""

from collections import defaultdict

from django.db import connections
from django.db.models import FloatField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Length

from ..models import SearchEntry, SearchEntryFTS, SearchWord
from . import facets
from .documents import FIELDS, Document
from .query import All, Any, Node, Phrase, Words

TABLE = "resources_searchentry_fts"
ENTRIES = "resources_searchentry"
# bm25 weights of the document's fields, like PostgreSQL's A, B, C, D.
WEIGHTS = (10.0, 5.0, 2.0, 1.0)

_columns = ", ".join(FIELDS)

INSTALL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5({_columns}, "
    "tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_delete AFTER DELETE ON {ENTRIES} "
    f"BEGIN DELETE FROM {TABLE} WHERE rowid = old.id; END",
    # The `rank` column then gives the weighted score (lower is better).
    f"INSERT INTO {TABLE}({TABLE}, rank) "
    f"VALUES ('rank', 'bm25({', '.join(map(str, WEIGHTS))})')",
]
UNINSTALL = [
    f"DROP TRIGGER IF EXISTS {TABLE}_delete",
    f"DROP TABLE IF EXISTS {TABLE}",
]


def _match(node: Node) -> str:
    # Words hold only letters and digits (see query.words), so quoting each
    # one makes it a plain FTS5 string: no operator, column filter or prefix.
    match node:
        case Words(found):
            quoted = " AND ".join(f'"{word}"' for word in found)
            return f"({quoted})"
        case Phrase(found):
            return '"' + " ".join(found) + '"'
        case Any(children):
            return "(" + " OR ".join(map(_match, children)) + ")"
        case All(children):
            return "(" + " AND ".join(map(_match, children)) + ")"
    raise TypeError(node)


def _matches(node: Node) -> QuerySet:
    return SearchEntryFTS.objects.filter(document__match=_match(node))


def text_condition(node: Node) -> Q:
    """Match the services whose entry's document matches `node`."""
    return Q(search_entry__in=_matches(node).values("entry_id"))


def rank(nodes: list[Node]):
    """Return how well each service's text matches any of `nodes`, in [0, 1).

    bm25 is negative, better when lower: -bm25 / (1 - bm25) scales it as
    PostgreSQL's normalised rank. Services found otherwise rank 0.
    """
    score = Subquery(
        _matches(Any(tuple(nodes)) if len(nodes) > 1 else nodes[0])
        .filter(entry_id=OuterRef("search_entry"))
        .values("bm25")[:1],
        output_field=FloatField(),
    )
    return Coalesce(-score / (1.0 - score), 0.0, output_field=FloatField())


def matching(node: Node) -> QuerySet:
    """Return the entries that match `node`."""
    return SearchEntry.objects.filter(pk__in=_matches(node).values("entry_id"))


def store(documents: dict[object, Document], using: str) -> None:
    """Write the entries of these services (id: document) and their documents."""
    SearchEntry.objects.using(using).bulk_create(
        [SearchEntry(service_id=pk) for pk in documents], ignore_conflicts=True
    )
    entries = dict(
        SearchEntry.objects.using(using)
        .filter(service_id__in=list(documents))
        .values_list("service_id", "pk")
    )
    rows = [(entries[pk], *document.texts()) for pk, document in documents.items()]
    with connections[using].cursor() as cursor:
        cursor.executemany(
            f"DELETE FROM {TABLE} WHERE rowid = %s", [row[:1] for row in rows]
        )
        cursor.executemany(
            f"INSERT INTO {TABLE}(rowid, {_columns}) VALUES (%s, %s, %s, %s, %s)", rows
        )


def filter_facets(
    queryset: QuerySet, *, any_of: list[facets.Facet], all_of: list[facets.Facet]
) -> QuerySet:
    """Filter on the HSDS tables: fast enough at SQLite's scale, nothing to index."""
    if any_of:
        queryset = queryset.filter(facets.condition(any_of))
    for facet in all_of:
        queryset = queryset.filter(facets.condition([facet]))
    return queryset


def known(found: set[str], using: str) -> set[str]:
    """Return those of the words that some indexed service matches (stemmed)."""
    found = sorted(found)
    if not found:
        return set()
    exists = f"EXISTS (SELECT 1 FROM {TABLE} WHERE {TABLE} MATCH %s)"
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join([exists] * len(found)), [f'"{w}"' for w in found]
        )
        row = cursor.fetchone()
    return {word for word, hit in zip(found, row, strict=True) if hit}


def candidates(found: set[str], using: str) -> dict[str, list[str]]:
    """Return, for each word, the vocabulary words that could be near it.

    `query.closest` scores them (rapidfuzz, in C); SQLite can only narrow
    them down by length: at the cutoffs used, a word half or twice as long
    is never close enough.
    """
    shortest = min(map(len, found)) // 2
    longest = max(map(len, found)) * 2
    vocabulary = (
        SearchWord.objects.using(using)
        .alias(length=Length("word"))
        .filter(length__range=(shortest, longest))
        .values_list("word", flat=True)
    )
    by_length = defaultdict(list)
    for word in vocabulary:
        by_length[len(word)].append(word)
    return {
        word: [
            near
            for length in range(len(word) // 2, len(word) * 2 + 1)
            for near in by_length[length]
        ]
        for word in found
    }


def install(using: str) -> None:
    """Create the FTS5 table and its triggers where missing."""
    with connections[using].cursor() as cursor:
        for statement in INSTALL:
            cursor.execute(statement)


def rebuilt(using: str) -> None:
    """Drop documents whose entry is gone, compact the index, refresh statistics.

    Without statistics SQLite guesses that few services are published and
    may probe the full-text index once per service instead of reading its
    matches: ANALYZE lets it start from the FTS5 table.
    """
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE rowid NOT IN (SELECT id FROM {ENTRIES})"
        )
        cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")
        cursor.execute("ANALYZE")
