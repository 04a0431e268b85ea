"""The central's schema as numbered migrations, applied in order and recorded in the database.

Version 1 is the schema the central shipped with before migrations existed. Each later version
changes a database in place (existing bookings stay where they are). Rules that keep this safe:

- Each migration runs in its own transaction together with the row that records it in
  `schema_migrations`, so a crash leaves a database at version n or n+1, never between.
- The version is read under the write lock (`BEGIN IMMEDIATE`), so two processes opening a new
  database at once cannot both apply migration 1: the second waits, then sees it applied.
- A migration is a list of plain statements (no `executescript`, which commits on its own). The
  SAME numbered list serves SQLite and PostgreSQL: each migration has its SQLite statements and
  its PostgreSQL statements, derived from them (`to_postgres`: no `STRICT`) except where the
  dialect differs, where they are written out (`Migration.postgres`). Stored representations are
  the same on both: dates and instants are ISO 8601 TEXT (the code compares them as strings),
  flags INTEGER 0/1, JSON as TEXT.
- On PostgreSQL the version is read under `pg_advisory_xact_lock` (the same one lock for every
  process), so two processes migrating at once cannot race either.
- A database from before this module (tables present, `meta.schema_version` = 1, no
  `schema_migrations`) is recognised as version 1 and only the later steps run.
- A database from a newer central (a version above the last one here) is refused, not "fixed".

`meta.schema_version` is kept equal to the latest applied version so an older central, which
only knew that key, refuses a database it no longer understands instead of writing to it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from central.errors import StoreError
from central.sealed_fields import FieldSealer
from central.store.migration_fleet_reads import V8_FLEET_READS, pg_v8
from central.store.migration_sealed_fields import seal_clear_rows
from central.store.migrations_console import V6_CONSOLE, postgres_v6
from kiosk.dates import BANGKOK


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    #: The SQLite statements.
    statements: Sequence[str]
    #: The PostgreSQL statements; None: `to_postgres` of each SQLite statement.
    postgres: Sequence[str] | None = None
    #: Python run after the statements, in the same transaction: (connection, the central's
    #: field sealer or None, the placeholder `?` or `%s`).
    python: Callable[[Any, FieldSealer | None, str], Any] | None = None

    def postgres_statements(self) -> list[str]:
        if self.postgres is not None:
            return list(self.postgres)
        return [to_postgres(s) for s in self.statements]


def to_postgres(statement: str) -> str:
    """A SQLite statement as PostgreSQL takes it: PostgreSQL's columns are strictly typed
    already, so `STRICT` goes; everything else in these migrations is common SQL."""
    body = statement.rstrip()
    return body.removesuffix(" STRICT")


V1_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT""",
    """CREATE TABLE IF NOT EXISTS channel_hours (
    channel TEXT PRIMARY KEY,
    opens TEXT NOT NULL,
    closes TEXT NOT NULL,
    valid_from TEXT NOT NULL
) STRICT""",
    """CREATE TABLE IF NOT EXISTS occupations (
    code TEXT PRIMARY KEY,
    label_th TEXT NOT NULL,
    label_en TEXT NOT NULL,
    free_text INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL
) STRICT""",
    """CREATE TABLE IF NOT EXISTS sites (
    site_id TEXT PRIMARY KEY,
    name_th TEXT NOT NULL,
    name_en TEXT NOT NULL,
    address_th TEXT NOT NULL,
    address_en TEXT NOT NULL,
    district_th TEXT NOT NULL,
    district_en TEXT NOT NULL,
    position INTEGER NOT NULL
) STRICT""",
    """CREATE TABLE IF NOT EXISTS slots (
    slot_id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL REFERENCES sites(site_id),
    date TEXT NOT NULL,
    start TEXT NOT NULL,
    end TEXT NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity >= 0),
    booked INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity)
) STRICT""",
    "CREATE INDEX IF NOT EXISTS slots_by_site_date ON slots(site_id, date, start)",
    "CREATE INDEX IF NOT EXISTS slots_by_date ON slots(date, start)",
    """CREATE TABLE IF NOT EXISTS bookings (
    booking_id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    citizen_key TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('confirmed', 'pending-verification', 'cancelled')),
    slot_id TEXT NOT NULL REFERENCES slots(slot_id),
    channel TEXT NOT NULL,
    terminal_id TEXT NOT NULL,
    masked_cid TEXT NOT NULL,
    card_json TEXT NOT NULL,
    phone TEXT NOT NULL,
    occupation_code TEXT NOT NULL,
    occupation_other TEXT,
    answers_json TEXT NOT NULL,
    claimed_decision_json TEXT NOT NULL,
    decision_json TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    confirmed_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    cancel_reason TEXT,
    version INTEGER NOT NULL DEFAULT 1
) STRICT""",
    """CREATE UNIQUE INDEX IF NOT EXISTS bookings_one_active_per_citizen
    ON bookings(citizen_key) WHERE status != 'cancelled'""",
    "CREATE INDEX IF NOT EXISTS bookings_by_citizen ON bookings(citizen_key)",
    """CREATE INDEX IF NOT EXISTS bookings_pending ON bookings(status)
    WHERE status = 'pending-verification'""",
    """CREATE TABLE IF NOT EXISTS registry (
    citizen_key TEXT PRIMARY KEY,
    programme TEXT NOT NULL
) STRICT""",
    """CREATE TABLE IF NOT EXISTS terminals (
    terminal_id TEXT PRIMARY KEY,
    store TEXT NOT NULL,
    channel TEXT NOT NULL DEFAULT 'kiosk',
    token_hash TEXT UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
) STRICT""",
    """CREATE TABLE IF NOT EXISTS enrolment_codes (
    code_hash TEXT PRIMARY KEY,
    store TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    used_by TEXT
) STRICT""",
    # The default channel hours of a new database (DESIGN §1: store 09:00-18:00, web and app
    # 09:00-22:00 from 28 May 2021); `kiosk-central hours` changes them.
    """INSERT INTO channel_hours(channel, opens, closes, valid_from) VALUES
    ('kiosk', '09:00', '18:00', '2021-05-28'),
    ('web', '09:00', '22:00', '2021-05-28'),
    ('app', '09:00', '22:00', '2021-05-28')
    ON CONFLICT(channel) DO NOTHING""",
)

# Seat leases (DESIGN §11, docs/leases.md). `slots.held` counts the seats of leases not yet
# turned into bookings or given back; the CHECK makes booked + held <= capacity a property of the
# database, whatever the concurrency. `terminals.lease_seats` is the same count per terminal, so
# the per-terminal limit is a conditional UPDATE too. Every reference ever handed out, to a
# booking or to a lease seat, is a row of `issued_references`: one primary key makes references
# unique across both. A lease seat names at most one booking id (`lease_seats.booking_id`
# UNIQUE, set once). `terminal_keys` keeps every key a terminal registered, so slips signed with
# a replaced key still verify.
V2_LEASES = (
    """ALTER TABLE slots ADD COLUMN held INTEGER NOT NULL DEFAULT 0
    CHECK (held >= 0 AND booked + held <= capacity)""",
    """ALTER TABLE terminals ADD COLUMN lease_seats INTEGER NOT NULL DEFAULT 0
    CHECK (lease_seats >= 0)""",
    """CREATE TABLE issued_references (
    reference TEXT PRIMARY KEY,
    source TEXT NOT NULL CHECK (source IN ('booking', 'lease')),
    issued_at TEXT NOT NULL
) STRICT""",
    """INSERT INTO issued_references(reference, source, issued_at)
    SELECT reference, 'booking', created_at FROM bookings""",
    """CREATE TABLE leases (
    lease_id TEXT PRIMARY KEY,
    terminal_id TEXT NOT NULL REFERENCES terminals(terminal_id),
    slot_id TEXT NOT NULL REFERENCES slots(slot_id),
    seats INTEGER NOT NULL CHECK (seats >= 1),
    granted_at TEXT NOT NULL,
    use_until TEXT NOT NULL CHECK (use_until > granted_at),
    settled_at TEXT,
    envelope_json TEXT NOT NULL
) STRICT""",
    "CREATE INDEX leases_active ON leases(terminal_id) WHERE settled_at IS NULL",
    "CREATE INDEX leases_by_slot ON leases(slot_id)",
    """CREATE TABLE lease_seats (
    reference TEXT PRIMARY KEY REFERENCES issued_references(reference),
    lease_id TEXT NOT NULL REFERENCES leases(lease_id),
    slot_id TEXT NOT NULL REFERENCES slots(slot_id),
    terminal_id TEXT NOT NULL REFERENCES terminals(terminal_id),
    state TEXT NOT NULL DEFAULT 'held'
        CHECK (state IN ('held', 'spent', 'booked', 'released')),
    booking_id TEXT UNIQUE,
    changed_at TEXT NOT NULL,
    released_why TEXT
) STRICT""",
    "CREATE INDEX lease_seats_by_lease ON lease_seats(lease_id)",
    """CREATE INDEX lease_seats_holding ON lease_seats(slot_id, terminal_id)
    WHERE state IN ('held', 'spent')""",
    """CREATE TABLE terminal_keys (
    terminal_id TEXT NOT NULL REFERENCES terminals(terminal_id),
    key_id TEXT NOT NULL,
    public_key TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    replaced_at TEXT,
    PRIMARY KEY (terminal_id, key_id)
) STRICT""",
    """CREATE UNIQUE INDEX terminal_keys_one_current ON terminal_keys(terminal_id)
    WHERE replaced_at IS NULL""",
)


def _pg_v1() -> tuple[str, ...]:
    # `end` is a reserved word in PostgreSQL: the column is quoted (SQLite takes "end" too, and
    # the code writes it quoted wherever it names it outside a qualified `s.end`).
    out = []
    for statement in V1_SCHEMA:
        pg = statement
        if statement.startswith("CREATE TABLE IF NOT EXISTS slots ("):
            pg = statement.replace("    end TEXT NOT NULL,", '    "end" TEXT NOT NULL,')
            assert '"end"' in pg
        out.append(to_postgres(pg))
    return tuple(out)


def _pg_v2() -> tuple[str, ...]:
    # PostgreSQL wants a CHECK over two columns as a table constraint, not on the new column.
    out = []
    for statement in V2_LEASES:
        if statement.startswith("ALTER TABLE slots ADD COLUMN held"):
            out.append("ALTER TABLE slots ADD COLUMN held INTEGER NOT NULL DEFAULT 0")
            out.append(
                "ALTER TABLE slots ADD CONSTRAINT slots_held_within_capacity "
                "CHECK (held >= 0 AND booked + held <= capacity)"
            )
        else:
            out.append(to_postgres(statement))
    return tuple(out)


# Booking requests being processed now, by idempotency key, so a retry that reaches another
# server process while the first attempt is in progress gets 409 request-in-flight (`serve
# --workers`, PostgreSQL). `expires_at` (UTC ISO 8601, wall clock) lets a key that a killed
# process left behind be claimed again instead of answering 409 for ever.
V3_IN_FLIGHT = (
    """CREATE TABLE requests_in_flight (
    idempotency_key TEXT PRIMARY KEY,
    expires_at TEXT NOT NULL
) STRICT""",
)

# The SMS outbox (DESIGN §12, central/notify/): one row per event a customer must hear about,
# written in the transaction of the change itself. `event_id` UNIQUE makes a retried request
# write nothing more; `claimed_until` lets a sender that died while sending be taken over.
# `reference` is NULL for a queued booking the central refused (it never had one).
V4_NOTIFICATIONS = (
    """CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL UNIQUE,
    reference TEXT,
    event TEXT NOT NULL,
    phone TEXT NOT NULL,
    text TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_until TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    last_error TEXT
) STRICT""",
    """CREATE INDEX notifications_due ON notifications(next_attempt_at)
    WHERE state IN ('pending', 'sending')""",
    "CREATE INDEX notifications_by_reference ON notifications(reference)",
)

# Fleet health (DESIGN §13, central/store/health.py): the latest report of each terminal and
# 7 days of history. `online_until` / `stale_until` are the report's own deadlines (received at
# + 2 intervals + 60 s, + 15 min, central/fleet.py) so a list filtered by state is one indexed
# comparison with the reading instant: the state itself is still decided at read time.
# `history_at`: when the terminal's last history row was written (history keeps a report when
# it differs from the latest, or 15 min after the last kept one: not 1,440 rows a day each).
V5_HEALTH = (
    """CREATE TABLE terminal_health (
    terminal_id TEXT PRIMARY KEY,
    received_at TEXT NOT NULL,
    online_until TEXT NOT NULL,
    stale_until TEXT NOT NULL,
    report TEXT NOT NULL,
    history_at TEXT NOT NULL
) STRICT""",
    "CREATE INDEX terminal_health_online ON terminal_health(online_until)",
    """CREATE TABLE terminal_health_history (
    terminal_id TEXT NOT NULL,
    received_at TEXT NOT NULL,
    report TEXT NOT NULL
) STRICT""",
    """CREATE INDEX terminal_health_history_by_terminal
    ON terminal_health_history(terminal_id, received_at)""",
    "CREATE INDEX terminal_health_history_by_time ON terminal_health_history(received_at)",
)

# PostgreSQL: the claims of requests in flight are not written to the WAL. A booking's claim
# was a commit of its own with its WAL flush (one of the booking's two): a claim lives for one
# request, a few milliseconds, and only spares a retry the wait for the first attempt. A crash
# of PostgreSQL empties an unlogged table, which for claims is what a restart means anyway (the
# requests they guarded failed with it; a retry claims again); the booking id's uniqueness, in
# logged tables, still gives every request one effect. SQLite: nothing to do (no WAL flush per
# claim of its own: SQLite claims in the server process, central/service.py).
V7_CLAIMS_UNLOGGED_PG = ("ALTER TABLE requests_in_flight SET UNLOGGED",)

# The console's counts (issue 14, central/store/stats.py): bookings of one day by the instant
# the central received them, with every column the per-hour count reads, so it is answered
# from the index alone (bench/console_stats.py: on 100,000 bookings of one day about half the
# time of a table scan, where an index on created_at alone is not used); and the few slots
# holding lease seats (the leases page reads only those).
V9_STATS_INDEXES = (
    "CREATE INDEX bookings_by_created "
    "ON bookings(created_at, channel, status, booking_id, reference)",
    "CREATE INDEX slots_holding ON slots(date, start) WHERE held > 0",
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", V1_SCHEMA, _pg_v1()),
    Migration(2, "seat leases and terminal keys", V2_LEASES, _pg_v2()),
    Migration(3, "booking requests in flight", V3_IN_FLIGHT),
    Migration(
        4,
        "the SMS outbox",
        V4_NOTIFICATIONS,
        # PostgreSQL: the id is an identity column (SQLite's INTEGER PRIMARY KEY is its rowid)
        [
            to_postgres(V4_NOTIFICATIONS[0]).replace(
                "id INTEGER PRIMARY KEY", "id INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
            ),
            *V4_NOTIFICATIONS[1:],
        ],
    ),
    Migration(5, "fleet health reports", V5_HEALTH),
    Migration(6, "operations console", V6_CONSOLE, postgres_v6()),
    Migration(7, "request claims unlogged", (), V7_CLAIMS_UNLOGGED_PG),
    Migration(8, "stores and the fleet's attention columns", V8_FLEET_READS, pg_v8()),
    Migration(9, "console stats indexes", V9_STATS_INDEXES),
    # Issue 15's audit: the personal data written in clear before, sealed in place.
    Migration(10, "personal data sealed at rest", (), (), seal_clear_rows),
)


LATEST = MIGRATIONS[-1].version
#: The migration that sealed the personal columns (SQLite checkpoints after it).
SEALED_AT_REST = 10

_LEDGER = """CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
) STRICT"""


def next_step(current: int) -> Migration:
    """The migration after version `current`. Versions go up in order; a gap is a number kept
    for another branch's migration (this session: 6 and 7), renumbered when they are merged."""
    return next(m for m in MIGRATIONS if m.version > current)


def _applied(conn: sqlite3.Connection) -> int:
    conn.execute(_LEDGER)
    row = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
    if row[0] is not None:
        return int(row[0])
    # A database made before migrations were recorded: its meta table says which schema it has.
    has_meta = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
    ).fetchone()
    if has_meta is None:
        return 0
    found = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if found is None:
        return 0
    if found[0] != "1":
        raise StoreError(f"the database says schema {found[0]!r} but records no migrations")
    conn.execute(
        "INSERT INTO schema_migrations(version, name, applied_at) VALUES (1, ?, ?)",
        (MIGRATIONS[0].name + " (found)", _stamp()),
    )
    return 1


def _stamp() -> str:
    return datetime.now(tz=BANGKOK).isoformat(timespec="seconds")


def migrate(conn: sqlite3.Connection, path: str, sealer: FieldSealer | None = None) -> int:
    """Bring the database on `conn` (autocommit mode) to LATEST; the version it ends at.
    `sealer`: the central's, for migration 10 (a database with clear rows refuses without)."""
    while True:
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = _applied(conn)
            if current > LATEST:
                raise StoreError(
                    f"{path!r} has schema {current}, this central knows up to {LATEST}; "
                    "run a newer central"
                )
            if current == LATEST:
                conn.execute("COMMIT")
                return current
            step = next_step(current)
            for statement in step.statements:
                conn.execute(statement)
            if step.python is not None:
                step.python(conn, sealer, "?")
            conn.execute(
                "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                (step.version, step.name, _stamp()),
            )
            conn.execute(
                "INSERT INTO meta(key, value) VALUES ('schema_version', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (str(step.version),),
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


#: One advisory lock key for "migrating the central's schema" (any constant; it only has to be
#: the same in every process).
PG_MIGRATION_LOCK = 0x6B696F736B  # "kiosk"


def migrate_postgres(conn: Any, url: str, sealer: FieldSealer | None = None) -> int:
    """Bring the PostgreSQL database on `conn` (a psycopg connection in autocommit mode) to
    LATEST; the version it ends at. Each step in its own transaction under the advisory lock."""
    while True:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (PG_MIGRATION_LOCK,))
            conn.execute(to_postgres(_LEDGER))
            row = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
            current = 0 if row[0] is None else int(row[0])
            if current > LATEST:
                raise StoreError(
                    f"{url!r} has schema {current}, this central knows up to {LATEST}; "
                    "run a newer central"
                )
            if current == LATEST:
                return current
            step = next_step(current)
            for statement in step.postgres_statements():
                conn.execute(statement)
            if step.python is not None:
                step.python(conn, sealer, "%s")
            conn.execute(
                "INSERT INTO schema_migrations(version, name, applied_at) VALUES (%s, %s, %s)",
                (step.version, step.name, _stamp()),
            )
            conn.execute(
                "INSERT INTO meta(key, value) VALUES ('schema_version', %s) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (str(step.version),),
            )
