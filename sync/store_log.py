"""The store's own day in the journal: calls for a clerk, information slips, the clerk's pause.

Kept in the journal file (migration 3) rather than in memory because other processes need it:
`kiosk doctor --json` (and the health report of DESIGN §13) says whether a customer is waiting
for a clerk, and a kiosk restarted by systemd must come back paused if a clerk had paused it.
Nothing here is personal: times, the screen a call came from, a decision's route.

One instance per journal connection (the journal lane's), like `SqliteJournal` itself. Rows are
stamped with the journal's own clock, the one its bookings carry, so "today" means the same day
for a booking and for a staff call.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from kiosk.dates import BANGKOK
from sync.journal import SqliteJournal

PAUSED_KEY = "paused"
#: `terminal_state` keys of the PIN pads' lockouts (kiosk/clerk.py `PinGuard.to_record`).
PIN_GUARD_KEY = "pin-guard:"


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


@dataclass(frozen=True)
class DayCounts:
    """Today's work at this terminal (the Bangkok day), for the clerk screen."""

    confirmed: int = 0
    confirmed_offline: int = 0
    queued: int = 0
    refused: int = 0
    info_slips: int = 0
    staff_calls: int = 0

    def to_json(self) -> dict[str, int]:
        return asdict(self)


class StoreLog:
    def __init__(self, journal: SqliteJournal) -> None:
        self.journal = journal

    # staff calls -------------------------------------------------------------------------------

    def open_call(self, screen: str, at: datetime | None = None) -> None:
        """A customer called; an older call still open (there should be none) is closed by
        this one, so at most one call is ever open."""
        opened = at or self.journal.now()
        with self.journal.transaction() as conn:
            conn.execute(
                "UPDATE staff_calls SET closed_utc = ?, closed_how = 'session-ended' "
                "WHERE closed_utc IS NULL",
                (_iso(opened),),
            )
            conn.execute(
                "INSERT INTO staff_calls (opened_utc, screen) VALUES (?, ?)",
                (_iso(opened), screen),
            )

    def close_call(self, how: str, at: datetime | None = None) -> None:
        at = at or self.journal.now()
        with self.journal.transaction() as conn:
            conn.execute(
                "UPDATE staff_calls SET closed_utc = ?, closed_how = ? WHERE closed_utc IS NULL",
                (_iso(at), how),
            )

    def close_left_open(self, at: datetime | None = None) -> int:
        """At start: a call left open by a kiosk that stopped belongs to a session that is gone."""
        at = at or self.journal.now()
        with self.journal.transaction() as conn:
            cur = conn.execute(
                "UPDATE staff_calls SET closed_utc = ?, closed_how = 'restarted' "
                "WHERE closed_utc IS NULL",
                (_iso(at),),
            )
            return cur.rowcount

    def open_call_now(self) -> dict[str, Any] | None:
        rows = self.journal.read(
            "SELECT opened_utc, screen FROM staff_calls WHERE closed_utc IS NULL "
            "ORDER BY id DESC LIMIT 1"
        )
        return rows[0] if rows else None

    # information slips and the pause -------------------------------------------------------------

    def info_slip_printed(self, route: str | None, at: datetime | None = None) -> None:
        at = at or self.journal.now()
        with self.journal.transaction() as conn:
            conn.execute(
                "INSERT INTO info_slips (printed_utc, route) VALUES (?, ?)", (_iso(at), route)
            )

    def set_paused(self, paused: bool, at: datetime | None = None) -> None:
        self._set_state(PAUSED_KEY, "1" if paused else "0", at)

    def _set_state(self, key: str, value: str, at: datetime | None) -> None:
        """One `terminal_state` value, replaced whole, stamped with the journal's clock."""
        at = at or self.journal.now()
        with self.journal.transaction() as conn:
            conn.execute(
                "INSERT INTO terminal_state (key, value, updated_utc) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "updated_utc = excluded.updated_utc",
                (key, value, _iso(at)),
            )

    def paused(self) -> dict[str, Any] | None:
        """{"since": ISO time} while paused, else None."""
        rows = self.journal.read(
            "SELECT value, updated_utc FROM terminal_state WHERE key = ?", (PAUSED_KEY,)
        )
        if rows and rows[0]["value"] == "1":
            return {"since": rows[0]["updated_utc"]}
        return None

    # the PIN pads' lockouts ---------------------------------------------------------------------

    def set_pin_guard(self, pad: str, record: dict[str, Any], at: datetime | None = None) -> None:
        """Keep a pad's lockout (`PinGuard.to_record`): counts and an instant, no PIN."""
        self._set_state(PIN_GUARD_KEY + pad, json.dumps(record, sort_keys=True), at)

    def pin_guards(self) -> dict[str, dict[str, Any]]:
        """Every kept lockout by pad name; a value that is not a JSON object is left out."""
        rows = self.journal.read(
            "SELECT key, value FROM terminal_state WHERE key LIKE ?", (PIN_GUARD_KEY + "%",)
        )
        out: dict[str, dict[str, Any]] = {}
        for r in rows:
            try:
                record = json.loads(r["value"])
            except ValueError:
                continue
            if isinstance(record, dict):
                out[r["key"].removeprefix(PIN_GUARD_KEY)] = record
        return out

    # today ---------------------------------------------------------------------------------------

    def today(self, now: datetime | None = None) -> DayCounts:
        """Counts for the Bangkok day containing `now` (the journal's clock), each booking by its
        state now: a booking queued this morning and confirmed since counts as confirmed."""
        local = (now or self.journal.now()).astimezone(BANGKOK)
        start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        span = (_iso(start), _iso(start + timedelta(days=1)))
        (row,) = self.journal.read(
            """
            SELECT
              SUM(state = 'confirmed' AND lease_id IS NULL) AS confirmed,
              SUM(state IN ('confirmed-offline', 'confirmed', 'sending')
                  AND lease_id IS NOT NULL) AS confirmed_offline,
              SUM(state IN ('queued', 'sending') AND lease_id IS NULL) AS queued,
              SUM(state IN ('rejected', 'conflict')) AS refused
            FROM bookings WHERE created_utc >= ? AND created_utc < ?
            """,
            span,
        )
        (slips,) = self.journal.read(
            "SELECT COUNT(*) AS n FROM info_slips WHERE printed_utc >= ? AND printed_utc < ?",
            span,
        )
        (calls,) = self.journal.read(
            "SELECT COUNT(*) AS n FROM staff_calls WHERE opened_utc >= ? AND opened_utc < ?",
            span,
        )
        return DayCounts(
            confirmed=row["confirmed"] or 0,
            confirmed_offline=row["confirmed_offline"] or 0,
            queued=row["queued"] or 0,
            refused=row["refused"] or 0,
            info_slips=slips["n"],
            staff_calls=calls["n"],
        )
