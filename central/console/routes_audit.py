"""The audit log, newest first, a page at a time (keyset: `before` the last id shown),
filtered by operator and by action."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from central.console.i18n import action_label
from central.console.web import OperatorDep, Refused, central_of, render, router

PER_PAGE = 50


@router.get("/audit")
def audit_log(request: Request, operator: OperatorDep) -> Response:
    p = request.query_params
    who = (p.get("operator") or "").strip() or None
    action = (p.get("action") or "").strip() or None
    try:
        before = int(p["before"]) if p.get("before") else None
    except ValueError:
        raise Refused(400, "error.bad.filter") from None
    store = central_of(request).store
    rows = store.audit_page(operator=who, action=action, before=before, limit=PER_PAGE + 1)
    more = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    params = {k: v for k, v in (("operator", who), ("action", action)) if v}
    older = (
        "/console/audit?" + urlencode({**params, "before": rows[-1].id}) if more and rows else None
    )
    newest = "/console/audit" + (f"?{urlencode(params)}" if params else "") if before else None
    return render(
        request,
        "audit.html",
        operator,
        rows=rows,
        who=who or "",
        action=action or "",
        actions=sorted(store.audit_actions()),
        operators=[o.name for o in store.operators()],
        older=older,
        newest=newest,
        action_label=action_label,
        detail=lambda d: json.dumps(d, ensure_ascii=False, sort_keys=True) if d else "-",
    )
