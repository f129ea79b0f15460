"""The search vocabulary as caseworkers keep it, built once per process.

Synonym groups, concept aliases and the terms' names and parents make one
`query.Vocabulary`. Building it costs far more than a search, so each
process keeps the one it built for the vocabulary's current version, a
value in the shared cache that saving or deleting any of those rows
changes (`connect`); a change made behind Django's back (raw SQL, bulk
writes) shows within `MAX_AGE`.
"""

import time
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save

from ..models import ConceptAlias, SearchWord, SynonymGroup, TaxonomyTerm
from .query import Vocabulary

VERSION = "search:vocabulary-version"
MAX_AGE = 300  # seconds
_built: dict[tuple[str, str], tuple[float, Vocabulary]] = {}


def changed(**kwargs) -> None:
    """Make every process rebuild its vocabulary at its next search."""
    cache.set(VERSION, uuid.uuid4().hex, None)


def _on_change(**kwargs) -> None:
    changed()
    # Again once committed, so that no process rebuilds from rows about to
    # change and keeps them under the new version.
    transaction.on_commit(changed)


def connect() -> None:
    """Rebuild the vocabulary when its rows change."""
    for model in (SynonymGroup, ConceptAlias, TaxonomyTerm):
        post_save.connect(_on_change, sender=model, weak=False)
        post_delete.connect(_on_change, sender=model, weak=False)


def _load(using: str) -> Vocabulary:
    # Two queries: the groups; each term's aliases, name and parent at once.
    aliases, children, names = [], set(), set()
    for term, name, parent, phrase in (
        TaxonomyTerm.objects.using(using)
        .filter(Q(aliases__isnull=False) | Q(parent__isnull=False))
        .values_list("pk", "name", "parent_id", "aliases__phrase")
    ):
        names.add((term, name))
        if phrase is not None:
            aliases.append((phrase, term))
        if parent is not None:
            children.add((parent, term))
    return Vocabulary.build(
        groups=SynonymGroup.objects.using(using).values_list("members", flat=True),
        aliases=aliases,
        children=children,
        names=names,
    )


def current(using: str) -> Vocabulary:
    """Return the vocabulary of database `using` as it is now."""
    version = cache.get(VERSION)
    if version is None:
        cache.add(VERSION, uuid.uuid4().hex, None)
        version = cache.get(VERSION)
    built = _built.get((using, version))
    if built is None or time.monotonic() - built[0] > MAX_AGE:
        for key in [key for key in _built if key[0] == using]:
            del _built[key]
        built = _built[using, version] = (time.monotonic(), _load(using))
    return built[1]


def known_words(words: set[str], *, using: str) -> set[str]:
    """Return those of `words` that the index, a synonym or an alias holds.

    At most one query: the vocabulary is kept per process.
    """
    found = words & current(using).words
    if rest := words - found:
        found |= set(
            SearchWord.objects.using(using)
            .filter(word__in=sorted(rest))
            .values_list("word", flat=True)
        )
    return found
