import uuid

from django.conf import settings

CLIENT_LIST_LIMIT = 50


def client_list_ids(value: str) -> list[uuid.UUID]:
    """Parse a client list (comma-separated service ids), dropping bad ones."""
    ids = []
    for part in (value or "").split(",")[:CLIENT_LIST_LIMIT]:
        try:
            service_id = uuid.UUID(part.strip())
        except ValueError:
            continue
        if service_id not in ids:
            ids.append(service_id)
    return ids


def directory(request):
    """Expose the deployment's settings and the visitor's client list."""
    return {
        "directory_name": settings.DIRECTORY_NAME,
        "quick_exit_url": settings.DIRECTORY_QUICK_EXIT_URL,
        "neutral_titles": settings.DIRECTORY_NEUTRAL_TITLES,
        "neutral_name": settings.DIRECTORY_NEUTRAL_NAME,
        "crisis_lines": settings.DIRECTORY_CRISIS_LINES,
        "help_now": [
            line
            for line in settings.DIRECTORY_CRISIS_LINES
            if line[2] in settings.DIRECTORY_HELP_NOW
        ],
        "client_list": ",".join(
            str(pk) for pk in client_list_ids(request.GET.get("list", ""))
        ),
    }
