"""A caseworker builds a list for a client and prints it."""

import re

from resources.models import Service


def test_build_and_print_a_client_list(visit, demo):
    session = visit()
    page = session.page
    session.open("/categories/health/")
    first = page.locator(".card").nth(0)
    first_name = first.locator(".card-title").inner_text()
    first.get_by_role("link", name=re.compile("Add to list")).click()
    # Still on the results, at the same card, which now says so.
    assert "/categories/health/" in page.url and "#card-" in page.url
    assert first.get_by_role("link", name=re.compile("On your list")).is_visible()

    page.get_by_role("link", name=re.compile("Your list: 1 service")).click()
    page.get_by_role("link", name="Add more services").click()
    page.fill("#id_q", "shelter")
    page.click("button[type=submit] >> nth=0")
    second = page.locator(".card").nth(0)
    second_name = second.locator(".card-title").inner_text()
    second.get_by_role("link", name=re.compile("Add to list")).click()
    page.get_by_role("link", name=re.compile("Your list: 2 services")).click()
    assert "/list/?s=" in page.url

    items = page.locator(".client-list > li h2")
    assert items.all_inner_texts() == [first_name, second_name]
    assert session.context.cookies() == []

    page.emulate_media(media="print")
    printed = page.locator("main").inner_text()
    for name in (first_name, second_name):
        service = Service.objects.get(name=name)
        assert service.phones.first().number in printed
    assert "Hours" in printed
    assert page.locator(".qr svg").is_visible()
    assert not page.locator("#quick-exit").is_visible()
    assert not page.get_by_role(
        "link", name=re.compile("Remove from list")
    ).first.is_visible()
    pdf = page.pdf(format="Letter")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 1 <= pages <= 2
