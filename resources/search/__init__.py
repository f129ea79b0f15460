"""Keyword search over services: one interface, a backend per database.

- `search_services(queryset, text)` filters and ranks services.
- `filter_facets(queryset, any_of=..., all_of=...)` filters by category,
  access term and language (see `facets`).
- `suggest(text)` offers a spelling for a query that found nothing.
- `index_services(ids)` keeps the index in step (`resources.derived` calls it
  on commit); `rebuild_index()` rebuilds everything after bulk loads.

A query is parsed into safe words (see `query`), misspelt words that the
index does not know are replaced by the closest indexed word, synonym
phrases are ORed with the terms caseworkers gave for them, and the result is
compiled for PostgreSQL (`postgres`: tsvector, websearch queries, ts_rank,
pg_trgm) or SQLite (`sqlite`: FTS5, bm25).
"""

from collections.abc import Iterable

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models import FloatField, QuerySet, Value

from ..models import SearchEntry, SearchWord, Service, Synonym
from . import documents, postgres, sqlite
from .facets import Facet
from .query import AUTOCORRECT_CUTOFF, SUGGEST_CUTOFF, Query, Synonyms, closest

__all__ = [
    "Facet",
    "filter_facets",
    "index_services",
    "rebuild_index",
    "search_services",
    "suggest",
]

BATCH_SIZE = 500
# How many near words per typo are checked against the index, best first.
CHECKED_CANDIDATES = 5

_BACKENDS = {"postgresql": postgres, "sqlite": sqlite}


def _backend(using: str):
    vendor = connections[using].vendor
    try:
        return _BACKENDS[vendor]
    except KeyError:
        raise ImproperlyConfigured(f"Search does not support {vendor}.") from None


def _cached(memo: dict | None, key: tuple, compute):
    """Look `key` up in a request's memo, so a page asks the database once.

    The search page first searches, then (on no result) suggests: both need
    the same synonyms and the same word look-ups.
    """
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _synonyms(using: str, memo: dict | None = None) -> Synonyms:
    return _cached(
        memo,
        ("synonyms", using),
        lambda: Synonyms(Synonym.objects.using(using).values_list("phrase", "terms")),
    )


def _corrections(
    query: Query,
    synonyms: Synonyms,
    *,
    using: str,
    cutoff: float,
    memo: dict | None = None,
) -> dict[str, str]:
    """Map each word the index does not know to the closest word it does.

    At most three queries, however many words are misspelt: which words the
    index knows, the vocabulary near the others, which of those are live.
    """
    backend = _backend(using)

    def known(words: set[str]) -> set[str]:
        words = frozenset(words)
        return _cached(
            memo, ("known", using, words), lambda: backend.known(words, using)
        )

    unknown = {w for w in query.correctable_words() if not synonyms.knows(w)}
    if unknown:
        unknown -= known(unknown)
    if not unknown:
        return {}
    nearest = _cached(
        memo,
        ("candidates", using, frozenset(unknown)),
        lambda: backend.candidates(unknown, using),
    )
    ranked = {
        word: closest(
            word,
            [*nearest[word], *synonyms.words],
            cutoff=cutoff,
            limit=CHECKED_CANDIDATES,
        )
        for word in sorted(unknown)
    }
    # A vocabulary word may have left the index since: offer only live ones.
    live = known(
        {c for found in ranked.values() for c in found if not synonyms.knows(c)}
    )
    corrections = {}
    for word, found in ranked.items():
        for candidate in found:
            if candidate in live or synonyms.knows(candidate):
                corrections[word] = candidate
                break
    return corrections


def search_services(
    queryset: QuerySet, text: str, *, memo: dict | None = None
) -> QuerySet:
    """Return the services of `queryset` that match `text`, best first.

    Each carries a float `rank`; ties go by name, then id. Blank text returns
    the queryset unchanged; text with nothing searchable in it matches
    nothing. Never raises on what people type.
    """
    if not text or not text.strip():
        return queryset
    using = queryset.db
    zero = Value(0.0, output_field=FloatField())
    query = Query.parse(text)
    if query.empty:
        return queryset.none().annotate(rank=zero)
    synonyms = _synonyms(using, memo)
    corrections = _corrections(
        query, synonyms, using=using, cutoff=AUTOCORRECT_CUTOFF, memo=memo
    )
    positive, negatives = query.corrected(corrections).nodes(synonyms)
    backend = _backend(using)
    if positive is None:
        # Only exclusions, as in "-shelter": everything else, unranked.
        for node in negatives:
            queryset = queryset.exclude(
                pk__in=backend.matching(node).values("service_id")
            )
        found = queryset.annotate(rank=zero)
    else:
        found = backend.search(queryset, positive, negatives)
    return found.order_by("-rank", "name", "pk")


def filter_facets(
    queryset: QuerySet, *, any_of: Iterable[Facet] = (), all_of: Iterable[Facet] = ()
) -> QuerySet:
    """Return the services of `queryset` with any of `any_of` and all of `all_of`.

    Facets are categories, access terms and languages (see `facets`).
    """
    return _backend(queryset.db).filter_facets(
        queryset, any_of=list(any_of), all_of=list(all_of)
    )


def suggest(text: str, *, memo: dict | None = None) -> str | None:
    """Return `text` with its misspelt words corrected, or None if none is.

    Meant for a query that found nothing: "Did you mean …?". Pass the memo
    given to `search_services` for the same request to save its look-ups.
    """
    query = Query.parse(text or "")
    if query.empty:
        return None
    using = router.db_for_read(Service)
    corrections = _corrections(
        query, _synonyms(using, memo), using=using, cutoff=SUGGEST_CUTOFF, memo=memo
    )
    return query.corrected(corrections).render() if corrections else None


# Indexing --------------------------------------------------------------------


def _add_words(found: set[str]) -> None:
    # Sorted, so that concurrent transactions lock new words in one order.
    found = sorted(found)
    for start in range(0, len(found), BATCH_SIZE):
        chunk = found[start : start + BATCH_SIZE]
        present = set(
            SearchWord.objects.filter(word__in=chunk).values_list("word", flat=True)
        )
        SearchWord.objects.bulk_create(
            [SearchWord(word=word) for word in chunk if word not in present],
            ignore_conflicts=True,
        )


@transaction.atomic
def _index(service_ids: list) -> set[str]:
    """Index one batch of services; return the words their documents hold."""
    built = documents.build(service_ids)
    SearchEntry.objects.filter(service_id__in=service_ids).exclude(
        service_id__in=list(built)
    ).delete()
    _backend(DEFAULT_DB_ALIAS).store(built, DEFAULT_DB_ALIAS)
    found = set().union(*(document.vocabulary() for document in built.values()))
    _add_words(found)
    return found


def index_services(service_ids: Iterable) -> None:
    """(Re)index these services now; a deleted or unpublished one leaves the index."""
    service_ids = list(dict.fromkeys(service_ids))
    for start in range(0, len(service_ids), BATCH_SIZE):
        _index(service_ids[start : start + BATCH_SIZE])


def rebuild_index(*, batch_size: int = BATCH_SIZE) -> int:
    """Reindex every service, batch by batch; return how many are indexed.

    Each batch commits on its own and entries are replaced in place, so
    search keeps working during a rebuild. Words no longer in any document
    leave the vocabulary at the end.
    """
    backend = _backend(DEFAULT_DB_ALIAS)
    backend.install(DEFAULT_DB_ALIAS)
    found: set[str] = set()
    last = None
    while True:
        ids = Service.objects.order_by("pk")
        if last is not None:
            ids = ids.filter(pk__gt=last)
        batch = list(ids.values_list("pk", flat=True)[:batch_size])
        if not batch:
            break
        found |= _index(batch)
        last = batch[-1]
    stale = [
        pk
        for pk, word in SearchWord.objects.values_list("pk", "word").iterator()
        if word not in found
    ]
    for start in range(0, len(stale), BATCH_SIZE):
        SearchWord.objects.filter(pk__in=stale[start : start + BATCH_SIZE]).delete()
    backend.rebuilt(DEFAULT_DB_ALIAS)
    return SearchEntry.objects.count()
