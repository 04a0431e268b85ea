"""`PUT /v1/terminals/me/health`: a terminal's health report (DESIGN §13).

The body is read by hand, at most 1 KB of it, before it is parsed: a report larger than that is
answered 413 without reading the rest, a malformed one 422, and neither stores anything. The
terminal is the bearer token's, never a field of the body, so a terminal can only speak for
itself; a revoked token is 401 like everywhere else.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from central.auth import CentralDep, TerminalDep
from central.errors import CentralError
from central.models_health import MAX_REPORT_BYTES, HealthIn
from central.problems import responses

router = APIRouter(prefix="/v1", tags=["terminals"])
log = logging.getLogger("central.health")


class ReportTooLarge(CentralError):
    status = 413
    code = "health-report-too-large"
    title = "Health report too large"

    def __init__(self) -> None:
        super().__init__(
            "รายงานสถานะเครื่องมีขนาดเกิน 1 KB",
            f"A health report is at most {MAX_REPORT_BYTES} bytes; nothing was stored.",
        )


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_REPORT_BYTES:
        raise ReportTooLarge()
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_REPORT_BYTES:
            raise ReportTooLarge()
    return body


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
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HealthIn"}}},
        }
    },
)
async def put_health(request: Request, central: CentralDep, terminal: TerminalDep) -> Response:
    """This terminal's health report: versions, doctor checks, queue, leases, printer, reader,
    clock offset, last sync, staff (at most 1 KB). The central keeps the latest and 7 days of
    history; the terminal's state is computed when the fleet is read, from when this arrived."""
    raw = await _body(request)
    try:
        report = HealthIn.model_validate_json(raw)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False, include_input=False)) from None
    now = central.now()
    data = report.model_dump(mode="json")
    await central.write(lambda: central.store.put_health(terminal.terminal_id, data, now))
    log.debug("health report from %s", terminal.terminal_id)
    return Response(status_code=204)
