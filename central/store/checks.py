"""Figures that must agree if the invariants held: for the benches, the tests and operators.

Read in one transaction, so the figures come from one snapshot even while bookings go on. The
SQL is the same for SQLite and PostgreSQL.
"""

from __future__ import annotations

from central.store.connection import Connections

_FIGURES = {
    "active_bookings": "SELECT count(*) FROM bookings WHERE status != 'cancelled'",
    "overbooked_slots": (
        "SELECT (SELECT count(*) FROM slots WHERE booked + held > capacity) + (SELECT count(*) "
        "FROM slots s WHERE s.capacity < (SELECT count(*) FROM bookings b "
        "WHERE b.slot_id = s.slot_id AND b.status != 'cancelled'))"
    ),
    "counter_mismatches": (
        "SELECT count(*) FROM slots s WHERE s.booked != (SELECT count(*) FROM bookings b "
        "WHERE b.slot_id = s.slot_id AND b.status != 'cancelled')"
    ),
    "citizens_with_two_active": (
        "SELECT count(*) FROM (SELECT citizen_key FROM bookings WHERE status != 'cancelled' "
        "GROUP BY citizen_key HAVING count(*) > 1) AS twice"
    ),
    # Leases: the held counters equal a recount of the seats still held ...
    "held_mismatches": (
        "SELECT count(*) FROM slots s WHERE s.held != (SELECT count(*) FROM lease_seats ls "
        "WHERE ls.slot_id = s.slot_id AND ls.state IN ('held', 'spent'))"
    ),
    "terminal_held_mismatches": (
        "SELECT count(*) FROM terminals t WHERE t.lease_seats != (SELECT count(*) FROM "
        "lease_seats ls WHERE ls.terminal_id = t.terminal_id AND ls.state IN ('held', 'spent'))"
    ),
    # ... a booked lease seat is a booking under its reference, by the booking id that claimed
    # it (the booking may have moved to another slot since) ...
    "lease_seats_booked_wrongly": (
        "SELECT count(*) FROM lease_seats ls WHERE ls.state = 'booked' AND NOT EXISTS (SELECT 1 "
        "FROM bookings b WHERE b.reference = ls.reference AND b.booking_id = ls.booking_id)"
    ),
    # ... and every booking's reference was issued once, to it or to the lease seat it used.
    "references_unissued": (
        "SELECT count(*) FROM bookings b WHERE NOT EXISTS (SELECT 1 FROM issued_references r "
        "WHERE r.reference = b.reference)"
    ),
    "lease_references_misused": (
        "SELECT count(*) FROM bookings b JOIN issued_references r ON r.reference = b.reference "
        "WHERE r.source = 'lease' AND NOT EXISTS (SELECT 1 FROM lease_seats ls "
        "WHERE ls.reference = b.reference AND ls.booking_id = b.booking_id "
        "AND ls.state = 'booked')"
    ),
}


class ChecksStore(Connections):
    def capacity_report(self) -> dict[str, int]:
        """Figures that must agree if no slot was ever overbooked (bench and tests): every one
        but `active_bookings` is 0 when the invariants held."""
        with self._snapshot() as c:
            return {name: c.execute(sql).fetchone()[0] for name, sql in _FIGURES.items()}
