"""Enrolment: a technician's one-time code becomes the terminal's bearer token."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter

from central.auth import CentralDep
from central.models import EnrolIn, EnrolOut
from central.problems import responses

router = APIRouter(prefix="/v1", tags=["terminals"])
log = logging.getLogger("central.terminals")


@router.post(
    "/terminals",
    status_code=201,
    response_model=EnrolOut,
    responses=responses(403, auth=False),
)
async def enrol(body: EnrolIn, central: CentralDep) -> dict[str, Any]:
    """Spend a one-time enrolment code (no bearer token needed: this is how a terminal gets one).

    Codes are single-use and expire; enrolling a terminal id again replaces its token.
    """
    now = central.now()
    token, store = await central.write(
        lambda: central.store.enrol(body.enrolment_code, body.terminal_id, body.store, now)
    )
    log.info("enrolled terminal %s for store %s", body.terminal_id, store)
    return {"terminal_id": body.terminal_id, "token": token, "store": store}
