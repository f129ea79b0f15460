"""Read replicas: public pages read from them; staff and every write use the primary.

`DATABASE_REPLICA_URLS` adds an alias per replica (`replica1`, ...) and
`DIRECTORY_REPLICAS` names them. `ReplicaReadsMiddleware` marks the public
requests that only read (GET and HEAD outside the admin, by anyone not
signed in); `ReplicaRouter` sends those requests' reads to a replica,
picked at random per query. Everything else — the admin, forms, the
worker, management commands, and every write anywhere — uses `default`,
the primary. A replica a few seconds behind shows a caseworker's edit a
few seconds late on public pages; the admin always reads the primary.
"""

import random
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

_replica_reads = ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads():
    """Within this block, reads go to a replica (when there are any)."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    """Route reads marked by `replica_reads` to a replica, all else to `default`."""

    def db_for_read(self, model, **hints):
        replicas = settings.DIRECTORY_REPLICAS
        if replicas and _replica_reads.get():
            return random.choice(replicas)
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # replicas hold the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    """Let a public request that only reads use a replica (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.urls import reverse

        public_read = (
            settings.DIRECTORY_REPLICAS
            and request.method in ("GET", "HEAD")
            and not request.path.startswith(reverse("admin:index"))
            and not request.user.is_authenticated
        )
        if not public_read:
            return self.get_response(request)
        with replica_reads():
            return self.get_response(request)
