"""Fleet health reports (DESIGN §13): the latest report of each terminal, 7 days of history.

The store keeps what terminals said and when; it never stores a state. The history keeps a
report that differs from the latest one, and an unchanged one every 15 min: a chart of a week
needs no 1,440 identical rows a day per terminal (13,000 terminals would write 131 M rows).
The read side is what the future operations console calls: one page of terminals at a time
(keyset by terminal id, filterable by store and by state at a given instant), each with its
last report's deadlines, so `central.fleet` decides state and attention reasons. History is
pruned on write: a terminal's own rows when one is kept, everybody's at most once an hour (a
terminal that stopped reporting still loses its old rows).
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
        or `HISTORY_EVERY` after the last one kept; prune what is older than 7 days."""
        text = json.dumps(report, separators=(",", ":"), ensure_ascii=False)
        due = deadlines(now, report.get("interval_s"))
        at = iso(now)
        with self._write() as c:
            last = c.execute(
                "SELECT report, history_at FROM terminal_health WHERE terminal_id = ?",
                (terminal_id,),
            ).fetchone()
            keep = (
                last is None
                or last[0] != text
                or now - datetime.fromisoformat(last[1]) >= HISTORY_EVERY
            )
            history_at = at if keep else last[1]
            c.execute(
                "INSERT INTO terminal_health(terminal_id, received_at, online_until, stale_until, "
                "report, history_at) VALUES (?,?,?,?,?,?) ON CONFLICT(terminal_id) DO UPDATE SET "
                "received_at = excluded.received_at, online_until = excluded.online_until, "
                "stale_until = excluded.stale_until, report = excluded.report, "
                "history_at = excluded.history_at",
                (terminal_id, at, iso(due.online_until), iso(due.stale_until), text, history_at),
            )
            if not keep:
                return
            cutoff = iso(now - HISTORY_KEPT)
            c.execute(
                "INSERT INTO terminal_health_history(terminal_id, received_at, report) "
                "VALUES (?,?,?)",
                (terminal_id, at, text),
            )
            c.execute(
                "DELETE FROM terminal_health_history WHERE terminal_id = ? AND received_at < ?",
                (terminal_id, cutoff),
            )
            if self._health_pruned_at is None or now - self._health_pruned_at >= PRUNE_EVERY:
                c.execute("DELETE FROM terminal_health_history WHERE received_at < ?", (cutoff,))
                self._health_pruned_at = now

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
