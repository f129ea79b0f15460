"""Lockout and limits that protect rather than punish.

A username is locked from the address that guessed it, not everywhere; an
address that guesses many usernames is capped; the address is read from
X-Forwarded-For only behind a proxy we trust; a locked caseworker unlocks
by e-mail; limits live in the shared cache (Redis) across processes.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory
from django.urls import reverse

from resources import ratelimit
from resources.clients import client_address

from .factories import make_staff

PASSWORD = "a-long-test-password"
PROXY = "10.0.0.5"
ATTACKER, CASEWORKER = "203.0.113.9", "198.51.100.7"


def sign_in(client, user, password=PASSWORD, **headers):
    return client.post(
        reverse("admin:login"),
        {"username": user.username, "password": password},
        **headers,
    )


def through_proxy(client_ip):
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_ip}


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        ([], PROXY, ATTACKER, PROXY),  # no proxy trusted: the header is a claim
        (["10.0.0.0/8"], PROXY, ATTACKER, ATTACKER),
        (["10.0.0.0/8"], PROXY, f"{CASEWORKER}, {ATTACKER}", ATTACKER),
        (["10.0.0.0/8"], PROXY, f"{ATTACKER}, 10.0.0.9", ATTACKER),
        (["10.0.0.0/8"], ATTACKER, CASEWORKER, ATTACKER),  # not from our proxy
        (["10.0.0.0/8"], PROXY, "not-an-address", PROXY),
        (["10.0.0.0/8"], PROXY, "", PROXY),
        (["10.0.0.0/8", "::1"], "::1", "2001:db8::7", "2001:db8::7"),
    ],
)
def test_the_client_address(settings, trusted, remote, forwarded, expected):
    settings.DIRECTORY_TRUSTED_PROXIES = trusted
    request = RequestFactory().get(
        "/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded
    )
    assert client_address(request) == expected


def test_behind_a_proxy_guesses_lock_the_account_only_for_the_guesser(
    client, db, settings
):
    settings.DIRECTORY_TRUSTED_PROXIES = ["10.0.0.0/8"]
    user = make_staff()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, user, password="wrong-guess", **through_proxy(ATTACKER))

    assert sign_in(client, user, **through_proxy(ATTACKER)).status_code == 429
    # The caseworker, behind the same proxy, signs in as usual.
    assert sign_in(client, user, **through_proxy(CASEWORKER)).status_code == 302


def test_an_untrusted_forwarded_header_dodges_nothing(client, db, settings):
    settings.DIRECTORY_TRUSTED_PROXIES = []
    user = make_staff()
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(
            client,
            user,
            password="wrong-guess",
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )

    locked = sign_in(
        client, user, REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.99"
    )
    assert locked.status_code == 429


def test_an_address_guessing_many_accounts_is_capped(client, db, settings):
    settings.DIRECTORY_LOGIN_ADDRESS_FAILURES = 4
    victims = [make_staff() for _ in range(4)]
    for victim in victims:  # one wrong password each: no account is locked
        response = sign_in(client, victim, password="wrong-guess", REMOTE_ADDR=ATTACKER)
        assert response.status_code == 200

    capped = sign_in(client, make_staff(), REMOTE_ADDR=ATTACKER)
    assert capped.status_code == 429
    assert "from this address" in capped.text
    # Elsewhere, people sign in.
    assert sign_in(client, victims[0], REMOTE_ADDR=CASEWORKER).status_code == 302


def test_a_locked_caseworker_unlocks_by_email(client, db, settings):
    user = make_staff(email="ana@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, user, password="wrong-guess")
    locked = sign_in(client, user)
    assert locked.status_code == 429
    assert reverse("admin_password_reset") in locked.text

    response = client.post(
        reverse("admin_password_reset"), {"email": "ana@example.org"}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/admin/reset/\S+/)", mail.outbox[0].body)
    form = client.get(link.group(1), follow=True)
    new = "another-long-password-42"
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert done.status_code == 302

    assert sign_in(client, user, password=new).status_code == 302  # on to 2FA
    # Nobody else gets a link: unknown and non-staff addresses are silent.
    client.post(reverse("admin_password_reset"), {"email": "nobody@example.org"})
    assert len(mail.outbox) == 1


def test_reset_links_are_rate_limited(client, db):
    make_staff(email="ana@example.org")
    for _ in range(5):
        client.post(reverse("admin_password_reset"), {"email": "ana@example.org"})
    response = client.post(
        reverse("admin_password_reset"), {"email": "ana@example.org"}
    )
    assert response.status_code == 200
    assert "Too many requests" in response.text
    assert len(mail.outbox) == 5


@pytest.fixture
def redis_cache(settings):
    redis = pytest.importorskip("redis")
    location = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(location, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379 (set REDIS_URL in production)")
    prefix = f"test-{__name__}-{id(settings)}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
        }
    }
    yield location, prefix
    RedisCache(location, {"KEY_PREFIX": prefix}).clear()


# Another worker process: counts three reports from the attacker's address
# in the same Redis, then says whether a fourth would still be allowed.
OTHER_WORKER = """
import django
django.setup()
from django.test import RequestFactory
from resources import ratelimit
request = RequestFactory().post("/", REMOTE_ADDR=%r)
hour = ratelimit.dt.timedelta(hours=1)
for _ in range(3):
    ratelimit.hit(request, "report", window=hour)
print(ratelimit.count(request, "report"))
"""


def test_limits_hold_across_processes_in_redis(redis_cache, settings):
    location, prefix = redis_cache
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "directory.settings",
        "DJANGO_DEBUG": "1",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "REDIS_URL": location,
        "DJANGO_CACHE_PREFIX": prefix,
    }
    env.pop("DATABASE_URL", None)  # the limit needs no database
    worker = subprocess.run(
        [sys.executable, "-c", OTHER_WORKER % ATTACKER],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    assert worker.stdout.split() == ["3"]

    # This process (another worker) sees the other's three, and adds its own.
    request = RequestFactory().post("/", REMOTE_ADDR=ATTACKER)
    assert ratelimit.count(request, "report") == 3
    hour = ratelimit.dt.timedelta(hours=1)
    assert ratelimit.allow(request, "report", limit=4, window=hour)
    assert not ratelimit.allow(request, "report", limit=4, window=hour)
