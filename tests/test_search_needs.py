"""Search that understands people, on PostgreSQL and SQLite alike.

Concepts find their categories, sentences find what their known words
find, Spanish is stemmed, and the page, the category page and the HSDS API
give the same results for the same words.
"""

import pytest
from django.urls import reverse

from resources import taxonomies
from resources.derived import refresh_services
from resources.models import ConceptAlias, Service, SynonymGroup
from resources.search import search_services, suggest
from resources.search.shipped import shipped_aliases

from .factories import make_service, tag
from .test_admin import admin_url

pytestmark = pytest.mark.django_db
URL = reverse("resources:service-list")


def page(client, text: str, **params) -> list[str]:
    response = client.get(URL, {"q": text, **params})
    assert response.status_code == 200
    return [service.name for service in response.context["services"]]


def built(*services: Service) -> None:
    refresh_services([service.pk for service in services])


# Concepts ---------------------------------------------------------------------


def test_every_shipped_alias_finds_its_category():
    services = {}
    for _taxonomy, _parent, code, _name, _description in taxonomies.iter_terms():
        services[code] = make_service(name=f"Listing {code}", description="Open.")
        tag(services[code], code)
    built(*services.values())
    queryset = Service.objects.published()

    missing = []
    for code, by_language in shipped_aliases().items():
        for phrases in by_language.values():
            for phrase in phrases:
                found = set(
                    search_services(queryset, phrase).values_list("pk", flat=True)
                )
                if services[code].pk not in found:
                    missing.append((code, phrase))

    assert missing == []


def test_a_concept_match_ranks_below_services_that_say_the_words(client):
    make_service(name="Tenant line", description="Evicted? Call us.")
    shelter = make_service(name="Night beds", description="Beds for tonight.")
    tag(shelter, "emergency-shelter")
    make_service(name="Pantry", description="Groceries.")
    built(*Service.objects.all())

    assert page(client, "evicted") == ["Tenant line", "Night beds"]


def test_the_page_says_which_category_it_shows(client):
    shelter = make_service(name="Night beds", description="Beds for tonight.")
    tag(shelter, "housing")
    built(shelter)

    response = client.get(URL, {"q": "couch surfing"})

    assert "Housing and shelter" in response.text
    assert reverse("resources:category-detail", args=["housing"]) in response.text


def test_caseworkers_aliases_apply_at_once(client, django_capture_on_commit_callbacks):
    service = make_service(name="Night beds", description="Beds for tonight.")
    tag(service, "emergency-shelter")
    built(service)
    assert page(client, "zorgleflat") == []

    with django_capture_on_commit_callbacks(execute=True):
        ConceptAlias.objects.create(
            term=service.attributes.get().taxonomy_term, phrase="zorgleflat"
        )

    assert page(client, "zorgleflat") == ["Night beds"]


# Sentences --------------------------------------------------------------------


def test_a_sentence_finds_what_its_known_words_find(client):
    showers = make_service(name="Day centre", description="Hot showers and laundry.")
    make_service(name="Pantry", description="Groceries.")
    built(*Service.objects.all())

    assert page(client, "where can i take a shower today please") == ["Day centre"]
    assert page(client, "shower") == ["Day centre"]
    assert showers.name in page(client, "i need a shower and qzxv frobnicated")


# Words no alias or synonym holds, so that only the text decides.
BOTH = "Piano lessons for beekeepers."
ONE = "Piano tuning."


def test_services_meeting_every_word_come_before_the_closest(client):
    make_service(name="Both", description=BOTH)
    make_service(name="One", description=ONE)
    make_service(name="Pantry", description="Groceries.")
    built(*Service.objects.all())

    response = client.get(URL, {"q": "piano beekeepers"})
    assert [s.name for s in response.context["services"]] == ["Both", "One"]
    assert "No service matches every word" not in response.text
    assert "those after them match some" in response.text

    response = client.get(URL, {"q": "piano for beekeepers on mars"})
    assert [s.name for s in response.context["services"]][0] == "Both"
    assert "No service matches every word; showing the closest." in response.text


def test_a_full_page_of_exact_matches_shows_no_partial_ones(client, settings):
    settings.DIRECTORY_PAGE_SIZE = 2
    for n in range(3):
        make_service(name=f"Both {n}", description=BOTH)
    make_service(name="One", description=ONE)
    built(*Service.objects.all())

    response = client.get(URL, {"q": "piano beekeepers"})

    assert response.context["paginator"].count == 3
    assert "No service matches every word" not in response.text


def test_words_of_asking_alone_show_categories_and_crisis_lines(client):
    make_service(name="Pantry", description="Groceries.")
    built(*Service.objects.all())

    response = client.get(URL, {"q": "hola necesito ayuda por favor"})

    assert response.context["services"] == []
    assert 'href="tel:988"' in response.text
    assert reverse("resources:category-detail", args=["housing"]) in response.text
    assert "Try removing a filter" not in response.text


def test_an_empty_page_offers_the_categories_nearest_its_words(client):
    make_service(name="Pantry", description="Groceries.")
    built(*Service.objects.all())

    response = client.get(URL, {"q": "syringez"})

    categories = [term.code for term in response.context["related_categories"]]
    assert categories[0] in {"syringe-services", "harm-reduction"}


def test_an_empty_page_with_a_filter_offers_to_remove_it(client):
    make_service(name="Pantry", description="Groceries.")
    built(*Service.objects.all())

    response = client.get(URL, {"q": "pantry", "access": "no-id"})

    assert response.context["services"] == []
    assert "Try removing a filter above." in response.text


# Spanish ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "listing"),
    [
        ("clínicas", "Clínica del pueblo"),
        ("albergues", "Albergue para mujeres"),
        ("abogados", "Abogado gratuito"),
        ("clinicas", "Free clinics downtown"),
    ],
)
def test_spanish_words_are_stemmed_as_spanish(typed, listing):
    make_service(name=listing, description="Abierto.")
    make_service(name="Unrelated", description="Bus passes.")
    built(*Service.objects.all())

    found = search_services(Service.objects.published(), typed)

    assert [service.name for service in found] == [listing]


def test_a_query_may_mix_spanish_and_english(client):
    make_service(name="Albergue", description="Camas para mujeres.")
    make_service(name="Women's shelter", description="Beds for women.")
    built(*Service.objects.all())

    found = page(client, "necesito shelter para mujeres")

    assert set(found) == {"Albergue", "Women's shelter"}


# Age --------------------------------------------------------------------------


def test_an_age_given_for_oneself_drops_services_for_other_ages(client):
    make_service(name="Youth beds", description="Beds.", maximum_age=24)
    make_service(name="Adult beds", description="Beds.", minimum_age=18)
    make_service(name="Beds for all", description="Beds.")
    built(*Service.objects.all())

    assert page(client, "im 16 and need beds") == ["Youth beds", "Beds for all"]
    assert set(page(client, "beds")) == {"Youth beds", "Adult beds", "Beds for all"}


# Suggestions ------------------------------------------------------------------


def test_a_suggestion_always_finds_something():
    make_service(name="Pantry", description="A food pantry.")
    built(*Service.objects.all())

    assert suggest("pantyr") == "pantry"
    assert suggest("frobnicate") is None


def test_an_alias_is_never_corrected():
    service = make_service(name="Night beds", description="Beds.")
    built(service)
    ConceptAlias.objects.create(
        term=taxonomies_term("emergency-shelter"), phrase="beds"
    )

    assert suggest("bedz") != "bedz"
    assert suggest("beds") is None


def taxonomies_term(code):
    from resources.models import TaxonomyTerm

    return TaxonomyTerm.objects.get(pk=taxonomies.term_id(code))


# One engine ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["i got evicted", "lawyer for tenants on mars", "clínicas", "shelter", "zzzz"],
)
def test_the_page_the_category_page_and_the_api_agree(client, text):
    for n, code in enumerate(["housing", "emergency-shelter", "legal", "clinics"]):
        service = make_service(
            name=f"Listing {n}",
            description=["Evicted tenants.", "Beds.", "Lawyers.", "Clinica."][n],
        )
        tag(service, code)
    make_service(name="Tenant union", description="For tenants.")
    built(*Service.objects.all())

    on_page = page(client, text)
    in_housing = page(client, text, category="housing")
    response = client.get(
        reverse("resources:category-detail", args=["housing"]), {"q": text}
    )
    api = client.get("/api/services", {"search": text}).json()

    assert [item["name"] for item in api["contents"]] == on_page
    assert [s.name for s in response.context["services"]] == in_housing


# The vocabulary's admin -------------------------------------------------------

GARBAGE = ["", ",,,", "\x00shelter", "x" * 1000, "🙂, 🙂", '"unclosed, quote', "a,b"]


@pytest.mark.parametrize("text", GARBAGE)
def test_the_vocabulary_admin_takes_any_text_without_an_error_page(
    caseworker_client, text
):
    term = taxonomies_term("housing")
    for model, data in (
        (SynonymGroup, {"members": text}),
        (ConceptAlias, {"term": term.pk, "phrase": text, "language": "es"}),
    ):
        response = caseworker_client.post(admin_url(model, "add"), data)

        assert response.status_code in (200, 302), (model, text)
    # Whatever was saved, searching for it still answers.
    assert page(caseworker_client, text[:200]) is not None
