"""Property test over every operation of the OpenAPI schema: no server error, and every answer
conforms to the schema (status, content type, body).

Requests go through the `client` fixture, so they carry its session and CSRF token; the worked
example is imported first so that generated reads and writes meet real records. The operations
on the client's own session (log in, log out) run in a test of their own, on a fresh client.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis import Case
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

import tests.openapi_fuzz  # noqa: F401  (registers the raw-body serializers)

pytestmark = pytest.mark.long

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
BOUNDED = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
# Examples and fuzzing only: the coverage phase adds hundreds of cases per large body.
CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})


@pytest.fixture
def api_schema(imported: TestClient) -> Any:
    response = imported.get("/openapi.json")
    assert response.status_code == 200
    return schemathesis.openapi.from_dict(response.json(), config=CONFIG)


def send(client: TestClient, case: Case) -> Any:
    """Send the generated request exactly as serialized, through the test client."""
    kwargs = case.as_transport_kwargs(base_url=str(client.base_url))
    prepared = requests.Request(
        method=kwargs["method"],
        url=kwargs["url"],
        headers=kwargs.get("headers"),
        params=kwargs.get("params"),
        cookies=kwargs.get("cookies"),
        json=kwargs.get("json"),
        data=kwargs.get("data"),
        files=kwargs.get("files"),
    ).prepare()
    assert prepared.method is not None
    assert prepared.url is not None
    return client.request(
        prepared.method,
        prepared.url,
        headers=dict(prepared.headers),
        content=prepared.body,
    )


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.exclude(path="/api/session").parametrize()
@BOUNDED
def test_every_operation_answers_within_its_schema(case: Case, imported: TestClient) -> None:
    case.validate_response(send(imported, case), checks=CHECKS)


@schema.include(path="/api/session").parametrize()
@BOUNDED
def test_the_session_operations_answer_within_their_schema(
    case: Case, imported: TestClient
) -> None:
    case.validate_response(send(imported, case), checks=CHECKS)
