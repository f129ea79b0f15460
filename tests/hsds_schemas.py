"""Validate against the official HSDS 3.1 JSON Schemas, offline.

They are found at `settings.HSDS_SPEC_DIR` (environment `HSDS_SPEC_DIR`;
by default `../shared/hsds` beside the repository).

The schemas carry no `$schema` or `$id` and refer to each other by GitHub
URLs (SOURCE.md, "Using these offline"): a `referencing.Registry` maps those
URLs to the local files, as Draft 2020-12.
"""

import functools
import json
import unittest
from pathlib import Path

from django.conf import settings
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

HSDS = Path(settings.HSDS_SPEC_DIR)
EXAMPLES = HSDS / "examples"
REMOTE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"


def require_hsds() -> Path:
    """Skip the calling test when the official HSDS files are not at hand.

    They are not part of the repository (`settings.HSDS_SPEC_DIR`): a clone
    without them still runs every other test. `SkipTest` is an
    ordinary exception, so a test case's class set-up that skips still rolls
    back its transaction (pytest's own skip would leave it open).
    """
    if not HSDS.is_dir():
        raise unittest.SkipTest(
            f"the official HSDS files are not at {HSDS} (set HSDS_SPEC_DIR)"
        )
    return HSDS


@functools.cache
def _contents(relative: str) -> dict:
    require_hsds()
    return json.loads((HSDS / "schema" / relative).read_text())


def _retrieve(uri: str) -> Resource:
    if not uri.startswith(REMOTE):
        raise LookupError(uri)
    return Resource.from_contents(
        _contents(uri.removeprefix(REMOTE)), default_specification=DRAFT202012
    )


REGISTRY = Registry(retrieve=_retrieve)


@functools.cache
def validator(relative: str) -> Draft202012Validator:
    """Return a validator for `compiled/service.json`, `taxonomy.json`, ..."""
    require_hsds()  # before the registry, which would wrap the skip
    return Draft202012Validator(
        {"$ref": REMOTE + relative},
        registry=REGISTRY,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def errors(relative: str, instance) -> list[str]:
    """Return every way `instance` breaks the schema, as readable lines."""
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in validator(relative).iter_errors(instance)
    ]


@functools.cache
def _page() -> dict:
    openapi = json.loads((require_hsds() / "openapi" / "openapi.json").read_text())
    return openapi["components"]["schemas"]["Page"]


def page_errors(body: dict) -> list[str]:
    """Check the HSDS page envelope: every Page field present, as 3.1.1 requires."""
    page = _page()
    schema = dict(page, required=list(page["properties"]) + ["contents"])
    schema["properties"] = dict(page["properties"], contents={"type": "array"})
    return [error.message for error in Draft202012Validator(schema).iter_errors(body)]
