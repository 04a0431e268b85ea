"""RFC 9457 problem documents: the only shape an error leaves the central in.

Terminals branch on `code`; everything else is for people. Validation errors from FastAPI are
turned into problems too, but without the `input` values FastAPI would echo: those can hold a
citizen ID, and a terminal may log a problem verbatim.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from central.errors import CentralError, StoreError

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://thairuamjai.example/problems/"

log = logging.getLogger("central.problems")


class Problem(BaseModel):
    """RFC 9457 problem details with the central's `code` and bilingual messages."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="URI naming the problem type; ends with the code")
    title: str
    status: int
    detail: str
    code: str = Field(description="stable kebab-case code terminals branch on")
    th: str = Field(description="message for a person, in Thai")
    en: str = Field(description="message for a person, in English")


def problem_response(
    status: int,
    code: str,
    title: str,
    detail: str,
    *,
    th: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": TYPE_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        "th": th or detail,
        "en": detail,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def from_error(exc: CentralError) -> JSONResponse:
    return problem_response(
        exc.status,
        exc.code,
        exc.title,
        exc.en,
        th=exc.th,
        headers=exc.headers(),
        **exc.extra,
    )


def from_store_error(exc: StoreError) -> JSONResponse:
    """503 database-unavailable. The database went away or failed mid-request (a PostgreSQL
    server restarting, a network cut): nothing of the request was committed, so the terminal
    keeps it queued and sends it again. The message names the database, never a person."""
    log.error("database unavailable: %s", exc.en)
    return problem_response(
        503,
        "database-unavailable",
        "Database unavailable",
        "The booking service cannot reach its database; nothing was recorded, retry later.",
        th="ระบบไม่สามารถเชื่อมต่อฐานข้อมูลได้ ยังไม่มีการบันทึกข้อมูล กรุณาลองใหม่ภายหลัง",
        headers={"Retry-After": "5"},
    )


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        out.append({"loc": [str(p) for p in err.get("loc", ())], "msg": str(err.get("msg", ""))})
    return out


_HTTP_CODES = {
    400: ("bad-request", "ข้อมูลที่ส่งมาไม่ถูกต้อง"),
    404: ("not-found", "ไม่พบข้อมูล"),
    405: ("method-not-allowed", "ไม่รองรับคำขอนี้"),
    413: ("too-large", "ข้อมูลที่ส่งมามีขนาดใหญ่เกินไป"),
    415: ("unsupported-media-type", "รูปแบบข้อมูลไม่ถูกต้อง"),
}


def install(app: FastAPI) -> None:
    @app.exception_handler(CentralError)
    async def central_error(_: Request, exc: CentralError) -> JSONResponse:
        return from_error(exc)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _validation_errors(exc)
        where = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:5])
        return problem_response(
            422,
            "invalid-request",
            "Unprocessable request",
            f"The request does not match the contract: {where}",
            th="ข้อมูลที่ส่งมาไม่ครบหรือไม่ถูกต้อง",
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, th = _HTTP_CODES.get(exc.status_code, ("http-error", "คำขอไม่สำเร็จ"))
        return problem_response(
            exc.status_code,
            code,
            str(exc.detail) if exc.detail else code,
            str(exc.detail) if exc.detail else code,
            th=th,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(StoreError)
    async def store_error(_: Request, exc: StoreError) -> JSONResponse:
        return from_store_error(exc)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        # The traceback goes to the server log (no personal data is in exception messages we
        # raise); the terminal gets a problem it can retry, not an HTML page.
        log.exception("unexpected %s", type(exc).__name__)
        return problem_response(
            500,
            "internal-error",
            "Internal error",
            "The booking service failed unexpectedly; the request may be retried.",
            th="ระบบขัดข้อง กรุณาลองใหม่อีกครั้ง",
        )


def responses(*statuses: int, auth: bool = True) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI `responses` entries for the problems a route can answer."""
    described = {
        400: "Malformed request (missing or mismatched Idempotency-Key, bad JSON)",
        401: "Unknown or revoked bearer token",
        403: "Refused (outside booking hours, enrolment code not usable)",
        404: "Not found",
        409: "Conflict (already booked, slot full, request in flight, cancelled)",
        412: "If-Match does not name the current version",
        422: "Unprocessable (validation, changed body for a key, ineligible)",
        428: "If-Match is required",
        503: "Overloaded; retry after Retry-After seconds",
    }
    out: dict[int | str, dict[str, Any]] = {}
    for status in sorted({*statuses, *((401,) if auth else ()), 400, 422, 503}):
        out[status] = {
            "description": described[status],
            "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    return out
