import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash test passwords cheaply: the real hasher takes seconds a user here.

    Production keeps Django's default (PBKDF2); nothing here tests its strength.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Serve static files unhashed: tests do not run `collectstatic`."""
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        }
    }


@pytest.fixture(autouse=True)
def _forced_staff_logins_pass_two_factor(monkeypatch):
    """Make `client.force_login(staff)` a full admin sign-in, second factor included.

    The admin asks every staff account for a TOTP code (resources.admin.site).
    Tests that are about something else log in with `force_login`; this
    gives the user a confirmed authenticator and marks the session verified
    the way django-otp's own login does. Tests of the sign-in itself post
    to the login page, or remove `DEVICE_ID_SESSION_KEY` from the session.
    """
    from django.test.client import ClientMixin
    from django_otp import DEVICE_ID_SESSION_KEY

    from tests.factories import give_authenticator

    force_login = ClientMixin.force_login

    def force_login_verified(self, user, backend=None):
        force_login(self, user, backend)
        if user.is_staff:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = give_authenticator(user).persistent_id
            session.save()

    monkeypatch.setattr(ClientMixin, "force_login", force_login_verified)


@pytest.fixture(autouse=True)
def _default_language():
    """Start every test in English: a request to /es/ switches the thread."""
    from django.conf import settings
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def caseworker(db):
    from .factories import make_staff

    return make_staff()


@pytest.fixture
def caseworker_client(client, caseworker):
    client.force_login(caseworker)
    return client


@pytest.fixture(autouse=True)
def _fresh_search_vocabulary():
    """Start each test from the database's vocabulary.

    A test's rolled-back synonyms and aliases send no signal, so a process
    would otherwise keep searching with them (see `search.vocabulary_changed`).
    """
    from resources.search import vocabulary_changed

    vocabulary_changed()


@pytest.fixture(autouse=True)
def _private_job_folders(settings, tmp_path):
    """Give each test its own folders for job files and the public export."""
    settings.DIRECTORY_JOB_DIR = tmp_path / "jobs"
    settings.DIRECTORY_PUBLIC_EXPORT_DIR = tmp_path / "export"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Start each test with an empty cache: rate limits must not carry over."""
    from django.core.cache import cache

    cache.clear()
