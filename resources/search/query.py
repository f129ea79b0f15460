"""What people type into the search box, made safe and understood.

Pure Python, no ORM: the backends compile the nodes built here into a
PostgreSQL tsquery or an SQLite FTS5 MATCH expression. Words are reduced to
letters and digits, so no user input reaches either query language as
syntax.

The syntax is websearch's: words, "quoted phrases", `-exclusions` and `or`
between two terms. An exclusion inside an `or` is dropped (FTS5 cannot say
"not a, or b"), so both databases agree.

A query is then understood as a list of needs (`Query.needs`): the words of
asking ("i need", "por favor") are dropped, phrases people use for a
category or access term ("couch surfing", "no id") and synonym group members
("food stamps") are found, longest first, and each word is ORed with what
means the same: its synonyms, its Spanish stem, the concepts it names.
"""

import re
from dataclasses import dataclass, field, replace
from functools import cached_property

from rapidfuzz import fuzz, process

from . import language
from .language import strip_accents

MAX_LENGTH = 256  # characters of a query that are read
MAX_TERMS = 16  # words and phrases, whether joined by `or` or not
MAX_PHRASE_WORDS = 8
# Phrases of synonyms and aliases are compared on at most this many words.
MAX_KEY_WORDS = 6
# How many other words may come between the words of an alias.
ALIAS_SLACK = 2

_WORD = re.compile(r"[^\W_]+")
# Apostrophes inside a word go: people type "dont" as often as "don't".
_APOSTROPHE = re.compile(r"(?<=\w)['’](?=\w)")
_TOKEN = re.compile(r'(?P<neg>-?)(?:"(?P<quoted>[^"]*)"?|(?P<bare>[^\s"]+))')


def words(text: str) -> list[str]:
    """Split text into lower-case, accent-free words of letters and digits."""
    return _WORD.findall(_APOSTROPHE.sub("", strip_accents(text).casefold()))


def key(found) -> tuple[str, ...]:
    """Return the key a phrase is compared by: its folded words, no stop words.

    "Sleeping in my car" and "sleep in the car" are both ("sleep", "car").
    Words of negation stay ("no id" is not "id").
    """
    stop = language.stopwords() - language.negations()
    return tuple(language.fold(word) for word in found if word not in stop)[
        :MAX_KEY_WORDS
    ]


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
    nodes = tuple(dict.fromkeys(nodes))
    return nodes[0] if len(nodes) == 1 else Any(nodes)


def all_of(nodes) -> Node:
    nodes = tuple(nodes)
    return nodes[0] if len(nodes) == 1 else All(nodes)


def concept_word(term_id) -> str:
    """Return the word that stands for a taxonomy term in an indexed document.

    Letters and digits only, like every searched word, and like no word of
    any language, so that a concept is one more full-text condition.
    """
    # Twelve hex digits of the id: unique among any directory's terms, and
    # short, since every indexed document holds a few.
    return "zzt" + str(term_id).replace("-", "")[:12]


def with_stems(node: Node) -> Node:
    """Return `node` with its Spanish words stemmed as Spanish.

    The index holds the Spanish stems of its Spanish words too (see
    `documents`), so "clinicas" finds "clínica" on both databases. The
    stems follow the words there, so a phrase keeps its words as well.
    """
    match node:
        case Words(found):
            return Words(tuple(language.spanish_stem(w) or w for w in found))
        case Phrase(found):
            stems = tuple(language.spanish_stem(word) or word for word in found)
            return node if stems == found else any_of([node, Words(stems)])
        case Any(children):
            return any_of(map(with_stems, children))
        case All(children):
            return all_of(map(with_stems, children))
    raise TypeError(node)


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
    def single(self) -> bool:
        return not self.phrase and len(self.words) == 1

    @property
    def correctable(self) -> bool:
        """Whether a typo in this term may be fixed (quoted text is meant as is)."""
        word = self.words[0]
        return not self.phrase and word.isalpha() and 3 <= len(word) <= 30

    @property
    def asking(self) -> bool:
        """Whether this word names no need: asking ("want", "busco") or "no"."""
        return self.single and (
            self.words[0] in language.request_words()
            or self.words[0] in language.negations()
        )

    def render(self) -> str:
        text = " ".join(self.words)
        return ("-" if self.negated else "") + (f'"{text}"' if self.phrase else text)


# "i'm 17", "i am 17 years old", "tengo 16 años": an age given in the first
# person, which says who the services are for rather than what they do.
_OWN_AGE = re.compile(
    r"\b(?:i\s*['’]?\s*m|i\s+am|tengo)\s+(?P<age>\d{1,2})\b"
    r"(?:\s*(?:years?|yrs?|y\s*o|anos|años)(?:\s+old)?\b)?",
    re.IGNORECASE,
)


def _own_age(text: str) -> tuple[str, int | None]:
    """Return the text without the age its writer gave, and that age."""
    match = _OWN_AGE.search(text)
    if match is None:
        return text, None
    return text[: match.start()] + " " + text[match.end() :], int(match["age"])


def _term(text: str, *, quoted: bool, negated: bool) -> Term | None:
    found = words(text)[:MAX_PHRASE_WORDS]
    # Words of negation stay, for aliases that hold them (see `key`).
    stop = language.stopwords() - language.negations()
    if all(word in stop for word in found):
        return None
    # "walk-in" is one term of two words: a phrase, as in websearch.
    return Term(tuple(found), phrase=quoted or len(found) > 1, negated=negated)


@dataclass(frozen=True)
class Need:
    """One thing a query asks for: the text that answers it, and the concepts.

    `terms` are the ids of the categories and access terms whose services
    answer it too (a category's sub-categories included); `named` those the
    person named, for the page to say what it shows.
    """

    node: Node
    typed: str
    terms: frozenset[str] = frozenset()
    named: frozenset[str] = frozenset()
    # The words as typed (stemmed), without their synonyms: what ranks.
    own: Node | None = None
    # How many words (stop words aside) of the phrase that names it.
    length: int = 1

    @property
    def met(self) -> Node:
        """Return what meets the need: its words, or one of its concepts."""
        concepts = [Words((concept_word(term),)) for term in sorted(self.terms)]
        return any_of([self.node, *concepts])

    @property
    def weight(self) -> int:
        """How much meeting this need counts when not every need is met.

        A concept named by a phrase ("took my passport") says most about
        what the person needs, then one named by a word ("shelter"); words of
        everyday language ("day", "still", "keep") and numbers least.
        """
        if self.named:
            return 4 if self.length > 1 else 3
        found = self.typed.split()
        everyday = all(
            language.is_everyday(word) or not word.isalpha() for word in found
        )
        return 1 if everyday else 2


@dataclass(frozen=True)
class Query:
    """A parsed query: every group must match; a group is terms joined by `or`."""

    groups: tuple[tuple[Term, ...], ...]
    # The age a person gave for themselves ("i'm 17", "tengo 16 años").
    age: int | None = None
    # Words searched for beside a word of the query: (word, other word).
    also: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, text: str) -> "Query":
        groups: list[list[Term]] = []
        join_next = False
        terms = 0
        text, age = _own_age(text[:MAX_LENGTH])
        for match in _TOKEN.finditer(text):
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
        return cls(tuple(cleaned), age)

    @property
    def empty(self) -> bool:
        return not self.groups

    def correctable_words(self) -> set[str]:
        return {
            term.words[0]
            for group in self.groups
            for term in group
            if term.correctable and not term.asking
        }

    def corrected(
        self, corrections: dict[str, str], *, keep: frozenset[str] = frozenset()
    ) -> "Query":
        """Return the query with misspelt words replaced.

        A word in `keep` (an alias that no listing uses, such as the
        misspelling "councelling") stays, and its correction is searched
        for beside it.
        """
        if not corrections:
            return self

        def fix(term: Term) -> Term:
            word = term.words[0]
            if term.correctable and word in corrections and word not in keep:
                return replace(term, words=(corrections[word],))
            return term

        also = tuple(sorted((w, c) for w, c in corrections.items() if w in keep))
        return Query(
            tuple(tuple(fix(term) for term in group) for group in self.groups),
            self.age,
            self.also + also,
        )

    def render(self) -> str:
        return " ".join(
            " or ".join(term.render() for term in group) for group in self.groups
        )

    def needs(self, vocabulary: "Vocabulary") -> tuple[list[Need], list[Node]]:
        """Return what the query asks for, and what must not match.

        The words of a concept alias are found near each other in any order
        ("limpiar mi record" in "tengo record y quiero limpiarlo"), longest
        alias first; runs of the other words are matched against the phrases
        of synonym groups ("food stamps"). A lone word of asking is dropped
        unless the vocabulary knows it. Each need's node holds its synonyms
        and Spanish stems.
        """
        also = dict(self.also)
        positive = [g for g in self.groups if not g[0].negated]
        negatives = [with_stems(g[0].node) for g in self.groups if g[0].negated]
        spans = vocabulary.concept_spans(positive)
        taken = {i for positions, _alias in spans.values() for i in positions}
        found: list[Need] = []
        i = 0
        while i < len(positive):
            if i in spans:
                positions, alias = spans[i]
                typed = [positive[j][0].words[0] for j in positions]
                found.append(vocabulary.need(_searched(typed), alias))
            if i in taken:
                i += 1
                continue
            run = []
            for j, group in enumerate(positive[i : i + vocabulary.longest], i):
                if len(group) > 1 or not group[0].single or j in taken:
                    break
                run.append(group[0].words[0])
            for size in range(len(run), 1, -1):
                span = key(run[:size])
                if len(span) > 1 and vocabulary.knows_phrase(span):
                    found.append(vocabulary.need(_searched(run[:size]), span))
                    i += size
                    break
            else:
                group = positive[i]
                i += 1
                asking = len(group) == 1 and group[0].asking
                if asking and not vocabulary.knows_phrase(key(group[0].words)):
                    continue
                needs = [
                    vocabulary.need(t.node, key(t.words), also=also.get(t.words[0]))
                    for t in group
                ]
                found.append(
                    Need(
                        node=any_of(need.node for need in needs),
                        typed=" or ".join(need.typed for need in needs),
                        terms=frozenset().union(*(n.terms for n in needs)),
                        named=frozenset().union(*(n.named for n in needs)),
                        own=any_of(need.own for need in needs),
                    )
                )
        return found, negatives


def _searched(found: list[str]) -> Words:
    # An alias's words as searched: "no" and other stop words are not (the
    # databases would disagree: PostgreSQL drops them, FTS5 does not).
    stop = language.stopwords()
    return Words(tuple(word for word in found if word not in stop) or tuple(found))


# Synonyms and concepts -----------------------------------------------------


def parse_member(text: str) -> Node | None:
    """Return what a synonym group's member matches: words, or a quoted phrase."""
    query = Query.parse(text)
    groups = [g for g in query.groups if not g[0].negated]
    if not groups:
        return None
    return all_of(any_of(term.node for term in group) for group in groups)


@dataclass
class Vocabulary:
    """Synonym groups and concept aliases, keyed by their phrases' `key`.

    Built from rows: `groups` are comma-separated members; `aliases` are
    (phrase, term id) pairs; `children` (parent id, child id) pairs, so that
    an alias of a category also finds its sub-categories' services.
    """

    synonyms: dict[tuple[str, ...], list[Node]] = field(default_factory=dict)
    concepts: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    children: dict[str, set[str]] = field(default_factory=dict)
    # Each term's name, whose words rank the services found through it.
    names: dict[str, str] = field(default_factory=dict)
    words: set[str] = field(default_factory=set)
    synonym_words: set[str] = field(default_factory=set)
    # Each alias word, and the terms whose aliases hold it.
    word_terms: dict[str, set[str]] = field(default_factory=dict)
    longest: int = 1

    @classmethod
    def build(cls, groups=(), aliases=(), children=(), names=()) -> "Vocabulary":
        vocabulary = cls(names={str(term): name for term, name in names})
        for members in groups:
            parsed = []
            for member in members.split(","):
                node = parse_member(member)
                if node is not None:
                    parsed.append((key(words(member)), node))
            for span, _node in parsed:
                if span:
                    vocabulary.synonyms.setdefault(span, []).extend(
                        node for _span, node in parsed
                    )
            for member in members.split(","):
                vocabulary.synonym_words.update(words(member))
        for phrase, term_id in aliases:
            span = key(words(phrase))
            if span:
                vocabulary.concepts.setdefault(span, set()).add(str(term_id))
                for word in words(phrase):
                    vocabulary.words.add(word)
                    vocabulary.word_terms.setdefault(word, set()).add(str(term_id))
        for parent, child in children:
            vocabulary.children.setdefault(str(parent), set()).add(str(child))
        vocabulary.words |= vocabulary.synonym_words
        vocabulary.words = {
            word for word in vocabulary.words - language.stopwords() if word.isalpha()
        }
        spans = [*vocabulary.synonyms, *vocabulary.concepts]
        vocabulary.longest = max(map(len, spans), default=1)
        return vocabulary

    def knows(self, word: str) -> bool:
        """Whether `word` is a word of a synonym or an alias (so not a typo)."""
        return word in self.words

    @cached_property
    def spellings(self) -> set[str]:
        """Return the words typos may be corrected to: not the misspelt aliases.

        Synonym groups hold words as listings spell them; aliases also hold
        misspellings people type, so only their common words count.
        """
        return {
            word
            for word in self.words
            if word in self.synonym_words or language.is_common(word)
        }

    def related_terms(self, query: "Query", *, cutoff: float) -> list[str]:
        """Return the ids of the terms whose aliases are nearest the query's words.

        For a search that found nothing: categories to offer instead.
        """
        found: dict[str, None] = {}
        for group in query.groups:
            for term in group:
                if term.negated or term.asking:
                    continue
                for word in term.words:
                    near = [word] if word in self.word_terms else []
                    near += closest(word, self.word_terms, cutoff=cutoff, limit=3)
                    for candidate in near:
                        found.update(dict.fromkeys(sorted(self.word_terms[candidate])))
        return list(found)

    def about(self, need: Need) -> Node | None:
        """Return what the names of the concepts a need names say, any word.

        A service found through a concept ranks by how much its text is
        about that concept: "psicologo" finds Mental health, and its
        counselling services before its other ones.
        """
        stop = language.stopwords()
        found = {
            word
            for term in need.named
            for word in words(self.names.get(term, ""))
            if word not in stop
        }
        return any_of(Words((word,)) for word in sorted(found)) if found else None

    @cached_property
    def _unordered(self) -> dict[tuple[str, ...], set[str]]:
        # The terms of each alias, under its words in alphabetical order:
        # "legal clinic" and "clinica legal" name the same terms.
        found: dict[tuple[str, ...], set[str]] = {}
        for span, terms in self.concepts.items():
            found.setdefault(tuple(sorted(span)), set()).update(terms)
        return found

    @cached_property
    def _concepts_by_word(self) -> dict[str, list[tuple[str, ...]]]:
        # Aliases of several words, under each of their words, longest first.
        by_word: dict[str, list[tuple[str, ...]]] = {}
        for span in sorted(self._unordered, key=lambda span: (-len(span), span)):
            if len(span) > 1:
                for word in set(span):
                    by_word.setdefault(word, []).append(span)
        return by_word

    def concept_spans(self, groups) -> dict[int, tuple[tuple[int, ...], tuple]]:
        """Find the aliases of several words among single-word groups.

        Return {first position: (positions, alias key)} of each alias found:
        its words all within a few words of each other, in any order, each
        word used once.
        """
        folded = {
            i: found[0]
            for i, group in enumerate(groups)
            if len(group) == 1 and group[0].single and (found := key(group[0].words))
        }
        spans: dict[int, tuple[tuple[int, ...], tuple]] = {}
        taken: set[int] = set()
        for i in sorted(folded):
            if i in taken:
                continue
            for span in self._concepts_by_word.get(folded[i], ()):
                window = [
                    j
                    for j in range(i, i + len(span) + ALIAS_SLACK)
                    if j in folded and j not in taken
                ]
                positions = []
                for word in span:
                    match = next(
                        (j for j in window if folded[j] == word and j not in positions),
                        None,
                    )
                    if match is None:
                        break
                    positions.append(match)
                else:
                    if i in positions:
                        spans[i] = (tuple(sorted(positions)), span)
                        taken.update(positions)
                        break
        return spans

    def knows_phrase(self, span: tuple[str, ...]) -> bool:
        return span in self.synonyms or span in self.concepts

    def need(
        self, node: Node, span: tuple[str, ...], *, also: str | None = None
    ) -> Need:
        """Return the need for these words: the node, its synonyms, its concepts.

        `also` is a word to search for beside them (a misspelt alias's
        correction), with its own synonyms.
        """
        named = frozenset(self.concepts.get(span, ())) | frozenset(
            self._unordered.get(tuple(sorted(span)), ()) if len(span) > 1 else ()
        )
        if also is not None:
            extra = self.need(Words((also,)), key([also]))
            node = any_of([node, extra.node])
            named |= extra.named
        terms = set(named)
        for term in named:
            terms |= self.children.get(term, set())
        found = words(" ".join(_node_words(node)))
        return Need(
            node=with_stems(any_of([node, *self.synonyms.get(span, [])])),
            typed=" ".join(found),
            terms=frozenset(terms),
            named=named,
            own=with_stems(node),
            length=len(span),
        )


def _node_words(node: Node) -> list[str]:
    match node:
        case Words(found) | Phrase(found):
            return list(found)
        case Any(children) | All(children):
            return [word for child in children for word in _node_words(child)]
    raise TypeError(node)


# Typos ---------------------------------------------------------------------

# fuzz.ratio: how close a word must be to replace a typo. Only words that
# neither the index, the vocabulary nor the common words know are replaced:
# as typed they could find nothing.
AUTOCORRECT_CUTOFF = 75
SUGGEST_CUTOFF = 70  # a "Did you mean" may reach further than a silent fix
TRIGRAM_THRESHOLD = 0.2  # pg_trgm similarity: "sirynges" is 0.29 from "syringes"


def _trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def trigram_similarity(a: str, b: str) -> float:
    """Return pg_trgm's `similarity()` of two single words."""
    left, right = _trigrams(a), _trigrams(b)
    return len(left & right) / len(left | right)


def closest(word: str, candidates, *, cutoff: float, limit: int = 5) -> list[str]:
    """Rank the candidates that could be what `word` meant, best first.

    A candidate must share some trigrams with the word, as pg_trgm measures
    them, and be within `cutoff` edit similarity; the most similar wins,
    ties alphabetically.
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
