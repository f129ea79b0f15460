"""The interface is complete in Spanish, and the catalogue is current."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "resources" / "locale" / "es" / "LC_MESSAGES" / "django.po"


def test_every_message_is_translated_and_none_is_fuzzy():
    po = polib.pofile(str(CATALOGUE))
    assert len(po) > 100
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


def test_the_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(CATALOGUE))
    with translation.override("es"):
        for entry in po.translated_entries():
            if entry.msgid_plural or entry.msgctxt:
                continue
            assert translation.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_the_catalogue_holds_every_message_in_the_code(tmp_path):
    """Run makemessages on a copy and compare: no string is left out."""
    if not shutil.which("xgettext"):
        if os.environ.get("CI"):
            pytest.fail("gettext is missing (make test installs it)")
        pytest.skip("gettext is not installed")
    for folder in ("directory", "resources", "templates"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    shutil.copy(ROOT / "manage.py", tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "es", "--no-obsolete"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "directory.settings"},
    )
    fresh = polib.pofile(str(tmp_path / CATALOGUE.relative_to(ROOT)))
    current = {(e.msgctxt, e.msgid) for e in polib.pofile(str(CATALOGUE))}
    assert {(e.msgctxt, e.msgid) for e in fresh} <= current


@pytest.mark.django_db
def test_public_pages_read_in_spanish_under_es(client):
    html = client.get("/es/").content.decode()
    assert 'lang="es"' in html
    english = client.get("/").content.decode()
    with translation.override("es"):
        exit_label = translation.gettext("Exit this page")
    assert exit_label != "Exit this page"
    assert exit_label in html and exit_label not in english
    assert reverse("resources:home") == "/"


@pytest.mark.django_db
def test_category_names_are_translated(client):
    from resources.taxonomies import CATEGORY_TREE

    html = client.get("/es/").content.decode()
    with translation.override("es"):
        for _code, name, _description, _children in CATEGORY_TREE:
            assert translation.gettext(name) in html
