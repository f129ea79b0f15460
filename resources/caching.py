"""What many people ask, kept in the shared cache: search results and pages.

Three kinds of entry, all server-side only (public responses still tell
the browser to store nothing):

- a search's results: the ids and sort keys of the services a normalised
  query and its filters find, so that the next person asking the same, and
  the same person turning the page, skip the ranking;
- a result card's own parts, per service and language (`resources.cards`);
- a rendered page that depends on nothing a person typed (a service's
  page, an organization's, the home page, a category browsed), per
  language.

Cards and pages are kept only until their open/closed lines would change.

Every key holds the release (a digest of the code, templates,
translations and `DIRECTORY_*` settings this process runs, so that a
deploy never serves pages the old code rendered) and the data version
(`DataVersion`), which every committed change to the listings raises
once its derived rows are rebuilt (`resources.derived`): an edit, a
publish, an import or a new schedule shows at once, in every worker and
on every machine. The version is read once per request from the database
that request reads (a replica for the public), so it is as fresh as the
rows read beside it; with local-memory caches (no `REDIS_URL`) each
worker keeps its own entries, still never stale. Entries also expire
after `DIRECTORY_CACHE_SECONDS`.

Nothing that identifies a person is a key or a value: a key is a keyed
hash (HMAC with the secret key) of what was asked, never the words; a
value is ids, sort keys and HTML of public listings, never what was typed;
a search near a position (a phone's location) is never kept.
"""

import datetime as dt
import functools
import hashlib
import hmac
import json
import os
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import router
from django.db.models import F
from django.utils import timezone

from .models import DataVersion

VERSION_ROW = 1
_REQUEST_VERSION = "_directory_data_version"


def data_version(request=None) -> int:
    """Return the listings' data version, read once per request."""
    if request is not None and hasattr(request, _REQUEST_VERSION):
        return getattr(request, _REQUEST_VERSION)
    number = (
        DataVersion.objects.using(router.db_for_read(DataVersion))
        .filter(pk=VERSION_ROW)
        .values_list("number", flat=True)
        .first()
    ) or 0
    if request is not None:
        setattr(request, _REQUEST_VERSION, number)
    return number


def bump() -> None:
    """Raise the data version: every cached result and page is now old."""
    now = timezone.now()
    if not DataVersion.objects.filter(pk=VERSION_ROW).update(
        number=F("number") + 1, changed_at=now
    ):
        DataVersion.objects.get_or_create(
            pk=VERSION_ROW, defaults={"number": 1, "changed_at": now}
        )


@functools.cache
def release() -> str:
    """Return a digest of the code, templates, translations and settings run.

    The settings: the `DIRECTORY_*` environment variables, which pages show.
    """
    digest = hashlib.sha256()
    for name, value in sorted(os.environ.items()):
        if name.startswith("DIRECTORY_"):
            digest.update(f"{name}={value}".encode())
    base = Path(settings.BASE_DIR)
    for folder in ("directory", "resources", "templates"):
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in (".py", ".html", ".mo", ".json", ".txt"):
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def key(kind: str, request, parts) -> str:
    """Return the cache key of `parts` (JSON-able) under the current version."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        json.dumps(parts, sort_keys=True, default=str).encode(),
        hashlib.sha256,
    ).hexdigest()
    return f"{kind}:{release()}:{data_version(request)}:{digest}"


def get(cache_key: str):
    return cache.get(cache_key)


def get_many(cache_keys: list[str]) -> dict:
    return cache.get_many(cache_keys) if cache_keys else {}


def put(cache_key: str, value, *, until: dt.datetime | None = None) -> None:
    """Keep `value` for `DIRECTORY_CACHE_SECONDS`, or only `until` if sooner."""
    seconds = settings.DIRECTORY_CACHE_SECONDS
    if until is not None:
        seconds = min(seconds, int((until - timezone.now()).total_seconds()))
    if seconds > 0:
        cache.set(cache_key, value, seconds)
