"""The document's links (central/openapi_links.py) name real operations and real parameters.

A link to a parameter the target does not declare is silently ignored by clients and by
schemathesis alike, so a typo would quietly turn the stateful test back into random requests.
"""

from __future__ import annotations

import json
from pathlib import Path

from central.openapi_links import LINKS

DOC = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "central-api.json").read_text("utf-8")
)
OPERATIONS = {
    op["operationId"]: op
    for methods in DOC["paths"].values()
    for op in methods.values()
    if isinstance(op, dict) and "operationId" in op
}


def test_every_link_is_in_the_committed_document():
    for (operation, status), links in LINKS.items():
        assert OPERATIONS[operation]["responses"][status]["links"] == links


def test_every_link_names_a_declared_parameter_of_an_existing_operation():
    count = 0
    for (operation, status), links in LINKS.items():
        for name, link in links.items():
            target = OPERATIONS[link["operationId"]]
            declared = {(p["in"], p["name"]) for p in target.get("parameters", [])}
            for key, expression in link.get("parameters", {}).items():
                where, _, param = key.partition(".")
                assert (where, param) in declared, f"{operation} {status} {name}: {key}"
                assert expression.startswith("$response."), expression
            if "requestBody" in link:
                assert "requestBody" in target, f"{name}: the target takes no body"
            count += 1
    assert count >= 10  # the flow: enrol, read, book, look up, change, cancel


def test_the_booking_links_carry_reference_version_and_card():
    book = OPERATIONS["create_booking_v1_bookings_post"]["responses"]["201"]["links"]
    assert book["ChangeBooking"]["parameters"] == {
        "path.reference": "$response.body#/reference",
        "header.If-Match": "$response.header.ETag",
    }
    assert book["LookupBooking"]["requestBody"] == {"cid": "$request.body#/citizen/cid"}
