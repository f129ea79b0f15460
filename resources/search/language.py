"""English and Spanish words: which carry no need, which language, their stems.

Pure Python, no ORM. The word lists are data files in `data/`, read once
per process: stop words (function words), request words (how people ask:
"i need", "por favor", "looking for"), and the most common words of each
language. Words are compared folded: lower case, without accents, as
`query.words` splits them.

A word is Spanish when it is more common in Spanish than in English
("casa", "clinicas"), so that mixed queries work word by word. Spanish
words are stemmed with Snowball's Spanish stemmer ("clinicas" and
"clinica" are both "clinic"); English ones are left to the database's
English stemmer. `fold` gives the key under which phrases are compared in
Python (synonyms, aliases): the Snowball stem in the word's own language.
"""

import unicodedata
from functools import cache, lru_cache
from pathlib import Path

import Stemmer

DATA = Path(__file__).resolve().parent / "data"


def strip_accents(text: str) -> str:
    """Return `text` without diacritics, so "clínica" and "clinica" are one word."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def read_words(name: str) -> list[str]:
    """Return the folded words of a data file, one a line, `#` starting a comment."""
    found = []
    with open(DATA / name, encoding="utf-8") as lines:
        for line in lines:
            text = line.split("#", 1)[0].strip()
            if text:
                found.append(strip_accents(text).casefold())
    return found


@cache
def stopwords() -> frozenset[str]:
    """Return the function words of both languages ("the", "de", "para")."""
    return frozenset(read_words("stopwords.en.txt") + read_words("stopwords.es.txt"))


@cache
def negations() -> frozenset[str]:
    """Return the words that turn a phrase around ("no", "dont", "nunca")."""
    return frozenset(read_words("negations.txt"))


@cache
def request_words() -> frozenset[str]:
    """Return the words of asking that name no need ("want", "busco", "please")."""
    return frozenset(
        read_words("request_words.en.txt") + read_words("request_words.es.txt")
    ) - {"", *stopwords()}


@cache
def _ranks(language: str) -> dict[str, int]:
    ranks: dict[str, int] = {}
    for rank, word in enumerate(read_words(f"common.{language}.txt")):
        ranks.setdefault(word, rank)
    return ranks


EVERYDAY = 1500  # the most frequent words of a language are everyday ones


def is_everyday(word: str) -> bool:
    """Return whether `word` is among the most frequent words of either language."""
    missing = EVERYDAY
    return min(_ranks("en").get(word, missing), _ranks("es").get(word, missing)) < (
        EVERYDAY
    )


def is_common(word: str) -> bool:
    """Return whether `word` is one of the common words of English or Spanish."""
    return word in _ranks("en") or word in _ranks("es")


# Per word typed: bounded, so that arbitrary input cannot grow it forever.
@lru_cache(maxsize=100_000)
def is_spanish(word: str) -> bool:
    """Return whether `word` is more common in Spanish than in English."""
    missing = len(_ranks("es")) + len(_ranks("en"))
    spanish = _ranks("es").get(word, missing)
    return spanish < missing and spanish < _ranks("en").get(word, missing)


@cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(language)


def spanish_stem(word: str) -> str | None:
    """Return the Spanish stem of a Spanish word when it differs, else None."""
    if not word.isalpha() or not is_spanish(word):
        return None
    stem = _stemmer("spanish").stemWord(word)
    # A stem that is a stop word ("herida": "her") would match everything
    # on SQLite and nothing on PostgreSQL, which drops it.
    if stem == word or len(stem) < 3 or stem in stopwords():
        return None
    return stem


@lru_cache(maxsize=100_000)
def fold(word: str) -> str:
    """Return the key a word is compared by: its stem in its own language.

    Spanish stems are marked, so that they never meet an English word's:
    "matar" is not "mat", "calle" is not "call".
    """
    if not word.isalpha():
        return word
    if is_spanish(word):
        return "es:" + _stemmer("spanish").stemWord(word)
    return _stemmer("english").stemWord(word)
