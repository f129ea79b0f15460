"""Browser tests: Playwright driving Debian's Chromium against a live server."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the test bodies
# still talk to the database synchronously, which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "e2e" in item.nodeid:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    missing = [str(path) for path in (CHROMIUM, AXE) if not path.exists()]
    if missing:
        message = f"browser tests need {', '.join(missing)} (make test installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db):
    """The demo directory, committed so that the live server sees it.

    Transactional tests empty every table afterwards, data migrations'
    rows included, so the shipped taxonomies are put back first.
    """
    from django.apps import apps

    from resources.demo import load_demo_data
    from resources.taxonomies import sync_taxonomies

    sync_taxonomies(apps)
    load_demo_data()


class Visit:
    """A browser context that records every request and every CSP complaint."""

    def __init__(
        self, browser, live_server, *, width=1280, bypass_csp=False, javascript=True
    ):
        self.base = live_server.url
        self.context = browser.new_context(
            viewport={"width": width, "height": 900},
            bypass_csp=bypass_csp,
            java_script_enabled=javascript,
        )
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.console_errors: list[str] = []
        self.page = self.context.new_page()
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("requestfailed", lambda request: self.failed.append(request.url))
        self.page.on(
            "console",
            lambda message: (
                message.type == "error" and self.console_errors.append(message.text)
            ),
        )

    def open(self, path: str):
        response = self.page.goto(self.base + path)
        assert response.status == 200, path
        return response

    def sign_in(self, username: str, password: str, backup_code: str):
        """Sign in to the admin with a password, then a backup code."""
        page = self.page
        self.open("/admin/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("[type=submit]")
        assert "/admin/two-factor/" in page.url
        page.fill("#id_token", backup_code)
        with page.expect_navigation():
            page.click("[type=submit]")

    def foreign_requests(self) -> list[str]:
        return [
            url
            for url in self.requests
            if not url.startswith(self.base) and not url.startswith("data:")
        ]

    def axe_violations(self) -> list[dict]:
        self.page.add_script_tag(path=str(AXE))
        return self.page.evaluate(
            """async () => (await axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a",
                                                "wcag21aa", "wcag22aa"]},
            })).violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}))"""
        )

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, live_server):
    opened = []

    def open_visit(**kwargs):
        session = Visit(browser, live_server, **kwargs)
        opened.append(session)
        return session

    yield open_visit
    for session in opened:
        session.close()


@pytest.fixture
def staff_visit(visit, demo):
    """A browser signed in to the admin as an administrator."""
    from django.contrib.auth.models import User

    from resources.two_factor import issue_backup_codes

    # A superuser: transactional tests empty the groups the migrations made.
    user = User.objects.create_superuser(
        "pat", "pat@example.org", "a-long-test-password"
    )
    backups = iter(issue_backup_codes(user))

    def open_signed_in(**kwargs):
        session = visit(**kwargs)
        session.sign_in("pat", "a-long-test-password", next(backups))
        return session

    return open_signed_in
