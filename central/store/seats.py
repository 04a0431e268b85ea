"""How a seat moves between free, held (by a terminal's lease) and booked, in SQL.

Three counters must agree with the rows at every commit: `slots.booked` (active bookings),
`slots.held` and `terminals.lease_seats` (lease seats in state `held` or `spent`). Every move is
a conditional UPDATE whose row count is the truth, so the same statements are safe under
PostgreSQL's concurrent transactions, not only under SQLite's single writer:

- a public (web, app, ordinary kiosk) booking takes a free seat: `booked + held < capacity`;
- releasing lease seats flips their state with `UPDATE ... RETURNING`, and the counters go down
  by exactly the rows that statement flipped, never by a count read earlier;
- held seats stop counting when their slot starts (DESIGN §11). Nothing sweeps them at that
  instant; reads ignore them (`Slot.available_at`) and the first booking that needs their
  seats (or a refresh of the terminal's leases) releases them in its own transaction (like
  pretix's lazy `valid_until`), so the CHECK on `booked + held <= capacity` holds throughout.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import datetime

from central.store.connection import iso
from central.store.records import slot_key

#: A lease seat row whose slot has started (correlated on `lease_seats.slot_id`).
SLOT_STARTED = (
    "EXISTS (SELECT 1 FROM slots s WHERE s.slot_id = lease_seats.slot_id "
    "AND s.date || 'T' || s.start <= :started_by)"
)


def release_seats(
    c: sqlite3.Connection, where: str, params: dict[str, object], now: datetime, why: str
) -> list[sqlite3.Row]:
    """Give back to their slots the held or spent lease seats matching `where`.

    `where` is SQL over `lease_seats` with named parameters. Returns the released rows
    (reference, lease_id, slot_id, terminal_id).
    """
    rows = c.execute(
        "UPDATE lease_seats SET state = 'released', changed_at = :changed_at, "  # noqa: S608
        f"released_why = :why WHERE state IN ('held', 'spent') AND ({where}) "
        "RETURNING reference, lease_id, slot_id, terminal_id",
        {**params, "changed_at": iso(now), "why": why},
    ).fetchall()
    for slot_id, n in Counter(r["slot_id"] for r in rows).items():
        c.execute("UPDATE slots SET held = held - ? WHERE slot_id = ?", (n, slot_id))
    for terminal_id, n in Counter(r["terminal_id"] for r in rows).items():
        c.execute(
            "UPDATE terminals SET lease_seats = lease_seats - ? WHERE terminal_id = ?",
            (n, terminal_id),
        )
    return rows


def release_started_holds(c: sqlite3.Connection, slot_id: str, now: datetime) -> int:
    """Release every lease seat still held in `slot_id` if the slot has started."""
    rows = release_seats(
        c,
        f"slot_id = :slot_id AND {SLOT_STARTED}",
        {"slot_id": slot_id, "started_by": slot_key(now)},
        now,
        "slot-started",
    )
    return len(rows)


def take_free_seat(c: sqlite3.Connection, slot_id: str, now: datetime) -> sqlite3.Row | None:
    """Take a seat nobody holds (a public booking, or a lease seat that was given back): the
    slot's row as it is now, or None when it has no free seat.

    The free seat is tried first; only when there is none are the holds of a started slot
    released (they stop counting then) and the seat tried again. A booking with room to spare
    thus costs one statement, not two, and started holds still go back as soon as a booking
    needs them (the CHECK `booked + held <= capacity` holds either way).
    """
    take = (
        "UPDATE slots SET booked = booked + 1 WHERE slot_id = ? AND booked + held < capacity "
        'RETURNING slot_id, site_id, date, start, "end", capacity, booked, held'
    )
    rows = c.execute(take, (slot_id,)).fetchall()
    if rows:
        return rows[0]
    if release_started_holds(c, slot_id, now) == 0:
        return None
    rows = c.execute(take, (slot_id,)).fetchall()
    return rows[0] if rows else None


def book_held_seat(c: sqlite3.Connection, reference: str, now: datetime) -> bool:
    """Turn one held (or reported spent) lease seat into a booked one: no capacity check, the
    seat was already counted in `held`."""
    row = c.execute(
        "UPDATE lease_seats SET state = 'booked', changed_at = ? "
        "WHERE reference = ? AND state IN ('held', 'spent') RETURNING slot_id, terminal_id",
        (iso(now), reference),
    ).fetchone()
    if row is None:
        return False
    c.execute(
        "UPDATE slots SET held = held - 1, booked = booked + 1 WHERE slot_id = ?",
        (row["slot_id"],),
    )
    c.execute(
        "UPDATE terminals SET lease_seats = lease_seats - 1 WHERE terminal_id = ?",
        (row["terminal_id"],),
    )
    return True
