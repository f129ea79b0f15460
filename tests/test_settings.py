"""Settings read from the environment, checked in a fresh interpreter each time."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

PRINT_DATABASE = """
import django
from django.conf import settings
from django.db import connection

django.setup()
db = settings.DATABASES["default"]
print(db["ENGINE"], connection.Database.__name__, db["CONN_MAX_AGE"],
      db["CONN_HEALTH_CHECKS"])
"""


def environment(**variables: str) -> dict[str, str]:
    """Return this process's environment without any directory configuration."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name != "DATABASE_URL" and not name.startswith("DJANGO_")
    }
    return env | {"DJANGO_SETTINGS_MODULE": "directory.settings"} | variables


def run(args: list[str], **variables: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env=environment(**variables),
        capture_output=True,
        text=True,
        timeout=60,
    )


def database_settings(**variables: str) -> list[str]:
    result = run(["-c", PRINT_DATABASE], **variables)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_database_url_selects_postgresql_with_persistent_connections():
    engine, driver, max_age, health_checks = database_settings(
        DATABASE_URL="postgres://u:p@db.example:5432/x"
    )

    assert engine == "django.db.backends.postgresql"
    assert driver == "psycopg2"
    assert int(max_age) > 0
    assert health_checks == "True"


def test_without_database_url_the_site_runs_on_sqlite():
    engine, *_ = database_settings()

    assert engine == "django.db.backends.sqlite3"


def check_deploy(**variables: str) -> subprocess.CompletedProcess:
    return run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **variables
    )


def test_production_configuration_passes_the_deploy_check():
    result = check_deploy(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_HTTPS="1",
        DJANGO_ALLOWED_HOSTS="directory.example.org",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_flags_the_committed_fallback_secret_key():
    result = check_deploy(
        DJANGO_HTTPS="1", DJANGO_ALLOWED_HOSTS="directory.example.org"
    )

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr
