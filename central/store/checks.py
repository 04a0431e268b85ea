"""Figures that must agree if the invariants held: for the benches, the tests and operators."""

from __future__ import annotations

from central.store.connection import Connections


class ChecksStore(Connections):
    def capacity_report(self) -> dict[str, int]:
        """Figures that must agree if no slot was ever overbooked (bench and tests)."""
        c = self._conn()
        overbooked = c.execute("SELECT count(*) FROM slots WHERE booked > capacity").fetchone()[0]
        mismatched = c.execute(
            "SELECT count(*) FROM slots s WHERE s.booked != (SELECT count(*) FROM bookings b "
            "WHERE b.slot_id = s.slot_id AND b.status != 'cancelled')"
        ).fetchone()[0]
        over_active = c.execute(
            "SELECT count(*) FROM (SELECT b.slot_id, count(*) AS n, s.capacity FROM bookings b "
            "JOIN slots s ON s.slot_id = b.slot_id WHERE b.status != 'cancelled' "
            "GROUP BY b.slot_id HAVING n > s.capacity)"
        ).fetchone()[0]
        doubles = c.execute(
            "SELECT count(*) FROM (SELECT citizen_key FROM bookings WHERE status != 'cancelled' "
            "GROUP BY citizen_key HAVING count(*) > 1)"
        ).fetchone()[0]
        active = c.execute("SELECT count(*) FROM bookings WHERE status != 'cancelled'").fetchone()[
            0
        ]
        return {
            "active_bookings": active,
            "overbooked_slots": overbooked + over_active,
            "counter_mismatches": mismatched,
            "citizens_with_two_active": doubles,
        }
