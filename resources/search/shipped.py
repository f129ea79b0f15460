"""The search vocabulary shipped with the app, and its loader.

The data are files in `data/`: `synonyms.txt` (one synonym group a line)
and `concepts.json` (for each shipped category and access term code, the
phrases people use for it, in English and Spanish). A migration calls
`sync_shipped_vocabulary` when the data change; it adds what is missing and
never overwrites what caseworkers edited: a group is added only when none
of its members is in a group yet, an alias only when its term lacks it.
"""

import json

from ..taxonomies import ACCESS_ID, CATEGORIES_ID
from .language import DATA, strip_accents


def shipped_groups() -> list[str]:
    """Return the shipped synonym groups, members separated by commas."""
    groups = []
    with open(DATA / "synonyms.txt", encoding="utf-8") as lines:
        for line in lines:
            text = line.strip()
            if text and not text.startswith("#"):
                groups.append(
                    ", ".join(m.strip() for m in text.split(",") if m.strip())
                )
    return groups


def shipped_aliases() -> dict[str, dict[str, list[str]]]:
    """Return {term code: {language: [phrase, ...]}} for the shipped terms."""
    with open(DATA / "concepts.json", encoding="utf-8") as file:
        return json.load(file)


def _members(text: str) -> set[str]:
    return {strip_accents(m.strip()).casefold() for m in text.split(",") if m.strip()}


def sync_shipped_vocabulary(apps) -> None:
    """Add the shipped synonym groups and aliases that are missing; safe to rerun."""
    SynonymGroup = apps.get_model("resources", "SynonymGroup")
    ConceptAlias = apps.get_model("resources", "ConceptAlias")
    TaxonomyTerm = apps.get_model("resources", "TaxonomyTerm")

    present = set()
    for members in SynonymGroup.objects.values_list("members", flat=True):
        present |= _members(members)
    SynonymGroup.objects.bulk_create(
        SynonymGroup(members=members)
        for members in shipped_groups()
        if not _members(members) & present
    )

    # The shipped aliases name the shipped terms; other taxonomies reuse codes.
    terms = dict(
        TaxonomyTerm.objects.filter(
            taxonomy_detail_id__in=[CATEGORIES_ID, ACCESS_ID]
        ).values_list("code", "pk")
    )
    have = {
        (term_id, phrase.casefold())
        for term_id, phrase in ConceptAlias.objects.values_list("term_id", "phrase")
    }
    new = []
    for code, by_language in shipped_aliases().items():
        if code not in terms:
            continue
        for language, phrases in by_language.items():
            for phrase in phrases:
                if (terms[code], phrase.casefold()) not in have:
                    have.add((terms[code], phrase.casefold()))
                    new.append(
                        ConceptAlias(
                            term_id=terms[code], phrase=phrase, language=language
                        )
                    )
    ConceptAlias.objects.bulk_create(new)
