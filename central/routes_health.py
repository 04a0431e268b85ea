"""`PUT /v1/terminals/me/health`: a terminal's health report (DESIGN §13).

The body is read by hand, at most 1 KB of it, before it is parsed: a report larger than that is
answered 413 without reading the rest, a malformed one 422, and neither stores anything. The
terminal is the bearer token's, never a field of the body, so a terminal can only speak for
itself; a revoked token is 401 like everywhere else.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from central.auth import CentralDep, _bearer
from central.health_endpoint import ReportTooLarge, accept, bearer
from central.problems import responses

router = APIRouter(prefix="/v1", tags=["terminals"])
__all__ = ["ReportTooLarge", "router"]


_responses = responses()
_responses[413] = {
    "description": "The report is over 1 KB",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


@router.put(
    "/terminals/me/health",
    status_code=204,
    response_class=Response,
    responses=_responses,
    # the bearer scheme, for the OpenAPI document; `accept` checks the token itself
    dependencies=[Depends(_bearer)],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HealthIn"}}},
        }
    },
)
async def put_health(request: Request, central: CentralDep) -> Response:
    """This terminal's health report: versions, doctor checks, queue, leases, printer, reader,
    clock offset, last sync, staff (at most 1 KB). The central keeps the latest and 7 days of
    history; the terminal's state is computed when the fleet is read, from when this arrived."""
    # Served by `central.health_endpoint.HealthEndpoint` in front of the router; this route
    # documents the contract and runs the same `accept` where that is not installed.
    token = bearer(request.headers.get("authorization"))
    await accept(central, token, request.headers.get("content-length"), request.stream())
    return Response(status_code=204)
