"""The registry check: is this person in social security or a government programme?

The CID travels in the body, never in a URL (URLs end up in access logs and proxies).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from central.auth import CentralDep, TerminalDep
from central.models import CidIn, RegistryOut
from central.problems import responses

router = APIRouter(prefix="/v1", tags=["registry"])


@router.post("/registry/check", response_model=RegistryOut, responses=responses())
async def registry_check(body: CidIn, central: CentralDep, _: TerminalDep) -> dict[str, Any]:
    return {"registered": central.store.registered(central.keys.citizen_key(body.cid))}
