"""What is indexed for each service, gathered in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf.locale import LANG_INFO

from ..models import Attribute, Language, Service, TermMapping
from . import language
from .facets import Facet
from .query import concept_word, words

# Longer text adds nothing to a search and would bloat the index.
MAX_FIELD = 20_000


# A document's texts, by weight (A to D).
FIELDS = ("name", "topics", "body", "languages")


@dataclass(frozen=True)
class Document:
    """A service's searchable texts, and its facets (see `facets`)."""

    name: str
    topics: str
    body: str
    languages: str
    facets: frozenset[Facet] = field(default_factory=frozenset)

    def texts(self) -> tuple[str, ...]:
        """Return the texts to index, by weight.

        Spanish stems are included, and the last field ends with a word for
        each of the service's taxonomy terms (`query.concept_word`), which
        a concept a query names searches for.
        """
        texts = [_with_stems(getattr(self, name)) for name in FIELDS]
        terms = sorted(f.value for f in self.facets if f.kind == "term")
        texts[-1] = " ".join([texts[-1], *map(concept_word, terms)]).strip()
        return tuple(texts)

    def vocabulary(self) -> set[str]:
        """Return the words worth offering as spelling corrections."""
        return {
            word
            for name in FIELDS
            for word in getattr(self, name).split()
            if word.isalpha()
            and 3 <= len(word) <= 30
            and word not in language.stopwords()
        }


def _text(*parts: str) -> str:
    """Return the parts as the words a query is split into, one space apart.

    Both sides see the same words that way: PostgreSQL's parser would keep
    "24/7" or "walk-in" whole, while a query splits them.
    """
    text = "\n".join(part for part in parts if part)
    return " ".join(words(text[:MAX_FIELD]))


def _with_stems(text: str) -> str:
    # After the words, the Spanish stems of the Spanish ones, which a
    # query's Spanish stems find (see `query.with_stems`).
    found = text.split()
    stems = [stem for word in found if (stem := language.spanish_stem(word))]
    return " ".join([*found, *stems])


def language_labels(name: str, code: str) -> list[str]:
    """Return what people may call a language: its name, English and native."""
    labels = [name] if name else []
    info = LANG_INFO.get(code.lower())
    if info and "fallback" in info:
        info = LANG_INFO.get(info["fallback"][0])
    if info:
        labels += [info["name"], info["name_local"]]
    elif not name:
        labels.append(code)
    return list(dict.fromkeys(labels))


def build(service_ids: list) -> dict:
    """Return {service id: Document} for the public ones among these services.

    Drafts, inactive and defunct services get no document: what the public
    cannot see, it cannot find, and its words never become suggestions.
    """
    services = list(
        Service.objects.published()
        .filter(pk__in=service_ids)
        .values_list(
            "pk",
            "name",
            "alternate_name",
            "description",
            "eligibility_description",
            "organization__name",
            "organization__alternate_name",
            "translations",
            "organization__translations",
        )
    )
    if not services:
        return {}
    ids = [row[0] for row in services]

    terms = defaultdict(list)
    facets = defaultdict(set)
    tagged = defaultdict(set)  # term id: the services it is applied to
    for service_id, term_id, term in (
        Attribute.objects.for_entity("service")
        .filter(link_id__in=ids, taxonomy_term__isnull=False)
        .order_by("taxonomy_term__name")
        .values_list("link_id", "taxonomy_term_id", "taxonomy_term__name")
    ):
        terms[service_id].append(term)
        facets[service_id].add(Facet.term(term_id))
        tagged[term_id].add(service_id)
    # Another taxonomy's terms count as the directory's terms the crosswalk
    # maps them to: listed under those categories, found by their concepts.
    for external_id, term_id, term in TermMapping.objects.filter(
        external_id__in=list(tagged)
    ).values_list("external_id", "term_id", "term__name"):
        for service_id in tagged[external_id]:
            if Facet.term(term_id) not in facets[service_id]:
                terms[service_id].append(term)
                facets[service_id].add(Facet.term(term_id))

    languages = defaultdict(dict)  # insertion-ordered sets
    for service_id, name, code in [
        *Language.objects.filter(service_id__in=ids)
        .order_by("name", "code")
        .values_list("service_id", "name", "code"),
        *Language.objects.filter(location__service_at_locations__service_id__in=ids)
        .order_by("name", "code")
        .values_list("location__service_at_locations__service_id", "name", "code"),
    ]:
        languages[service_id].update(dict.fromkeys(language_labels(name, code)))
        facets[service_id].add(Facet.language(code))

    return {
        pk: Document(
            name=_text(
                name, alternate_name, *_translated(texts, "name", "alternate_name")
            ),
            topics=_text(
                organization,
                organization_alternate,
                *_translated(organization_texts, "name", "alternate_name"),
                *terms[pk],
            ),
            body=_text(
                description,
                eligibility,
                *_translated(texts, "description", "eligibility_description"),
            ),
            languages=_text(*languages[pk]),
            facets=frozenset(facets[pk]),
        )
        for (
            pk,
            name,
            alternate_name,
            description,
            eligibility,
            organization,
            organization_alternate,
            texts,
            organization_texts,
        ) in services
    }


def _translated(translations, *fields: str) -> list[str]:
    # The listing's text in every other language, under the same weight as
    # its English: a Spanish query finds the Spanish words (and their
    # Spanish stems, see `_with_stems`).
    return [
        text
        for by_field in (translations or {}).values()
        if isinstance(by_field, dict)
        for field in fields
        if isinstance(text := by_field.get(field), str)
    ]
