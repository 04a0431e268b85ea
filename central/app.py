"""The FastAPI application, built by a factory so each test and each server gets its own.

`create_app(settings)` wires the store, keys and clock (`central.service.Central`) into the routes;
nothing is global, so two centrals with two databases can run in one process (the tests do).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from central import (
    console,
    openapi_links,
    problems,
    routes_bookings,
    routes_config,
    routes_health,
    routes_leases,
    routes_registry,
    routes_terminals,
)
from central.fast_bookings import FastBookings
from central.health_endpoint import HealthEndpoint
from central.models_health import HealthIn
from central.overload import AdmissionLimit
from central.problems import Problem
from central.server_date import ServerDate
from central.service import Central
from central.settings import Settings

API_VERSION = "1.0.0"
DESCRIPTION = """\
The reference central booking service of the Thai Ruam Jai kiosk (DESIGN §5).

Terminals authenticate with a bearer token from enrolment. Errors are RFC 9457
`application/problem+json` with a stable kebab-case `code` and Thai (`th`) and English (`en`)
messages. A citizen ID never appears in a URL: it travels in request bodies only.
"""


def create_app(settings: Settings, central: Central | None = None) -> FastAPI:
    central = central or Central(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        central.start()
        try:
            yield
        finally:
            central.close()

    app = FastAPI(
        title="Thai Ruam Jai central booking API",
        version=API_VERSION,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/v1/openapi.json",
    )
    app.state.central = central
    problems.install(app)
    for module in (
        routes_config,
        routes_bookings,
        routes_leases,
        routes_registry,
        routes_terminals,
        routes_health,
    ):
        app.include_router(module.router)
    console.mount(app)  # the operations console's pages under /console/
    app.add_middleware(HealthEndpoint, central=central)  # the 217/s heartbeat, off the router
    app.add_middleware(FastBookings, central=central)  # inside the limit, before the router
    app.add_middleware(
        AdmissionLimit, limit=settings.max_in_flight, retry_after=settings.retry_after_seconds
    )
    app.add_middleware(ServerDate, clock=central.now)  # outermost: every answer, 503s included

    original = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = original()
            schemas = schema.setdefault("components", {}).setdefault("schemas", {})
            schemas["Problem"] = Problem.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
            # the health report's body is parsed by hand (routes_health: 413 before parsing)
            health = HealthIn.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(health.pop("$defs", {}))
            schemas["HealthIn"] = health
            app.openapi_schema = openapi_links.add(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
