"""Which places a service area covers, as keys that an index can match.

HSDS describes where a service is available with free text (`service_area`
`name` and `description`; `extent` when its `extent_type` is "text"). Feeds
from 211 centres write it in a handful of shapes: "Hartford County, CT",
"Connecticut", "Statewide", "Nationwide", a town, "Hartford, Tolland and
Windham Counties", or a list of ZIP codes. `area_keys` reads those into
keys; `place_keys` gives the keys of every area that covers a ZIP code. An
area serves a place when the two share a key, which the database answers
with one index probe (see `resources.models.ServiceCoverage`).

    "us"                       the whole country
    "state:ct"                 Connecticut
    "county:ct:hartford"       Hartford County, Connecticut
    "town:ct:west hartford"    the ZIP code's own town, as the Postal Service
                               names it: 06107 is in West Hartford, though
                               "Hartford" is accepted on its envelopes
    "zip:06107"

Reading is conservative: a wrong "serves your area" sends someone to a
service that will turn them away. A name is a town or county only if the
Postal Service's data has it in that state; a town or county given without
a state takes the service's own states (from its addresses) or none;
"Hartford" is never "West Hartford"; "Greater Hartford" and "the Hartford
area" are read as nothing. Prose (a description of several sentences) is
read more strictly still: bare town names and two-letter abbreviations
count only beside a state written out ("Hartford, CT").

GeoJSON, TopoJSON and KML extents are not read: their `name` and
`description` still are.

Pure Python, no ORM. The words (state names, "nationwide", "todo el país",
"County", "residents of" ...) are data: `data/service_areas.json`.
"""

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from . import geo

DATA = Path(__file__).resolve().parent / "data" / "service_areas.json"

NATION = "us"
# The key of a phone line that names no area: it takes calls from anywhere.
ANYWHERE = "*"
MAX_KEY_LENGTH = 100

# How a service reaches a person, nearest first: the order of the results.
NEARBY = 0  # a location within the radius
SERVES_AREA = 1  # its service area covers the person's place
BY_PHONE = 2  # no place to go: a phone (or online) line

# A ZIP code range ("06101-06199") longer than this is not read.
MAX_ZIP_RANGE = 1000
# More words than this is a sentence, not a place name.
MAX_NAME_WORDS = 5

_ZIPS = re.compile(r"(?<![0-9])([0-9]{5})(?:-([0-9]{5}|[0-9]{4}))?(?![0-9])")
# Groups are separated by semicolons, lines, bars and slashes; items within
# a group by commas, brackets and list words (see `_Words.list_words`).
_GROUPS = re.compile(r"[;\n\r|/]+")
_SENTENCE_END = re.compile(r"(\w+)[.!?]+(?:\s+|$)")
_LETTERS = re.compile(r"[^\W\d_]+(?: [^\W\d_]+)*")


def fold(text: str) -> str:
    """Return `text` as names are compared: lower case, no accents or dots.

    Apostrophes and dots go ("St. John's" is "st johns"); any other run of
    punctuation is one space.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = re.sub(r"[.'\u2019\u02bb`]", "", bare.casefold())
    return " ".join(re.sub(r"[\W_]+", " ", bare).split())


@dataclass(frozen=True)
class _Words:
    states: dict  # folded name or abbreviation -> abbreviation
    names: dict  # folded name only (no abbreviations) -> abbreviation
    regions: dict  # folded name -> abbreviations
    nation: frozenset
    statewide: frozenset
    state_prefixes: tuple
    state_suffixes: tuple
    county_suffixes: tuple
    county_prefixes: tuple
    county_plurals: tuple
    town_prefixes: tuple
    leading: tuple
    trailing: tuple
    list_words: tuple
    abbreviations: frozenset
    name_words: dict


def _longest_first(words) -> tuple:
    return tuple(sorted({fold(word) for word in words}, key=len, reverse=True))


@cache
def _words() -> _Words:
    with open(DATA, encoding="utf-8") as file:
        data = json.load(file)
    names = {
        fold(name): abbreviation
        for abbreviation, spellings in data["states"].items()
        for name in spellings
    }
    abbreviations = {
        fold(abbreviation): abbreviation for abbreviation in data["states"]
    }
    return _Words(
        states=abbreviations | names,
        names=names,
        regions={fold(k): tuple(v) for k, v in data["regions"].items()},
        nation=frozenset(fold(word) for word in data["nationwide"]),
        statewide=frozenset(fold(word) for word in data["statewide"]),
        state_prefixes=_longest_first(data["state_prefixes"]),
        state_suffixes=_longest_first(data["state_suffixes"]),
        county_suffixes=_longest_first(data["county_suffixes"]),
        county_prefixes=_longest_first(data["county_prefixes"]),
        county_plurals=_longest_first(data["county_plurals"]),
        town_prefixes=_longest_first(data["town_prefixes"]),
        leading=_longest_first(data["leading_words"]),
        trailing=_longest_first(data["trailing_words"]),
        list_words=tuple(data["list_words"]),
        abbreviations=frozenset(fold(word) for word in data["abbreviations"]),
        name_words={fold(k): fold(v) for k, v in data["name_words"].items()},
    )


@cache
def _item_separator() -> re.Pattern:
    words = "|".join(re.escape(word) for word in _words().list_words)
    return re.compile(rf"[,()\[\]]+|\s+(?:{words})\s+", re.IGNORECASE)


# Keys ------------------------------------------------------------------------


def state_key(state: str) -> str:
    return f"state:{state.lower()}"


def county_key(state: str, name: str) -> str:
    return f"county:{state.lower()}:{name}"


def town_key(state: str, name: str) -> str:
    return f"town:{state.lower()}:{name}"


def zip_key(code: str) -> str:
    return f"zip:{code}"


def _strip_suffix(text: str, suffixes: tuple) -> str | None:
    """Return `text` without one of `suffixes` (whole words), or None."""
    for suffix in suffixes:
        if text.endswith(" " + suffix) and len(text) > len(suffix) + 1:
            return text[: -len(suffix) - 1]
    return None


def _strip_prefix(text: str, prefixes: tuple) -> str | None:
    for prefix in prefixes:
        if text.startswith(prefix + " ") and len(text) > len(prefix) + 1:
            return text[len(prefix) + 1 :]
    return None


def name_form(folded: str) -> str:
    """Return a folded place name as keys hold it: "st louis" is "saint louis"."""
    words = _words().name_words
    return " ".join(words.get(word, word) for word in folded.split())


def county_name(county: str) -> str:
    """Return a county's key name, without "County", "Parish" and the like."""
    folded = fold(county)
    return name_form(_strip_suffix(folded, _words().county_suffixes) or folded)


@cache
def _state_names(state: str) -> tuple[frozenset[str], frozenset[str]]:
    """Return the key names of the towns and counties of a state's ZIP codes."""
    towns, counties = geo.names_in_state(state)
    return (
        frozenset(name_form(fold(town)) for town in towns),
        frozenset(county_name(county) for county in counties),
    )


def place_keys(place: geo.Place | None) -> frozenset[str]:
    """Return the keys of every service area that covers `place`.

    Only the ZIP code's own town counts, not the other names the Postal
    Service accepts for it: "Hartford" is accepted for 06107, which is
    West Hartford.
    """
    if place is None:
        return frozenset()
    return frozenset(key for key, _kind, _name in _place_areas(place))


def covering_name(place: geo.Place, keys: Iterable[str]) -> tuple[str, str] | None:
    """Return (kind, name) of the narrowest area of `keys` that covers `place`.

    ("county", "Hartford County") when a service serves the county but not
    the ZIP code or the town by name; kind "nation" (name "") for the whole
    country; None when none of `keys` covers the place.
    """
    keys = set(keys)
    for key, kind, name in _place_areas(place):
        if key in keys:
            return kind, name
    return None


def _place_areas(place: geo.Place) -> list[tuple[str, str, str]]:
    """Return (key, kind, name) of the areas that cover `place`, narrowest first."""
    found = [(zip_key(place.zip_code), "zip", place.zip_code)]
    state = place.state.upper()
    if state in _words().states.values():
        if place.town:
            key = town_key(state, name_form(fold(place.town)))
            found.append((key, "town", place.town))
        if place.county:
            key = county_key(state, county_name(place.county))
            found.append((key, "county", place.county))
        names = state_names(state)
        found.append((state_key(state), "state", names[0] if names else state))
        found.append((NATION, "nation", ""))
    return [area for area in found if len(area[0]) <= MAX_KEY_LENGTH]


# Reading service areas ---------------------------------------------------------


@dataclass(frozen=True)
class _Name:
    """A town or county named without a state (yet)."""

    kind: str  # "town", "county" or "statewide"
    name: str
    # A bare town in prose counts only beside a state written out.
    needs_state: bool = False


class _Reading:
    """What one service area's texts name, as they are read."""

    def __init__(self, states: Iterable[str]):
        self.keys: set[str] = set()
        # The states a bare name may be in: the service's own, those the
        # texts name, and those of the ZIP codes they list.
        self.states = {state.upper() for state in states if state}
        self.unplaced: list[_Name] = []

    def add_state(self, state: str) -> None:
        self.keys.add(state_key(state))
        self.states.add(state)

    def add_zip(self, code: str) -> None:
        if (place := geo.zip_place(code)) is not None:
            self.keys.add(zip_key(code))
            if place.state:
                self.states.add(place.state)

    def place(self, name: _Name, state: str) -> None:
        """Add `name` as a town or county of `state`, if it is one there."""
        towns, counties = _state_names(state)
        form = name_form(name.name)
        if name.kind == "statewide":
            self.add_state(state)
        elif name.kind == "county" and form in counties:
            self.keys.add(county_key(state, form))
        elif name.kind == "town" and form in towns:
            self.keys.add(town_key(state, form))

    def finish(self) -> frozenset[str]:
        for name in self.unplaced:
            if name.needs_state:
                continue
            for state in sorted(self.states):
                if state in _words().states.values():
                    self.place(name, state)
        return frozenset(key for key in self.keys if len(key) <= MAX_KEY_LENGTH)


def area_keys(texts: Iterable[str], *, states: Iterable[str] = ()) -> frozenset[str]:
    """Return the keys of the places that one service area's texts name.

    `texts` are the area's name, description and (text) extent; `states`
    the two-letter states of the service's addresses, for names given
    without one ("Hartford County", "Statewide").
    """
    reading = _Reading(states)
    for text in texts:
        sentences = _sentences(text or "")
        prose = len(sentences) > 1
        for sentence in sentences:
            for group in _GROUPS.split(sentence):
                _read_group(reading, group, prose=prose)
    return reading.finish()


def _sentences(text: str) -> list[str]:
    """Split `text` into sentences, not at "St." or "Co." or initials."""
    keep = _words().abbreviations
    sentences, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        word = end[1]
        if len(word) == 1 or fold(word) in keep:
            continue
        sentences.append(text[start : end.end()])
        start = end.end()
    sentences.append(text[start:])
    return [sentence for sentence in sentences if sentence.strip()]


def _read_group(reading: _Reading, group: str, *, prose: bool) -> None:
    """Read one group of items: "Hartford, West Hartford, CT" names two towns.

    A state after names places them ("Hartford County, CT"); a state first
    or after another state is the whole state ("CT, MA"), unless the first
    is also a town of the second ("Washington, DC", "New York, NY").
    """
    waiting: list[_Name] = []  # names that a state further on may place
    state_item: tuple[str, str] | None = None  # (folded text, state) not yet added

    def settle_state() -> None:
        nonlocal state_item
        if state_item is not None:
            reading.add_state(state_item[1])
            state_item = None

    for raw in _item_separator().split(group):
        item = _trim(_take_zips(reading, raw))
        if not item:
            continue
        kind, value = _classify(item, prose=prose)
        if kind == "state":
            if waiting:
                for name in waiting:
                    reading.place(name, value)
                reading.states.add(value)
                waiting = []
            elif (
                state_item is not None
                and name_form(state_item[0]) in _state_names(value)[0]
            ):
                reading.place(_Name("town", state_item[0]), value)
                reading.states.add(value)
                state_item = None
            else:
                settle_state()
                state_item = (item, value)
            continue
        if kind == "abbreviation":
            # In prose, "CT" only places the names before it.
            for name in waiting:
                reading.place(name, value)
            waiting = []
            continue
        settle_state()
        if kind == "nation":
            reading.keys.add(NATION)
        elif kind == "region":
            for state in value:
                reading.add_state(state)
        elif kind == "placed":
            name, state = value
            reading.place(name, state)
            reading.states.add(state)
        elif kind == "counties":
            # "Hartford, Tolland and Windham Counties": all three.
            waiting = [
                _Name("county", name.name) if name.kind == "town" else name
                for name in waiting
            ]
            waiting.append(value)
        elif kind == "name":
            waiting.append(value)
    settle_state()
    reading.unplaced.extend(waiting)


def _take_zips(reading: _Reading, text: str) -> str:
    """Add the ZIP codes and ZIP code ranges in `text`; return the rest of it."""

    def take(match: re.Match) -> str:
        first, second = match[1], match[2]
        if second and len(second) == 5:  # a range, not ZIP+4
            low, high = sorted((int(first), int(second)))
            if high - low < MAX_ZIP_RANGE:
                for number in range(low, high + 1):
                    reading.add_zip(f"{number:05d}")
        else:
            reading.add_zip(first)
        return " "

    return _ZIPS.sub(take, text)


def _trim(text: str) -> str:
    """Fold `text` and take off words around a place: "residents of", "only"."""
    words = _words()
    item = fold(text)
    changed = True
    while changed:
        changed = False
        if item in words.nation or item in words.statewide:
            break
        rest = _strip_prefix(item, words.leading)
        if rest is None:
            rest = _strip_suffix(item, words.trailing)
        if rest is not None:
            item, changed = rest, True
    return item


def _classify(item: str, *, prose: bool):
    """Return what one folded item names, as (kind, value)."""
    words = _words()
    if item in words.nation:
        return "nation", None
    if item in words.regions:
        return "region", words.regions[item]
    if item in words.statewide:
        return "name", _Name("statewide", "")
    if (state := _state(item)) is not None:
        if prose and item not in words.names:
            return "abbreviation", state
        return "state", state
    for strip in (_strip_prefix, _strip_suffix):
        affixes = (
            words.state_prefixes if strip is _strip_prefix else words.state_suffixes
        )
        rest = strip(item, affixes)
        if rest is not None and (state := _state(rest)) is not None:
            return "state", state
    if (name := _county(item)) is not None:
        return "name", _Name("county", name)
    if (rest := _strip_suffix(item, words.county_plurals)) is not None:
        return "counties", _Name("county", rest)
    # "West Hartford CT", "Hartford County Connecticut": a name, then its state.
    for head, state in _state_endings(item):
        if prose and fold(state) == item[len(head) + 1 :]:
            continue  # an abbreviation after a name, in prose: too loose
        if (name := _county(head)) is not None:
            return "placed", (_Name("county", name), state)
        if head in words.statewide:
            return "state", state
        return "placed", (_Name("town", _town(head)), state)
    if len(item.split()) > MAX_NAME_WORDS or not _LETTERS.fullmatch(item):
        return "nothing", None
    return "name", _Name("town", _town(item), prose)


def _state(text: str) -> str | None:
    return _words().states.get(text)


@cache
def state_names(abbreviation: str) -> tuple[str, ...]:
    """Return how a state is written out ("Connecticut", "Conn"), best first."""
    with open(DATA, encoding="utf-8") as file:
        return tuple(json.load(file)["states"].get(abbreviation.upper(), []))


def state_abbreviation(text: str) -> str | None:
    """Return the two letters of a state written any way ("Conn.", "CT"), or None."""
    return _state(fold(text or ""))


def _state_endings(item: str):
    """Yield (head, state) for each way `item` ends with a state's name."""
    parts = item.split()
    for size in range(min(4, len(parts) - 1), 0, -1):
        if (state := _state(" ".join(parts[-size:]))) is not None:
            yield " ".join(parts[:-size]), state


def _county(text: str) -> str | None:
    words = _words()
    for rest in (
        _strip_suffix(text, words.county_suffixes),
        _strip_prefix(text, words.county_prefixes),
    ):
        if rest:
            return rest
    return None


def _town(text: str) -> str:
    return _strip_prefix(text, _words().town_prefixes) or text


# A service's coverage ------------------------------------------------------------


def coverage(
    keys: Iterable[str], *, has_place: bool, has_phone: bool
) -> dict[str, int]:
    """Return a service's coverage rows, {key: reach}, from its areas' keys.

    A service with somewhere to go serves the areas it names. One without
    (no physical location) is a phone or online line: by phone for the
    nation, serving an area for anything narrower; and, when it names no
    area it can be read by, by phone from anywhere if it has a phone.
    """
    keys = set(keys)
    if not keys:
        return {ANYWHERE: BY_PHONE} if has_phone and not has_place else {}
    return {
        key: BY_PHONE if key == NATION and not has_place else SERVES_AREA
        for key in keys
    }
