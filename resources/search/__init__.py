"""Keyword search over services: one interface, a backend per database.

- `search_services(queryset, text)` filters and ranks services.
- `filter_facets(queryset, any_of=..., all_of=...)` filters by category,
  access term and language (see `facets`).
- `suggest(text)` offers a spelling for a query that found nothing.
- `index_services(ids)` keeps the index in step (`resources.derived` calls it
  on commit); `rebuild_index()` rebuilds everything after bulk loads.

A query is parsed into safe words (see `query`); misspelt words that
neither the index nor the vocabulary knows are replaced by the closest
word that one of them does; the query is understood as needs (`query.Need`:
its words with their synonyms and Spanish stems, and the categories and
access terms that its phrases name); and the result is compiled for
PostgreSQL (`postgres`: tsvector, ts_rank, pg_trgm) or SQLite (`sqlite`:
FTS5, bm25).

Services that meet every need come first. When fewer than a page do, the
services that meet most of them follow (`coverage`, the needs a service
meets weighed by what they say — a named concept most, an everyday word
least — comes before rank), so a sentence with one word the listings do
not use still finds what its other words find. Services that say the
person's own words rank above those found only through a synonym or a
concept.

Concepts are words of the index: each document holds one for each of its
service's taxonomy terms (`query.concept_word`), so a need met by its words
or by a category is a single full-text condition on both databases.
"""

import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models import Case, FloatField, IntegerField, Q, QuerySet, Value, When

from ..models import SearchEntry, SearchWord, Service
from . import documents, language, postgres, sqlite
from .facets import Facet
from .query import (
    AUTOCORRECT_CUTOFF,
    SUGGEST_CUTOFF,
    Need,
    Query,
    Vocabulary,
    all_of,
    any_of,
    closest,
)
from .vocabulary import changed as vocabulary_changed
from .vocabulary import connect, current, known_words

__all__ = [
    "Facet",
    "Outcome",
    "concepts_named",
    "connect",
    "filter_facets",
    "index_services",
    "known_words",
    "rebuild_index",
    "related_terms",
    "search_services",
    "suggest",
    "understand",
    "vocabulary_changed",
]

BATCH_SIZE = 500
# How many of the entries meeting every need are checked against the other
# filters before the closest matches are added (see `search_services`).
PROBED_ENTRIES = 1000
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
    the same vocabulary and the same word look-ups.
    """
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _vocabulary(using: str, memo: dict | None = None) -> Vocabulary:
    return _cached(memo, ("vocabulary", using), lambda: current(using))


def _corrections(
    query: Query,
    vocabulary: Vocabulary,
    *,
    using: str,
    cutoff: float,
    memo: dict | None = None,
) -> tuple[dict[str, str], frozenset[str]]:
    """Map each misspelt word to the closest word the index or vocabulary knows.

    A word is no typo when the index or the common words of English or
    Spanish know it: "shower" is no typo of "flower". An alias or synonym
    that no listing uses (often a misspelling itself, "councelling") keeps
    its meaning and gains the closest indexed word: those come back as the
    second value, to be kept beside their correction. Aliases and synonyms,
    the directory's own vocabulary, are preferred to words that merely occur
    in some listing. At most three queries, however many words are
    misspelt: which words the index knows, the vocabulary near the others,
    which of those are live.
    """
    backend = _backend(using)

    def known(words: set[str]) -> set[str]:
        words = frozenset(words)
        return _cached(
            memo, ("known", using, words), lambda: backend.known(words, using)
        )

    unknown = {
        word for word in query.correctable_words() if not language.is_common(word)
    }
    if unknown:
        unknown -= known(unknown)
    if not unknown:
        return {}, frozenset()
    keep = frozenset(word for word in unknown if vocabulary.knows(word))
    nearest = _cached(
        memo,
        ("candidates", using, frozenset(unknown)),
        lambda: backend.candidates(unknown, using),
    )
    ranked = {}
    for word in sorted(unknown):
        # The directory's vocabulary first.
        ranked[word] = closest(word, vocabulary.spellings, cutoff=cutoff, limit=1) + (
            closest(word, nearest[word], cutoff=cutoff, limit=CHECKED_CANDIDATES)
        )
    # A vocabulary word may have left the index since: offer only live ones.
    live = known(
        {c for found in ranked.values() for c in found if not vocabulary.knows(c)}
    )
    corrections = {}
    for word, found in ranked.items():
        for candidate in found:
            if candidate in live or vocabulary.knows(candidate):
                corrections[word] = candidate
                break
    return corrections, keep


# How much a service made for the age a person gave ranks above others.
AGE_BONUS = 0.5


def _serves_age(age: int) -> Q:
    return Q(Q(minimum_age__isnull=True) | Q(minimum_age__lte=age)) & Q(
        Q(maximum_age__isnull=True) | Q(maximum_age__gte=age)
    )


@dataclass
class Outcome:
    """What a search made of its text, for the page to tell the person.

    `relaxed`: fewer than a page met every need, so the closest follow.
    `corrected`: the text with its typos fixed, if it had any.
    """

    needs: list[Need] = field(default_factory=list)
    relaxed: bool = False
    corrected: str | None = None

    @property
    def full(self) -> int:
        """Return the `coverage` of a service that meets every need."""
        return sum(need.weight for need in self.needs)

    @property
    def concepts(self) -> list[tuple[str, str]]:
        """Return (what was typed, term id) for each concept the text named."""
        return [
            (need.typed, term) for need in self.needs for term in sorted(need.named)
        ]


def _understood(
    text: str, using: str, memo: dict | None, spelling: list | None = None
) -> tuple:
    """Parse, correct and read `text` as needs, once per request.

    `spelling`, what a kept search remembers of its corrections (see
    `understand`), saves their look-ups; otherwise the memo receives it.
    """

    def compute():
        query = Query.parse(text)
        vocabulary = _vocabulary(using, memo)
        order = sorted(query.correctable_words())
        if spelling is None:
            corrections, keep = _corrections(
                query, vocabulary, using=using, cutoff=AUTOCORRECT_CUTOFF, memo=memo
            )
            if memo is not None:
                memo["spelling"] = [
                    (order.index(word), correction, word in keep)
                    for word, correction in sorted(corrections.items())
                ]
        else:
            corrections = {order[i]: correction for i, correction, _kept in spelling}
            keep = frozenset(order[i] for i, _correction, kept in spelling if kept)
        corrected = query.corrected(corrections, keep=keep)
        needs, negatives = corrected.needs(vocabulary)
        replaced = set(corrections) - keep
        shown = query.corrected({w: corrections[w] for w in replaced}).render()
        return needs, negatives, (shown if replaced else None), query.age

    return _cached(memo, ("understood", using, text), compute)


def understand(
    text: str,
    *,
    using: str,
    relaxed: bool = False,
    spelling: list | None = None,
    memo: dict | None = None,
) -> Outcome:
    """Return what a search makes of `text`, without searching.

    For a page whose results were kept (`resources.caching`): the needs
    and the corrected text, as `search_services` would put in the memo.
    Whether the search was `relaxed`, and its `spelling`, come with the
    kept results: the memo of the search that ranked them holds the
    spelling as (position among the text's correctable words, correction,
    kept beside it), so that no word typed is kept, only the index's.
    """
    needs, _negatives, corrected, _age = _understood(text, using, memo, spelling)
    return Outcome(needs=needs, relaxed=relaxed and len(needs) > 1, corrected=corrected)


def search_services(
    queryset: QuerySet,
    text: str,
    *,
    memo: dict | None = None,
    relax_below: int | None = None,
    relaxed: bool = False,
) -> QuerySet:
    """Return the services of `queryset` that match `text`, best first.

    Each carries an int `coverage` (the weight of the text's needs it
    meets, see `query.Need.weight`) and a float `rank`; they sort by
    coverage, then rank, then name and id.
    Pass the final queryset, other filters applied: with `relax_below` (a
    page's size), when fewer services than that meet every need, those
    meeting some are returned too (see the module's docstring); with
    `relaxed`, they always are. The memo, if given, receives the `Outcome`
    under "outcome".

    Blank text returns the queryset unchanged; text with nothing searchable
    in it matches nothing. Never raises on what people type.
    """
    if not text or not text.strip():
        return queryset
    using = queryset.db
    needs, negatives, corrected, age = _understood(text, using, memo)
    vocabulary = _vocabulary(using, memo)
    # With a single need, meeting some is meeting every one.
    relaxed = relaxed and len(needs) > 1
    outcome = Outcome(needs=needs, relaxed=relaxed, corrected=corrected)
    if memo is not None:
        # The page's own search; a suggestion's check comes later.
        memo.setdefault("outcome", outcome)
    backend = _backend(using)
    if age is not None:
        # Services that say they are for other ages go; those that say
        # they are for this one rank first (see `rank` below).
        queryset = queryset.filter(_serves_age(age))
    for node in negatives:
        queryset = queryset.exclude(backend.text_condition(node))
    zero = Value(0.0, output_field=FloatField())
    if not needs:
        if not negatives:
            return queryset.none().annotate(coverage=Value(0), rank=zero)
        # Only exclusions, as in "-shelter": everything else, unranked.
        return queryset.annotate(coverage=Value(0), rank=zero).order_by("name", "pk")

    # A need is met by its words, or by one of its concepts: each indexed
    # document holds its terms as words too (see `query.concept_word`), so
    # either is one full-text condition, one index.
    met = [need.met for need in needs]
    # Said in the person's own words (not only through a synonym or a
    # concept): a short query, cheap to test on thousands of matches.
    texts = [backend.text_condition(need.own or need.node) for need in needs]
    meets = [backend.text_condition(node) for node in met]
    every = backend.text_condition(all_of(met))
    if len(needs) > 1 and relax_below and not relaxed:
        # Do a page of services meet every need? Asked of the first entries
        # that do, then of the other filters: a planner that guesses many
        # would otherwise walk all services to find a few.
        first = backend.matching(all_of(met)).values("pk")[:PROBED_ENTRIES]
        probe = queryset.filter(search_entry__in=first)[:relax_below]
        outcome.relaxed = probe.count() < relax_below
    where = backend.text_condition(any_of(met)) if outcome.relaxed else every

    def weighed(conditions: list[Q], weights: list[int]):
        return reduce(
            operator.add,
            (
                Case(
                    When(c, then=Value(weight)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
                for c, weight in zip(conditions, weights, strict=True)
            ),
        )

    # Words met first, then how well: a service found through a concept
    # alone ranks below those whose text says it. The rank reads the words
    # as typed and the names of the concepts they name, not every synonym:
    # ranking thousands of matches against dozens of words is slow.
    about = [node for need in needs if (node := vocabulary.about(need))]
    rank = weighed(texts, [1] * len(texts)) + backend.rank(
        [need.own or need.node for need in needs] + about
    )
    if age is not None:
        rank = rank + Case(
            When(
                Q(minimum_age__isnull=False) | Q(maximum_age__isnull=False),
                then=Value(AGE_BONUS),
            ),
            default=Value(0.0),
            output_field=FloatField(),
        )
    weights = [need.weight for need in needs]
    return (
        queryset.filter(where)
        .annotate(
            coverage=weighed(meets, weights) if outcome.relaxed else Value(sum(weights))
        )
        .annotate(rank=rank)
        .order_by("-coverage", "-rank", "name", "pk")
    )


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

    Meant for a query that found nothing: "Did you mean …?". Only a
    correction whose own search finds something is offered. Pass the memo
    given to `search_services` for the same request to save its look-ups.
    """
    query = Query.parse(text or "")
    if query.empty:
        return None
    using = router.db_for_read(Service)
    corrections, keep = _corrections(
        query, _vocabulary(using, memo), using=using, cutoff=SUGGEST_CUTOFF, memo=memo
    )
    # Never "correct" a word that is an alias: only replace true typos.
    corrections = {w: c for w, c in corrections.items() if w not in keep}
    if not corrections:
        return None
    corrected = query.corrected(corrections).render()
    found = search_services(
        Service.objects.published().using(using), corrected, memo=memo, relaxed=True
    )
    return corrected if found.exists() else None


def concepts_named(text: str) -> list[str]:
    """Return the ids of the categories and access terms `text` names, best first.

    As a search reads them: by their names and aliases, a phrase before a
    word ("emergency shelter" before "shelter"). What the crosswalk offers
    for another taxonomy's term.
    """
    vocabulary = _vocabulary(router.db_for_read(Service))
    needs, _negatives = Query.parse(text or "").needs(vocabulary)
    found: dict[str, None] = {}
    for need in sorted(needs, key=lambda need: -need.length):
        found.update(dict.fromkeys(sorted(need.named)))
    return list(found)


def related_terms(text: str, *, memo: dict | None = None) -> list[str]:
    """Return the ids of the categories and access terms nearest `text`'s words.

    Best first, by how close a word comes to one of their aliases: what a
    page that found nothing offers instead.
    """
    vocabulary = _vocabulary(router.db_for_read(Service), memo)
    return vocabulary.related_terms(Query.parse(text or ""), cutoff=SUGGEST_CUTOFF)


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
