"""Privacy by default: headers, no cookies, nothing from other origins."""

import re

import pytest
from django.urls import reverse

from .factories import make_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def public_urls():
    service = make_service()
    return [
        reverse("resources:home"),
        reverse("resources:service-list") + "?q=help&near=06103",
        service.get_absolute_url(),
        service.organization.get_absolute_url(),
        reverse("resources:category-detail", args=["housing"]),
        reverse("resources:browse-safely"),
        reverse("resources:client-list") + f"?s={service.pk}",
        "/es/",
        "/es/services/",
    ]


def test_public_pages_set_no_cookie(client, public_urls):
    for url in public_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.cookies == {}, url
        assert "Set-Cookie" not in response.headers, url


def test_security_headers(client, public_urls):
    for url in public_urls:
        headers = client.get(url).headers
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_content_security_policy_allows_only_this_origin(client):
    policy = client.get(reverse("resources:home")).headers["Content-Security-Policy"]
    directives = {
        part.split()[0]: part.split()[1:] for part in policy.split("; ") if part
    }
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"][0] == "'self'"
    assert all(v.startswith("'nonce-") for v in directives["script-src"][1:])
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy
    assert "http" not in policy


def test_pages_reference_no_other_origin(client, public_urls):
    for url in public_urls:
        html = client.get(url).content.decode()
        for attribute in ('src="http', "src='http", 'href="//', "url(http"):
            assert attribute not in html, url
        assert "<script>" not in html, url  # only our files, no inline code


def test_hsts_in_production(settings, client):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = False
    response = client.get(reverse("resources:home"), secure=True)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_gunicorn_access_log_records_no_address_agent_or_query():
    log_format = _gunicorn_settings()["access_log_format"]
    for field in ("%(h)s", "%(a)s", "%(r)s", "%(q)s", "%(f)s", "%(u)s"):
        assert field not in log_format
    assert "%(U)s" in log_format  # the path, without the query string


def _gunicorn_settings() -> dict:
    from pathlib import Path

    namespace = {}
    source = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"
    exec(source.read_text(), namespace)  # noqa: S102 - our own config file
    return namespace


def test_gunicorn_error_log_holds_no_address_or_query(capsys):
    from gunicorn.config import Config

    namespace = _gunicorn_settings()
    config = Config()
    for name in ("errorlog", "loglevel", "logger_class"):
        if name in namespace:
            config.set(name, namespace[name])
    log = config.logger_class(config)

    log.error("Invalid request from ip=%s: %s", "203.0.113.9", "Invalid HTTP method")
    log.warning("Error handling request /services/?q=%s", "my+husband+hits+me")
    log.info("Bad request from %s", "2001:db8::7")

    written = capsys.readouterr().err
    assert "Invalid request" in written and "Error handling request" in written
    for private in ("203.0.113.9", "husband", "2001:db8::7"):
        assert private not in written


def test_django_logs_are_redacted_too(settings):
    import logging

    from directory.logs import Redact, redact

    assert "redact" in settings.LOGGING["handlers"]["console"]["filters"]
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "Not Found: %s from %s",
        ("/services/?q=no+papers", "198.51.100.4"),
        None,
    )
    assert Redact().filter(record)
    assert record.getMessage() == "Not Found: /services/?… from [address]"
    # Times and ids are not addresses.
    assert redact("at 15:01:34, service 12345") == "at 15:01:34, service 12345"


def test_gunicorn_binds_loopback_and_limits_time_below_the_proxy(settings):
    namespace = _gunicorn_settings()
    assert namespace["bind"].startswith("127.0.0.1:")
    # The database gives up first (a calm 503), then gunicorn, then the
    # proxy (nginx's default 60 s).
    staff_seconds = settings.DIRECTORY_DB_TIMEOUTS["staff"]["statement"] / 1000
    assert staff_seconds < namespace["timeout"] < 60
    assert namespace["graceful_timeout"] < namespace["timeout"]
    assert namespace["max_requests"] > 0 and namespace["max_requests_jitter"] > 0


def test_quick_exit_and_crisis_lines_on_every_page(client, public_urls, settings):
    settings.DIRECTORY_QUICK_EXIT_URL = "https://neutral.example/"
    for url in public_urls:
        html = client.get(url).content.decode()
        assert (
            'id="quick-exit" class="quick-exit" href="https://neutral.example/"' in html
        )
        assert 'href="#quick-exit"' in html
        for line in ("911", "988", "211", "+18007997233", "+18883737888"):
            assert f'href="tel:{line}"' in html, (url, line)
        # The strip at the top: the first lines, then a link to them all.
        strip = html[html.index('class="help-now"') : html.index('class="site-header"')]
        assert [f"tel:{n}" for n in ("911", "988", "211")] == re.findall(
            r'href="(tel:[^"]+)"', strip
        )
        assert 'href="#crisis-lines"' in strip and 'id="crisis-lines"' in html


def test_no_page_is_kept_in_the_browser(client, public_urls):
    for url in public_urls:
        assert "no-store" in client.get(url)["Cache-Control"], url
    assert "no-store" in client.get("/api/services")["Cache-Control"]


@pytest.mark.parametrize("neutral", [True, False])
def test_titles_never_name_the_service_unless_asked(client, settings, neutral, db):
    settings.DIRECTORY_NEUTRAL_TITLES = neutral
    service = make_service(name="Harbor night shelter")
    for url, own in (
        (service.get_absolute_url(), "Harbor night shelter"),
        (service.organization.get_absolute_url(), service.organization.name),
        ("/categories/housing/", "Housing"),
    ):
        html = client.get(url).content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        if neutral:
            assert own not in title and "Community information" in title, url
        else:
            assert own in title, url
    spanish = client.get("/es" + service.get_absolute_url()).content.decode()
    if neutral:
        assert "<title>Servicio · Información comunitaria</title>" in spanish
