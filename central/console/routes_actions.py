"""What a technician does to a terminal from its page: revoke its token (after a confirmation
page), issue an enrolment code for its store. Each is a POST with the session's CSRF token, and
audited; an operator (not a technician) is refused with nothing done, and that is audited too.

The enrolment code is shown once, on the answer to the POST (never in a URL, never stored: the
database keeps its hash), and the audit row says that one was issued, for which store and until
when, without the code.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from central.console.routes_terminals import terminal_view
from central.console.web import (
    FormDep,
    OperatorDep,
    Refused,
    audit,
    central_of,
    check_csrf,
    render,
    router,
)
from central.store.console import Operator

#: How long a code issued from the console is valid (the CLI's default is the same).
ENROLMENT_TTL = timedelta(hours=24)


def require_technician(request: Request, operator: Operator, action: str, target: str) -> None:
    if operator.role != "technician":
        audit(request, operator, "refused-role", target, wanted=action)
        raise Refused(403, "error.forbidden.role")


@router.get("/terminals/{terminal_id}/revoke")
def revoke_page(request: Request, terminal_id: str, operator: OperatorDep) -> Response:
    view = terminal_view(request, terminal_id)
    return render(request, "revoke.html", operator, **view)


@router.post("/terminals/{terminal_id}/revoke")
def revoke(request: Request, terminal_id: str, operator: OperatorDep, form: FormDep) -> Response:
    check_csrf(request, operator, form)
    require_technician(request, operator, "terminal-revoked", terminal_id)
    if form.get("confirm") != "yes":
        return RedirectResponse(_page(terminal_id) + "/revoke", status_code=303)
    central = central_of(request)
    done = central.store.revoke(terminal_id, central.now())
    audit(request, operator, "terminal-revoked", terminal_id, revoked=done)
    return RedirectResponse(
        _page(terminal_id) + ("?done=revoked" if done else "?done=not-revoked"), status_code=303
    )


@router.post("/terminals/{terminal_id}/enrolment-code")
def enrolment_code(
    request: Request, terminal_id: str, operator: OperatorDep, form: FormDep
) -> Response:
    check_csrf(request, operator, form)
    require_technician(request, operator, "enrolment-code-issued", terminal_id)
    found = central_of(request).store.console_terminal(terminal_id)
    if found is None:
        raise Refused(404, "error.no.terminal")
    store_name = found[0].store
    central = central_of(request)
    now = central.now()
    code = central.store.new_enrolment_code(store_name, now, ENROLMENT_TTL)
    expires_at = now + ENROLMENT_TTL
    audit(
        request,
        operator,
        "enrolment-code-issued",
        terminal_id,
        store=store_name,
        expires_at=expires_at.isoformat(),
    )
    return render(
        request,
        "enrolment_code.html",
        operator,
        code=code,
        store=store_name,
        expires_at=expires_at,
        terminal_id=terminal_id,
    )


def _page(terminal_id: str) -> str:
    return "/console/terminals/" + quote(terminal_id, safe="")
