"""`/healthz`: whether this app server can serve, for load balancers.

It answers 200 when every database it reads from and the cache answer,
else 503, and names which part fails. It says nothing about the data, sets
no cookie and is never cached.
"""

import logging

from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

PROBE_KEY = "healthz"


def _databases_answer() -> bool:
    for alias in connections:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            logger.warning("healthz: database %s does not answer", alias)
            return False
    return True


def _cache_answers() -> bool:
    try:
        cache.set(PROBE_KEY, "ok", timeout=10)
        return cache.get(PROBE_KEY) == "ok"
    except Exception:  # Redis down or refusing: any backend's own error
        logger.warning("healthz: the cache does not answer", exc_info=True)
        return False


@never_cache
def healthz(request):
    checks = {"database": _databases_answer(), "cache": _cache_answers()}
    healthy = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "failing",
            **{name: "ok" if fine else "failing" for name, fine in checks.items()},
        },
        status=200 if healthy else 503,
    )
