"""The fleet as an operator reads it: each terminal with its state and attention reasons at one
instant. The store pages raw rows, `central.fleet` decides; this joins the two, for the CLI now
and the operations console later (one page at a time, the same filters)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from central import eligibility, fleet
from central.store.health import FleetRow


@dataclass(frozen=True)
class FleetEntry:
    terminal_id: str
    store: str
    state: str
    last_seen: datetime | None
    attention: list[fleet.Reason]
    report: dict[str, Any] | None

    def to_json(self) -> dict[str, Any]:
        return {
            "terminal_id": self.terminal_id,
            "store": self.store,
            "state": self.state,
            "last_seen": None if self.last_seen is None else self.last_seen.isoformat(),
            "attention": [r.to_json() for r in self.attention],
        }


def current_rule_set(store: Any) -> str:
    """The rule set terminals are told to use (GET /v1/config)."""
    return store.meta("rule_set") or eligibility.DEFAULT_RULE_SET


def entry(row: FleetRow, now: datetime, rule_set: str | None) -> FleetEntry:
    state = fleet.state_at(now, row.last)
    reasons = fleet.attention(state, row.report, rule_set)
    return FleetEntry(row.terminal_id, row.store, state, row.received_at, reasons, row.report)


def fleet_entries(
    store: Any,
    now: datetime,
    *,
    state: str | None = None,
    store_name: str | None = None,
    attention_only: bool = False,
) -> list[FleetEntry]:
    """Every enrolled kiosk terminal at `now`, by terminal id; filtered by state, store, and
    to those with at least one attention reason."""
    rule_set = current_rule_set(store)
    rows = store.fleet(now, state=state, store=store_name)
    out = [entry(r, now, rule_set) for r in rows]
    return [e for e in out if e.attention] if attention_only else out
