"""Fleet health reports (DESIGN §13): the latest report of each terminal, 7 days of history.

The store keeps what terminals said and when; it never stores a state. The history keeps a
report that differs from the latest one, and an unchanged one every 15 min: a chart of a week
needs no 1,440 identical rows a day per terminal (13,000 terminals would write 131 M rows).
The read side is what the future operations console calls: one page of terminals at a time
(keyset by terminal id, filterable by store and by state at a given instant), each with its
last report's deadlines, so `central.fleet` decides state and attention reasons. History is
pruned by a sweep at most once an hour in each process (not on every report).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from central.fleet import Deadlines, deadlines
from central.store.connection import Connections, iso

HISTORY_KEPT = timedelta(days=7)
PRUNE_EVERY = timedelta(hours=1)
#: An unchanged report is kept in the history this often (a changed one always).
HISTORY_EVERY = timedelta(minutes=15)
FLEET_STATES = ("online", "stale", "offline", "never-seen")
#: `fleet_page` adds its WHERE clauses, all constants, to this.
_FLEET_SELECT = (
    "SELECT t.terminal_id, t.store, h.received_at, h.online_until, h.stale_until, h.report "
    "FROM terminals t LEFT JOIN terminal_health h ON h.terminal_id = t.terminal_id WHERE "
)


#: The latest report of a terminal, with the attention inputs as columns (`health_row`).
UPSERT_HEALTH = (
    "INSERT INTO terminal_health(terminal_id, received_at, online_until, stale_until, report, "
    "history_at, paper, queued, queue_oldest_s, clock_offset_s, rule_set, staff_requested) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(terminal_id) DO UPDATE SET "
    "received_at = excluded.received_at, online_until = excluded.online_until, "
    "stale_until = excluded.stale_until, report = excluded.report, "
    "history_at = excluded.history_at, paper = excluded.paper, queued = excluded.queued, "
    "queue_oldest_s = excluded.queue_oldest_s, clock_offset_s = excluded.clock_offset_s, "
    "rule_set = excluded.rule_set, staff_requested = excluded.staff_requested"
)


def health_row(terminal_id: str, report: Mapping[str, Any], now: datetime) -> tuple[Any, ...]:
    """The columns of `UPSERT_HEALTH` for a report received at `now` (`history_at` = now):
    the JSON as sent, its deadlines, and what the attention reasons are decided from, so the
    fleet's reads compare columns instead of parsing 13,000 reports (store/fleet_sql.py)."""
    text = json.dumps(report, separators=(",", ":"), ensure_ascii=False)
    due = deadlines(now, report.get("interval_s"))
    at = iso(now)
    queue = report.get("queue") or {}
    offset = report.get("clock_offset_s")
    return (
        terminal_id,
        at,
        iso(due.online_until),
        iso(due.stale_until),
        text,
        at,
        (report.get("printer") or {}).get("paper"),
        queue.get("queued"),
        queue.get("oldest_age_s"),
        None if offset is None else float(offset),
        report.get("rule_set"),
        1 if (report.get("staff") or {}).get("requested") else 0,
    )


@dataclass(frozen=True)
class FleetRow:
    terminal_id: str
    store: str
    received_at: datetime | None
    last: Deadlines | None
    report: dict[str, Any] | None


class HealthStore(Connections):
    _health_pruned_at: datetime | None = None

    def put_health(self, terminal_id: str, report: Mapping[str, Any], now: datetime) -> None:
        """Keep `report` as the terminal's latest; in its history when it says something new
        or `HISTORY_EVERY` after the last one kept. The history older than 7 days goes by an
        hourly sweep (`_prune_due`), never by work on every report."""
        row = health_row(terminal_id, report, now)
        with self._write() as c:
            last = c.execute(
                "SELECT report, history_at FROM terminal_health WHERE terminal_id = ?",
                (terminal_id,),
            ).fetchone()
            keep = last is None or last[0] != row[4] or last[1] <= iso(now - HISTORY_EVERY)
            if not keep:
                row = (*row[:5], last[1], *row[6:])
            c.execute(UPSERT_HEALTH, row)
            if keep:
                c.execute(
                    "INSERT INTO terminal_health_history(terminal_id, received_at, report) "
                    "VALUES (?,?,?)",
                    (terminal_id, row[1], row[4]),
                )
            if self._prune_due(now):
                c.execute(
                    "DELETE FROM terminal_health_history WHERE received_at < ?",
                    (iso(now - HISTORY_KEPT),),
                )

    def _prune_due(self, now: datetime) -> bool:
        """Whether this process sweeps the history now: at most once an hour (any report of
        that hour pays for it), so a terminal that stopped reporting still loses its rows."""
        if self._health_pruned_at is None or now - self._health_pruned_at >= PRUNE_EVERY:
            self._health_pruned_at = now
            return True
        return False

    def fleet_page(
        self,
        now: datetime,
        *,
        state: str | None = None,
        store: str | None = None,
        after: str | None = None,
        limit: int = 500,
    ) -> list[FleetRow]:
        """Enrolled kiosk terminals with a live token, by terminal id after `after`, at most
        `limit`; `state` keeps those in that state at `now` (the same deadlines as
        `central.fleet.state_at`), `store` those of one store."""
        where = ["t.token_hash IS NOT NULL", "t.channel = 'kiosk'"]
        params: list[Any] = []
        at = iso(now)
        if state == "never-seen":
            where.append("h.terminal_id IS NULL")
        elif state == "online":
            where.append("h.online_until >= ?")
            params.append(at)
        elif state == "stale":
            where += ["h.online_until < ?", "h.stale_until >= ?"]
            params += [at, at]
        elif state == "offline":
            where.append("h.stale_until < ?")
            params.append(at)
        elif state is not None:
            raise ValueError(f"unknown state {state!r}; one of {', '.join(FLEET_STATES)}")
        if store is not None:
            where.append("t.store = ?")
            params.append(store)
        if after is not None:
            where.append("t.terminal_id > ?")
            params.append(after)
        params.append(limit)
        sql = _FLEET_SELECT + " AND ".join(where) + " ORDER BY t.terminal_id LIMIT ?"
        rows = self._conn().execute(sql, params)
        return [_row(r) for r in rows]

    def fleet(self, now: datetime, **filters: Any) -> list[FleetRow]:
        """Every page of `fleet_page` (the CLI; the console asks for one page at a time)."""
        out: list[FleetRow] = []
        after = None
        while True:
            page = self.fleet_page(now, after=after, limit=1000, **filters)
            out += page
            if len(page) < 1000:
                return out
            after = page[-1].terminal_id

    def health_history(
        self, terminal_id: str, since: datetime, limit: int = 20_000
    ) -> list[tuple[datetime, dict[str, Any]]]:
        """The terminal's reports received at or after `since`, oldest first."""
        rows = self._conn().execute(
            "SELECT received_at, report FROM terminal_health_history WHERE terminal_id = ? "
            "AND received_at >= ? ORDER BY received_at LIMIT ?",
            (terminal_id, iso(since), limit),
        )
        return [(datetime.fromisoformat(r[0]), json.loads(r[1])) for r in rows]


def _row(r: Any) -> FleetRow:
    if r[2] is None:
        return FleetRow(r[0], r[1], None, None, None)
    last = Deadlines(datetime.fromisoformat(r[3]), datetime.fromisoformat(r[4]))
    return FleetRow(r[0], r[1], datetime.fromisoformat(r[2]), last, json.loads(r[5]))
