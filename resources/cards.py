"""Result cards, rendered once per service and language and kept.

A card has parts that depend only on its service — the name, the
organization and town, the hours line, the description and tags, the
buttons to call and text — and parts that depend on the page: how far the
service is from the person's place, and the links of a client list. The
first are rendered from `includes/card_parts.html` and kept
(`resources.caching`) until the listings change or the hours line would;
`includes/service_card.html` puts them together with the second, cheaply.
A page of kept cards loads no service at all.
"""

import datetime as dt
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from . import caching
from .models import Service
from .models.services import attach_card_phones
from .opening import attach_opening

# Separates the parts in the rendered `card_parts.html`.
PART = "<!--part-->"


@dataclass
class Card:
    """What a page shows of a service; the page sets the rest (`CappedPaginator`)."""

    pk: object
    name: str  # in the page's language, as text
    title: SafeString  # the same, as the card shows it
    org: SafeString
    body: SafeString
    calls: SafeString
    reachable_by_phone: bool
    opening_until: dt.datetime
    # Set by the search for the page: sort keys, and the area served.
    distance: float | None = None
    reach: int | None = None
    coverage: int | None = None
    rank: float | None = None
    serves: tuple | None = None

    def get_absolute_url(self) -> str:
        return reverse("resources:service-detail", args=[self.pk])


def _render(service: Service) -> Card:
    title, org, body, calls = render_to_string(
        "resources/includes/card_parts.html", {"service": service}
    ).split(PART)
    return Card(
        pk=service.pk,
        name=service.translated("name", translation.get_language())[0],
        title=mark_safe(title.strip()),  # noqa: S308 - rendered by the template
        org=mark_safe(org.strip()),  # noqa: S308
        body=mark_safe(body.strip()),  # noqa: S308
        calls=mark_safe(calls.strip()),  # noqa: S308
        reachable_by_phone=bool(service.card_phone or service.card_text),
        opening_until=service.opening_until,
    )


def render_cards(services: list[Service]) -> list[Card]:
    """Render these services' cards now (from `for_listing()`), keeping none."""
    attach_opening(services, timezone.now())
    attach_card_phones(services)
    return [_render(service) for service in services]


def _key(request, pk) -> str:
    return caching.key("card", request, [str(pk), translation.get_language()])


def load_cards(ids, *, request=None) -> dict:
    """Return {id: Card} for the published services among `ids`.

    Kept cards come from the cache in one round trip; the others are
    loaded in a fixed number of queries, rendered, and kept until their
    hours line changes.
    """
    keys = {pk: _key(request, pk) for pk in ids}
    kept = caching.get_many(list(keys.values()))
    cards = {pk: kept[key] for pk, key in keys.items() if key in kept}
    missing = [pk for pk in ids if pk not in cards]
    if missing:
        found = Service.objects.published().for_listing().in_bulk(missing)
        for card in render_cards(list(found.values())):
            cards[card.pk] = card
            caching.put(keys[card.pk], card, until=card.opening_until)
    return cards
