"""The overview: how many terminals are in each state and need attention for each reason and
level, each number a link to the terminals list filtered to them (`fleet_reads` makes every
count the total of the list it links to)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from central import fleet, fleet_reads
from central.console.web import OperatorDep, central_of, render, router


@router.get("/")
def overview(request: Request, operator: OperatorDep) -> Response:
    central = central_of(request)
    now = central.now()
    view = fleet_reads.overview(central.store, now)
    order = list(fleet.REASONS)
    reasons = sorted(
        ((reason, level, n) for (reason, level), n in view.reasons.items() if n),
        key=lambda x: (x[1] != "fail", order.index(x[0])),
    )
    # districts are counted by their English name; the Thai page shows the Thai one
    thai = {s.district_en: s.district_th for s in central.store.stores()}
    return render(
        request,
        "overview.html",
        operator,
        view=view,
        now=now,
        reasons=reasons,
        district_th=thai,
    )
