"""The site's own middleware: outages, time limits, sessions, headers."""

from contextlib import ExitStack

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse

# Should even the template fail, this is sent.
_PLAIN = b"The directory is briefly unavailable. Please try again in a minute."


class DatabaseUnavailableMiddleware:
    """Turn a lost, hung or locked database into a calm 503 with Retry-After.

    A refused connection, a statement cut by `statement_timeout` and a lock
    not granted within `lock_timeout` are all `OperationalError`s. The page
    is rendered from a plain template with no context processors, nothing
    that could touch the database; it works under the site's CSP (no inline
    style or script) and has the quick exit.
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
        from django.template.loader import render_to_string

        try:
            page = render_to_string(
                "503.html", {"quick_exit_url": settings.DIRECTORY_QUICK_EXIT_URL}
            )
        except Exception:  # noqa: BLE001 - the plainest page beats none
            page = _PLAIN
        response = HttpResponse(
            page, status=503, content_type="text/html; charset=utf-8"
        )
        response["Retry-After"] = str(self.retry_after_seconds)
        response["Cache-Control"] = "no-store"
        return response


class DatabaseTimeoutMiddleware:
    """Give every web request's SQL a time limit (PostgreSQL).

    Public pages get `DIRECTORY_DB_TIMEOUTS["public"]`, the admin the
    longer `["staff"]`: a `statement` and a `lock` limit, in milliseconds.
    A hung query or a locked table then ends in the calm 503 instead of
    holding the worker until gunicorn kills it. The limits are set with the
    request's first statement, on the same cursor and outside Django's
    query log; a request that never reaches the database costs nothing, and
    one whose persistent connection already has them (set in autocommit, so
    no rollback undid them) sends nothing either.
    Management commands and the task worker never pass through here, so
    imports and rebuilds run without a limit.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.urls import reverse

        # The primary and any read replica (resources/replicas.py).
        limited = [c for c in connections.all() if c.vendor == "postgresql"]
        if not limited:
            return self.get_response(request)
        staff = request.path.startswith(reverse("admin:index"))
        limits = settings.DIRECTORY_DB_TIMEOUTS["staff" if staff else "public"]
        statement, lock = int(limits["statement"]), int(limits["lock"])
        setting = f"SET statement_timeout = {statement}; SET lock_timeout = {lock}"

        def limiter():
            pending = [setting]  # once per connection and request

            def limit(execute, sql, params, many, context):
                if pending:
                    wrapper = context["connection"]
                    raw = wrapper.connection
                    if getattr(wrapper, "_directory_limits", None) != (raw, setting):
                        with raw.cursor() as cursor:
                            cursor.execute(setting)
                        # Kept only outside a transaction, which could roll back.
                        wrapper._directory_limits = (
                            (raw, setting) if raw.autocommit else None
                        )
                    pending.pop()
                return execute(sql, params, many, context)

            return limit

        with ExitStack() as stack:
            for connection in limited:
                stack.enter_context(connection.execute_wrapper(limiter()))
            return self.get_response(request)


class NoStoreMiddleware:
    """Ask browsers to keep no copy of any page: `Cache-Control: no-store`.

    On a watched device, a cached page is a trace: Back after the quick
    exit, or the browser's cache, would show what was read. A view that
    sets its own Cache-Control keeps it; static files (served before this,
    by WhiteNoise) are cached as usual — they say nothing about anyone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Cache-Control", "no-store")
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


class PreferredLanguageMiddleware:
    """Send a first visit to the home page to the visitor's language: no cookie.

    Only `/`, and only when the visit did not come from this site: typed,
    bookmarked or followed from elsewhere (`Sec-Fetch-Site: none` or
    `cross-site`). A click on "English" from a Spanish page is same-origin
    and stays in English, with nothing remembered. A browser that does not
    say where the visit came from (and a search engine) gets the page it
    asked for; both languages' pages name each other (`hreflang`).
    """

    ARRIVALS = ("none", "cross-site")
    VARY = ("Accept-Language", "Sec-Fetch-Site")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import HttpResponseRedirect
        from django.urls import reverse
        from django.utils import translation
        from django.utils.cache import patch_vary_headers

        if request.path_info != "/":
            return self.get_response(request)
        code = preferred_language(request.headers.get("Accept-Language", ""))
        if (
            request.method in ("GET", "HEAD")
            and request.headers.get("Sec-Fetch-Site") in self.ARRIVALS
            and code not in (None, settings.LANGUAGE_CODE)
        ):
            with translation.override(code):
                home = reverse("resources:home")
            query = request.META.get("QUERY_STRING", "")
            response = HttpResponseRedirect(home + (f"?{query}" if query else ""))
        else:
            response = self.get_response(request)
        patch_vary_headers(response, self.VARY)
        return response


def preferred_language(header: str) -> str | None:
    """Return the site language the `Accept-Language` header prefers, if any."""
    from django.utils.translation.trans_real import parse_accept_lang_header

    supported = {code for code, _name in settings.LANGUAGES}
    for tag, quality in parse_accept_lang_header(header):
        base = tag.split("-")[0]
        if base in supported and quality > 0:
            return base
    return None
