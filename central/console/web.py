"""What every console page is made with; the contract the console's other modules build on.

- `router`: the APIRouter of every console page (prefix `/console`, not in the OpenAPI document).
- `templates`: the Jinja2 environment (autoescape on: a store name `<script>` shows as text).
- `require_operator` / `OperatorDep`: the signed-in operator, or a 303 to the sign-in page.
- `FormDep`: the posted form, so a handler can be a plain `def` (run in a worker thread, where
  the store's blocking calls belong) and still read its form.
- `render(request, template, operator, **ctx)`: a page, with `lang`, `t`, `csrf_token`,
  `operator` and `nav` in its context.
- `check_csrf(request, operator, form)`: every POST handler's first line; a missing or wrong
  token is audited and answered 403 with nothing done.
- `audit(request, operator, action, target, **detail)`: one row of the audit log.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.datastructures import FormData

from central.console import formatting, i18n, sessions
from central.store.console import ConsoleSession, Operator

HERE = Path(__file__).parent
router = APIRouter(prefix="/console", include_in_schema=False)
templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.globals["bangkok"] = formatting.bangkok

#: The nav: (id, i18n key, path).
NAV = (
    ("overview", "nav.overview", "/console/"),
    ("terminals", "nav.terminals", "/console/terminals"),
    ("sites", "nav.sites", "/console/sites"),
    ("bookings", "nav.bookings", "/console/bookings"),
    ("leases", "nav.leases", "/console/leases"),
    ("audit", "nav.audit", "/console/audit"),
)


class LoginRequired(Exception):
    """No live session: answered with a 303 to the sign-in page (central.console.mount)."""

    def __init__(self, next_path: str, *, expired: bool = False) -> None:
        super().__init__(next_path)
        self.next_path = next_path
        self.expired = expired


class Refused(Exception):
    """A console request refused with nothing done: a page with `message` (an i18n key)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def central_of(request: Request) -> Any:
    return request.app.state.central


def client_ip(request: Request) -> str | None:
    """The connecting address (no X-Forwarded-For is trusted: docs/console.md)."""
    return request.client.host if request.client else None


def lang_of(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in i18n.LANGS:
        return asked
    kept = request.cookies.get(sessions.LANG_COOKIE)
    return kept if kept in i18n.LANGS else i18n.DEFAULT_LANG


async def require_operator(request: Request) -> Operator:
    """The operator of the request's session (kept in the database: any worker serves it);
    a 303 to /console/login?next=... without one. Moves the idle expiry on."""
    central = central_of(request)
    token = request.cookies.get(sessions.SESSION_COOKIE)
    now = central.now()
    session = None
    if token:
        session = await central.read(lambda: central.store.console_session(token, now))
    if session is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target, expired=bool(token))
    if now - (session.idle_until - sessions.IDLE) >= sessions.TOUCH_EVERY:
        await central.write(
            lambda: central.store.touch_console_session(session.token_hash, now, sessions.IDLE)
        )
    request.state.console_session = session
    return session.operator


async def form_data(request: Request) -> FormData:
    return await request.form()


OperatorDep = Annotated[Operator, Depends(require_operator)]
FormDep = Annotated[FormData, Depends(form_data)]


def _session(request: Request) -> ConsoleSession | None:
    return getattr(request.state, "console_session", None)


def _pre_session_value(request: Request) -> str:
    """The pre-session cookie's value: the request's, or a new one (set by `render`)."""
    value = getattr(request.state, "console_pre", None) or request.cookies.get(
        sessions.PRE_SESSION_COOKIE
    )
    if not value:
        value = secrets.token_urlsafe(24)
        request.state.console_pre_new = True
    request.state.console_pre = value
    return value


def csrf_token(request: Request) -> str:
    """The token the request's forms carry: the session's, or before sign-in the signed one."""
    session = _session(request)
    if session is not None:
        return session.csrf_secret
    key = central_of(request).store.console_key()
    return sessions.pre_session_token(key, _pre_session_value(request))


def check_csrf(request: Request, operator: Operator | None, form: Any) -> None:
    """Refuse (403, audited, nothing done) a POST whose `csrf_token` is missing or wrong."""
    sent = form.get("csrf_token") if form is not None else None
    if not isinstance(sent, str) or not sent:
        reason = "missing"
    else:
        session = _session(request)
        if operator is not None and session is not None:
            expected = session.csrf_secret
        else:
            cookie = request.cookies.get(sessions.PRE_SESSION_COOKIE)
            key = central_of(request).store.console_key()
            expected = sessions.pre_session_token(key, cookie) if cookie else None
        if expected is not None and secrets.compare_digest(sent, expected):
            return
        reason = "wrong"
    audit(request, operator, "csrf-refused", request.url.path, reason=reason)
    raise Refused(403, "error.csrf")


def audit(
    request: Request, operator: Operator | None, action: str, target: str | None, **detail: Any
) -> None:
    """One row of the audit log: who, what, on what, from where, when (the central's clock).
    Blocking: call it from a plain `def` handler (a worker thread), as the store's calls."""
    central = central_of(request)
    central.store.add_audit(
        central.now(),
        None if operator is None else operator.name,
        action,
        target,
        detail,
        client_ip(request),
    )


def nav(request: Request) -> list[dict[str, Any]]:
    path = request.url.path
    out = []
    for ident, key, href in NAV:
        current = path == href if href == "/console/" else path.startswith(href)
        out.append({"id": ident, "key": key, "href": href, "current": current})
    return out


def set_cookie(request: Request, response: Any, name: str, value: str, **kw: Any) -> None:
    response.set_cookie(
        name,
        value,
        path=sessions.COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        **kw,
    )


def render(
    request: Request, template_name: str, operator: Operator | None, **ctx: Any
) -> HTMLResponse:
    """The page `template_name` in the request's language (`?lang=` remembered in a cookie).
    `status_code=` in `ctx` sets the answer's status."""
    status = ctx.pop("status_code", 200)
    lang = lang_of(request)
    t = i18n.translator(lang)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    lang_links = {
        other: request.url.path + "?" + urlencode([*kept, ("lang", other)]) for other in i18n.LANGS
    }
    context = {
        "lang": lang,
        "t": t,
        "csrf_token": csrf_token(request),
        "operator": operator,
        "nav": nav(request) if operator is not None else [],
        "here": here,
        "lang_links": lang_links,
        "quote": quote,
        **ctx,
    }
    html = templates.get_template(template_name).render(context)
    response = HTMLResponse(html, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    )
    if request.query_params.get("lang") in i18n.LANGS:
        set_cookie(request, response, sessions.LANG_COOKIE, lang, max_age=365 * 86400)
    if getattr(request.state, "console_pre_new", False):
        set_cookie(request, response, sessions.PRE_SESSION_COOKIE, request.state.console_pre)
    return response
