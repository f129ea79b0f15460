"""Answer a calm 503 when the database cannot be reached."""

from pathlib import Path

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse

_PAGE = Path(__file__).resolve().parent.parent / "templates" / "503.html"


class DatabaseUnavailableMiddleware:
    """Turn a lost database connection into a static 503 with Retry-After.

    The page is read from disk, not rendered: nothing here may touch the
    database or anything that could fail for the same reason.
    """

    retry_after_seconds = 30

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except (OperationalError, InterfaceError) as error:
            return self.unavailable(error)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            return self.unavailable(exception)
        return None

    def unavailable(self, error: DatabaseError) -> HttpResponse:
        response = HttpResponse(
            _PAGE.read_bytes(), status=503, content_type="text/html; charset=utf-8"
        )
        response["Retry-After"] = str(self.retry_after_seconds)
        response["Cache-Control"] = "no-store"
        return response
