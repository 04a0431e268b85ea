"""`kiosk-central serve --workers N`: N server processes on one listening socket (PostgreSQL only).

uvicorn's supervisor binds the socket once and starts N worker processes that accept on it; each
worker builds its own `Central` (its own pool of connections) from the serve options, which the
parent passes in the environment as JSON (`ENV`). The parent has already migrated the database,
seeded the demo data and set the hours before any worker starts, so workers never race to do it.

What must hold across workers is in the database: the invariants (as for one process), and
which booking requests are in flight (`requests_in_flight`), so a retry that reaches another
worker while the first attempt is still being processed gets 409 request-in-flight, as it would
from the same worker. SQLite is refused: its central is one process by design (one writer).
"""

from __future__ import annotations

import argparse
import json
import logging
import os

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from central.app import create_app
from central.cli import serve_settings
from central.service import Central

ENV = "KIOSK_CENTRAL_WORKER_ARGS"
#: The response header naming the worker process that answered.
WORKER_HEADER = "X-Central-Worker"


def export_args(args: argparse.Namespace) -> None:
    """Put the serve options where the workers read them (`app`)."""
    plain = {k: v for k, v in vars(args).items() if k != "handler"}
    os.environ[ENV] = json.dumps(plain)


def app() -> FastAPI:
    """The application of one worker (uvicorn's factory, called in each worker process)."""
    args = argparse.Namespace(**json.loads(os.environ[ENV]))
    # A spawned worker does not inherit the parent's logging set-up: without this the
    # central's own lines (the registry check runs, failures) would be lost.
    logging.basicConfig(
        level=str(args.log_level).upper(),
        format="%(asctime)s %(levelname)s %(name)s[%(process)d]: %(message)s",
    )
    settings = serve_settings(args, demo=False)  # the parent seeded already
    application = create_app(settings, Central(settings))
    application.add_middleware(WorkerPid)
    return application


class WorkerPid:
    """Adds `X-Central-Worker: <pid>` to every answer, so an operator (and the tests) can see
    that the kernel spreads connections over the workers and which one answered a request.
    A process id says nothing about a citizen; it is only set with `--workers N`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.value = str(os.getpid()).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_pid(message: Message) -> None:
            if message["type"] == "http.response.start":
                header = (WORKER_HEADER.lower().encode(), self.value)
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        await self.app(scope, receive, send_with_pid)
