"""Days and times as caseworkers type them, read into HSDS schedule values.

    parse_days("Mon-Fri")              -> Days("MO,TU,WE,TH,FR", monthly=False)
    parse_days("weekends and Tuesday") -> Days("TU,SA,SU", monthly=False)
    parse_days("first and last Sat")   -> Days("1SA,-1SA", monthly=True)
    parse_days("lunes a viernes")      -> Days("MO,TU,WE,TH,FR", monthly=False)
    parse_clock("7 pm"), parse_clock("19:00"), parse_clock("noon")

iCalendar codes ("MO,TU", "1SA") are read as they are. Anything else that
is not a day, a range, a list or an ordinal is refused with the word that
was not understood (`HoursInputError`, whose text is shown to the person).

Pure Python; the words, English and Spanish, are data:
`data/hours_words.json`.
"""

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from .areas import _longest_first, fold

DATA = Path(__file__).resolve().parent / "data" / "hours_words.json"

WEEK = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_CODE = r"[+-]?[1-5]?(?:MO|TU|WE|TH|FR|SA|SU)"
_ICAL = re.compile(rf"{_DAY_CODE}(?:,{_DAY_CODE})*")
_GROUP = "@"  # marks a run of days that stood for a phrase ("weekends")


class HoursInputError(ValueError):
    """Days or a time that cannot be read; the text says what to write."""


@dataclass(frozen=True)
class Days:
    byday: str  # HSDS/iCalendar BYDAY: "MO,TU" or "1SA,-1FR"
    monthly: bool  # ordinals ("first Saturday") need a monthly rule


@dataclass(frozen=True)
class _Words:
    days: dict  # word -> code
    groups: tuple  # (phrase, codes), longest phrase first
    ranges: frozenset
    lists: frozenset
    fillers: tuple  # longest first; may be several words
    ordinals: dict  # word -> "1" ... "5", "-1"
    times: dict  # phrase -> dt.time
    am: tuple
    pm: tuple


@cache
def _words() -> _Words:
    with open(DATA, encoding="utf-8") as file:
        data = json.load(file)
    groups = [
        (fold(phrase), codes)
        for codes, phrases in data["groups"].items()
        for phrase in phrases
    ]
    return _Words(
        days={fold(w): code for code, words in data["days"].items() for w in words},
        groups=tuple(sorted(groups, key=lambda item: len(item[0]), reverse=True)),
        ranges=frozenset(fold(w) or w for w in data["range_words"]),
        lists=frozenset(fold(w) or w for w in data["list_words"]),
        fillers=_longest_first(data["filler_words"]),
        ordinals={
            fold(w) or w: n for n, words in data["ordinals"].items() for w in words
        },
        times={
            fold(w): dt.time.fromisoformat(clock)
            for clock, words in data["times"].items()
            for w in words
        },
        am=_longest_first(data["am"]),
        pm=_longest_first(data["pm"]),
    )


# Days --------------------------------------------------------------------------


def parse_days(text: str) -> Days:
    """Read the days of a schedule row; "" for none (see the module's doc)."""
    raw = (text or "").strip()
    if not raw:
        return Days("", monthly=False)
    if _ICAL.fullmatch(code := re.sub(r"\s+", "", raw).upper()):
        return Days(code, monthly=bool(re.search(r"\d", code)))
    tokens = _tokens(raw)
    weekly, monthly = _read(tokens)
    if weekly and monthly:
        raise HoursInputError(
            _(
                "Put monthly days (such as “first Saturday”) in a row of their "
                "own, with the frequency Monthly."
            )
        )
    if monthly:
        # By day, then first to fifth, then last.
        order = sorted(
            monthly, key=lambda item: (WEEK.index(item[1]), int(item[0]) % 6)
        )
        return Days(",".join(f"{n}{day}" for n, day in order), monthly=True)
    return Days(",".join(day for day in WEEK if day in weekly), monthly=False)


def _tokens(raw: str) -> list[str]:
    """Return the words of `raw`, folded, with a range's hyphen as a word.

    A phrase that stands for several days ("weekends") becomes one token,
    "@SA,SU"; words that say nothing here ("on", "of the month") go.
    """
    words = _words()
    pieces = []
    for part in re.split(r"[,;/]+", re.sub("[\u2013\u2014]", "-", raw)):
        for piece in re.sub(r"\s*-\s*", " - ", part).split():
            pieces.append(piece if piece == "-" else fold(piece))
    text = f" {' '.join(piece for piece in pieces if piece)} "
    for phrase, codes in words.groups:
        text = text.replace(f" {phrase} ", f" {_GROUP}{codes} ")
    for filler in words.fillers:
        text = text.replace(f" {filler} ", " ")
    return text.split()


def _read(tokens: list[str]) -> tuple[set, set]:
    """Return (weekdays, {(ordinal, weekday)}) from the tokens, or refuse one."""
    words = _words()
    weekly: set = set()
    monthly: set = set()
    ordinals: list[str] = []  # "first and third": they wait for their day
    previous = None  # the last day read, for a range
    ranging = False
    for token in tokens:
        if token.startswith(_GROUP):
            weekly |= set(token[1:].split(","))
            previous, ranging = None, False
        elif token in words.days:
            day = words.days[token]
            days = _range(previous, day) if ranging else [day]
            if ordinals:
                monthly |= {(n, d) for n in ordinals for d in days}
            else:
                weekly |= set(days)
            ordinals, previous, ranging = [], day, False
        elif token in words.ordinals:
            ordinals.append(words.ordinals[token])
            previous = None
        elif token in words.ranges and previous is not None:
            ranging = True
        elif token not in words.lists:
            raise HoursInputError(
                _(
                    "“%(word)s” is not a day. Write days such as Mon-Fri, "
                    "Monday and Wednesday, weekends, every day or first Saturday."
                )
                % {"word": token[:40]}
            )
    if ranging or ordinals:
        raise HoursInputError(
            _("The days end too soon: name the last day, e.g. Mon-Fri.")
        )
    return weekly, monthly


def _range(first: str | None, last: str) -> list[str]:
    """Return the days from `first` to `last`; Fri-Mon runs over the weekend."""
    if first is None:
        return [last]
    start, end = WEEK.index(first), WEEK.index(last)
    return [WEEK[(start + n) % 7] for n in range((end - start) % 7 + 1)]


# Times -------------------------------------------------------------------------


def parse_clock(text: str) -> dt.time | None:
    """Read an opening or closing time: "9", "9am", "7:30 pm", "19:00", "noon".

    None for an empty value. "24:00" is midnight (00:00): a closing time
    before the opening time is the next morning.
    """
    raw = (text or "").strip()
    if not raw:
        return None
    words = _words()
    folded = fold(raw)  # "9 a.m." is "9 am", "19:00" is "19 00"
    if folded in words.times:
        return words.times[folded]
    half = ""
    for word, meaning in [(w, "am") for w in words.am] + [(w, "pm") for w in words.pm]:
        head = folded.removesuffix(word).rstrip()
        if head != folded and head[-1:].isdigit():
            folded, half = head, meaning
            break
    # 9, 0930, 9 30, 9h30, 19 00 00 (how a saved time is shown again)
    match = re.fullmatch(r"(\d{1,2})(?:[h ]?(\d{2}))?(?: (\d{2}))?", folded)
    if match is None:
        raise HoursInputError(_bad_time(raw))
    hour, minute = int(match[1]), int(match[2] or 0)
    if half:
        if not 1 <= hour <= 12:
            raise HoursInputError(_bad_time(raw))
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour == 24 and minute == 0:
        hour = 0
    if hour > 23 or minute > 59:
        raise HoursInputError(_bad_time(raw))
    return dt.time(hour, minute)


def _bad_time(raw: str) -> str:
    return _(
        "“%(value)s” is not a time. Write it as 9, 9am, 7:30 pm, 19:00 or noon."
    ) % {"value": raw[:40]}
