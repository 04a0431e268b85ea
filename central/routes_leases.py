"""`POST /v1/leases/refresh`: a terminal reports what it holds and spent; the central settles
and grants seat leases within the policy, all in one write transaction (docs/leases.md)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter

from central.auth import CentralDep, TerminalDep
from central.errors import LeasesNotForChannel
from central.models import LeaseRefreshIn, LeaseRefreshOut
from central.problems import responses
from central.store import Spent
from kiosk.leases import sign_lease

router = APIRouter(prefix="/v1", tags=["leases"])
log = logging.getLogger("central.leases")


@router.post("/leases/refresh", response_model=LeaseRefreshOut, responses=responses(403))
async def refresh(
    body: LeaseRefreshIn, central: CentralDep, terminal: TerminalDep
) -> dict[str, Any]:
    """Settle this terminal's leases and top it up to its allowance. Idempotent: the same
    request again answers the same leases and grants nothing more."""
    if terminal.channel != "kiosk":
        raise LeasesNotForChannel(terminal.channel)
    now = central.now()
    key = central.keys.lease_signing
    result = await central.write(
        lambda: central.store.refresh_leases(
            terminal.terminal_id,
            held=body.held,
            spent=[Spent(s.lease_id, s.reference, s.booking_id) for s in body.spent],
            recent=[(r.site_id, r.date) for r in body.recent],
            now=now,
            policy=central.settings.lease_policy,
            sign=lambda document: sign_lease(document, key),
        )
    )
    if result.granted or result.released:
        log.info(
            "leases for terminal %s: %d granted, %d released, %d active",
            terminal.terminal_id,
            len(result.granted),
            len(result.released),
            len(result.leases),
        )
    return {
        "leases": result.leases,
        "released": result.released,
        "server_time": now.isoformat(timespec="milliseconds"),
    }
