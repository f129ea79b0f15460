"""The public full export: files the worker writes, served as they are.

Building every published service for one request costs tens of
milliseconds a service, so a full download is never built for an
anonymous request: the worker (`manage.py worker`) writes the files here
whenever the published data has changed, and `/api/export/` serves them
from disk with the time they were made. The paginated API stays live.

Files, in `settings.DIRECTORY_PUBLIC_EXPORT_DIR`:
- `services.ndjson`: every published service, fully nested, one per line
  (what `/api/services?format=ndjson` returns);
- `hsds.zip`: the whole public directory as an HSDS CSV data package;
- `export.json`: when they were made, from what data, how many services.
"""

import json
import os
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils import timezone

from ..models import Service
from . import exporter

SERVICES = "services.ndjson"
PACKAGE = "hsds.zip"
STATE = "export.json"
FILES = (SERVICES, PACKAGE)


def folder() -> Path:
    path = Path(settings.DIRECTORY_PUBLIC_EXPORT_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def fingerprint() -> str:
    """What the public files were made from, in one cheap query.

    Every change shown with a service moves its `last_modified`
    (`resources.freshness`); publishing, unpublishing and deleting change
    the counts.
    """
    facts = Service.objects.aggregate(
        services=Count("pk"),
        published=Count("pk", filter=Q(pk__in=Service.objects.published())),
        latest=Max("last_modified"),
    )
    latest = facts["latest"].isoformat() if facts["latest"] else "-"
    return f"{facts['services']}:{facts['published']}:{latest}"


def state() -> dict | None:
    """Return what `export.json` says, or None before the first export."""
    try:
        return json.loads((folder() / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def publish() -> dict:
    """Write the public files now; return their state.

    Each file is written beside its final name and moved into place, so a
    download never sees half a file.
    """
    made_from = fingerprint()
    target = folder()
    services = exporter.export_json(target / f".new-{SERVICES}", ndjson=True)
    exporter.export_csv(target / f".new-{PACKAGE}", public=True)
    for name in FILES:
        os.replace(target / f".new-{name}", target / name)
    current = {
        "generated_at": timezone.now().isoformat(),
        "fingerprint": made_from,
        "services": services,
        "files": {name: (target / name).stat().st_size for name in FILES},
    }
    (target / f".new-{STATE}").write_text(json.dumps(current), encoding="utf-8")
    os.replace(target / f".new-{STATE}", target / STATE)
    return current


def publish_if_changed() -> bool:
    """Write the public files if the data changed since they were made."""
    current = state()
    if current and current.get("fingerprint") == fingerprint():
        return False
    publish()
    return True
