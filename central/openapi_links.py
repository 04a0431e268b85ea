"""OpenAPI links: how one answer of the central leads to the next request (OpenAPI 3.1 §4.8.20).

The document said what each operation takes and answers, not how a terminal walks through them:
enrol, read the sites and their slots, book, look the booking up, change it, cancel it. Links say
that in the document itself (a client generator or a stateful test follows them: the reference
and the ETag of a booking feed the change and the cancel, the card number the lookup), and
tests/central/test_openapi_stateful.py drives the central through them with valid data.
"""

from __future__ import annotations

from typing import Any

ENROL = "enrol_v1_terminals_post"
CONFIG = "get_config_v1_config_get"
SITES = "get_sites_v1_sites_get"
SLOTS = "get_slots_v1_sites__site_id__slots_get"
BOOK = "create_booking_v1_bookings_post"
LOOKUP = "lookup_v1_bookings_lookup_post"
CHANGE = "change_v1_bookings__reference__patch"
CANCEL = "cancel_v1_bookings__reference__delete"
RULES = "get_rules_v1_rules__rule_set_id__get"


def _link(operation: str, description: str, **fields: Any) -> dict[str, Any]:
    return {"operationId": operation, "description": description, **fields}


_BOOKING = {
    "path.reference": "$response.body#/reference",
    "header.If-Match": "$response.header.ETag",
}

#: (operationId, status) -> {link name: link}
LINKS: dict[tuple[str, str], dict[str, dict[str, Any]]] = {
    (ENROL, "201"): {
        "GetConfig": _link(CONFIG, "The enrolled terminal reads its configuration (its token)"),
        "GetSites": _link(SITES, "The enrolled terminal reads the sites (its token)"),
    },
    (CONFIG, "200"): {
        "GetRuleSet": _link(
            RULES,
            "The rule set the configuration names",
            parameters={"path.rule_set_id": "$response.body#/rule_set"},
        ),
    },
    (SITES, "200"): {
        "GetSlots": _link(
            SLOTS,
            "The slots of a site listed",
            parameters={"path.site_id": "$response.body#/sites/0/site_id"},
        ),
    },
    (BOOK, "201"): {
        "LookupBooking": _link(
            LOOKUP,
            "Look the booking up with the card it was made for",
            requestBody={"cid": "$request.body#/citizen/cid"},
        ),
        "ChangeBooking": _link(
            CHANGE,
            "Change the booking: its reference, its version as If-Match, the card present",
            parameters=_BOOKING,
            requestBody={"cid": "$request.body#/citizen/cid"},
        ),
        "CancelBooking": _link(
            CANCEL,
            "Cancel the booking: its reference, its version as If-Match, the card present",
            parameters=_BOOKING,
            requestBody={"cid": "$request.body#/citizen/cid"},
        ),
    },
    (LOOKUP, "200"): {
        "ChangeBooking": _link(
            CHANGE,
            "Change the booking found",
            parameters=_BOOKING,
            requestBody={"cid": "$request.body#/cid"},
        ),
        "CancelBooking": _link(
            CANCEL,
            "Cancel the booking found",
            parameters=_BOOKING,
            requestBody={"cid": "$request.body#/cid"},
        ),
    },
    (CHANGE, "200"): {
        "CancelBooking": _link(
            CANCEL,
            "Cancel the changed booking (its new version)",
            parameters=_BOOKING,
            requestBody={"cid": "$request.body#/cid"},
        ),
        "LookupBooking": _link(
            LOOKUP, "Look the changed booking up", requestBody={"cid": "$request.body#/cid"}
        ),
    },
}


def add(document: dict[str, Any]) -> dict[str, Any]:
    """Put the links into the document's responses (in place); an operation missing is a bug."""
    by_id = {
        op["operationId"]: op
        for methods in document.get("paths", {}).values()
        for op in methods.values()
        if isinstance(op, dict) and "operationId" in op
    }
    for (operation, status), links in LINKS.items():
        by_id[operation]["responses"][status]["links"] = links
        for link in links.values():
            if link["operationId"] not in by_id:
                raise KeyError(f"link to unknown operation {link['operationId']}")
    return document
