"""Keyword search: the same behaviour on PostgreSQL and on SQLite.

Run twice in CI: on SQLite, and with DATABASE_URL on PostgreSQL.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import QuerySet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from resources.models import (
    Attribute,
    ConceptAlias,
    Language,
    SearchEntry,
    SearchWord,
    Service,
    SynonymGroup,
    TaxonomyTerm,
)
from resources.search import (
    Facet,
    filter_facets,
    index_services,
    rebuild_index,
    search_services,
    suggest,
)
from resources.search.query import Query

from .factories import link, make_location, make_organization, make_service, tag, term
from .test_admin import admin_url, form_data


@pytest.fixture
def committed(db, django_capture_on_commit_callbacks):
    """Run what waits for the commit (the index refresh), as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def indexed(committed):
    """Create a service and index it, as saving it in a transaction does."""

    def create(**fields) -> Service:
        with committed():
            return make_service(**fields)

    return create


def search(text: str) -> list[Service]:
    return list(search_services(Service.objects.published(), text))


def names(text: str) -> list[str]:
    return [service.name for service in search(text)]


# Interface -------------------------------------------------------------------


def test_blank_text_returns_the_queryset_unchanged(db):
    queryset = Service.objects.published()

    assert search_services(queryset, "") is queryset
    assert search_services(queryset, "   \n\t") is queryset


def test_results_are_a_lazy_queryset_with_a_float_rank(
    indexed, django_assert_num_queries
):
    indexed(name="Legal aid clinic")
    indexed(name="Legal aid hotline")

    found = search_services(Service.objects.published(), "legal")

    assert isinstance(found, QuerySet)
    chained = found.filter(name__endswith="hotline").prefetch_related("phones")
    with django_assert_num_queries(2):
        [service] = chained[:5]
    assert isinstance(service.rank, float)
    assert service.rank > 0


def test_ties_are_ordered_by_name(indexed):
    for name in ("Shelter C", "Shelter A", "Shelter B"):
        indexed(name=name, description="")

    assert names("shelter") == ["Shelter A", "Shelter B", "Shelter C"]


def test_drafts_and_retired_services_are_never_found(indexed):
    indexed(name="Published food pantry")
    indexed(name="Draft food pantry", publication_status=Service.Publication.DRAFT)
    indexed(name="Defunct food pantry", status=Service.Status.DEFUNCT)

    assert names("pantry") == ["Published food pantry"]
    # Not even through the unfiltered manager: drafts have no index entry.
    assert [s.name for s in search_services(Service.objects.all(), "pantry")] == [
        "Published food pantry"
    ]


# What is searched and how it ranks ---------------------------------------------


def test_a_name_match_ranks_above_a_description_match(indexed):
    indexed(name="Community kitchen", description="Next door to the food pantry.")
    indexed(name="Food pantry", description="Groceries every week.")

    assert names("pantry") == ["Food pantry", "Community kitchen"]


def test_a_category_match_ranks_above_a_description_match(indexed, committed):
    indexed(name="Westside hub", description="We also help with legal aid forms.")
    hub = indexed(name="Eastside hub", description="Drop in.")
    with committed():
        tag(hub, "legal-aid")

    assert names("legal aid") == ["Eastside hub", "Westside hub"]


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("tests", "Free, confidential testing."),
        ("testing", "Two tests a year."),
        ("lawyers", "Talk to a lawyer."),
        ("counseling", "Counselling for survivors."),
    ],
)
def test_stemming_finds_other_forms_of_a_word(indexed, query, text):
    indexed(name="Wanted", description=text)
    indexed(name="Other", description="Something else entirely.")

    assert names(query) == ["Wanted"]


def test_quoted_phrase_needs_the_words_together(indexed):
    indexed(name="Together", description="Free legal aid for tenants.")
    indexed(name="Apart", description="Legal forms; first aid kits.")

    assert names('"legal aid"') == ["Together"]
    assert set(names("legal aid")) == {"Together", "Apart"}


def test_minus_excludes_a_word(indexed):
    indexed(name="Food pantry", description="Groceries.")
    indexed(name="Food pantry for students", description="Campus only.")

    assert names("pantry -students") == ["Food pantry"]
    assert names('pantry -"campus only"') == ["Food pantry"]
    assert names("-students") == ["Food pantry"]


def test_or_finds_either_word(indexed):
    indexed(name="Food pantry")
    indexed(name="Warm clothing")
    indexed(name="Bus passes")

    assert set(names("pantry or clothing")) == {"Food pantry", "Warm clothing"}
    assert set(names("pantry OR clothing")) == {"Food pantry", "Warm clothing"}


def test_every_word_must_match(indexed):
    indexed(name="Food pantry")
    indexed(name="Clothing pantry")

    assert names("food pantry") == ["Food pantry"]


def test_organization_name_is_searched(indexed):
    indexed(name="Drop-in", organization=make_organization(name="Hands of Hope"))
    indexed(name="Other")

    assert names("hands hope") == ["Drop-in"]


def test_category_names_are_searched(indexed, committed):
    service = indexed(name="Tuesday group")
    indexed(name="Other")
    with committed():
        tag(service, "trauma-counselling", "walk-in")

    assert names("trauma") == ["Tuesday group"]
    assert names("walk-in") == ["Tuesday group"]


def test_alternate_name_and_eligibility_are_searched(indexed):
    indexed(name="HLA", alternate_name="Hartford Legal Assistance")
    indexed(name="Youth nights", eligibility_description="Ages 14 to 21, LGBTQ+.")

    assert names("assistance") == ["HLA"]
    assert names("lgbtq") == ["Youth nights"]


def test_languages_are_searched_in_english_and_their_own_name(indexed, committed):
    service = indexed(name="Intake")
    indexed(name="Other")
    with committed():
        Language.objects.create(service=service, code="es")

    assert names("spanish") == ["Intake"]
    assert names("español") == ["Intake"]
    assert names("espanol") == ["Intake"]


def test_accents_do_not_matter(indexed):
    indexed(name="Clínica del pueblo")

    assert names("clinica") == ["Clínica del pueblo"]
    assert names("CLÍNICA") == ["Clínica del pueblo"]


# Synonyms ----------------------------------------------------------------------

# (what a person types, a listing that says it the listing's way); none of
# these listings contains the typed words.
STARTER_EXAMPLES = [
    ("rehab", "Outpatient substance use treatment for adults."),
    ("detox", "Medically supervised withdrawal management."),
    ("std", "Free STI testing, no appointment."),
    ("std test", "Sexually transmitted infection testing for teens."),
    ("sti test", "Confidential sexually transmitted infection testing."),
    ("std tests", "Confidential STI testing."),
    ("lawyer", "Free legal aid for tenants facing eviction."),
    ("lawyers", "Free legal aid for tenants facing eviction."),
    ("food stamps", "Help applying for SNAP benefits."),
    ("dv", "Advocacy for survivors of domestic violence."),
    ("narcan", "Free naloxone kits and training."),
    ("shelter", "Emergency housing for families tonight."),
    ("trafficking", "Support for survivors of labour exploitation."),
    ("human trafficking", "Case management for survivors of sex trafficking."),
    ("aa", "Alcoholics Anonymous meetings every evening."),
    ("na", "Narcotics Anonymous, Thursdays."),
    ("ged", "Adult education: high school equivalency classes."),
    ("therapy", "Counselling with trauma-trained staff."),
    ("abogado", "Free legal aid for immigrants."),
    ("comida", "Hot food every Friday."),
    ("refugio", "Emergency shelter beds for women."),
    ("clinica", "A walk-in clinic for uninsured adults."),
    ("clínica", "A walk-in clinic for uninsured adults."),
]


@pytest.mark.parametrize(("query", "description"), STARTER_EXAMPLES)
def test_starter_synonyms_find_listings_in_their_words(indexed, query, description):
    indexed(name="Wanted", description=description)
    indexed(name="Unrelated", description="Bus passes for job seekers.")

    assert names(query) == ["Wanted"]


def test_a_synonym_keeps_the_original_words(indexed):
    indexed(name="Rehab centre", description="Residential.")
    indexed(name="Day programme", description="Substance use treatment.")

    assert set(names("rehab")) == {"Rehab centre", "Day programme"}


def test_synonyms_caseworkers_add_apply_at_once(indexed):
    indexed(name="Rides", description="Free transportation to appointments.")

    assert names("bus pass") == []
    SynonymGroup.objects.create(members="Bus pass, transportation, rides")

    assert names("bus pass") == ["Rides"]
    assert names("bus passes") == ["Rides"]


def test_a_synonym_group_finds_every_member_from_every_other(indexed):
    for word in ("dentist", "dental", "teeth", "dentista"):
        indexed(name=f"{word.title()} service")
    indexed(name="Unrelated", description="Bus passes.")
    SynonymGroup.objects.create(members="dentist, dental, teeth, dentista")

    for word in ("dentist", "dental", "teeth", "dentista"):
        assert len(names(word)) == 4, word


def test_synonym_terms_may_quote_a_phrase(indexed):
    indexed(name="Together", description="Recovery support group.")
    indexed(name="Apart", description="Support for your recovery.")
    SynonymGroup.objects.create(members='sober, "recovery support"')

    assert names("sober") == ["Together"]


# Typos -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typo", "description"),
    [
        ("councelling", "Trauma counselling for adults."),
        ("shelther", "Emergency shelter tonight."),
        ("lawer", "Free legal aid for tenants."),
        ("lawer", "Talk to a lawyer today."),
        ("pantyr", "A food pantry."),
    ],
)
def test_typos_find_the_right_service(indexed, typo, description):
    indexed(name="Wanted", description=description)
    indexed(name="Unrelated", description="Bus passes for job seekers later.")

    assert names(typo) == ["Wanted"]


def test_a_typo_is_fixed_next_to_good_words(indexed):
    indexed(name="Wanted", description="Trauma counselling for adults.")
    indexed(name="Unrelated", description="Counselling for couples.")

    assert names("trauma councelling") == ["Wanted"]


def test_typos_cost_a_fixed_number_of_queries(indexed, django_assert_num_queries):
    indexed(name="Wanted", description="Trauma counselling in a shelter.")
    queryset = Service.objects.published()

    # The vocabulary, read once per process until it changes: synonym
    # groups, and aliases with the terms' names and parents. Then which
    # words the index knows, the words near the others (and which of those
    # are live, when not all are the vocabulary's own), the search itself.
    with django_assert_num_queries(5):
        assert list(search_services(queryset, "pantyr cunselling")) == []
    with django_assert_num_queries(3):
        found = search_services(queryset, "trauma cunselling sheltre xqzzy")
        assert [s.name for s in found] == []
    with django_assert_num_queries(3):
        found = search_services(queryset, "trauma cunselling sheltre")
        assert [s.name for s in found] == ["Wanted"]
    # A common word is no typo: nothing to look up.
    with django_assert_num_queries(1):
        assert [s.name for s in search_services(queryset, "trauma")] == ["Wanted"]


def test_a_vocabulary_change_applies_at_the_next_search(indexed):
    indexed(name="Rides", description="Free transportation to appointments.")
    assert names("bus pass") == []

    group = SynonymGroup.objects.create(members="bus pass, transportation")
    assert names("bus pass") == ["Rides"]

    group.delete()
    assert names("bus pass") == []


def test_words_that_left_the_index_are_not_offered(indexed, committed):
    service = indexed(name="Wanted", description="A food pantry.")
    with committed():
        service.description = "Groceries."
        service.save()

    assert SearchWord.objects.filter(word="pantry").exists()  # add-only
    assert names("pantyr") == []
    assert suggest("pantyr") is None


def test_suggest_corrects_a_zero_hit_misspelling(indexed):
    indexed(name="Wanted", description="Trauma counselling for adults.")
    indexed(name="Other", description="Emergency shelter tonight.")

    # Either spelling finds the same services.
    assert suggest("cunselling") in {"counselling", "counseling"}
    assert suggest("trauma cunselling") in {"trauma counselling", "trauma counseling"}
    assert suggest('"trauma" sheltre -cars') == '"trauma" shelter -cars'
    # Too far for a silent fix, close enough to ask.
    assert names("councilin") == []
    assert suggest("councilin") in {"counselling", "counseling"}


def test_suggest_is_none_when_the_text_is_fine_or_nothing_is_close(indexed):
    indexed(name="Wanted", description="Trauma counselling for adults.")

    assert suggest("counselling") is None
    assert suggest("counsel") is None
    assert suggest("xylophone") is None
    assert suggest("") is None
    assert suggest("  ") is None


def test_suggestions_never_come_from_drafts(indexed):
    indexed(
        name="Secret safe house",
        description="Confidential refuge.",
        publication_status=Service.Publication.DRAFT,
    )

    assert suggest("refuje") is None
    assert not SearchWord.objects.filter(word="refuge").exists()


# Malformed input ---------------------------------------------------------------

NASTY = [
    '"',
    '""',
    '"""',
    '"unbalanced phrase',
    "(",
    ")",
    "((shelter)",
    "-",
    "--",
    "- -",
    "-shelter",
    '-"',
    "or",
    "OR OR",
    "shelter or",
    "or shelter",
    "shelter OR OR food",
    "AND NOT NEAR",
    "NEAR(shelter food)",
    "shelter*",
    "*",
    "^shelter",
    "name:shelter",
    "name : shelter",
    "{name topics}: shelter",
    "shelter:*",
    "!shelter & food | x",
    "'; DROP TABLE resources_service; --",
    "' OR 1=1 --",
    '" OR ""="',
    "%",
    "%s %s %(x)s",
    "\\",
    "\x00",
    "shel\x00ter",
    "\ud7ff\ue000",
    "🏠 shelter 🆘",
    "🏠",
    "庇护所",
    "ملجأ",
    "the",
    "the and of",
    "_",
    "__init__",
    "a" * 5000,
    "shelter " * 2000,
    '"' + "x " * 500 + '"',
    "-x " * 300,
    "x or " * 300,
    "\u200b\u200b",
    "\u0301",
    "ﬁnd ﬂat",
    "２４時間",
    "<script>alert(1)</script>",
    "1",
    "123 456",
    "-1",
    "e-mail",
    "walk-in",
    "--shelter",
    '"-shelter"',
    "rehab rehab rehab",
    "food stamps food stamps",
]


class MalformedInputTests(HypothesisTestCase):
    @classmethod
    def setUpTestData(cls):
        with cls.captureOnCommitCallbacks(execute=True):
            make_service(name="Emergency shelter", description="Beds tonight.")
            make_service(name="Food pantry", description="Groceries.")

    def assert_harmless(self, text):
        found = list(search_services(Service.objects.published(), text))
        if text.strip():
            assert all(isinstance(service.rank, float) for service in found)
        assert search_services(Service.objects.published(), text).count() == len(found)
        suggestion = suggest(text)
        assert suggestion is None or isinstance(suggestion, str)

    def test_nasty_strings(self):
        for text in NASTY:
            with self.subTest(text=text[:40]):
                self.assert_harmless(text)

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(st.text())
    def test_any_text(self, text):
        self.assert_harmless(text)

    @settings(max_examples=150, deadline=None)
    @given(
        st.lists(
            st.sampled_from(
                ['"', "-", "or", "OR", "(", ")", "*", ":", "^", "shelter", "food",
                 "shelther", "rehab", "the", " ", "NOT", "AND", "\x00", "é", "💥"]
            ),
            max_size=12,
        ).map("".join)
    )  # fmt: skip
    def test_query_syntax_soup(self, text):
        self.assert_harmless(text)


def test_parsed_words_hold_only_letters_and_digits():
    query = Query.parse('"leg-al\x00 aid" -x_y or (z) 💥 naïve')

    for group in query.groups:
        for parsed in group:
            assert all(word.isalnum() for word in parsed.words)


# Keeping in step ---------------------------------------------------------------


def test_index_follows_a_service_saved_in_code(indexed, committed):
    service = indexed(name="Food pantry")

    with committed():
        service.name = "Clothing bank"
        service.save()

    assert names("pantry") == []
    assert names("clothing") == ["Clothing bank"]


def test_index_follows_publication(indexed, committed):
    service = indexed(name="Food pantry", publication_status="draft")
    assert names("pantry") == []

    with committed():
        service.publication_status = Service.Publication.PUBLISHED
        service.save()
    assert names("pantry") == ["Food pantry"]

    with committed():
        service.publication_status = Service.Publication.DRAFT
        service.save()
    assert names("pantry") == []
    assert not SearchEntry.objects.filter(service=service).exists()


def test_index_follows_an_organization_rename(indexed, committed):
    organization = make_organization(name="Hands of Hope")
    indexed(name="Drop-in", organization=organization)
    indexed(name="Evening meal", organization=organization)

    with committed():
        organization.name = "Open Door Collective"
        organization.save()

    assert names("hope") == []
    assert set(names("collective")) == {"Drop-in", "Evening meal"}


def test_index_follows_categories_added_and_removed(indexed, committed):
    service = indexed(name="Tuesday group")

    with committed():
        tag(service, "naloxone")
    assert names("naloxone") == ["Tuesday group"]

    with committed():
        Attribute.objects.get(link_id=service.pk).delete()
    assert names("naloxone") == []


def test_index_follows_a_category_rename(indexed, committed):
    service = indexed(name="Tuesday group")
    with committed():
        tag(service, "syringe-services")

    with committed():
        category = TaxonomyTerm.objects.get(code="syringe-services")
        category.name = "Cedar room"
        category.save()
    # Aliases find the term whatever its name: this is about the text.
    ConceptAlias.objects.all().delete()

    assert names("cedar room") == ["Tuesday group"]
    assert names("syringe") == []


def test_index_follows_languages_added_and_removed(indexed, committed):
    service = indexed(name="Intake")

    with committed():
        language = Language.objects.create(service=service, name="Haitian Creole")
    assert names("creole") == ["Intake"]

    with committed():
        language.delete()
    assert names("creole") == []


def faceted(**facets) -> list[str]:
    found = filter_facets(Service.objects.published(), **facets)
    return sorted(found.values_list("name", flat=True))


def test_facets_follow_categories_added_and_removed(indexed, committed):
    service = indexed(name="Tuesday group")
    indexed(name="Other")
    syringe = Facet.term(term("syringe-services").pk)
    free = Facet.term(term("free").pk)
    assert faceted(any_of=[syringe]) == []

    with committed():
        tag(service, "syringe-services", "free")
    assert faceted(any_of=[syringe]) == ["Tuesday group"]
    assert faceted(all_of=[syringe, free]) == ["Tuesday group"]

    with committed():
        Attribute.objects.get(link_id=service.pk, taxonomy_term__code="free").delete()
    assert faceted(any_of=[syringe, free]) == ["Tuesday group"]
    assert faceted(all_of=[syringe, free]) == []


def test_facets_follow_languages_of_the_service_and_its_locations(indexed, committed):
    at_desk = indexed(name="At the desk")
    on_site = indexed(name="On site")
    with committed():
        Language.objects.create(service=at_desk, name="Spanish", code="ES")
        location = make_location()
        link(on_site, location)
        spoken_there = Language.objects.create(location=location, code="ht")

    assert faceted(all_of=[Facet.language("es")]) == ["At the desk"]
    assert faceted(all_of=[Facet.language("HT")]) == ["On site"]

    with committed():
        spoken_there.delete()
    assert faceted(all_of=[Facet.language("ht")]) == []


def test_index_follows_a_deleted_service(indexed, committed):
    service = indexed(name="Food pantry")

    with committed():
        service.delete()

    assert names("pantry") == []
    assert not SearchEntry.objects.exists()
    if connection.vendor == "sqlite":  # the FTS5 index followed the cascade
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM resources_searchentry_fts "
                "WHERE resources_searchentry_fts MATCH 'pantry'"
            )
            assert cursor.fetchone() == (0,)


def test_index_services_removes_ids_it_cannot_find(indexed):
    service = indexed(name="Food pantry")
    Service.objects.filter(pk=service.pk).update(publication_status="draft")

    index_services([service.pk, "00000000-0000-0000-0000-000000000000"])

    assert not SearchEntry.objects.exists()


# Through the admin ---------------------------------------------------------------


def test_index_follows_a_caseworker_editing_a_service(
    caseworker_client, indexed, committed
):
    service = indexed(name="Food pantry")
    url = admin_url(Service, "change", service.pk)
    data = form_data(caseworker_client.get(url))
    data["name"] = "Clothing bank"
    data["categories"] = [str(term("legal-aid").pk)]

    with committed():
        response = caseworker_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert names("pantry") == []
    assert names("clothing") == ["Clothing bank"]
    assert names("legal aid") == ["Clothing bank"]


def test_caseworkers_edit_synonyms_in_the_admin(caseworker_client, indexed):
    indexed(name="Rides", description="Free transportation to appointments.")

    response = caseworker_client.post(
        admin_url(SynonymGroup, "add"), {"members": "bus pass, transportation"}
    )

    assert response.status_code == 302, response.context["errors"]
    assert names("bus pass") == ["Rides"]
    assert names("transportation") == ["Rides"]
    group = SynonymGroup.objects.get(members="bus pass, transportation")
    assert group.history.count() == 1


def test_a_synonym_group_needs_two_members(caseworker_client, db):
    response = caseworker_client.post(
        admin_url(SynonymGroup, "add"), {"members": "rehab"}
    )

    assert response.status_code == 200
    assert "Give at least two members, separated by commas." in response.text


# Rebuilding ----------------------------------------------------------------------


def test_rebuild_indexes_catches_up_after_bulk_writes(indexed):
    organization = make_organization()
    Service.objects.bulk_create(
        Service(
            organization=organization,
            name=f"Bulk pantry {n}",
            publication_status=Service.Publication.PUBLISHED,
        )
        for n in range(3)
    )
    stale = indexed(name="Old pantry")
    Service.objects.filter(pk=stale.pk).update(name="Old wardrobe")
    SearchWord.objects.create(word="obsolete")
    assert names("bulk") == []

    out = io.StringIO()
    call_command("rebuild_indexes", stdout=out)

    assert "Search index: 4 services indexed." in out.getvalue()
    assert "Opening windows: 0 windows for 4 services." in out.getvalue()
    assert len(names("bulk pantry")) == 3
    assert names("wardrobe") == ["Old wardrobe"]
    assert not SearchWord.objects.filter(word="obsolete").exists()
    assert SearchWord.objects.filter(word="wardrobe").exists()


def test_rebuild_index_works_in_small_batches(db):
    organization = make_organization()
    Service.objects.bulk_create(
        Service(
            organization=organization,
            name=f"Pantry {n}",
            publication_status=Service.Publication.PUBLISHED,
        )
        for n in range(5)
    )

    assert rebuild_index(batch_size=2) == 5
    assert len(names("pantry")) == 5


def test_long_queries_are_cut_to_a_few_terms():
    query = Query.parse("x or " * 100 + "y " * 100)

    assert sum(len(group) for group in query.groups) == 16


def test_punctuated_words_are_found_on_both_databases(indexed):
    indexed(name="24/7 crisis line", description="Walk-in, no-ID testing.")
    assert names("24/7") == ["24/7 crisis line"]
    assert names('"24/7 crisis"') == ["24/7 crisis line"]
    assert names("walk-in") == ["24/7 crisis line"]
