from urllib.parse import urlencode

from django import template
from django.urls import reverse, translate_url
from django.utils import translation

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
def list_with(context, service) -> str:
    """Return the client list URL with `service` added to the current list."""
    current = [pk for pk in context.get("client_list", "").split(",") if pk]
    if str(service.pk) not in current:
        current.append(str(service.pk))
    return (
        reverse("resources:client-list")
        + "?"
        + urlencode({"s": ",".join(current)}, safe=",")
    )


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
