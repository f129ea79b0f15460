"""
Settings for the community resource directory.

Everything that differs between a laptop and production comes from the
environment; see README.md ("Configuration") for the list.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


DEBUG = env_bool("DJANGO_DEBUG")

# Django's `check --deploy` flags this fallback (W009), so production cannot
# run on it unnoticed; it only exists so that tests and `make run` need no
# configuration.
SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY", "django-insecure-local-development-key-not-for-production"
)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django's admin with our site: a second factor for every staff account.
    "resources.apps.DirectoryAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "django_filters",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks_db",
    "resources",
]

# Form widgets render with the project's templates too (templates/admin/...).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

MIDDLEWARE = [
    # First, so that a database outage anywhere below becomes a calm 503.
    "resources.middleware.DatabaseUnavailableMiddleware",
    "resources.middleware.DatabaseTimeoutMiddleware",
    "resources.middleware.PublicApiCorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "resources.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A first visit to / in the browser's language (no cookie).
    "resources.middleware.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After it: a signed-in user reads the primary.
    "resources.replicas.ReplicaReadsMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "resources.middleware.StaffSessionTimeoutMiddleware",
    "resources.middleware.AdminReferrerPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "directory.urls"
WSGI_APPLICATION = "directory.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "resources.context_processors.directory",
            ],
        },
    },
]

# SQLite by default so that one command runs the site; DATABASE_URL
# (postgres://user:password@host:5432/name) selects PostgreSQL. Persistent
# connections matter: opening one costs more than a whole page's queries.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
    # Ranking a broad search sorts thousands of rows: in memory, not on disk.
    DATABASES["default"]["OPTIONS"].setdefault(
        "options", "-c work_mem=" + os.environ.get("DJANGO_DB_WORK_MEM", "16MB")
    )

# Read replicas (PostgreSQL streaming replicas of `default`): public pages
# read from them, everything staff do and every write from the primary
# (resources/replicas.py). Comma-separated URLs; tests mirror `default`.
DIRECTORY_REPLICAS = []
for number, url in enumerate(
    filter(None, os.environ.get("DATABASE_REPLICA_URLS", "").split(",")), start=1
):
    alias = f"replica{number}"
    DATABASES[alias] = dj_database_url.parse(
        url.strip(),
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    DATABASES[alias]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES[alias]["TEST"] = {"MIRROR": "default"}
    DIRECTORY_REPLICAS.append(alias)
DATABASE_ROUTERS = ["resources.replicas.ReplicaRouter"]

# Time limits for the SQL of web requests (PostgreSQL), in milliseconds:
# past them the request gets the calm 503 page instead of a hung worker.
# A public page waits briefly for a lock (only a migration or a stuck job
# holds one against reads); staff writes may wait for each other longer.
# All below gunicorn's timeout (gunicorn.conf.py), below the proxy's.
DIRECTORY_DB_TIMEOUTS = {
    "public": {
        "statement": int(os.environ.get("DJANGO_DB_PUBLIC_TIMEOUT_MS", "5000")),
        "lock": int(os.environ.get("DJANGO_DB_PUBLIC_LOCK_TIMEOUT_MS", "1000")),
    },
    "staff": {
        "statement": int(os.environ.get("DJANGO_DB_STAFF_TIMEOUT_MS", "40000")),
        "lock": int(os.environ.get("DJANGO_DB_STAFF_LOCK_TIMEOUT_MS", "5000")),
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The languages of the site and of listing text: the interface has a
# catalogue in resources/locale for each; listings keep their text in the
# other languages in each object's `translations` (README, "Languages").
# One more language is one more entry here, and its catalogue.
DIRECTORY_LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LANGUAGES = DIRECTORY_LANGUAGES
LOCALE_PATHS = [BASE_DIR / "resources" / "locale"]
USE_I18N = True
USE_TZ = True
# The directory's home zone: locations without a zone of their own use it.
TIME_ZONE = os.environ.get("DIRECTORY_TIME_ZONE", "America/New_York")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security headers that hold everywhere.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# The report form's CSRF cookie ends with the browser session: nothing of a
# visit is left on the device for a year.
CSRF_COOKIE_AGE = None

# Nothing may load from another origin: no CDN, fonts, analytics or maps.
# Scripts are our own files; an inline script would need the request's nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# Production behind an HTTPS-terminating proxy: DJANGO_HTTPS=1.
if env_bool("DJANGO_HTTPS"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Staff sessions: end after 12 hours; the browser forgets them when closed.
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# ... and after 30 minutes idle, or 12 hours in all however busy
# (resources.middleware.StaffSessionTimeoutMiddleware; anonymous visitors
# never get a session).
DIRECTORY_SESSION_IDLE_SECONDS = int(
    os.environ.get("DIRECTORY_SESSION_IDLE_SECONDS", str(30 * 60))
)
DIRECTORY_SESSION_MAX_SECONDS = SESSION_COOKIE_AGE

LOGIN_URL = "admin:login"

# Sign-in: django-axes locks a username out, from the address it was tried
# from, after DIRECTORY_LOGIN_FAILURES wrong passwords, for an hour.
# Behind a proxy every request may come from the proxy's address: pairing
# the username with it still locks only that account, never everyone.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("DIRECTORY_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = 1  # hour
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client's address, believing X-Forwarded-For only from our proxies.
AXES_CLIENT_IP_CALLABLE = "resources.clients.client_address"
# Across usernames: one address may fail this many sign-ins an hour before
# it may try none (resources.admin_site), so guessing many accounts from
# one place is capped too.
DIRECTORY_LOGIN_ADDRESS_FAILURES = int(
    os.environ.get("DIRECTORY_LOGIN_ADDRESS_FAILURES", "30")
)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/resources/locked_out.html"
# Successful sign-ins are in each account's last_login; keep no extra log
# of staff addresses and browsers.
AXES_DISABLE_ACCESS_LOG = True

# Long work runs off the request (resources/jobs.py, resources/tasks.py):
# queued in the database, run by `manage.py worker`.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Private files of background jobs (uploads, reports, staff exports): only
# the admin serves them. The public full export, rewritten by the worker
# when the data changes, served at /api/export/.
DIRECTORY_JOB_DIR = Path(os.environ.get("DIRECTORY_JOB_DIR", BASE_DIR / "var" / "jobs"))
DIRECTORY_PUBLIC_EXPORT_DIR = Path(
    os.environ.get("DIRECTORY_PUBLIC_EXPORT_DIR", BASE_DIR / "var" / "export")
)

# Services whose derived rows each worker chore rebuilds, round after round,
# whatever happened to them (resources/derived.py, `audit_next`).
DIRECTORY_AUDIT_BATCH = int(os.environ.get("DIRECTORY_AUDIT_BATCH", "200"))
# The most records one NDJSON request of the API streams live; the full
# export is a file (resources/hsds/published.py).
DIRECTORY_API_STREAM_LIMIT = int(os.environ.get("DIRECTORY_API_STREAM_LIMIT", "500"))

# E-mail (password reset links): SMTP in production, the console when
# developing.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_FROM_EMAIL", "webmaster@localhost")

# The proxies whose X-Forwarded-For is believed (addresses or networks,
# comma-separated), e.g. "127.0.0.1,10.0.0.0/8": see resources/clients.py.
DIRECTORY_TRUSTED_PROXIES = [
    proxy
    for proxy in os.environ.get("DJANGO_TRUSTED_PROXIES", "").split(",")
    if proxy.strip()
]

# The shared cache: Redis when REDIS_URL is set (rate limits then hold
# across workers and machines); else each process keeps its own.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "directory"),
        }
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Directory policy, overridable per deployment.
# The state the directory serves: towns typed into "Where?" are its towns.
DIRECTORY_STATE = os.environ.get("DIRECTORY_STATE", "CT")
DIRECTORY_NAME = os.environ.get("DIRECTORY_NAME", "Hartford County Help Directory")
DIRECTORY_PAGE_SIZE = 20
# How long a cached search result or page is kept at most (resources.caching);
# any change to the listings retires them at once anyway.
DIRECTORY_CACHE_SECONDS = int(os.environ.get("DIRECTORY_CACHE_SECONDS", "600"))
# The official HSDS 3.1 files (schemas, examples) that the conformance tests
# read; not part of the repository (see the README, "Exchanging data").
HSDS_SPEC_DIR = Path(
    os.environ.get("HSDS_SPEC_DIR", BASE_DIR.parent / "shared" / "hsds")
)
# Who publishes this directory, as the HSDS API's root says to other systems.
DIRECTORY_PUBLISHER = {
    "name": os.environ.get("DIRECTORY_PUBLISHER_NAME", DIRECTORY_NAME),
    "url": os.environ.get("DIRECTORY_PUBLISHER_URL", ""),
}
# The address published as a verified listing's HSDS assurer_email (the API,
# exports): the directory's, never the verifying caseworker's own, who stays
# in the staff history. Blank publishes none.
DIRECTORY_VERIFICATION_EMAIL = os.environ.get("DIRECTORY_VERIFICATION_EMAIL", "")
# "Could not reach them" this many times in a row puts the listing in the
# corrections queue for review.
DIRECTORY_UNREACHABLE_FLAG = int(os.environ.get("DIRECTORY_UNREACHABLE_FLAG", "3"))
# Page titles (tabs, history, the tab switcher) that say only what kind of
# page it is ("Listing · Community information"), never a service's,
# category's or organization's name: on unless DIRECTORY_NEUTRAL_TITLES=0.
DIRECTORY_NEUTRAL_TITLES = env_bool("DIRECTORY_NEUTRAL_TITLES", True)
DIRECTORY_NEUTRAL_NAME = os.environ.get(
    "DIRECTORY_NEUTRAL_NAME", _("Community information")
)
# Where the quick-exit button sends people: a neutral, everyday site.
DIRECTORY_QUICK_EXIT_URL = os.environ.get(
    "DIRECTORY_QUICK_EXIT_URL", "https://www.weather.gov/"
)
# Always-visible crisis lines: (label, number shown, tel: target, sms: target).
DIRECTORY_CRISIS_LINES = [
    (_("Emergency"), "911", "911", ""),
    (_("Suicide and Crisis Lifeline, call or text"), "988", "988", "988"),
    (_("2-1-1: food, housing, bills and any other help"), "211", "211", ""),
    (
        _("National Domestic Violence Hotline, 24/7 (text START)"),
        "1-800-799-7233",
        "+18007997233",
        "88788",
    ),
    (
        _("National Human Trafficking Hotline, 24/7"),
        "1-888-373-7888",
        "+18883737888",
        "233733",
    ),
]
# The lines (by tel: target) of the "Help now" strip at the top of every
# page; all of them are in the footer.
DIRECTORY_HELP_NOW = ["911", "988", "211"]
# Languages people can filter by (ISO 639 codes as in HSDS `language.code`).
DIRECTORY_SPOKEN_LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("pl", _("Polish")),
    ("ar", _("Arabic")),
    ("fr", _("French")),
    ("ht", _("Haitian Creole")),
    ("vi", _("Vietnamese")),
    ("zh", _("Chinese")),
    ("ru", _("Russian")),
    ("ase", _("American Sign Language")),
]

# Two-factor authentication (django-otp): authenticator apps name the
# directory; keys stay hidden in the admin.
OTP_TOTP_ISSUER = DIRECTORY_NAME
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# How often listings must be verified again (resources/policy.py): every
# 12 months, every 3 for crisis lines and emergency shelters (and their
# sub-categories). The public warning for overdue listings is off unless
# DIRECTORY_VERIFICATION_WARNING_DAYS gives a grace period in days.
DIRECTORY_VERIFICATION_POLICY = {
    "months": 12,
    "categories": {"crisis-hotlines": 3, "emergency-shelter": 3},
    "due_soon_days": 30,
    "public_warning_after_days": (
        int(os.environ["DIRECTORY_VERIFICATION_WARNING_DAYS"])
        if os.environ.get("DIRECTORY_VERIFICATION_WARNING_DAYS")
        else None
    ),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "directory.logs.Redact"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # The development server's request log would tie searches to IPs.
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
    },
}

# The HSDS API (resources/api/): public, read-only, JSON only. No
# authentication, so API requests never read a session or set a cookie;
# `format` is an HSDS query parameter (json / ndjson), not DRF's override.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    "URL_FORMAT_OVERRIDE": None,
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Open Referral HSDS 3.1 API",
    "DESCRIPTION": "The directory's listings in the Human Services Data "
    "Specification, read-only. Only published services; confidential "
    "addresses are withheld.",
    "VERSION": "3.1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Paths as HSDS names them (/services), relative to the server's /api.
    "SCHEMA_PATH_PREFIX": "/api",
    "SCHEMA_PATH_PREFIX_TRIM": True,
    "SERVERS": [{"url": "/api", "description": "This directory's HSDS API"}],
    # Swagger UI from our own static files (no CDN), without inline scripts.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Empty optional fields are left out of responses, so only the fields
    # HSDS requires are marked required.
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,
    "ENUM_NAME_OVERRIDES": {
        "LocationTypeEnum": "resources.models.locations.LocationType"
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "resources.api.params.with_language_parameter",
    ],
}
