"""The quick exit leaves at once, and Back does not come back."""

import json

NEUTRAL = "https://www.weather.gov/"


def neutral_site(session):
    """Stand in for the neutral site: this machine reaches no other origin."""
    session.page.route(
        NEUTRAL + "**",
        lambda route: route.fulfill(
            body="<title>Weather</title><h1>Forecast</h1>", content_type="text/html"
        ),
    )


def assert_left_for_good(session):
    session.page.wait_for_url(NEUTRAL + "**")
    assert session.page.title() == "Weather"
    session.page.go_back()
    assert not session.page.url.startswith(session.base)


def test_exit_button(visit, demo):
    session = visit()
    neutral_site(session)
    session.open("/services/?q=shelter")
    session.page.click("#quick-exit")
    assert_left_for_good(session)


def test_pressing_shift_three_times(visit, demo):
    session = visit(width=320)
    neutral_site(session)
    session.open("/browse-safely/")
    for _ in range(3):
        session.page.keyboard.press("Shift")
    assert_left_for_good(session)


def test_two_presses_do_not_exit(visit, demo):
    session = visit()
    session.open("/")
    session.page.keyboard.press("Shift")
    session.page.keyboard.press("Shift")
    session.page.keyboard.press("a")
    session.page.keyboard.press("Shift")
    assert session.page.url.startswith(session.base)


def test_skip_link_reaches_the_exit_button(visit, demo):
    session = visit()
    session.open("/")
    session.page.keyboard.press("Tab")
    assert session.page.evaluate("document.activeElement.textContent").strip()
    session.page.keyboard.press("Enter")
    session.page.keyboard.press("Tab")
    focused = session.page.evaluate("document.activeElement.id")
    assert focused in ("quick-exit", "")


def test_without_javascript_the_button_is_a_plain_link(browser, live_server, demo):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    assert page.get_attribute("#quick-exit", "href") == NEUTRAL
    context.close()


def test_back_after_an_exit_leaves_the_site_even_after_a_search(visit, demo):
    session = visit(width=320)
    neutral_site(session)
    page = session.page
    page.goto("about:blank")  # where the person was before the site
    session.open("/")
    page.fill("#q", "shelter")
    with page.expect_navigation():
        page.click("form.search button[type=submit]")
    with page.expect_navigation():
        page.locator(".card-title a").first.click()
    assert "/services/" in page.url

    page.click("#quick-exit")
    page.wait_for_url(NEUTRAL + "**")
    page.go_back()

    assert not page.url.startswith(session.base), page.url
    assert "shelter" not in page.content()


def test_each_shift_press_is_counted_aloud(visit, demo):
    session = visit(width=320)
    session.open("/services/?q=food")
    count = session.page.locator(".quick-exit-count")
    assert count.get_attribute("role") == "status"  # announced

    session.page.keyboard.press("Shift")
    assert count.inner_text() == "Press Shift 2 more times to exit"
    session.page.keyboard.press("Shift")
    assert count.inner_text() == "Press Shift once more to exit"
    session.page.keyboard.press("a")
    assert count.inner_text() == ""


def test_the_page_is_covered_the_instant_the_exit_starts(visit, demo):
    """Before the neutral site has answered, nothing of the search is on screen."""
    session = visit(width=320)
    neutral_site(session)
    page = session.page
    session.open("/services/?q=shelter")
    # What the screen shows the moment the exit has started, before the
    # next page can load (a mutation observer runs before any navigation).
    page.evaluate(
        """() => new MutationObserver(() => {
          if (document.body.className !== "exited") return;
          const hit = document.elementFromPoint(innerWidth / 2, innerHeight - 1);
          const box = hit.getBoundingClientRect();
          console.log(JSON.stringify({cover: hit.className, width: box.width,
            height: box.height, text: document.body.innerText,
            title: document.title}));
        }).observe(document.body, {attributes: true})"""
    )
    # The observer's message can arrive after the next page has: wait for it.
    with page.expect_console_message(lambda m: m.text.startswith("{")) as logged:
        page.click("#quick-exit")
    page.wait_for_url(NEUTRAL + "**")

    screen = json.loads(logged.value.text)
    assert screen == {
        "cover": "exit-cover",
        "width": 320,
        "height": 900,
        "text": "",
        "title": "",
    }
