"""What bench/day_one.py checks in the central's database at the end of the day, and the SMS
counts. Recounted from the rows (central/store/checks.py), not taken from the counters: a slot
is overbooked if its active bookings outnumber its seats, whatever its `booked` column says.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Consistency:
    report: dict[str, int]
    #: booking ids the central answered 201/200 for that it has no row of.
    lost: list[str] = field(default_factory=list)
    #: when each active booking was made (epoch seconds, the central's clock): what the
    #: central did, whether or not the client was still waiting for the answer.
    made_at: list[float] = field(default_factory=list)
    #: answered, held, and cancelled since (the registry check cancels the ineligible): not
    #: lost, but shown, since nothing in the bench should cancel.
    cancelled: list[str] = field(default_factory=list)

    def failures(self) -> list[str]:
        """Every broken invariant, in words; empty when the day kept them all."""
        out = []
        for name in ("overbooked_slots", "citizens_with_two_active", "counter_mismatches"):
            if self.report.get(name, 0):
                out.append(f"{name.replace('_', ' ')}: {self.report[name]}")
        if self.lost:
            out.append(f"bookings answered 201 but not held: {len(self.lost)}")
        return out


def consistency(db: str, answered: Iterable[str]) -> Consistency:
    """The capacity report of the central's store, and which answered bookings it lacks."""
    from central.store import open_store

    store = open_store(db)
    try:
        report = store.capacity_report()
        with store._snapshot() as c:
            rows = c.execute("SELECT booking_id, status, created_at FROM bookings").fetchall()
        status = {r[0]: r[1] for r in rows}
        made_at = [datetime.fromisoformat(r[2]).timestamp() for r in rows if r[1] != "cancelled"]
    finally:
        store.close()
    answered_ids = sorted(set(answered))
    lost = [b for b in answered_ids if b not in status]
    cancelled = [b for b in answered_ids if status.get(b) == "cancelled"]
    return Consistency(report, lost, made_at, cancelled)


def hottest_slots(db: str, limit: int = 3) -> list[tuple[str, int, int]]:
    """(slot, active bookings, capacity) of the slots with most bookings: the contention."""
    from central.store import open_store

    store = open_store(db)
    try:
        with store._snapshot() as c:
            rows = c.execute(
                "SELECT s.slot_id, count(b.booking_id), s.capacity FROM slots s "
                "JOIN bookings b ON b.slot_id = s.slot_id AND b.status != 'cancelled' "
                "GROUP BY s.slot_id, s.capacity ORDER BY count(b.booking_id) DESC LIMIT "
                + str(int(limit))
            ).fetchall()
    finally:
        store.close()
    return [(r[0], r[1], r[2]) for r in rows]


def sms_by_event(db: str) -> dict[str, dict[str, int]]:
    """event -> state -> rows of the SMS outbox (`notifications`, the outbox's contract)."""
    from central.store import open_store

    store = open_store(db)
    try:
        with store._snapshot() as c:
            rows = c.execute(
                "SELECT event, state, count(*) FROM notifications GROUP BY event, state"
            ).fetchall()
    finally:
        store.close()
    out: dict[str, dict[str, int]] = {}
    for event, state, n in rows:
        out.setdefault(event, {})[state] = n
    return out


def sms_agree(by_event: dict[str, dict[str, int]], gateway_messages: int) -> bool:
    """The outbox says sent exactly as many as the gateway accepted (one message per event)."""
    return sum(states.get("sent", 0) for states in by_event.values()) == gateway_messages
