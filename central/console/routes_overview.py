"""The overview: how many terminals are in each state and need attention for each reason, each
number a link to the terminals list filtered to them."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from central.console import fleet_source
from central.console.web import OperatorDep, central_of, render, router


@router.get("/")
def overview(request: Request, operator: OperatorDep) -> Response:
    central = central_of(request)
    view = fleet_source.overview(central.store, central.now())
    return render(request, "overview.html", operator, view=view)
