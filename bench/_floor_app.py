"""The bare ASGI application `bench/floor.py` serves: it reads the request body and answers
201 with a fixed JSON of a booking's size. No framework, no validation, no database: what
uvicorn (uvloop + httptools) alone costs per request on this machine."""

from __future__ import annotations

import json

_BODY = json.dumps({"reference": "TRJ-ABCD-EFGH", "padding": "x" * 560}).encode()
_HEADERS = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(_BODY)).encode()),
    (b"location", b"/v1/bookings/TRJ-ABCD-EFGH"),
]


async def app(scope, receive, send) -> None:
    if scope["type"] != "http":  # lifespan: accept and go on
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 201, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": _BODY})
