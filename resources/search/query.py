"""What people type into the search box, made safe: parsing, synonyms, typos.

Pure Python, no ORM: the backends compile the nodes built here into a
PostgreSQL tsquery or an SQLite FTS5 MATCH expression. Words are reduced to
letters and digits, so no user input reaches either query language as
syntax.

The syntax is websearch's: words (all must match), "quoted phrases",
`-exclusions` and `or` between two terms. An exclusion inside an `or` is
dropped (FTS5 cannot say "not a, or b"), so both databases agree.
"""

import re
import unicodedata
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

MAX_LENGTH = 256  # characters of a query that are read
MAX_TERMS = 16  # words and phrases, whether joined by `or` or not
MAX_PHRASE_WORDS = 8

# PostgreSQL's `english` stop words (the Snowball list). PostgreSQL drops
# them from queries; dropping them here too makes SQLite agree.
_STOPWORDS = """
    i me my myself we our ours ourselves you your yours yourself yourselves he
    him his himself she her hers herself it its itself they them their theirs
    themselves what which who whom this that these those am is are was were be
    been being have has had having do does did doing a an the and but if or
    because as until while of at by for with about against between into through
    during before after above below to from up down in out on off over under
    again further then once here there when where why how all any both each few
    more most other some such no nor not only own same so than too very s t can
    will just don should now
"""
STOPWORDS = frozenset(_STOPWORDS.split())

_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'(?P<neg>-?)(?:"(?P<quoted>[^"]*)"?|(?P<bare>[^\s"]+))')


def strip_accents(text: str) -> str:
    """Return `text` without diacritics, so "clínica" and "clinica" are one word."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """Split text into lower-case, accent-free words of letters and digits."""
    return _WORD.findall(strip_accents(text).casefold())


def _singular(word: str) -> str:
    # Enough stemming to match synonym phrases: "std tests" is "std test".
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


# Nodes ---------------------------------------------------------------------


@dataclass(frozen=True)
class Words:
    """Every one of these words, anywhere in the document."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class Phrase:
    """These words, next to each other and in this order."""

    words: tuple[str, ...]


@dataclass(frozen=True)
class Any:
    children: tuple


@dataclass(frozen=True)
class All:
    children: tuple


Node = Words | Phrase | Any | All


def any_of(nodes) -> Node:
    nodes = tuple(nodes)
    return nodes[0] if len(nodes) == 1 else Any(nodes)


def all_of(nodes) -> Node:
    nodes = tuple(nodes)
    return nodes[0] if len(nodes) == 1 else All(nodes)


# Parsing -------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    phrase: bool = False
    negated: bool = False

    @property
    def node(self) -> Node:
        return Phrase(self.words) if self.phrase else Words(self.words)

    @property
    def correctable(self) -> bool:
        """Whether a typo in this term may be fixed (quoted text is meant as is)."""
        word = self.words[0]
        return not self.phrase and word.isalpha() and 3 <= len(word) <= 30

    def render(self) -> str:
        text = " ".join(self.words)
        return ("-" if self.negated else "") + (f'"{text}"' if self.phrase else text)


def _term(text: str, *, quoted: bool, negated: bool) -> Term | None:
    found = words(text)[:MAX_PHRASE_WORDS]
    if all(word in STOPWORDS for word in found):
        return None
    # "walk-in" is one term of two words: a phrase, as in websearch.
    return Term(tuple(found), phrase=quoted or len(found) > 1, negated=negated)


@dataclass(frozen=True)
class Query:
    """A parsed query: every group must match; a group is terms joined by `or`."""

    groups: tuple[tuple[Term, ...], ...]

    @classmethod
    def parse(cls, text: str) -> "Query":
        groups: list[list[Term]] = []
        join_next = False
        terms = 0
        for match in _TOKEN.finditer(text[:MAX_LENGTH]):
            if terms == MAX_TERMS:
                break
            negated = bool(match["neg"])
            bare = match["bare"]
            if bare is not None and not negated and words(bare) == ["or"]:
                join_next = bool(groups)
                continue
            term = _term(
                bare if bare is not None else match["quoted"],
                quoted=bare is None,
                negated=negated,
            )
            if term is None:
                continue
            if join_next:
                groups[-1].append(term)
            else:
                groups.append([term])
            join_next = False
            terms += 1
        cleaned = []
        for group in groups:
            if len(group) > 1:
                group = [term for term in group if not term.negated]
            if group:
                cleaned.append(tuple(group))
        return cls(tuple(cleaned))

    @property
    def empty(self) -> bool:
        return not self.groups

    def correctable_words(self) -> set[str]:
        return {
            term.words[0] for group in self.groups for term in group if term.correctable
        }

    def corrected(self, corrections: dict[str, str]) -> "Query":
        """Return the query with misspelt words replaced."""
        if not corrections:
            return self

        def fix(term: Term) -> Term:
            if term.correctable and term.words[0] in corrections:
                return replace(term, words=(corrections[term.words[0]],))
            return term

        return Query(tuple(tuple(fix(t) for t in group) for group in self.groups))

    def render(self) -> str:
        return " ".join(
            " or ".join(term.render() for term in group) for group in self.groups
        )

    def nodes(self, synonyms: "Synonyms") -> tuple[Node | None, list[Node]]:
        """Return what must match (None: nothing) and what must not, expanded."""
        positive = [g for g in self.groups if not g[0].negated]
        negative = [g[0].node for g in self.groups if g[0].negated]
        found = synonyms.expand(positive)
        return (all_of(found) if found else None), negative


# Synonyms ------------------------------------------------------------------


def _key(found: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    return tuple(_singular(word) for word in found if word not in STOPWORDS)


def _alternative(text: str) -> Node | None:
    query = Query.parse(text)
    groups = [g for g in query.groups if not g[0].negated]
    if not groups:
        return None
    return all_of(any_of(term.node for term in group) for group in groups)


class Synonyms:
    """Phrases people search for, each with the terms listings use instead."""

    def __init__(self, rows):
        # Terms are parsed only when a query uses their phrase.
        self._terms: dict[tuple[str, ...], list[str]] = {}
        self.words: set[str] = set()
        for phrase, terms in rows:
            key = _key(words(phrase))
            if key:
                self._terms.setdefault(key, []).extend(terms.split(","))
                self.words.update(w for w in words(phrase) if w not in STOPWORDS)
        self._known = {_singular(word) for word in self.words}
        self._longest = max(map(len, self._terms), default=0)

    def knows(self, word: str) -> bool:
        """Whether `word` is part of a synonym phrase (so not a typo)."""
        return _singular(word) in self._known

    def _with_expansions(self, node: Node, found: tuple[str, ...]) -> Node:
        alternatives = self._terms.get(_key(found), [])
        return any_of([node, *filter(None, map(_alternative, alternatives))])

    def expand(self, groups) -> list[Node]:
        """Turn groups of terms into nodes, each synonym phrase ORed with its terms.

        Consecutive single words are matched against multi-word phrases
        ("food stamps"), longest first.
        """
        nodes = []
        i = 0
        while i < len(groups):
            run = []
            for group in groups[i : i + self._longest]:
                if len(group) > 1 or group[0].phrase:
                    break
                run.append(group[0].words[0])
            for size in range(len(run), 1, -1):
                if _key(run[:size]) in self._terms:
                    found = tuple(run[:size])
                    nodes.append(self._with_expansions(Words(found), found))
                    i += size
                    break
            else:
                nodes.append(
                    any_of(self._with_expansions(t.node, t.words) for t in groups[i])
                )
                i += 1
        return nodes


# Typos ---------------------------------------------------------------------

AUTOCORRECT_CUTOFF = 80  # fuzz.ratio: how close a word must be to replace a typo
SUGGEST_CUTOFF = 70  # a "Did you mean" may reach further than a silent fix
TRIGRAM_THRESHOLD = 0.3  # pg_trgm's default for its `%` operator


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def trigram_similarity(a: str, b: str) -> float:
    """Return pg_trgm's `similarity()` of two single words."""
    left, right = _trigrams(a), _trigrams(b)
    return len(left & right) / len(left | right)


def closest(word: str, candidates, *, cutoff: float, limit: int = 5) -> list[str]:
    """Rank the candidates that could be what `word` meant, best first.

    A candidate must share trigrams with the word as pg_trgm measures it
    (so that PostgreSQL's trigram index finds the same ones) and be within
    `cutoff` edit similarity; the most similar wins, ties alphabetically.
    """
    scored = process.extract(
        word,
        set(candidates) - {word},
        scorer=fuzz.ratio,
        score_cutoff=cutoff,
        limit=None,
    )
    ranked = sorted(
        (-score, candidate)
        for candidate, score, _ in scored
        if trigram_similarity(word, candidate) >= TRIGRAM_THRESHOLD
    )
    return [candidate for _, candidate in ranked[:limit]]
