"""Likely duplicate organizations and services, for a caseworker to review.

Signals, each with a weight: a similar name (after normalising: case,
accents, punctuation and words such as "the" or "inc" do not count) 2,
the same phone number 2, the same website 2 (1 between services, which
often share their organization's), the same street address 1. A pair
scoring 2 or more is listed with its reasons; a shared address alone is
not enough (organizations share buildings).

Names are compared with rapidfuzz's token-sort ratio, only between names
that share a word, so the work grows with the directory, not its square.
"""

import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from rapidfuzz import fuzz, process

from .models import Address, Organization, Phone, Service
from .search.query import words

DEFAULT_THRESHOLD = 90
MIN_SCORE = 2
# Words that say nothing about which organization this is.
NAME_NOISE = frozenset(
    {"the", "of", "and", "a", "an", "at", "for", "in", "inc", "incorporated"}
    | {"llc", "ltd", "co", "corp", "corporation"}
)
# A word shared by more names than this is no clue (e.g. a town's name);
# blocks that large are skipped.
MAX_BLOCK = 2000
STREET_WORDS = {
    "street": "st",
    "avenue": "ave",
    "road": "rd",
    "boulevard": "blvd",
    "drive": "dr",
    "lane": "ln",
    "place": "pl",
    "court": "ct",
    "turnpike": "tpke",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "suite": "ste",
}


def normalise_name(name: str) -> str:
    return " ".join(word for word in words(name) if word not in NAME_NOISE)


def normalise_phone(number: str) -> str:
    """Return the last ten digits; short codes (988, 211) are no clue."""
    digits = re.sub(r"\D", "", number)
    return digits[-10:] if len(digits) >= 7 else ""


def normalise_address(address_1: str, postal_code: str) -> str:
    street = " ".join(STREET_WORDS.get(word, word) for word in words(address_1))
    return f"{street} {postal_code[:5]}" if street else ""


def normalise_website(url: str) -> str:
    if not url:
        return ""
    parts = urlsplit(url if "//" in url else f"//{url}")
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}" if host else ""


@dataclasses.dataclass
class Candidate:
    """Two records that may be one, with the reasons and a score."""

    first: object
    second: object
    reasons: list[str] = dataclasses.field(default_factory=list)
    score: int = 0

    @property
    def kind(self) -> str:
        return self.first._meta.model_name


def _name_pairs(names: dict, threshold: int) -> dict[tuple, float]:
    """Return {(id, id): similarity} for names at least `threshold` alike."""
    blocks: dict[str, list] = defaultdict(list)
    for pk, name in names.items():
        for word in set(name.split()):
            blocks[word].append(pk)
    pairs: dict[tuple, float] = {}
    for ids in blocks.values():
        if len(ids) < 2 or len(ids) > MAX_BLOCK:
            continue
        choices = {pk: names[pk] for pk in ids}
        for pk in ids:
            for _name, score, other in process.extract(
                names[pk],
                choices,
                scorer=fuzz.token_sort_ratio,
                score_cutoff=threshold,
                limit=None,
            ):
                if other != pk:
                    key = tuple(sorted((pk, other), key=str))
                    pairs[key] = max(pairs.get(key, 0), score)
    return pairs


def _shared(values: Iterable[tuple]) -> dict[tuple, set[str]]:
    """Given (record id, value) rows, return {(id, id): values they share}."""
    holders: dict[str, set] = defaultdict(set)
    for pk, value in values:
        if value:
            holders[value].add(pk)
    shared: dict[tuple, set[str]] = defaultdict(set)
    for value, ids in holders.items():
        if len(ids) < 2 or len(ids) > MAX_BLOCK:
            continue
        ordered = sorted(ids, key=str)
        for i, first in enumerate(ordered):
            for second in ordered[i + 1 :]:
                shared[(first, second)].add(value)
    return shared


def find_duplicates(
    kind: str, *, threshold: int = DEFAULT_THRESHOLD
) -> list[Candidate]:
    """Return likely duplicate pairs of "organization" or "service", best first."""
    if kind == "organization":
        model, website_field, website_weight = Organization, "website", 2
        phones = Phone.objects.filter(organization__isnull=False).values_list(
            "organization_id", "number"
        )
        addresses = Address.objects.filter(
            location__organization__isnull=False
        ).values_list("location__organization_id", "address_1", "postal_code")
    elif kind == "service":
        model, website_field, website_weight = Service, "url", 1
        phones = Phone.objects.filter(service__isnull=False).values_list(
            "service_id", "number"
        )
        addresses = Address.objects.filter(
            location__service_at_locations__isnull=False
        ).values_list(
            "location__service_at_locations__service_id", "address_1", "postal_code"
        )
    else:
        raise ValueError(f"Unknown kind: {kind}")

    rows = list(model.objects.values_list("pk", "name", website_field))
    names = {pk: normalise_name(name) for pk, name, _url in rows}
    names = {pk: name for pk, name in names.items() if name}
    candidates: dict[tuple, Candidate] = {}

    def add(key, reason: str, weight: int) -> None:
        candidate = candidates.setdefault(key, Candidate(*key))
        candidate.reasons.append(reason)
        candidate.score += weight

    for key, similarity in _name_pairs(names, threshold).items():
        if names[key[0]] == names[key[1]]:
            add(key, _("same name"), 2)
        else:
            add(key, _("similar name (%(score)d%%)") % {"score": similarity}, 2)
    for key, numbers in _shared(
        (pk, normalise_phone(number)) for pk, number in phones
    ).items():
        add(
            key,
            _("same phone (%(numbers)s)") % {"numbers": ", ".join(sorted(numbers))},
            2,
        )
    for key, _sites in _shared(
        (pk, normalise_website(url)) for pk, _name, url in rows
    ).items():
        add(key, _("same website"), website_weight)
    for key, _places in _shared(
        (pk, normalise_address(street, postal)) for pk, street, postal in addresses
    ).items():
        add(key, _("same address"), 1)

    listed = [c for c in candidates.values() if c.score >= MIN_SCORE]
    records = model.objects.all()
    if model is Service:
        records = records.select_related("organization")
    records = records.in_bulk({pk for c in listed for pk in (c.first, c.second)})
    for candidate in listed:
        candidate.first = records[candidate.first]
        candidate.second = records[candidate.second]
    listed.sort(key=lambda c: (-c.score, str(c.first), str(c.second)))
    return listed
