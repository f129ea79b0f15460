"""Facets: what a service is (its categories, access terms, languages), as keys.

PostgreSQL keeps each entry's facet keys in an indexed array, so that
"counselling, in mental health, free, in Spanish" is one index probe per
condition on one narrow table instead of a join per filter. Elsewhere the
same conditions run on the HSDS tables themselves (`condition`), which is
fast enough for SQLite-sized directories and needs no index to keep.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from ..models import Attribute, Language, ServiceAtLocation, TermMapping


@dataclass(frozen=True)
class Facet:
    kind: str  # "term" or "language"
    value: str  # a taxonomy term's id, or a language code in lower case

    @classmethod
    def term(cls, pk) -> "Facet":
        return cls("term", str(pk))

    @classmethod
    def language(cls, code: str) -> "Facet":
        return cls("language", code.strip().lower())

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.value}"


def condition(facets: list[Facet]) -> Q:
    """Match services that have any of these facets, from the HSDS tables."""
    terms = [facet.value for facet in facets if facet.kind == "term"]
    codes = [facet.value for facet in facets if facet.kind == "language"]
    found = Q(pk__in=[])
    if terms:
        # The term itself, or another taxonomy's term the crosswalk maps to it.
        found |= Q(
            pk__in=Attribute.objects.for_entity("service")
            .filter(
                Q(taxonomy_term__in=terms)
                | Q(
                    taxonomy_term__in=TermMapping.objects.filter(term__in=terms).values(
                        "external"
                    )
                )
            )
            .values("link_id")
        )
    for code in codes:
        # Spoken at the service itself, or at one of its locations. EXISTS,
        # not IN: a common language is cheaper checked on the services that
        # other filters leave than listed in full.
        spoken = Language.objects.filter(code__iexact=code)
        at_locations = ServiceAtLocation.objects.filter(
            service=OuterRef("pk"),
            location__in=spoken.filter(location__isnull=False).values("location_id"),
        )
        found |= Exists(spoken.filter(service=OuterRef("pk"))) | Exists(at_locations)
    return found
