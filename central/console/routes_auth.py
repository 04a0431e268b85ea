"""Signing in and out of the console.

A wrong name and a wrong password get the same answer, in the same time (an unknown name is
checked against a dummy hash). Failures are counted in the database per name and per source
address (`sessions`), so a lockout holds in every worker; each attempt is counted before its
password is checked, so guesses sent in parallel meet the lock too. A refused sign-in is audited
with the name only if it is an operator's (a password typed into the name field must not be
kept).
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from central.console import passwords, sessions
from central.console.web import (
    FormDep,
    OperatorDep,
    audit,
    central_of,
    check_csrf,
    client_ip,
    render,
    router,
    set_cookie,
)


def _login_page(request: Request, *, status_code: int = 200, **ctx: Any) -> Response:
    ctx.setdefault("error", None)
    ctx.setdefault("notice", None)
    ctx.setdefault("username", "")
    ctx.setdefault("next", sessions.safe_next(request.query_params.get("next")))
    return render(request, "login.html", None, status_code=status_code, **ctx)


@router.get("/login")
def login_page(request: Request) -> Response:
    notice = None
    if request.query_params.get("expired"):
        notice = "login.expired"
    elif request.query_params.get("out"):
        notice = "login.signed.out"
    return _login_page(request, notice=notice)


def _locked_for(failures: dict, now: Any) -> int:
    """Seconds until every lock on these keys has passed (0: none)."""
    waits = [(f.locked_until - now).total_seconds() for f in failures.values() if f.locked_until]
    return max([0, *[math.ceil(w) for w in waits if w > 0]])


@router.post("/login")
def login(request: Request, form: FormDep) -> Response:
    check_csrf(request, None, form)
    central = central_of(request)
    store = central.store
    name = str(form.get("username") or "").strip()
    password = str(form.get("password") or "")
    next_path = sessions.safe_next(str(form.get("next") or ""))
    now = central.now()
    by_name, by_address = sessions.name_key(name), sessions.address_key(client_ip(request))
    charges = []
    for key, free in ((by_name, sessions.FREE_PER_NAME), (by_address, sessions.FREE_PER_ADDRESS)):
        charge = store.charge_login_attempt(
            key, now, sessions.FORGET_AFTER, lambda n, free=free: sessions.lockout(n, free)
        )
        if charge.refused:
            for counted in charges:  # a refused attempt costs nothing anywhere
                store.refund_login_attempt(counted)
            wait = _locked_for({charge.key: charge}, now)
            audit(request, None, "login-refused-locked", None, seconds=wait)
            return _login_page(
                request,
                status_code=429,
                error=("login.locked", {"seconds": wait}),
                username=name,
                next=next_path,
            )
        charges.append(charge)
    found = store.operator_password(name) if name else None
    good = passwords.verify_password(password, found[1] if found else passwords.dummy())
    if not (good and found and not found[0].disabled):
        audit(request, None, "login-failed", name if found else None, known_name=bool(found))
        return _login_page(
            request, status_code=401, error=("login.failed", {}), username=name, next=next_path
        )
    operator = found[0]
    store.clear_login_failures(by_name)
    store.refund_login_attempt(charges[1])  # the address keeps only its failures
    store.prune_console_sessions(now)  # ended sessions go at the next sign-in: no sweeper
    store.prune_login_failures(now, sessions.FORGET_AFTER)  # and so do forgotten counts
    token = store.new_console_session(operator.name, now, sessions.IDLE, sessions.LIFETIME)
    audit(request, operator, "login", operator.name)
    response = RedirectResponse(next_path, status_code=303)
    set_cookie(request, response, sessions.SESSION_COOKIE, token)
    return response


@router.post("/logout")
def logout(request: Request, operator: OperatorDep, form: FormDep) -> Response:
    check_csrf(request, operator, form)
    session = request.state.console_session
    central_of(request).store.end_console_session(session.token_hash)
    audit(request, operator, "logout", operator.name)
    response = RedirectResponse("/console/login?out=1", status_code=303)
    response.delete_cookie(sessions.SESSION_COOKIE, path=sessions.COOKIE_PATH)
    return response


@router.get("/signin")
def signin_page(request: Request) -> Response:
    """A one-time sign-in link (`kiosk-central operator signin-link`, `kiosk demo`) opens a
    page with one button: the code is spent by a POST, so a link previewer or a prefetch that
    GETs the link does not use it up."""
    code = str(request.query_params.get("code") or "")
    return render(request, "signin.html", None, code=code, error=None)


@router.post("/signin")
def signin(request: Request, form: FormDep) -> Response:
    check_csrf(request, None, form)
    central = central_of(request)
    code = str(form.get("code") or "")
    name = central.store.spend_signin_code(code, central.now()) if code else None
    found = central.store.operator_password(name) if name else None
    if found is None or found[0].disabled:
        audit(request, None, "signin-link-refused", None)
        return render(
            request, "signin.html", None, code="", error="signin.refused", status_code=400
        )
    operator = found[0]
    token = central.store.new_console_session(
        operator.name, central.now(), sessions.IDLE, sessions.LIFETIME
    )
    audit(request, operator, "signin-link-used", operator.name)
    response = RedirectResponse("/console/", status_code=303)
    set_cookie(request, response, sessions.SESSION_COOKIE, token)
    return response
