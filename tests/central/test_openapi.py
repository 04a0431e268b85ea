"""The committed OpenAPI document is the served one, and the server keeps to it (schemathesis).

Regenerate the document after changing the contract:

    .venv/bin/kiosk-central openapi --output docs/central-api.json
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from central.cli import openapi_document
from tests.central.conftest import RunningCentral, start_central

DOC = Path(__file__).resolve().parents[2] / "docs" / "central-api.json"
REGENERATE = "run: .venv/bin/kiosk-central openapi --output docs/central-api.json"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]

schema = schemathesis.openapi.from_path(DOC)


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> RunningCentral:
    running = start_central(tmp_path_factory.mktemp("schemathesis"))
    yield running
    running.stop()


def test_the_committed_document_is_the_served_one(server):
    served = requests.get(server.url("/v1/openapi.json"), timeout=10).json()
    committed = json.loads(DOC.read_text(encoding="utf-8"))
    assert served == committed, f"docs/central-api.json is stale; {REGENERATE}"
    assert openapi_document() == DOC.read_text(encoding="utf-8"), REGENERATE


def test_the_document_describes_every_route(server):
    paths = json.loads(DOC.read_text(encoding="utf-8"))["paths"]
    for path in (
        "/v1/config",
        "/v1/rules/{rule_set_id}",
        "/v1/sites",
        "/v1/sites/{site_id}/slots",
        "/v1/bookings",
        "/v1/bookings/lookup",
        "/v1/bookings/{reference}",
        "/v1/registry/check",
        "/v1/terminals",
    ):
        assert path in paths


@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_server_keeps_to_the_document(case, server):
    case.call_and_validate(
        base_url=server.base_url, headers=server.auth(), checks=CHECKS, timeout=10
    )
