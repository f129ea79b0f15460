"""How a query is understood: pure Python, no database.

Words of asking are dropped, Spanish is stemmed as Spanish, synonym groups
work both ways, and the phrases people use for a concept find it.
"""

import functools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from resources import taxonomies
from resources.search import language
from resources.search.query import (
    Any,
    Phrase,
    Query,
    Vocabulary,
    Words,
    key,
    with_stems,
    words,
)
from resources.search.shipped import shipped_aliases, shipped_groups


def nodes_words(node) -> set[str]:
    match node:
        case Words(found) | Phrase(found):
            return set(found)
        case _:
            return {word for child in node.children for word in nodes_words(child)}


def needs(text: str, vocabulary: Vocabulary | None = None):
    found, _negatives = Query.parse(text).needs(vocabulary or Vocabulary.build())
    return found


# Words of asking ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "left"),
    [
        ("where can i take a shower today", ["take", "shower"]),
        ("i need help finding a lawyer please", ["lawyer"]),
        ("im looking for food", ["food"]),
        ("quiero un abogado por favor", ["abogado"]),
        ("busco donde dormir hoy", ["dormir"]),
        ("necesito ayuda con comida", ["comida"]),
    ],
)
def test_request_phrasing_carries_no_need(text, left):
    remaining = [word for need in needs(text) for word in need.typed.split()]

    assert set(left) <= set(remaining) | {"take"}
    assert not set(remaining) & {"i", "need", "please", "quiero", "por", "favor"}


def test_a_query_of_asking_only_asks_for_nothing():
    assert needs("i need help please") == []
    assert needs("hola necesito ayuda por favor") == []


def test_request_and_stop_word_lists_are_substantial_and_name_no_need():
    for lang in ("en", "es"):
        assert len(language.read_words(f"request_words.{lang}.txt")) >= 100
    need_words = {"food", "bed", "shower", "lawyer", "comida", "dormir", "ropa"}
    assert not language.request_words() & need_words
    assert {"para", "de", "los"} <= language.stopwords()


# Languages ----------------------------------------------------------------------


def test_spanish_words_are_told_from_english_ones():
    assert language.is_spanish("casa")
    assert language.is_spanish("clinicas")
    assert not language.is_spanish("case")
    assert not language.is_spanish("shelter")


@pytest.mark.parametrize(
    ("typed", "listing"),
    [("clinicas", "clinica"), ("albergues", "albergue"), ("abogados", "abogado")],
)
def test_spanish_plurals_share_a_stem(typed, listing):
    assert language.spanish_stem(typed) == language.spanish_stem(listing) or (
        language.spanish_stem(typed) == listing
    )
    assert language.fold(typed) == language.fold(listing)


def test_a_spanish_word_is_searched_with_its_stem_an_english_one_as_is():
    assert with_stems(Words(("clinicas",))) == Words(("clinic",))
    assert with_stems(Phrase(("clinicas", "gratis"))) == Any(
        (Phrase(("clinicas", "gratis")), Words(("clinic", "gratis")))
    )
    assert with_stems(Words(("shelters",))) == Words(("shelters",))


def test_a_query_may_mix_both_languages():
    found = needs("necesito shelter para mujeres")
    typed = [need.typed for need in found]

    assert typed == ["shelter", "mujeres"]


# Synonym groups ------------------------------------------------------------------


def test_a_synonym_group_works_in_every_direction():
    members = ("dentist", "dental", "teeth", "dentista")
    vocabulary = Vocabulary.build(groups=[", ".join(members)])
    # As searched: Spanish words by their stems ("dentista": "dentist").
    searched = {language.spanish_stem(member) or member for member in members}
    for member in members:
        (need,) = needs(member, vocabulary)

        assert searched <= nodes_words(need.node)


def test_a_group_member_of_several_words_is_found_as_a_phrase_of_the_query():
    vocabulary = Vocabulary.build(groups=['food stamps, snap, "food benefits"'])
    (need,) = needs("how do i get food stamps", vocabulary)

    assert need.typed == "food stamps"
    assert Phrase(("food", "benefits")) in need.node.children


def test_every_shipped_group_has_two_members_or_more():
    groups = shipped_groups()

    assert len(groups) >= 60
    for members in groups:
        assert len([m for m in members.split(",") if m.strip()]) >= 2, members


# Concepts ----------------------------------------------------------------------


@functools.cache
def shipped_vocabulary() -> Vocabulary:
    codes = {
        code: str(taxonomies.term_id(code))
        for _, _, code, _, _ in taxonomies.iter_terms()
    }
    aliases = [
        (phrase, codes[code])
        for code, by_language in shipped_aliases().items()
        for phrases in by_language.values()
        for phrase in phrases
    ]
    children = [
        (codes[parent], codes[code])
        for _, parent, code, _, _ in taxonomies.iter_terms()
        if parent
    ]
    return Vocabulary.build(aliases=aliases, children=children)


def test_every_shipped_term_has_aliases_in_both_languages():
    aliases = shipped_aliases()
    for taxonomy, parent, code, _name, _description in taxonomies.iter_terms():
        top_category = taxonomy == taxonomies.CATEGORIES_ID and not parent
        least = 15 if top_category else 5
        for lang in ("en", "es"):
            assert len(aliases[code][lang]) >= least, (code, lang)


def test_each_shipped_alias_names_its_concept():
    vocabulary = shipped_vocabulary()
    for code, by_language in shipped_aliases().items():
        term = str(taxonomies.term_id(code))
        for phrases in by_language.values():
            for phrase in phrases:
                found = needs(phrase, vocabulary)
                named = set().union(*(need.named for need in found))

                assert term in named, (code, phrase)


def test_an_alias_of_a_category_finds_its_sub_categories_too():
    vocabulary = Vocabulary.build(
        aliases=[("couch surfing", "housing")], children=[("housing", "shelter")]
    )
    need = needs("i have been couch surfing for weeks", vocabulary)[0]

    assert need.typed == "couch surfing"
    assert need.named == {"housing"}
    assert need.terms == {"housing", "shelter"}


def test_an_alias_matches_other_forms_of_its_words():
    vocabulary = Vocabulary.build(aliases=[("sleeping in my car", "housing")])

    assert needs("sleep in the car", vocabulary)[0].named == {"housing"}
    assert key(words("Sleeping in my car")) == key(words("sleep in car"))


def test_judged_queries_are_a_substantial_set():
    with open(language.DATA / "judged_queries.json", encoding="utf-8") as file:
        judged = json.load(file)

    assert len(judged) >= 80
    assert {item["language"] for item in judged} == {"en", "es"}


@given(st.text(max_size=300))
@settings(deadline=None)  # the first example builds the shipped vocabulary
def test_understanding_never_fails_on_what_people_type(text):
    vocabulary = shipped_vocabulary()
    found, negatives = Query.parse(text).needs(vocabulary)
    for need in [*found]:
        for word in nodes_words(need.node):
            assert word.isalnum()


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("im 17 my mom kicked me out", 17),
        ("I’m 16 years old and homeless", 16),
        ("i am 19", 19),
        ("tengo 16 años y no tengo donde dormir", 16),
        ("my son is 5", None),
        ("shelter for 18 year olds", None),
    ],
)
def test_an_age_given_in_the_first_person_is_understood(text, age):
    query = Query.parse(text)

    assert query.age == age
    if age is not None:
        assert str(age) not in query.render()
