"""A small rate limiter for public forms that stores no IP address.

The client is known only by a keyed hash of its address that changes every
day, kept in the cache until its window ends. Nothing reaches the database
or the logs. With several app servers, point the cache at a shared Redis.
"""

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone


def client_key(request, scope: str) -> str:
    """Return an opaque, daily-changing key for the client of `request`."""
    day = timezone.now().date().isoformat()
    address = request.META.get("REMOTE_ADDR", "")
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"{scope}|{day}|{address}".encode(),
        hashlib.sha256,
    ).hexdigest()
    return f"ratelimit:{scope}:{digest}"


def allow(request, scope: str, *, limit: int, window: dt.timedelta) -> bool:
    """Count one more attempt; return False once `limit` is passed in `window`."""
    key = client_key(request, scope)
    seconds = int(window.total_seconds())
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        count = 1
    return count <= limit
