"""What the soak reads back (bench/soak.py): the journal's and the central's rows before and
after a trial, which phase a kill that came from a timer hit (read from those rows, after the
fact, as a Jepsen-style history is checked), SQLite's integrity check, and the invariants at
the end.

Every read is a plain SQLite connection to the files the processes write (WAL: a reader never
blocks a writer), so the checks see what is on disk, not what a process believed.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PENDING = ("queued", "sending", "confirmed-offline")

#: The named crash points (sync/crash.py, central/crash.py) and the phase each one is in.
PHASE_OF_POINT = {
    "before-journal-commit": "1 journal commit: before",
    "after-journal-commit": "2 journal commit: after, before sending",
    "after-claim": "2 journal commit: after, before sending",
    "before-request": "2 journal commit: after, before sending",
    "after-seat-spent": "3 lease spend: before commit",
    "before-offline-commit": "3 lease spend: before commit",
    "after-offline-commit": "3 lease spend: after commit",
    "central-before-commit": "4 central commit: before (central killed)",
    "central-after-commit": "4 central commit: after, before its reply (central killed)",
    "after-reply": "5 reply: received, not recorded",
    "after-send": "5 reply: received, not recorded",
    "before-confirm-commit": "5 reply: recording, before commit",
    "after-confirm-commit": "5 reply: recorded, before it was printed",
}


def _connect(path: Path) -> sqlite3.Connection:
    """Read-only: a read-write connection that closes last checkpoints the WAL and deletes it,
    so the harness itself would recover every crash before the next kiosk process could (and
    the audit would never see a WAL). A read-only one leaves the files as the kill left them."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60)
    conn.execute("PRAGMA busy_timeout = 60000")
    return conn


def integrity(path: Path) -> str:
    if not path.exists():
        return "ok"  # not made yet (the first trial killed before the journal was opened)
    with contextlib.closing(_connect(path)) as db:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])


@dataclass
class Snapshot:
    journal: dict[str, str] = field(default_factory=dict)  # booking_id -> state
    central: set[str] = field(default_factory=set)  # booking ids the central holds


def snapshot(journal: Path, central: Path) -> Snapshot:
    snap = Snapshot()
    if journal.exists():
        with contextlib.closing(_connect(journal)) as db:
            snap.journal = dict(db.execute("SELECT booking_id, state FROM bookings"))
    with contextlib.closing(_connect(central)) as db:
        snap.central = {r[0] for r in db.execute("SELECT booking_id FROM bookings")}
    return snap


def timer_phase(kind: str, before: Snapshot, after: Snapshot, printed: bool) -> str:
    """Where a SIGKILL sent at a random moment landed, judged from the rows it left."""
    if kind == "book":
        new = [b for b in after.journal if b not in before.journal]
        if not new:
            return "1 journal commit: before (timer)"
        (booking,) = new
        state, held = after.journal[booking], booking in after.central
        if printed:
            return "5 reply: after the answer was printed (timer)"
        if state in ("queued", "sending") and held:
            return "4 central commit: after, reply not recorded (timer)"
        if state == "sending":
            return "4 central commit: request in flight, before it (timer)"
        if state == "queued":
            return "2 journal commit: after, before sending (timer)"
        if state == "confirmed-offline":
            return "3 lease spend: after commit (timer)"
        return "5 reply: recorded, before it was printed (timer)"
    sending = [b for b, s in after.journal.items() if s == "sending"]
    if any(b in after.central for b in sending):
        return "4 central commit: after, reply not recorded (sync, timer)"
    if sending:
        return "4 central commit: request in flight, before it (sync, timer)"
    moved = [b for b, s in after.journal.items() if before.journal.get(b) != s]
    if moved:
        return "5 reply: recorded, between two bookings (sync, timer)"
    return "0 start, cache and lease refresh (sync, timer)"


@dataclass
class Verdict:
    reported: int = 0
    at_central_once: int = 0
    still_queued: int = 0
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    reference_mismatch: list[str] = field(default_factory=list)
    two_active: int = 0
    overbooked: int = 0
    seat_count_mismatch: int = 0
    journal_not_settled: int = 0
    journal_confirmed_not_at_central: int = 0
    journal_states: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not (
            self.lost
            or self.duplicated
            or self.reference_mismatch
            or self.two_active
            or self.overbooked
            or self.seat_count_mismatch
            or self.journal_confirmed_not_at_central
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "reported": self.reported,
            "at_central_once": self.at_central_once,
            "still_queued": self.still_queued,
            "lost": len(self.lost),
            "duplicated": len(self.duplicated),
            "reference_mismatch": len(self.reference_mismatch),
            "citizens_with_two_active": self.two_active,
            "overbooked_slots": self.overbooked,
            "slots_whose_count_differs_from_bookings": self.seat_count_mismatch,
            "journal_pending_after_final_sync": self.journal_not_settled,
            "journal_confirmed_not_at_central": self.journal_confirmed_not_at_central,
            "journal_states": self.journal_states,
        }


def final_check(journal: Path, central: Path, reported: dict[str, dict[str, Any]]) -> Verdict:
    """The end state against every answer a `kiosk book` printed (`reported`: booking id ->
    its JSON, status confirmed or queued)."""
    v = Verdict(reported=len(reported))
    with contextlib.closing(_connect(journal)) as db:
        states = dict(db.execute("SELECT booking_id, state FROM bookings"))
    v.journal_states = dict(Counter(states.values()))
    v.journal_not_settled = sum(1 for s in states.values() if s in PENDING)
    with contextlib.closing(_connect(central)) as db:
        rows = db.execute(
            "SELECT booking_id, reference, citizen_key, status FROM bookings"
        ).fetchall()
        per_id = Counter(r[0] for r in rows)
        reference = {r[0]: r[1] for r in rows}
        per_citizen = Counter(r[2] for r in rows)  # every soak citizen books once, ever
        v.two_active = db.execute(
            "SELECT COUNT(*) FROM (SELECT citizen_key FROM bookings WHERE status != 'cancelled' "
            "GROUP BY citizen_key HAVING COUNT(*) > 1)"
        ).fetchone()[0]
        v.overbooked = db.execute("SELECT COUNT(*) FROM slots WHERE booked > capacity").fetchone()[
            0
        ]
        v.seat_count_mismatch = db.execute(
            "SELECT COUNT(*) FROM slots s WHERE s.booked != (SELECT COUNT(*) FROM bookings b "
            "WHERE b.slot_id = s.slot_id AND b.status != 'cancelled')"
        ).fetchone()[0]
    citizen_of = {r[0]: r[2] for r in rows}
    v.duplicated = [b for b, n in per_id.items() if n > 1] + [
        b for b, c in citizen_of.items() if per_citizen[c] > 1
    ]
    for booking_id, said in reported.items():
        if per_id.get(booking_id) == 1:
            v.at_central_once += 1
            if said["status"] == "confirmed" and said.get("reference") != reference[booking_id]:
                v.reference_mismatch.append(booking_id)
        elif states.get(booking_id) in PENDING:
            v.still_queued += 1
        else:
            v.lost.append(booking_id)
    v.journal_confirmed_not_at_central = sum(
        1 for b, s in states.items() if s == "confirmed" and per_id.get(b) != 1
    )
    return v
