"""No caseworker's name or e-mail address on any public surface.

A caseworker verifies a listing and merges its duplicate into it. The
public API, every public export format and the public pages then hold the
directory's verification address and change-log rows that name the merge,
never the person; the staff history still does.
"""

import json
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest

from resources.hsds import exporter
from resources.models import Verification
from resources.services import service_merge, service_verify

from .factories import link, make_location, make_service, make_staff

pytestmark = pytest.mark.django_db

PERSON = ("pat.rivera", "Pat.Rivera@example.org")
DIRECTORY_ADDRESS = "verify@helpdirectory.example"


@pytest.fixture
def verified(settings):
    settings.DIRECTORY_VERIFICATION_EMAIL = DIRECTORY_ADDRESS
    service = make_service(name="Night shelter intake")
    link(service, make_location(organization=service.organization))
    caseworker = make_staff(username=PERSON[0], email=PERSON[1])
    service_verify(
        service=service,
        user=caseworker,
        method=Verification.Method.PHONE,
        outcome=Verification.Outcome.CONFIRMED,
        notes="Spoke to the front desk.",
    )
    twin = make_service(name="Night shelter intake (old)")
    service_merge(keep=service, merge=twin, user=caseworker)
    service.refresh_from_db()
    return service


@pytest.fixture
def folder():
    path = Path(tempfile.mkdtemp())
    yield path
    shutil.rmtree(path, ignore_errors=True)


def assert_nobody_named(text: str) -> None:
    for trace in PERSON:
        assert trace.lower() not in text.lower()


def test_a_verified_listing_publishes_the_directory_address(verified):
    assert verified.assurer_email == DIRECTORY_ADDRESS
    assert verified.verifications.get().verified_by.username == PERSON[0]


def test_the_api_names_no_caseworker(client, verified):
    for path in (
        f"/api/services/{verified.pk}",
        "/api/services?full=true",
        f"/api/organizations/{verified.organization_id}",
        f"/api/service_at_locations?service_id={verified.pk}",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_nobody_named(response.content.decode())
    document = client.get(f"/api/services/{verified.pk}").json()
    assert document["assurer_email"] == DIRECTORY_ADDRESS
    assert "merge" in {row["updated_by"] for row in document["metadata"]}


def test_no_public_export_names_a_caseworker(verified, folder):
    exporter.export_csv(folder / "csv", public=True)
    exporter.export_csv(folder / "package.zip", public=True, for_spreadsheets=True)
    exporter.export_json(folder / "services.json", public=True)
    exporter.export_json(folder / "services.ndjson", public=True, ndjson=True)

    files = [path for path in folder.rglob("*") if path.is_file()]
    assert len(files) > 4
    for path in files:
        if path.suffix == ".zip":
            with zipfile.ZipFile(path) as package:
                for name in package.namelist():
                    assert_nobody_named(package.read(name).decode("utf-8-sig"))
        else:
            assert_nobody_named(path.read_text(encoding="utf-8-sig"))
    services = json.loads((folder / "services.json").read_text())
    assert [s["assurer_email"] for s in services] == [DIRECTORY_ADDRESS]


def test_the_public_pages_name_no_caseworker(client, verified):
    for path in (verified.get_absolute_url(), "/services/?q=shelter"):
        response = client.get(path)
        assert response.status_code == 200
        assert_nobody_named(response.content.decode())


def test_the_staff_history_still_names_who_changed_what(verified):
    assert verified.history.filter(history_user__username=PERSON[0]).count() >= 2
