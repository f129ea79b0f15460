"""Finding a listing from the call you are on.

The admin's search box on services, organizations and locations also
matches a phone number however it is typed — "8605550108",
"(860) 555-0108", "+1 860.555.0108" — against numbers however they were
stored; on services it also finds what the public search finds for the
same words (lay words, synonyms, aliases, misspellings).
"""

import re

from django.db.models import F, Func, Value
from django.db.models.functions import Replace

from ..models import Phone

_PHONE = re.compile(r"\+?[\d\s().\-/]+")
_SEPARATORS = (" ", "-", "(", ")", ".", "+", "/")


def phone_digits(term: str) -> str | None:
    """Return the digits of a typed phone number, or None if it is not one.

    A North American number's country code goes ("+1 860 …" is "860 …"),
    so that it matches numbers stored with or without it.
    """
    term = term.strip()
    if not _PHONE.fullmatch(term):
        return None
    digits = re.sub(r"\D", "", term)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits if len(digits) >= 7 else None


def _digits(field: str) -> Func:
    expression = F(field)
    for separator in _SEPARATORS:
        expression = Replace(expression, Value(separator), Value(""))
    return expression


def phones_matching(digits: str):
    return Phone.objects.annotate(digits=_digits("number")).filter(
        digits__contains=digits
    )


class ListingSearchMixin:
    """Search that also matches phone numbers (`phone_paths`), and the public search."""

    phone_paths: tuple[str, ...] = ("phones",)
    public_search = False

    def get_search_results(self, request, queryset, search_term):
        found, duplicates = super().get_search_results(request, queryset, search_term)
        digits = phone_digits(search_term)
        if digits is not None:
            phones = phones_matching(digits).values("pk")
            for path in self.phone_paths:
                found |= queryset.filter(**{f"{path}__in": phones})
            return found, True
        if self.public_search and search_term.strip():
            from ..search import search_services

            words = search_services(queryset.model.objects.all(), search_term)
            found |= queryset.filter(pk__in=words.values("pk"))
        return found, duplicates
