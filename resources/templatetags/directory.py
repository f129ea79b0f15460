from urllib.parse import urlencode

from django import template
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse, translate_url
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.text import Truncator
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number) -> str:
    """Return the current URL's query with `page` set to `number`."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()


@register.simple_tag(takes_context=True)
def other_language(context) -> dict:
    """Return the URL of this page in the other interface language."""
    request = context["request"]
    current = translation.get_language()
    code = "en" if current == "es" else "es"
    names = {"en": "English", "es": "Español"}
    return {
        "code": code,
        "name": names[code],
        "url": translate_url(request.get_full_path(), code),
    }


@register.simple_tag(takes_context=True)
def language_alternates(context) -> list[tuple[str, str]]:
    """Return (language, absolute URL) of this page in every site language."""
    from django.conf import settings

    request = context["request"]
    path = request.get_full_path()
    alternates = [
        (code, request.build_absolute_uri(translate_url(path, code)))
        for code, _name in settings.LANGUAGES
    ]
    default = dict(alternates)[settings.LANGUAGE_CODE]
    return [*alternates, ("x-default", default)]


@register.simple_tag
def listing_text(obj, field: str, *, words: int = 0, lines: bool = False, mark=True):
    """Render `obj`'s `field` in the page's language, or marked as English.

    Where the listing has no text in the page's language yet, the base text
    is shown inside `lang="en"` (so screen readers switch voice), followed
    by "(in English)" unless `mark` is False (names, which are names in any
    language). `words` truncates, `lines` keeps line breaks.
    """
    text, language = obj.translated(field, translation.get_language())
    if words:
        text = Truncator(text).words(words)
    html = linebreaksbr(text, autoescape=True) if lines else conditional_escape(text)
    if not text or language == translation.get_language():
        return html
    if not mark:
        return format_html('<span lang="{}">{}</span>', language, html)
    return format_html(
        '<span lang="{}">{}</span> <span class="in-other-language">({})</span>',
        language,
        html,
        gettext("in English"),
    )


@register.simple_tag
def listing_plain(obj, field: str) -> str:
    """Return `obj`'s `field` in the page's language where it has it, as text."""
    return obj.translated(field, translation.get_language())[0]


def _list_and(context, service) -> str:
    """Return the visitor's client list with `service` added, as ids."""
    current = [pk for pk in context.get("client_list", "").split(",") if pk]
    if str(service.pk) not in current:
        current.append(str(service.pk))
    return ",".join(current)


@register.simple_tag(takes_context=True)
def list_with(context, service) -> str:
    """Return the client list URL with `service` added to the current list."""
    return (
        reverse("resources:client-list")
        + "?"
        + urlencode({"s": _list_and(context, service)}, safe=",")
    )


@register.simple_tag(takes_context=True)
def add_here(context, service) -> str:
    """Return this page's URL with `service` added to the list, at its card.

    A plain link: without JavaScript too, the person stays on the results
    and comes back to the card they chose (`#card-<id>`).
    """
    request = context.get("request")
    if request is None:  # a card rendered outside a page: the list itself
        return list_with(context, service)
    query = request.GET.copy()
    query["list"] = _list_and(context, service)
    return f"{request.path}?{query.urlencode(safe=',')}#card-{service.pk}"


@register.simple_tag(takes_context=True)
def client_list_url(context) -> str:
    """Return the page of the visitor's client list (to view and print)."""
    return (
        reverse("resources:client-list")
        + "?"
        + urlencode({"s": context.get("client_list", "")}, safe=",")
    )


@register.filter
def on_list(service, client_list: str) -> bool:
    return str(service.pk) in (client_list or "").split(",")


@register.simple_tag(takes_context=True)
def with_list(context, url: str) -> str:
    """Carry the visitor's client list along on a link to another page."""
    if not context.get("client_list"):
        return url
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{urlencode({'list': context['client_list']}, safe=',')}"


@register.simple_tag
def directions_url(address) -> str:
    """Return a plain link to directions on a maps site (public addresses only).

    It is an ordinary link: nothing is loaded from the maps site unless the
    person follows it.
    """
    if address.location.is_confidential:
        return ""
    destination = ", ".join(
        part
        for part in (
            address.address_1,
            address.city,
            f"{address.state_province} {address.postal_code}",
        )
        if part
    )
    return "https://www.openstreetmap.org/search?" + urlencode({"query": destination})


@register.filter
def language_name(language) -> str:
    """Name a listing's language in the reader's language when Django knows it."""
    try:
        return translation.get_language_info(language.code.lower())["name_translated"]
    except KeyError:
        return language.name or language.code
