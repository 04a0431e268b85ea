"""The fleet as the console's pages read it: `overview` (counts) and `terminals` (one filtered,
sorted page), with the signatures of helper fleet-perf's `central.fleet_reads`, so moving to
its indexed reads is one import.

Until then this is the straightforward way: every terminal's entry (`fleet_view.fleet_entries`,
the CLI's), counted, filtered, sorted and sliced in Python. Correct, but it reads the whole
fleet on every page (bench/fleet.py measures how long with 13,000 terminals).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from central import fleet
from central.fleet_view import FleetEntry, fleet_entries

SORTS = ("terminal_id", "store", "district", "state", "last_seen")


@dataclass(frozen=True)
class TerminalQuery:
    state: str | None = None
    reason: str | None = None
    store: str | None = None
    district: str | None = None
    sort: str = "terminal_id"
    order: str = "asc"
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True)
class ReasonCount:
    reason: str
    level: str
    count: int


@dataclass(frozen=True)
class Overview:
    at: datetime
    total: int
    states: dict[str, int]
    reasons: list[ReasonCount] = field(default_factory=list)


@dataclass(frozen=True)
class TerminalPage:
    query: TerminalQuery
    entries: list[FleetEntry]
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def district_of(entry: FleetEntry) -> str | None:
    """A terminal's district: none is recorded yet (fleet-perf adds stores with districts)."""
    return None


def overview(store: Any, now: datetime) -> Overview:
    entries = fleet_entries(store, now)
    states = dict.fromkeys(fleet.STATES, 0)
    reasons: dict[tuple[str, str], int] = {}
    for e in entries:
        states[e.state] += 1
        for r in e.attention:
            reasons[(r.reason, r.level)] = reasons.get((r.reason, r.level), 0) + 1
    order = list(fleet.REASONS)
    counted = [ReasonCount(k[0], k[1], n) for k, n in reasons.items()]
    counted.sort(key=lambda c: (c.level != "fail", order.index(c.reason)))
    return Overview(now, len(entries), states, counted)


def _sort_key(sort: str) -> Any:
    if sort == "last_seen":
        return lambda e: (e.last_seen is None, e.last_seen or now_min, e.terminal_id)
    if sort == "state":
        return lambda e: (fleet.STATES.index(e.state), e.terminal_id)
    if sort == "store":
        return lambda e: (e.store, e.terminal_id)
    if sort == "district":
        return lambda e: (district_of(e) or "", e.terminal_id)
    return lambda e: e.terminal_id


now_min = datetime.min


def terminals(store: Any, now: datetime, query: TerminalQuery) -> TerminalPage:
    entries = fleet_entries(store, now, state=query.state, store_name=query.store)
    if query.reason:
        entries = [e for e in entries if any(r.reason == query.reason for r in e.attention)]
    if query.district:
        entries = [e for e in entries if district_of(e) == query.district]
    entries.sort(key=_sort_key(query.sort), reverse=query.order == "desc")
    start = (query.page - 1) * query.per_page
    return TerminalPage(query, entries[start : start + query.per_page], len(entries))
