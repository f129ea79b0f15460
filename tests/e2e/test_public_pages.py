"""Every public page, in English and Spanish, on a small phone and a desktop."""

import pytest

from resources.models import Service

WIDTHS = [320, 1280]


def public_paths() -> list[str]:
    services = list(Service.objects.published().order_by("name")[:3])
    ids = ",".join(str(service.pk) for service in services)
    return [
        "/",
        "/services/",
        "/services/?q=testing&category=health&access=free",
        # A sentence: a concept named, the closest matches, a notice.
        "/services/?q=i+got+evicted+and+need+a+lawyer+on+mars",
        # Nothing found: categories and crisis lines instead.
        "/services/?q=zzqxv+frobnicated",
        "/categories/housing/",
        services[0].get_absolute_url(),
        f"/list/?s={ids}",
        "/browse-safely/",
        f"/services/{services[0].pk}/report/",
    ]


@pytest.mark.parametrize("prefix", ["", "/es"], ids=["en", "es"])
@pytest.mark.parametrize("width", WIDTHS)
def test_pages_stay_private_and_fit_the_screen(visit, demo, prefix, width):
    session = visit(width=width)
    for path in public_paths():
        session.open(prefix + path)
        lang = session.page.get_attribute("html", "lang")
        assert lang == ("es" if prefix else "en"), path
        scroll = session.page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{path} scrolls sideways at {width}px"
    assert session.foreign_requests() == []
    assert session.failed == []
    # The report form is the only page that may set the CSRF cookie.
    cookies = {cookie["name"] for cookie in session.context.cookies()}
    assert cookies <= {"csrftoken"}
    assert [e for e in session.console_errors if "Content Security" in e] == []


# The words of a page that a line break cuts in two ("Españ" / "ol"), and
# the phone numbers that wrap. Words longer than a narrow phone's line (web
# addresses, e-mails) may break: they could not fit otherwise.
BROKEN_WORDS = r"""() => {
  const lines = (range) => new Set(
    [...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))
  ).size;
  const broken = [];
  document.querySelectorAll("details").forEach((details) => { details.open = true; });
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    // A token longer than a line (a web address) may break; within the
    // others, a line may end only after a hyphen, a dash or a slash.
    for (const token of node.data.matchAll(/(?<!\S)\S{2,24}(?!\S)/g)) {
      for (const part of token[0].matchAll(/[^\-\u2013\u2014/]+/g)) {
        const start = token.index + part.index;
        const range = document.createRange();
        range.setStart(node, start);
        range.setEnd(node, start + part[0].length);
        if (lines(range) > 1) broken.push(part[0]);
      }
    }
  }
  for (const number of document.querySelectorAll(".number")) {
    const range = document.createRange();
    range.selectNodeContents(number);
    if (lines(range) > 1) broken.push(number.textContent);
  }
  return broken;
}"""


@pytest.mark.parametrize("prefix", ["", "/es"], ids=["en", "es"])
def test_no_word_or_phone_number_is_cut_across_lines(visit, demo, prefix):
    session = visit(width=320)
    for path in public_paths():
        session.open(prefix + path)
        assert session.page.evaluate(BROKEN_WORDS) == [], path


@pytest.mark.parametrize("prefix", ["", "/es"], ids=["en", "es"])
def test_no_cookie_on_any_page_but_the_form(visit, demo, prefix):
    session = visit()
    for path in public_paths()[:-1]:
        session.open(prefix + path)
    assert session.context.cookies() == []


@pytest.mark.parametrize("prefix", ["", "/es"], ids=["en", "es"])
@pytest.mark.parametrize("width", WIDTHS)
def test_pages_have_no_wcag_violations(visit, demo, prefix, width):
    session = visit(width=width, bypass_csp=True)  # to inject axe-core
    for path in public_paths():
        session.open(prefix + path)
        assert session.axe_violations() == [], prefix + path


def test_pages_work_without_javascript(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/services/")
    page.fill("#id_q", "shelter")
    page.click("button[type=submit] >> nth=0")
    assert "q=shelter" in page.url
    assert page.locator(".card").count() >= 1
    context.close()


@pytest.mark.parametrize("prefix", ["", "/es"], ids=["en", "es"])
@pytest.mark.parametrize("width", WIDTHS)
def test_help_now_sits_at_the_top_with_big_targets(visit, demo, prefix, width):
    session = visit(width=width)
    for path in public_paths():
        session.open(prefix + path)
        links = session.page.locator(".help-now a")
        assert links.count() == 4, path  # 911, 988, 211, all lines
        for n in range(links.count()):
            box = links.nth(n).bounding_box()
            assert box["width"] >= 44 and box["height"] >= 44, (path, n, box)
            assert box["y"] + box["height"] <= 200, f"{path}: help is below the top"
        # "All lines" leads to every line, each one a link to call.
        links.nth(3).click()
        assert session.page.evaluate("location.hash") == "#crisis-lines"
        footer_calls = session.page.locator("#crisis-lines a[href^='tel:']")
        assert footer_calls.count() == 5


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_person_searches_by_town_from_the_home_page(
    browser, live_server, demo, javascript
):
    context = browser.new_context(
        viewport={"width": 320, "height": 640}, java_script_enabled=javascript
    )
    page = context.new_page()
    page.goto(live_server.url + "/es/")
    page.fill("#q", "food")
    page.fill("#near", "west hartford, ct")
    with page.expect_navigation():
        page.click("form.search button[type=submit]")

    assert "near=west+hartford" in page.url
    assert page.locator("[role=alert]").count() == 0
    assert page.locator(".card").count() >= 1
    assert "West Hartford" in page.content()  # "near" said by the town's name
    context.close()
