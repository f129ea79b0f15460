"""Shared helpers for the HSDS import and export tests."""

import csv
import datetime as dt
import json
import zipfile
from pathlib import Path

from django.apps import apps

from resources.hsds import mapping
from resources.models import TaxonomyTerm

ALLOWED_EXTRA = {"time_zone", "address_visibility", "publication_status", "main"}
# Nested records an original may leave out (a list item, a service inside
# its organization) while a full export includes them.
NESTED_KEYS = {n.key for table in mapping.TABLES for n in table.nested}


def table_dump() -> dict:
    """Return every row of every table of the app, history included.

    Not the background job that did the work: it records what happened.
    """
    dump = {}
    for model in apps.get_app_config("resources").get_models():
        if not model._meta.managed or model.__name__ in ("SearchEntryFTS", "Job"):
            continue
        fields = [f.attname for f in model._meta.concrete_fields]
        dump[model.__name__] = sorted(
            model.objects.order_by().values_list(*fields), key=repr
        )
    return dump


def wipe(*, keep_taxonomies: bool = False) -> None:
    """Delete every directory record, children first."""
    for table in reversed(mapping.TABLES):
        if keep_taxonomies and table.name in ("taxonomy", "taxonomy_term"):
            continue
        model = apps.get_model("resources", table.model)
        if model is TaxonomyTerm:
            model.objects.update(parent=None)
        model.objects.all().delete()


def _is_time(value) -> bool:
    try:
        return isinstance(value, str) and bool(mapping.parse_time(value))
    except mapping.ValueProblem:
        return False


def _same_scalar(expected, actual) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected == actual
    if isinstance(expected, (int, float)) or isinstance(actual, (int, float)):
        try:
            return float(expected) == float(actual)
        except (TypeError, ValueError):
            return False
    if _is_time(expected) and _is_time(actual):
        # Wall-clock times, with or without the offset we add.
        return mapping.parse_time(expected) == mapping.parse_time(actual)
    if isinstance(expected, str) and isinstance(actual, str) and "T" in expected:
        try:
            return dt.datetime.fromisoformat(expected) == dt.datetime.fromisoformat(
                actual
            )
        except ValueError:
            pass
    return expected == actual


def assert_contains(expected, actual, path="") -> None:
    """Assert `actual` holds everything `expected` does, field by field.

    Lists of records match by id, in any order. `actual` may hold more: our
    extension fields, foreign-key ids, empty lists and change-log rows.
    """
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: {actual!r} is not an object"
        for key, value in expected.items():
            if value in (None, "", []):
                assert actual.get(key) in (None, "", []), f"{path}.{key}"
                continue
            assert key in actual, f"{path}.{key} is missing"
            assert_contains(value, actual[key], f"{path}.{key}")
        for key in set(actual) - set(expected):
            extra = actual[key]
            assert (
                key.endswith("_id")
                or key in ALLOWED_EXTRA
                or key in NESTED_KEYS
                or extra in ([], "", None)
            ), f"{path}.{key} = {extra!r} is not in the original"
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{path}: {actual!r} is not a list"
        if expected and all(isinstance(i, dict) and "id" in i for i in expected):
            by_id = {item.get("id"): item for item in actual}
            for item in expected:
                assert item["id"] in by_id, f"{path}: {item['id']} is missing"
                assert_contains(item, by_id[item["id"]], f"{path}[{item['id']}]")
        else:
            assert sorted(map(repr, expected)) == sorted(map(repr, actual)), path
    else:
        assert _same_scalar(expected, actual), f"{path}: {expected!r} != {actual!r}"


def typed_row(table: mapping.Table, row: dict, required: set) -> dict:
    """Turn a CSV row into JSON values as the modular HSDS schema types them."""
    typed = {}
    for name, text in row.items():
        column = table.by_name.get(name)
        if column is None:
            continue
        if text == "":
            if column.type == mapping.STRING and name in required:
                typed[name] = ""
            continue
        value = mapping.parse_value(column, text)
        if column.type in (mapping.NUMBER, mapping.DECIMAL):
            value = float(value)
        elif column.type in (
            mapping.UUID,
            mapping.DATE,
            mapping.DATETIME,
            mapping.DATESTAMP,
            mapping.TIME,
        ):
            value = text
        typed[name] = value
    return typed


def read_package(path: Path) -> dict[str, list[dict]]:
    """Return {file: rows} of a package folder or zip, datapackage.json included."""
    path = Path(path)
    files = {}
    if path.is_dir():
        names = {p.name: p.read_bytes() for p in path.iterdir()}
    else:
        with zipfile.ZipFile(path) as archive:
            names = {n: archive.read(n) for n in archive.namelist()}
    for name, data in names.items():
        text = data.decode("utf-8")
        if name.endswith(".json"):
            files[name] = json.loads(text)
        else:
            files[name] = list(csv.DictReader(text.splitlines()))
    return files


def zip_folder(folder: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    return out
