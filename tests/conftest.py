import pytest


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    """Serve static files unhashed: tests do not run `collectstatic`."""
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        }
    }


@pytest.fixture
def caseworker(db):
    from .factories import make_staff

    return make_staff()


@pytest.fixture
def caseworker_client(client, caseworker):
    client.force_login(caseworker)
    return client
