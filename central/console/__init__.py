"""The operations console: web pages under `/console/` served by the central itself (DESIGN
§13), for operators and technicians. `mount(app)` adds them to a central's app.

Modules by subject: `web` (the router, templates, session, CSRF and audit helpers every page
uses), `sessions` (session lifetime, sign-in slowing, the pre-session token), `passwords`
(scrypt), `i18n` (every string, Thai and English), `routes_*` and `stats*` (the pages; each
module whose name starts so is imported by `mount`, so a new page module needs no edit here),
`terminal_history` (one terminal's week as a chart), `charts` (a chart as data).
The fleet itself is read through `central.fleet_reads`.
"""

from __future__ import annotations

import importlib
import pkgutil
from importlib import resources
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from central.console import web

PAGE_MODULES = ("routes_", "stats")


def _import_pages() -> None:
    """Every page module, then (once: the router is shared by every app of the process) the
    catch-all that answers an unknown console path with the console's own 404 page."""
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith(PAGE_MODULES):
            importlib.import_module(f"{__name__}.{info.name}")
    if any(getattr(r, "name", None) == "console_not_found" for r in web.router.routes):
        return

    @web.router.get("/{rest:path}", name="console_not_found")
    def console_not_found(rest: str, operator: web.OperatorDep) -> Response:
        raise web.Refused(404, "error.not.found")


async def _login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, web.LoginRequired)
    target = "/console/login?next=" + quote(exc.next_path, safe="")
    if exc.expired:
        target += "&expired=1"
    response = RedirectResponse(target, status_code=303)
    if request.headers.get("HX-Request"):
        response.headers["HX-Redirect"] = target  # htmx would swap the sign-in page in a part
    return response


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, web.Refused)
    operator = getattr(getattr(request.state, "console_session", None), "operator", None)
    return web.render(request, "error.html", operator, message=exc.message, status_code=exc.status)


def mount(app: FastAPI) -> None:
    """The console's pages, its static files (`/console/static/`, the Thai font at
    `/console/fonts/`) and the answers to "not signed in" and "refused"."""
    _import_pages()
    fonts = resources.files("kiosk.assets") / "fonts"
    app.mount("/console/fonts", StaticFiles(directory=str(fonts)), name="console-fonts")
    app.mount(
        "/console/static", StaticFiles(directory=str(web.HERE / "static")), name="console-static"
    )
    app.include_router(web.router)
    app.add_exception_handler(web.LoginRequired, _login_required)
    app.add_exception_handler(web.Refused, _refused)
