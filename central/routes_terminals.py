"""Enrolment: a technician's one-time code becomes the terminal's bearer token; the terminal's
own signing key (for the slips it confirms offline) is registered with it or later."""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519
from fastapi import APIRouter

from central.auth import CentralDep, TerminalDep
from central.errors import BadPublicKey
from central.models import EnrolIn, EnrolOut, TerminalKeyIn, TerminalKeyOut
from central.problems import responses

router = APIRouter(prefix="/v1", tags=["terminals"])
log = logging.getLogger("central.terminals")


def public_key_bytes(text: str) -> bytes:
    """The raw 32 bytes of a base64 Ed25519 public key, or a bilingual 400 `bad-public-key`."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise BadPublicKey("public_key is not base64.") from None
    if len(raw) != 32:
        raise BadPublicKey(f"public_key must be the 32 bytes of an Ed25519 key, not {len(raw)}.")
    try:
        ed25519.Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise BadPublicKey("public_key is not an Ed25519 public key.") from None
    return raw


@router.post(
    "/terminals",
    status_code=201,
    response_model=EnrolOut,
    responses=responses(400, 403, auth=False),
)
async def enrol(body: EnrolIn, central: CentralDep) -> dict[str, Any]:
    """Spend a one-time enrolment code (no bearer token needed: this is how a terminal gets one).

    Codes are single-use and expire; enrolling a terminal id again replaces its token. The
    optional `public_key` becomes the terminal's slip-signing key (earlier keys are kept).
    """
    public = None if body.public_key is None else public_key_bytes(body.public_key)
    now = central.now()
    token, store = await central.write(
        lambda: central.store.enrol(
            body.enrolment_code, body.terminal_id, body.store, now, public_key=public
        )
    )
    log.info("enrolled terminal %s for store %s", body.terminal_id, store)
    return {"terminal_id": body.terminal_id, "token": token, "store": store}


@router.put("/terminals/me/key", response_model=TerminalKeyOut, responses=responses(400))
async def register_key(
    body: TerminalKeyIn, central: CentralDep, terminal: TerminalDep
) -> dict[str, Any]:
    """Register a new slip-signing key for this terminal (a rotation). Slips signed with its
    earlier keys still verify: the central keeps every key a terminal registered."""
    public = public_key_bytes(body.public_key)
    now = central.now()
    kid = await central.write(lambda: central.store.register_key(terminal.terminal_id, public, now))
    log.info("terminal %s registered signing key %s", terminal.terminal_id, kid)
    return {"terminal_id": terminal.terminal_id, "kid": kid}
