"""The terminals list (filters in the URL, sortable, paged) and one terminal's page (its state
and queue over 7 days, its recent reports, its actions).

The list is a GET form: every filter is in the URL, so a filtered list can be bookmarked and the
overview's counts link to it; htmx only spares the full reload (the same page, its results part
swapped), and without JavaScript the form and the links do the same.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from central import fleet, fleet_reads
from central.console import terminal_history
from central.console.formatting import ago
from central.console.i18n import translator
from central.console.web import OperatorDep, Refused, central_of, lang_of, render, router
from central.fleet_view import current_rule_set, entry
from central.store.health import HISTORY_KEPT

PER_PAGE = (25, 50, 100, 200)


def _query(request: Request) -> fleet_reads.TerminalQuery:
    """The list's query from the URL; a value it cannot take is a 400 that says so (the
    query checks itself: `fleet_reads.BadFleetQuery`)."""
    p = request.query_params
    try:
        return fleet_reads.TerminalQuery(
            state=p.get("state") or None,
            reason=p.get("reason") or None,
            store=(p.get("store") or "").strip() or None,
            district=(p.get("district") or "").strip() or None,
            sort=p.get("sort") or "terminal_id",
            order=p.get("order") or "asc",
            page=int(p.get("page") or 1),
            per_page=int(p.get("per_page") or 50),
        )
    except ValueError:  # BadFleetQuery is one, and so is int("x")
        raise Refused(400, "error.bad.filter") from None


def _link(query: fleet_reads.TerminalQuery, **changes: object) -> str:
    """The list's URL for `query` with `changes` (only the values that are not defaults)."""
    q = replace(query, **changes)  # type: ignore[arg-type]
    defaults = fleet_reads.TerminalQuery()
    params = {
        k: getattr(q, k)
        for k in ("state", "reason", "store", "district", "sort", "order", "page", "per_page")
        if getattr(q, k) not in (None, "") and getattr(q, k) != getattr(defaults, k)
    }
    return "/console/terminals" + (f"?{urlencode(params)}" if params else "")


def _sort_link(query: fleet_reads.TerminalQuery, column: str) -> tuple[str, str | None]:
    """A column header's link (the other order when it is the sort already) and its
    aria-sort value."""
    if query.sort == column:
        other = "desc" if query.order == "asc" else "asc"
        aria = "ascending" if query.order == "asc" else "descending"
        return _link(query, order=other, page=1), aria
    return _link(query, sort=column, order="asc", page=1), None


@router.get("/terminals")
def terminals(request: Request, operator: OperatorDep) -> Response:
    central = central_of(request)
    query = _query(request)
    now = central.now()
    result = fleet_reads.terminals(central.store, now, query)
    lang = lang_of(request)
    rows = [
        {
            "e": r,
            "store_name": r.store_name_th if lang == "th" else r.store_name_en,
            "district": r.district_th if lang == "th" else r.district_en,
            "ago": ago(now, r.last_seen, lang),
        }
        for r in result.rows
    ]
    first = (query.page - 1) * query.per_page + 1 if result.total else 0
    return render(
        request,
        "terminals.html",
        operator,
        query=query,
        result=result,
        rows=rows,
        first=first,
        last=first + len(rows) - 1 if rows else 0,
        now=now,
        states=fleet.STATES,
        reasons=list(fleet.REASONS),
        per_pages=sorted({*PER_PAGE, query.per_page}),
        link=lambda **kw: _link(query, **kw),
        sort_link=lambda column: _sort_link(query, column),
        columns=[
            ("terminal_id", "terminals.col.terminal"),
            ("store", "terminals.col.store"),
            ("district", "terminals.col.district"),
            ("state", "terminals.col.state"),
            ("last_seen", "terminals.col.last.seen"),
            ("attention", "terminals.col.attention"),
        ],
    )


def terminal_view(request: Request, terminal_id: str) -> dict:
    """What one terminal's page shows; a 404 page if no such terminal was ever enrolled."""
    central = central_of(request)
    store = central.store
    found = store.console_terminal(terminal_id)
    if found is None:
        raise Refused(404, "error.no.terminal")
    row, revoked_at, channel = found
    now = central.now()
    e = entry(row, now, current_rule_set(store))
    history = store.health_history(terminal_id, now - HISTORY_KEPT)
    latest = (row.received_at, row.report) if row.received_at and row.report else None
    lang = lang_of(request)
    return {
        "entry": e,
        "revoked_at": revoked_at,
        "channel": channel,
        "now": now,
        "ago": ago(now, e.last_seen, lang),
        "chart": terminal_history.chart(history, latest, now, translator(lang)),
        "reports": terminal_history.recent(history),
        "kept": len(history),
    }


@router.get("/terminals/{terminal_id}")
def terminal(request: Request, terminal_id: str, operator: OperatorDep) -> Response:
    view = terminal_view(request, terminal_id)
    done = request.query_params.get("done")
    notice = {"revoked": "terminal.revoked", "not-revoked": "terminal.already.revoked"}.get(
        done or ""
    )
    return render(request, "terminal.html", operator, notice=notice, **view)
