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


class StaffSessionTimeoutMiddleware:
    """End a signed-in session after a spell idle, and after a fixed time in all.

    Settings: `DIRECTORY_SESSION_IDLE_SECONDS` (30 minutes) and
    `DIRECTORY_SESSION_MAX_SECONDS` (12 hours). Only signed-in sessions are
    touched: an anonymous visitor's request never reads or writes one, so
    public pages still set no cookie. The last-seen time is written at most
    once a minute, not on every request.
    """

    STARTED = "_directory_session_started"
    SEEN = "_directory_session_seen"
    WRITE_EVERY = 60

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                self.check(request)
        except (OperationalError, InterfaceError):
            # The database is gone: let the view meet it, and the outage
            # handler above answer its calm 503.
            pass
        return self.get_response(request)

    def check(self, request) -> None:
        import time

        from django.conf import settings
        from django.contrib.auth import logout

        now = int(time.time())
        session = request.session
        started = session.get(self.STARTED, now)
        seen = session.get(self.SEEN, now)
        idle = getattr(settings, "DIRECTORY_SESSION_IDLE_SECONDS", 30 * 60)
        longest = getattr(settings, "DIRECTORY_SESSION_MAX_SECONDS", 12 * 60 * 60)
        if now - seen > idle or now - started > longest:
            logout(request)
            return
        if self.STARTED not in session:
            session[self.STARTED] = now
        if self.SEEN not in session or now - seen >= self.WRITE_EVERY:
            session[self.SEEN] = now


class AdminReferrerPolicyMiddleware:
    """Send `Referrer-Policy: same-origin` from the admin, so its forms work.

    Under the site's `no-referrer`, browsers send `Origin: null` with every
    form they post, which Django's CSRF check rightly refuses. Same-origin
    still gives other sites nothing; public pages keep `no-referrer`.
    """

    POLICY = "same-origin"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.urls import reverse

        response = self.get_response(request)
        if request.path.startswith(reverse("admin:index")):
            response.headers["Referrer-Policy"] = self.POLICY
        return response


class PublicApiCorsMiddleware:
    """Let any web page read the public HSDS API (CORS), never with credentials.

    The API is read-only and public, so `GET` and `HEAD` answers carry
    `Access-Control-Allow-Origin: *` (which browsers never combine with
    cookies), and a preflight `OPTIONS` is answered here with the methods
    and headers a reader may use. Nothing else of the site is shared.
    """

    METHODS = "GET, HEAD, OPTIONS"
    HEADERS = "Accept, Accept-Language, Content-Type"
    MAX_AGE = str(24 * 60 * 60)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import HttpResponse
        from django.urls import reverse

        if not request.path.startswith(reverse("api:root")):
            return self.get_response(request)
        if request.method == "OPTIONS" and (
            "access-control-request-method" in request.headers
        ):
            response = HttpResponse(status=204)
            response.headers["Access-Control-Allow-Methods"] = self.METHODS
            response.headers["Access-Control-Allow-Headers"] = self.HEADERS
            response.headers["Access-Control-Max-Age"] = self.MAX_AGE
        else:
            response = self.get_response(request)
        if request.method in ("GET", "HEAD", "OPTIONS"):
            response.headers["Access-Control-Allow-Origin"] = "*"
        return response
