"""Seat leases in the journal (DESIGN §11, docs/leases.md): storing a refresh answer, counting
the seats left, and confirming a booking at the terminal from a leased seat.

A mixin of `sync.journal.SqliteJournal`: it relies on the core's `_immediate`, `_read`, `_event`
and `_clock`. Spending a seat and turning the booking `confirmed-offline` is ONE transaction
(`confirm_offline`), so a crash never leaves a seat spent without its booking or the reverse.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.leases import Lease
from sync.crash import crash_point
from sync.journal_owner import OWNER
from sync.journal_schema import iso


@dataclass(frozen=True)
class LeaseEntry:
    """A seat lease the terminal holds, as `kiosk leases list`, sync status, doctor and the
    clerk screen show it. `seats_left` counts unspent seats (whether or not still usable)."""

    lease_id: str
    slot_id: str
    site_id: str
    date: str
    start: str
    end: str
    seats: int
    seats_left: int
    use_until: datetime
    granted_at: datetime
    released: bool = False

    def usable_at(self, now: datetime) -> bool:
        return not self.released and now < self.use_until

    def to_json(self) -> dict[str, Any]:
        return {
            "lease_id": self.lease_id,
            "slot_id": self.slot_id,
            "site_id": self.site_id,
            "date": self.date,
            "start": self.start,
            "end": self.end,
            "seats": self.seats,
            "seats_left": self.seats_left,
            "use_until": self.use_until.isoformat(timespec="seconds"),
            "granted_at": self.granted_at.isoformat(timespec="seconds"),
        }


#: Signs an offline confirmation: (reference, lease_id) -> the slip code text.
SlipSigner = Callable[[str, str], str]


class LeasesMixin:
    """The `leases` and `lease_seats` tables, and the offline confirmation that spends a seat."""

    @staticmethod
    def _acknowledge_seat(conn: sqlite3.Connection, booking_id: str) -> None:
        """The central has answered about this booking: its seat need not be reported again."""
        conn.execute("UPDATE lease_seats SET acknowledged = 1 WHERE booking_id = ?", (booking_id,))

    def put_leases(self, leases: list[Lease], released: list[str]) -> None:
        """Apply a refresh answer, in one transaction.

        The answer lists every lease still active: new ones are stored with a free seat per
        reference; a lease we hold that is not listed (or is listed in `released`) is released,
        so its unspent seats are never spent again (the central gave them back to the slot). A
        released lease is deleted unless one of its seats is spent and not yet acknowledged by
        the central: that one is kept, so the seat is reported as `spent` until its booking
        arrives. Leases are immutable: a known lease id listed again keeps what we stored.
        """
        now = iso(self._clock())
        active = {lease.lease_id for lease in leases} - set(released)
        with self._immediate() as conn:
            for lease in leases:
                if lease.lease_id not in active:
                    continue
                cur = conn.execute(
                    "INSERT OR IGNORE INTO leases (lease_id, slot_id, site_id, slot_date, "
                    "slot_start, slot_end, seats, granted_at, use_until_utc, envelope, "
                    "stored_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        lease.lease_id,
                        lease.slot_id,
                        lease.site_id,
                        lease.date,
                        lease.start,
                        lease.end,
                        lease.seats,
                        iso(lease.granted_at),
                        iso(lease.use_until),
                        json.dumps(dict(lease.envelope), ensure_ascii=False),
                        now,
                    ),
                )
                if cur.rowcount:
                    conn.executemany(
                        "INSERT INTO lease_seats (lease_id, reference) VALUES (?, ?)",
                        [(lease.lease_id, ref) for ref in lease.references],
                    )
            held = [r[0] for r in conn.execute("SELECT lease_id FROM leases WHERE released = 0")]
            gone = [lease_id for lease_id in held if lease_id not in active]
            if gone:
                marks = ",".join("?" * len(gone))
                conn.execute(
                    f"UPDATE leases SET released = 1 WHERE lease_id IN ({marks})",  # noqa: S608
                    gone,
                )
            conn.execute(
                "DELETE FROM leases WHERE released = 1 AND lease_id NOT IN (SELECT lease_id "
                "FROM lease_seats WHERE booking_id IS NOT NULL AND acknowledged = 0)"
            )

    def lease_seats(self, now: datetime) -> dict[str, int]:
        """slot_id -> unspent seats usable at `now` (the central-corrected time)."""
        rows = self._read(
            "SELECT l.slot_id AS slot_id, COUNT(*) AS n FROM lease_seats s JOIN leases l "
            "USING (lease_id) WHERE l.released = 0 AND l.use_until_utc > ? AND "
            "s.booking_id IS NULL GROUP BY l.slot_id",
            (iso(now),),
        )
        return {r["slot_id"]: r["n"] for r in rows}

    def leases(self, *, include_released: bool = False) -> list[LeaseEntry]:
        """The leases this terminal holds, soonest `use_until` first (and, when asked, the
        released ones kept for a spent seat the central has not acknowledged yet)."""
        rows = self._read(
            "SELECT l.*, (SELECT COUNT(*) FROM lease_seats s WHERE s.lease_id = l.lease_id "
            "AND s.booking_id IS NULL) AS seats_left FROM leases l "
            "WHERE l.released = 0 OR ? ORDER BY l.use_until_utc, l.lease_id",
            (int(include_released),),
        )
        return [
            LeaseEntry(
                lease_id=r["lease_id"],
                slot_id=r["slot_id"],
                site_id=r["site_id"],
                date=r["slot_date"],
                start=r["slot_start"],
                end=r["slot_end"],
                seats=r["seats"],
                seats_left=r["seats_left"],
                use_until=datetime.fromisoformat(r["use_until_utc"]),
                granted_at=datetime.fromisoformat(r["granted_at"]),
                released=bool(r["released"]),
            )
            for r in rows
        ]

    def confirm_offline(
        self,
        booking_id: str,
        slot_id: str,
        now: datetime,
        sign: SlipSigner,
        *,
        claimed: bool = False,
    ) -> tuple[str, str, str] | None:
        """Confirm a booking at the terminal from a seat lease, in ONE `BEGIN IMMEDIATE`.

        Picks an unspent seat of `slot_id` usable at `now` (earliest `use_until` first, so the
        seats that run out soonest are used first), marks it spent by this booking and turns
        the booking row into `confirmed-offline` with the lease, the seat's reference,
        `confirmed_by='terminal'` and the slip code `sign(reference, lease_id)` makes. Returns
        (lease_id, reference, slip_code), or None when no seat is left or the booking is no
        longer ours to confirm (it stays as it was: queued, or sending by us).

        The row must be `queued`, or, when the caller says it `claimed` it, `sending` claimed by
        this process (the counter tried the central and learnt it was not reached): the move is
        then one transaction with no window for the replay to send it as a plain request. A
        `sending` row the caller did not claim is the replay's, even in this process (the kiosk
        runs both): it is being sent as a plain booking, so no seat may be spent on it. The
        write lock makes two customers at one terminal (threads or processes) take different
        seats; a crash before COMMIT leaves the seat unspent and the booking as it was.
        """
        with self._immediate() as conn:
            row = conn.execute(
                "SELECT state, lease_owner FROM bookings WHERE booking_id = ?", (booking_id,)
            ).fetchone()
            ours = row is not None and row[0] == "sending" and row[1] == OWNER and claimed
            if row is None or not (row[0] == "queued" or ours):
                return None
            seat = conn.execute(
                "SELECT s.lease_id, s.reference FROM lease_seats s JOIN leases l "
                "USING (lease_id) WHERE l.slot_id = ? AND l.released = 0 AND "
                "l.use_until_utc > ? AND s.booking_id IS NULL "
                "ORDER BY l.use_until_utc, l.lease_id, s.reference LIMIT 1",
                (slot_id, iso(now)),
            ).fetchone()
            if seat is None:
                return None
            lease_id, reference = seat
            slip_code = sign(reference, lease_id)
            stamp = iso(self._clock())
            conn.execute(
                "UPDATE lease_seats SET booking_id = ?, spent_utc = ? "
                "WHERE lease_id = ? AND reference = ? AND booking_id IS NULL",
                (booking_id, stamp, lease_id, reference),
            )
            crash_point("after-seat-spent")
            conn.execute(
                "UPDATE bookings SET state = 'confirmed-offline', lease_id = ?, reference = ?, "
                "confirmed_by = 'terminal', slip_code = ?, lease_until_utc = NULL, "
                "lease_owner = NULL, next_attempt_utc = ?, updated_utc = ? WHERE booking_id = ?",
                (lease_id, reference, slip_code, stamp, stamp, booking_id),
            )
            self._event(conn, booking_id, "confirmed-offline", lease_id)
            crash_point("before-offline-commit")
        crash_point("after-offline-commit")
        return lease_id, reference, slip_code

    def spent_unacknowledged(self) -> list[dict[str, str]]:
        """Seats spent whose booking the central has not answered yet (the refresh's `spent`)."""
        return self._read(
            "SELECT lease_id, reference, booking_id FROM lease_seats "
            "WHERE booking_id IS NOT NULL AND acknowledged = 0 ORDER BY spent_utc, lease_id"
        )

    def recent_choices(self, limit: int = 50) -> list[tuple[str, str]]:
        """(site_id, date) pairs this terminal's customers chose, most recent first, distinct:
        the central grants seats where they are likely to be wanted."""
        rows = self._read(
            "SELECT site_id, slot_date, MAX(seq) AS last FROM bookings "
            "GROUP BY site_id, slot_date ORDER BY last DESC LIMIT ?",
            (limit,),
        )
        return [(r["site_id"], r["slot_date"]) for r in rows]
