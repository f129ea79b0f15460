"""The crosswalk: other taxonomies' terms shown as the directory's own.

`suggest(term)` proposes one of our categories or access terms for another
taxonomy's term, by name and alias as search reads them. `import_csv(path)`
loads a crosswalk file, all or nothing: each row names their term (by
taxonomy id or name, and code or name) and ours (by code).
"""

import csv
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Q

from . import search, taxonomies
from .models import TaxonomyTerm, TermMapping
from .search.language import strip_accents

OURS = (taxonomies.CATEGORIES_ID, taxonomies.ACCESS_ID)


def _folded(text: str) -> str:
    return " ".join(strip_accents(text).casefold().replace("&", " and ").split())


def directory_terms() -> dict[str, TaxonomyTerm]:
    return {
        str(term.pk): term
        for term in TaxonomyTerm.objects.filter(taxonomy_detail_id__in=OURS)
    }


def suggest(
    term: TaxonomyTerm, ours: dict[str, TaxonomyTerm] | None = None
) -> TaxonomyTerm | None:
    """Return the directory's term that another taxonomy's `term` most likely is."""
    ours = directory_terms() if ours is None else ours
    name = _folded(term.name)
    for candidate in ours.values():
        if _folded(candidate.name) == name or candidate.code == term.code:
            return candidate
    for pk in search.concepts_named(term.name):
        if pk in ours:
            return ours[pk]
    return None


@dataclass(frozen=True)
class Problem:
    file: str
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}, {self.field}: {self.reason}"


def _their_term(row: dict) -> tuple[TaxonomyTerm | None, str, str]:
    """Return (term, field, reason): the external term a row names."""
    taxonomy = (row.get("taxonomy") or "").strip()
    code, name = (row.get("code") or "").strip(), (row.get("name") or "").strip()
    if not taxonomy:
        return None, "taxonomy", "Give the taxonomy's id or name."
    if not code and not name:
        return None, "code", "Give the term's code or name."
    try:
        by_taxonomy = Q(taxonomy_detail_id=uuid.UUID(taxonomy))
    except ValueError:
        by_taxonomy = Q(taxonomy_detail__name__iexact=taxonomy) | Q(
            taxonomy_detail__isnull=True, taxonomy__iexact=taxonomy
        )
    found = list(
        TaxonomyTerm.objects.filter(by_taxonomy)
        .exclude(taxonomy_detail_id__in=OURS)
        .filter(Q(code=code) if code else Q(name__iexact=name))[:2]
    )
    field = "code" if code else "name"
    if not found:
        return None, field, f"No term {code or name!r} in the taxonomy {taxonomy!r}."
    if len(found) > 1:
        return None, field, f"Several terms are {code or name!r} there: give the code."
    return found[0], "", ""


def import_csv(path) -> tuple[int, list[Problem]]:
    """Load a crosswalk CSV; return (entries created, problems). All or nothing."""
    path = Path(path)
    ours = {term.code: term for term in directory_terms().values()}
    entries, problems = [], []
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = {"taxonomy", "directory_code"} - set(reader.fieldnames or ())
            if missing:
                field = ", ".join(sorted(missing))
                return 0, [Problem(path.name, 1, field, "Required column is missing.")]
            for row in reader:
                line = reader.line_num
                external, field, reason = _their_term(row)
                if external is None:
                    problems.append(Problem(path.name, line, field, reason))
                code = (row.get("directory_code") or "").strip()
                if code not in ours:
                    problems.append(
                        Problem(
                            path.name,
                            line,
                            "directory_code",
                            f"{code!r} is none of the directory's categories "
                            "or access terms.",
                        )
                    )
                elif external is not None:
                    entries.append((external, ours[code]))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        return 0, [Problem(path.name, 0, "", f"Cannot be read: {error}")]
    if problems:
        return 0, problems
    created = 0
    with transaction.atomic():
        for external, term in entries:
            _mapping, new = TermMapping.objects.get_or_create(
                external=external, term=term
            )
            created += new
    return created, []
