"""Bearer-token authentication of terminals.

Tokens are 256-bit random strings issued at enrolment and stored only as their SHA-256 (a slow
hash adds nothing for a secret with that much entropy, and would cost every request). Revoking a
token clears the stored hash, so it stops working on the very next request: nothing is cached.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from central.errors import Unauthorized
from central.service import Central
from central.store import Terminal

_bearer = HTTPBearer(auto_error=False, description="Token issued at enrolment")


def _central(request: Request) -> Central:
    return request.app.state.central


async def central(request: Request) -> Central:
    """The request's central. A coroutine on purpose: FastAPI runs a plain function dependency
    in its thread pool, a thread hand-off on every request for one attribute read."""
    return _central(request)


async def terminal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Terminal:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized()
    c = _central(request)
    found = await c.read(lambda: c.store.terminal_for_token(credentials.credentials))
    if found is None:
        raise Unauthorized()
    return found


CentralDep = Annotated[Central, Depends(central)]
TerminalDep = Annotated[Terminal, Depends(terminal)]
