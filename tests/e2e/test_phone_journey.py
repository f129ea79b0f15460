"""A person in crisis, on a 320 × 640 phone: the results come first.

After a search, after applying filters and after adding a service to a
client list, the first result starts within the first screen, with and
without JavaScript; the filters in use are said in one line.
"""

import pytest

PHONE = {"width": 320, "height": 640}


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def phone(request, browser, live_server, demo):
    context = browser.new_context(viewport=PHONE, java_script_enabled=request.param)
    page = context.new_page()
    page.base = live_server.url
    yield page
    context.close()


def first_result_top(page) -> float:
    box = page.locator(".results > li").first.bounding_box()
    return box["y"] + page.evaluate("window.scrollY")


@pytest.mark.parametrize(
    "path",
    [
        "/services/?q=food",
        "/es/services/?q=food",
        "/services/?q=food&access=free&open_now=&near=06105&radius=25",
        "/categories/health/?access=free",
    ],
)
def test_the_first_result_is_on_the_first_screen(phone, path):
    phone.goto(phone.base + path)

    assert phone.locator(".results > li").count() >= 1, path
    assert first_result_top(phone) < PHONE["height"], path
    assert phone.locator("details.filters").get_attribute("open") is None


def test_the_filters_in_use_are_said_in_one_line(phone):
    phone.goto(phone.base + "/services/?q=food&access=free&near=06105&radius=25")

    summary = phone.locator("details.filters > summary")
    text = summary.inner_text()
    assert "Free" in text and "near 06105" in text and "Change filters" in text
    assert summary.bounding_box()["height"] <= 3 * 24  # a line or two, not a form


def test_adding_to_a_list_keeps_the_person_at_the_card(phone):
    phone.goto(phone.base + "/services/?q=food")
    cards = phone.locator(".results .card")
    assert cards.count() >= 2
    second = cards.nth(1)
    name = second.locator(".card-title").inner_text()

    second.get_by_role("link", name="Add to list " + name).click()

    assert "/services/?" in phone.url and "#card-" in phone.url
    card = phone.locator(".results .card").nth(1)
    box = card.bounding_box()
    exit_bar = phone.locator(".quick-exit-bar").bounding_box()
    # Scrolled to, in view, not hidden under the sticky exit bar.
    assert exit_bar["y"] + exit_bar["height"] <= box["y"] < PHONE["height"]
    assert card.get_by_role("link", name="On your list " + name).count() == 1
    assert first_result_top(phone) < PHONE["height"]


def test_every_action_a_person_takes_is_a_big_target(visit, demo):
    from resources.models import Service

    session = visit(width=320)
    service = Service.objects.published().order_by("name").first()
    actions = (
        "#quick-exit, .help-now a, a.call, .actions a, .actions button:visible, "
        "a.directions, .crisis-actions a, .client-list a"
    )
    small = []
    for path in (
        "/services/?q=food",
        service.get_absolute_url(),
        f"/list/?s={service.pk}",
        "/services/?q=zzqxv+frobnicated",
    ):
        session.open(path)
        for handle in session.page.locator(actions).element_handles():
            box = handle.bounding_box()
            if box and (box["width"] < 44 or box["height"] < 44):
                small.append((path, handle.inner_text().strip()[:30], box))
    assert small == []
