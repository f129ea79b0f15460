"""A Spanish reader on a small phone reads listings in Spanish, or marked English."""

from django.apps import apps

from resources.models import Organization, Service

from .test_public_pages import public_paths

# The text of the page's parts in Spanish, that is not inside lang="en".
SPANISH_TEXT = """() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const parts = [];
    while (walker.nextNode()) {
        const node = walker.currentNode;
        const holder = node.parentElement.closest("[lang]");
        if (holder && holder.lang.startsWith("es")) parts.push(node.textContent);
    }
    return parts.join(" ").replace(/\\s+/g, " ");
}"""


def english_listing_texts() -> set[str]:
    """Every English text of a translatable field, long enough to be telling.

    Less the names Spanish text uses as they are ("Interval House").
    """
    english, spanish = set(), []
    for model in apps.get_app_config("resources").get_models():
        for field in getattr(model, "translated_fields", ()):
            for text, translations in model.objects.values_list(field, "translations"):
                spanish += (translations or {}).get("es", {}).values()
                if len(text) >= 12:
                    english.add(" ".join(text.split()))
    return {text for text in english if not any(text in other for other in spanish)}


def test_spanish_pages_show_no_unmarked_english_listing_text(visit, demo):
    session = visit(width=320, bypass_csp=True)  # axe is injected
    english = english_listing_texts()
    assert english, "the demo has English text to compare with"
    services = Service.objects.published().order_by("name")
    paths = [
        *public_paths(),
        *(service.get_absolute_url() for service in services[:8]),
        Organization.objects.order_by("name").first().get_absolute_url(),
    ]

    for path in paths:
        session.open("/es" + path)
        shown = session.page.evaluate(SPANISH_TEXT)
        leaked = sorted(text for text in english if text in shown)
        assert leaked == [], f"/es{path} shows unmarked English: {leaked[:3]}"
        assert session.axe_violations() == [], "/es" + path
        width = session.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"/es{path} is {width}px wide"


def test_english_fallback_is_labelled_for_the_reader(visit, demo):
    service = Service.objects.published().order_by("name").first()
    Service.objects.filter(pk=service.pk).update(translations={})
    session = visit(width=320, bypass_csp=True)

    session.open("/es" + service.get_absolute_url())

    about = session.page.locator("article.service p", has_text=service.description)
    assert about.locator('span[lang="en"]').inner_text() == service.description
    assert "(en inglés)" in about.inner_text()
    assert session.axe_violations() == []
    session.page.screenshot(path="/tmp/es-fallback.png", full_page=True)
