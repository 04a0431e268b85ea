"""The journal's schema: its migrations, the booking states, and the one stored time form.

Kept apart from the code that reads and writes rows so that a schema change is read in one place,
and so that the migration chain (1-4; old files are upgraded one step per transaction by
`SqliteJournal._migrate`) stays visible as a whole. Migration 4 lives in sync/journal_privacy.py
with the rest of the privacy rules it enforces.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sync import journal_privacy

STATES = ("queued", "sending", "confirmed-offline", "confirmed", "rejected", "conflict")
#: Not yet at the central: a confirmed-offline booking is final for the customer, but the central
#: still has to hear of it.
PENDING = ("queued", "sending", "confirmed-offline")

MIGRATIONS: list[str] = [
    # 1: bookings and their history
    """
    CREATE TABLE bookings (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        booking_id TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL CHECK (state IN ('queued','sending','confirmed','rejected','conflict')),
        finalized_at TEXT NOT NULL,
        created_utc TEXT NOT NULL,
        updated_utc TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_utc TEXT NOT NULL,
        lease_until_utc TEXT,
        lease_owner TEXT,
        site_id TEXT NOT NULL,
        slot_id TEXT NOT NULL,
        slot_date TEXT NOT NULL,
        slot_start TEXT NOT NULL,
        slot_end TEXT NOT NULL,
        masked_cid TEXT NOT NULL,
        cid_key TEXT NOT NULL,
        reference TEXT,
        central_status TEXT,
        outcome_code TEXT,
        outcome_detail TEXT,
        outcome_extra TEXT,
        last_error TEXT,
        acknowledged INTEGER NOT NULL DEFAULT 0,
        slip TEXT NOT NULL,
        sealed TEXT NOT NULL
    );
    CREATE INDEX bookings_due ON bookings (state, next_attempt_utc, seq);
    CREATE INDEX bookings_cid ON bookings (cid_key);
    CREATE UNIQUE INDEX bookings_one_pending_per_citizen ON bookings (cid_key)
        WHERE state IN ('queued', 'sending');
    CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        booking_id TEXT NOT NULL,
        at_utc TEXT NOT NULL,
        state TEXT NOT NULL,
        detail TEXT
    );
    """,
    # 2: seat leases (DESIGN §11, docs/leases.md). SQLite cannot alter a CHECK constraint, so the
    # bookings table is rebuilt with the new state and columns, every row and index kept; this
    # runs inside the one migration transaction, so a crash leaves schema 1 or schema 2, never a
    # half. `lease_until_utc`/`lease_owner` stay the sender's claim on a row (an older name);
    # the seat leases live in their own tables.
    """
    CREATE TABLE bookings_v2 (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        booking_id TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL CHECK (state IN
            ('queued','sending','confirmed-offline','confirmed','rejected','conflict')),
        finalized_at TEXT NOT NULL,
        created_utc TEXT NOT NULL,
        updated_utc TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_utc TEXT NOT NULL,
        lease_until_utc TEXT,
        lease_owner TEXT,
        site_id TEXT NOT NULL,
        slot_id TEXT NOT NULL,
        slot_date TEXT NOT NULL,
        slot_start TEXT NOT NULL,
        slot_end TEXT NOT NULL,
        masked_cid TEXT NOT NULL,
        cid_key TEXT NOT NULL,
        reference TEXT,
        central_status TEXT,
        outcome_code TEXT,
        outcome_detail TEXT,
        outcome_extra TEXT,
        last_error TEXT,
        acknowledged INTEGER NOT NULL DEFAULT 0,
        slip TEXT NOT NULL,
        sealed TEXT NOT NULL,
        lease_id TEXT,
        slip_code TEXT,
        confirmed_by TEXT CHECK (confirmed_by IN ('central','terminal'))
    );
    INSERT INTO bookings_v2 (
            seq, booking_id, state, finalized_at, created_utc, updated_utc, attempts,
            next_attempt_utc, lease_until_utc, lease_owner, site_id, slot_id, slot_date,
            slot_start, slot_end, masked_cid, cid_key, reference, central_status, outcome_code,
            outcome_detail, outcome_extra, last_error, acknowledged, slip, sealed, confirmed_by)
        SELECT
            seq, booking_id, state, finalized_at, created_utc, updated_utc, attempts,
            next_attempt_utc, lease_until_utc, lease_owner, site_id, slot_id, slot_date,
            slot_start, slot_end, masked_cid, cid_key, reference, central_status, outcome_code,
            outcome_detail, outcome_extra, last_error, acknowledged, slip, sealed,
            CASE WHEN state = 'confirmed' THEN 'central' END
        FROM bookings;
    DROP TABLE bookings;
    ALTER TABLE bookings_v2 RENAME TO bookings;
    CREATE INDEX bookings_due ON bookings (state, next_attempt_utc, seq);
    CREATE INDEX bookings_cid ON bookings (cid_key);
    CREATE UNIQUE INDEX bookings_one_pending_per_citizen ON bookings (cid_key)
        WHERE state IN ('queued', 'sending', 'confirmed-offline');
    CREATE TABLE leases (
        lease_id TEXT PRIMARY KEY,
        slot_id TEXT NOT NULL,
        site_id TEXT NOT NULL,
        slot_date TEXT NOT NULL,
        slot_start TEXT NOT NULL,
        slot_end TEXT NOT NULL,
        seats INTEGER NOT NULL CHECK (seats > 0),
        granted_at TEXT NOT NULL,
        use_until_utc TEXT NOT NULL,
        envelope TEXT NOT NULL,
        released INTEGER NOT NULL DEFAULT 0,
        stored_utc TEXT NOT NULL
    );
    CREATE INDEX leases_slot ON leases (slot_id, released, use_until_utc);
    CREATE TABLE lease_seats (
        lease_id TEXT NOT NULL REFERENCES leases (lease_id) ON DELETE CASCADE,
        reference TEXT NOT NULL,
        booking_id TEXT UNIQUE,
        spent_utc TEXT,
        acknowledged INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (lease_id, reference),
        CHECK ((booking_id IS NULL) = (spent_utc IS NULL))
    );
    """,
    # 3: the store's own day (DESIGN §14, sync/store_log.py): calls for a clerk, information
    # slips printed, and the clerk's pause. No personal data: times, screens, routes.
    """
    CREATE TABLE staff_calls (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        opened_utc TEXT NOT NULL,
        screen TEXT NOT NULL,
        closed_utc TEXT,
        closed_how TEXT CHECK (closed_how IN ('answered','cancelled','session-ended','restarted')),
        CHECK ((closed_utc IS NULL) = (closed_how IS NULL))
    );
    CREATE INDEX staff_calls_open ON staff_calls (closed_utc);
    CREATE TABLE info_slips (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        printed_utc TEXT NOT NULL,
        route TEXT
    );
    CREATE TABLE terminal_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_utc TEXT NOT NULL
    );
    """,
    # 4: no digit of the citizen ID in the clear, the slow hash, deletion (sync/journal_privacy)
    journal_privacy.MIGRATION_4,
]


def iso(dt: datetime) -> str:
    """UTC with microseconds, fixed width: stored times compare correctly as text."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
