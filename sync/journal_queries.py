"""What the replay, the technician and the doctor read from the journal (and the few
housekeeping writes they make: "sync now", acknowledging a notice, purging old hashes).

A mixin of `sync.journal.SqliteJournal`: it relies on the core's `_immediate`, `_read`, `_clock`
and `db`. Reads never return personal data (an `Entry` holds the keyed hash at most).
"""

from __future__ import annotations

from typing import Any

from sync import journal_privacy
from sync.journal_bookings import Entry
from sync.journal_owner import OWNER, owner_alive
from sync.journal_schema import STATES, iso


class QueriesMixin:
    """The replay's due list, the technician's views, the purge and the integrity check."""

    def retry_now(self) -> int:
        """Make every queued booking due at once (a technician's "sync now")."""
        with self._immediate() as conn:
            return conn.execute(
                "UPDATE bookings SET next_attempt_utc = ? "
                "WHERE state IN ('queued', 'confirmed-offline')",
                (iso(self._clock()),),
            ).rowcount

    def due(self, limit: int = 100) -> list[Entry]:
        """Bookings to send now: lease-backed ones first (their seats are held at the central
        only until they arrive), then the others, each oldest first. Due: queued or
        confirmed-offline and due, or sending with a lapsed claim or a dead owner (a crash)."""
        now = iso(self._clock())
        rows = self._read(
            "SELECT * FROM bookings WHERE (state IN ('queued', 'confirmed-offline') AND "
            "next_attempt_utc <= ?) OR state = 'sending' ORDER BY lease_id IS NULL, seq LIMIT ?",
            (now, limit),
        )
        return [
            Entry.from_row(r)
            for r in rows
            if r["state"] != "sending"
            or r["lease_until_utc"] < now
            or (r["lease_owner"] not in (None, OWNER) and not owner_alive(r["lease_owner"]))
        ]

    def next_due_utc(self) -> str | None:
        rows = self._read(
            "SELECT MIN(next_attempt_utc) AS t FROM bookings "
            "WHERE state IN ('queued', 'confirmed-offline')"
        )
        return rows[0]["t"] if rows else None

    def get(self, booking_id: str) -> Entry | None:
        rows = self._read("SELECT * FROM bookings WHERE booking_id = ?", (booking_id,))
        return Entry.from_row(rows[0]) if rows else None

    def entries(self, limit: int = 1000, states: tuple[str, ...] = STATES) -> list[Entry]:
        marks = ",".join("?" * len(states))
        rows = self._read(
            f"SELECT * FROM bookings WHERE state IN ({marks}) ORDER BY seq DESC "  # noqa: S608
            "LIMIT ?",
            (*states, limit),
        )
        return [Entry.from_row(r) for r in rows]

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATES, 0)
        for row in self._read("SELECT state, COUNT(*) AS n FROM bookings GROUP BY state"):
            out[row["state"]] = row["n"]
        return out

    def oldest_pending(self) -> Entry | None:
        rows = self._read(
            "SELECT * FROM bookings WHERE state IN ('queued', 'sending', 'confirmed-offline') "
            "ORDER BY seq LIMIT 1"
        )
        return Entry.from_row(rows[0]) if rows else None

    def for_citizen(self, cid_key: str) -> list[Entry]:
        """Everything this terminal knows of one citizen, newest first (the card is present)."""
        rows = self._read("SELECT * FROM bookings WHERE cid_key = ? ORDER BY seq DESC", (cid_key,))
        return [Entry.from_row(r) for r in rows]

    def acknowledge(self, booking_id: str) -> None:
        """The customer has been shown this rejection or conflict: nothing needs to find it by
        card any more, so its hash goes at once (and from the -wal at the next checkpoint)."""
        with self._immediate() as conn:
            cur = conn.execute(
                "UPDATE bookings SET acknowledged = 1, "
                "cid_key = CASE WHEN state IN ('rejected', 'conflict') THEN NULL ELSE cid_key END "
                "WHERE booking_id = ?",
                (booking_id,),
            )
            if cur.rowcount:
                journal_privacy.owe_wipe(conn, iso(self._clock()))

    def purge(self) -> int:
        """Forget the hash of every row past its retention, then make sure no old page image
        of a forgotten value survives in the -wal: a TRUNCATE checkpoint, owed in the journal
        itself while another connection's snapshot prevents it, so the next purge of any
        connection retries it. Returns the rows purged. The replay worker calls it every pass;
        opening a journal calls it once."""
        now = iso(self._clock())
        with self._immediate() as conn:
            purged = journal_privacy.purge(conn, now)
            owed = journal_privacy.take_wipe(conn)
        if (purged or owed) and not journal_privacy.checkpoint(self.db.conn):
            with self._immediate() as conn:
                journal_privacy.owe_wipe(conn, now)
        return purged

    def last_event(self, states: tuple[str, ...]) -> dict[str, Any] | None:
        """The newest history row in one of `states` (`at_utc`, `state`, `detail`)."""
        marks = ",".join("?" * len(states))
        rows = self._read(
            f"SELECT at_utc, state, detail FROM events WHERE state IN ({marks}) "  # noqa: S608
            "ORDER BY id DESC LIMIT 1",
            states,
        )
        return rows[0] if rows else None

    def last_error(self) -> dict[str, Any] | None:
        """The newest failed send (a booking put back in the queue with a reason)."""
        rows = self._read(
            "SELECT at_utc, state, detail FROM events WHERE state = 'queued' AND "
            "detail IS NOT NULL ORDER BY id DESC LIMIT 1"
        )
        return rows[0] if rows else None

    def events(self, booking_id: str) -> list[dict[str, Any]]:
        return self._read(
            "SELECT at_utc, state, detail FROM events WHERE booking_id = ? ORDER BY id",
            (booking_id,),
        )

    def integrity(self) -> str:
        rows = self._read("PRAGMA integrity_check")
        return ", ".join(str(next(iter(r.values()))) for r in rows)
