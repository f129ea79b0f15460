"""schemathesis against our own OpenAPI document, in-process through WSGI.

Every operation gets generated requests, valid and invalid; no response may
be a server error or break the documented schema, status codes and content
types. Kept small (a few examples per operation) so it runs in seconds.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from resources.derived import refresh_services

from ..factories import link, make_location, make_phone, make_service, tag

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


@pytest.fixture
def directory(db):
    services = []
    for n in range(3):
        service = make_service(name=f"Food pantry {n}")
        link(service, make_location(latitude=41.76, longitude=-72.74))
        make_phone(service=service)
        tag(service, "free")
        services.append(service.pk)
    refresh_services(services)
    # As Django's test client does: the test transaction must survive requests.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


def _application():
    from directory.wsgi import application

    return application


# Generating the document needs no database, so it loads at collection.
schema = schemathesis.openapi.from_wsgi("/api/schema/", _application())


@schema.parametrize()
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_matches_its_openapi_document(case, directory):
    case.call_and_validate(checks=CHECKS)
