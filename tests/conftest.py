import pytest


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Serve static files unhashed: tests do not run `collectstatic`."""
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        }
    }


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
