"""Rate limits for public forms and sign-in that store no IP address.

The client is known only by a keyed hash of its address
(`resources.clients`) that changes every day, kept in the cache until its
window ends. Nothing reaches the database or the logs. The cache is shared
across workers and machines when `REDIS_URL` names a Redis.
"""

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .clients import client_address


def client_key(request, scope: str) -> str:
    """Return an opaque, daily-changing key for the client of `request`."""
    day = timezone.now().date().isoformat()
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"{scope}|{day}|{client_address(request)}".encode(),
        hashlib.sha256,
    ).hexdigest()
    return f"ratelimit:{scope}:{digest}"


def hit(request, scope: str, *, window: dt.timedelta) -> int:
    """Count one more attempt in `window`; return the count so far."""
    key = client_key(request, scope)
    seconds = int(window.total_seconds())
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        return 1


def count(request, scope: str) -> int:
    """Return the attempts counted in the current window, without adding one."""
    return cache.get(client_key(request, scope), 0)


def allow(request, scope: str, *, limit: int, window: dt.timedelta) -> bool:
    """Count one more attempt; return False once `limit` is passed in `window`."""
    return hit(request, scope, window=window) <= limit
