"""`/api/export/`: the public full export, as files the worker made.

Served from disk as they are (see `resources.hsds.published`), with the
time they were made; nothing here builds data or touches the database.
"""

from django.http import FileResponse, Http404, JsonResponse
from django.urls import reverse
from django.utils.http import http_date

from ..hsds import published

CONTENT_TYPES = {
    published.SERVICES: "application/x-ndjson",
    published.PACKAGE: "application/zip",
}
RETRY_SECONDS = 60


def not_ready() -> JsonResponse:
    """The files are not made yet: say when to come back.

    Nothing is queued from here (an anonymous request writes nothing): the
    worker's chores make the files within a minute of starting.
    """
    response = JsonResponse(
        {"detail": "The full export is being prepared; try again in a minute."},
        status=503,
    )
    response["Retry-After"] = str(RETRY_SECONDS)
    return response


def serve(name: str):
    """Return the published file `name`, or None if there is none yet."""
    current = published.state()
    path = published.folder() / name
    if current is None or name not in CONTENT_TYPES or not path.exists():
        return None
    response = FileResponse(path.open("rb"), content_type=CONTENT_TYPES[name])
    response["Last-Modified"] = http_date(path.stat().st_mtime)
    response["X-Generated-At"] = current["generated_at"]
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def index(request):
    """What can be downloaded, how big, and when it was made."""
    current = published.state()
    if current is None:
        return not_ready()
    return JsonResponse(
        {
            "generated_at": current["generated_at"],
            "services": current["services"],
            "files": [
                {
                    "name": name,
                    "url": request.build_absolute_uri(
                        reverse("api:export-file", args=[name])
                    ),
                    "bytes": size,
                }
                for name, size in current["files"].items()
            ],
        }
    )


def download(request, name: str):
    response = serve(name)
    if response is None:
        if name in CONTENT_TYPES:
            return not_ready()
        raise Http404
    return response
