"""What the journal keeps of a citizen, for how long, and the migration that made it so.

docs/journal-privacy.md has the whole account; in short:
- The clear columns hold no digit of the citizen ID. The only trace is `cid_key`, the slow keyed
  hash (kiosk.booking.cid_hash), which finds a customer's pending booking from the card.
- The sealed request body exists only to be replayed: it is deleted when the central has
  answered (confirmed, rejected or conflict).
- A confirmed booking keeps its hash for CONFIRMED_RETENTION, so that while the terminal is
  offline the same customer is shown their booking at this terminal instead of booking again
  (ui/effects.py shows a journal `confirmed` entry when the central cannot be asked); then the
  hash goes and the central's lookup is the only way to find it. A refusal the customer has not
  seen yet keeps its hash until the notice is shown at a card read, at most NOTICE_RETENTION.
- Deleting is not enough with WAL: the old page images stay in the -wal until it is rewritten,
  so a purge that changed anything is followed by a TRUNCATE checkpoint (retried by the next
  purge while another connection holds a snapshot); `secure_delete` zeroes freed bytes in the
  main file.

Migration 4 (schema) drops the masked CID and keeps the old HMAC key and masked form only for
the rows that still need a lookup (pending bookings, unseen refusals), in `legacy_*` columns.
`rehash_legacy` then, given the terminal key (the Terminal opens its journal with it), recovers
each such row's citizen ID exactly as a thief would (the old scheme left ~10^6 candidates,
bench/cid_recovery.py), computes the new hash and clears the legacy columns. The recovery runs
outside any transaction (seconds per distinct masked form); the write is one short transaction.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from kiosk.booking.cid_hash import cid_key
from kiosk.card import cid_space

if TYPE_CHECKING:
    from sync.journal import SqliteJournal

log = logging.getLogger(__name__)

#: How long a confirmed booking stays findable by card at this terminal (offline look-up).
#: A day: the terminal can confirm offline only from a seat lease, and a lease is usable for at
#: most 24 h after its grant (DESIGN §11), so within a day of going offline a second booking of
#: the same person could be *confirmed* here; later ones can only be queued, and the central
#: refuses those (409 already-booked) with a notice at the next card read.
CONFIRMED_RETENTION = timedelta(hours=24)
#: An unseen refusal (rejected, conflict) keeps its hash until the notice is shown, at most this
#: long (the central also tells the customer by SMS).
NOTICE_RETENTION = timedelta(days=14)

# 4: no digit of the citizen ID in the clear (docs/journal-privacy.md). The table is rebuilt
# without masked_cid, with cid_key and sealed nullable (deleted once not needed) and a purge
# time. The old HMAC key and masked form survive, in legacy_*, only for the rows that still need
# a lookup (pending, or a refusal not yet shown), until rehash_legacy replaces them. Old sealed
# bodies of answered bookings go now.
MIGRATION_4 = """
    CREATE TABLE bookings_v4 (
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
        cid_key TEXT,
        reference TEXT,
        central_status TEXT,
        outcome_code TEXT,
        outcome_detail TEXT,
        outcome_extra TEXT,
        last_error TEXT,
        acknowledged INTEGER NOT NULL DEFAULT 0,
        slip TEXT NOT NULL,
        sealed TEXT,
        lease_id TEXT,
        slip_code TEXT,
        confirmed_by TEXT CHECK (confirmed_by IN ('central','terminal')),
        purge_after_utc TEXT,
        legacy_key TEXT,
        legacy_masked TEXT
    );
    INSERT INTO bookings_v4 (
            seq, booking_id, state, finalized_at, created_utc, updated_utc, attempts,
            next_attempt_utc, lease_until_utc, lease_owner, site_id, slot_id, slot_date,
            slot_start, slot_end, cid_key, reference, central_status, outcome_code,
            outcome_detail, outcome_extra, last_error, acknowledged, slip, sealed, lease_id,
            slip_code, confirmed_by, legacy_key, legacy_masked)
        SELECT
            seq, booking_id, state, finalized_at, created_utc, updated_utc, attempts,
            next_attempt_utc, lease_until_utc, lease_owner, site_id, slot_id, slot_date,
            slot_start, slot_end, NULL, reference, central_status, outcome_code,
            outcome_detail, outcome_extra, last_error, acknowledged, slip,
            CASE WHEN state IN ('queued', 'sending', 'confirmed-offline') THEN sealed END,
            lease_id, slip_code, confirmed_by,
            CASE WHEN state IN ('queued', 'sending', 'confirmed-offline') OR
                (state IN ('rejected', 'conflict') AND acknowledged = 0) THEN cid_key END,
            CASE WHEN state IN ('queued', 'sending', 'confirmed-offline') OR
                (state IN ('rejected', 'conflict') AND acknowledged = 0) THEN masked_cid END
        FROM bookings;
    DROP TABLE bookings;
    ALTER TABLE bookings_v4 RENAME TO bookings;
    CREATE INDEX bookings_due ON bookings (state, next_attempt_utc, seq);
    CREATE INDEX bookings_cid ON bookings (cid_key);
    CREATE UNIQUE INDEX bookings_one_pending_per_citizen ON bookings (cid_key)
        WHERE state IN ('queued', 'sending', 'confirmed-offline');
    CREATE INDEX bookings_purge ON bookings (purge_after_utc) WHERE cid_key IS NOT NULL
"""


def purge(conn: sqlite3.Connection, now: str) -> int:
    """Forget the hash (and any sealed body left) of every row past its retention."""
    return conn.execute(
        "UPDATE bookings SET cid_key = NULL, sealed = NULL, purge_after_utc = NULL "
        "WHERE cid_key IS NOT NULL AND purge_after_utc <= ?",
        (now,),
    ).rowcount


#: terminal_state key: a value was forgotten whose old page images may still be in the -wal.
WIPE_OWED = "journal-wipe-owed"


def owe_wipe(conn: sqlite3.Connection, now: str) -> None:
    """Note, in the journal itself, that the -wal must be wiped: the next purge of any
    connection (the replay worker's, every pass) checkpoints it."""
    conn.execute(
        "INSERT INTO terminal_state (key, value, updated_utc) VALUES (?, '1', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = '1', updated_utc = excluded.updated_utc",
        (WIPE_OWED, now),
    )


def take_wipe(conn: sqlite3.Connection) -> bool:
    """Whether a wipe was owed (the note is removed: the caller checkpoints after COMMIT)."""
    return conn.execute("DELETE FROM terminal_state WHERE key = ?", (WIPE_OWED,)).rowcount > 0


def checkpoint(conn: sqlite3.Connection, wait_ms: int = 250) -> bool:
    """Copy the WAL into the file and truncate it, so no old page image survives in the -wal.

    Waits at most `wait_ms` for other connections (a reader's snapshot blocks it); False if it
    could not finish, and the caller tries again at its next purge.
    """
    (before,) = conn.execute("PRAGMA busy_timeout").fetchone()
    conn.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError:
        busy = 1
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(before)}")
    return busy == 0


def recover_cids(secret: bytes, rows: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """booking_id -> citizen ID for (booking_id, old HMAC key, masked form) rows.

    One enumeration per distinct masked form serves every row that shares it, and stops when
    they are all found; the HMAC's keyed state is computed once and copied per candidate.
    """
    by_pattern: dict[str, dict[bytes, list[str]]] = {}
    for booking_id, key, masked in rows:
        try:
            pattern = cid_space.parse(masked)
            wanted = bytes.fromhex(key)
        except ValueError:
            continue
        by_pattern.setdefault(pattern, {}).setdefault(wanted, []).append(booking_id)
    keyed = hmac.new(secret, digestmod=hashlib.sha256)
    found: dict[str, str] = {}
    for pattern, wanted in by_pattern.items():
        left = len(wanted)
        for cid in cid_space.candidates(pattern):
            h = keyed.copy()
            h.update(cid.encode("ascii"))
            ids = wanted.get(h.digest())
            if ids is not None:
                found.update(dict.fromkeys(ids, cid))
                left -= 1
                if not left:
                    break
    return found


def rehash_legacy(journal: SqliteJournal, secret: bytes) -> int:
    """Give every row migration 4 left with an old HMAC key its new slow hash; returns how many.

    A row whose ID cannot be recovered (a key file that is not this journal's) loses its legacy
    columns anyway: it still replays from its sealed body, but is no longer found by card.
    """
    rows = journal.read(
        "SELECT booking_id, state, legacy_key, legacy_masked FROM bookings "
        "WHERE legacy_key IS NOT NULL"
    )
    if not rows:
        return 0
    cids = recover_cids(
        secret, [(r["booking_id"], r["legacy_key"], r["legacy_masked"]) for r in rows]
    )
    keys = {b: cid_key(secret, cid) for b, cid in cids.items()}  # before the write lock
    now = journal.now()
    done = 0
    with journal.transaction() as conn:
        for r in rows:
            key = keys.get(r["booking_id"])
            notice = r["state"] in ("rejected", "conflict")
            purge_after = _iso(now + NOTICE_RETENTION) if notice and key else None
            # OR IGNORE: a pending row for the same citizen written meanwhile by an opener
            # without the key already answers to this card; this row then just drops its legacy
            cur = conn.execute(
                "UPDATE OR IGNORE bookings SET cid_key = ?, purge_after_utc = ?, "
                "legacy_key = NULL, legacy_masked = NULL WHERE booking_id = ? AND legacy_key = ?",
                (key, purge_after, r["booking_id"], r["legacy_key"]),
            )
            if not cur.rowcount:
                conn.execute(
                    "UPDATE bookings SET legacy_key = NULL, legacy_masked = NULL "
                    "WHERE booking_id = ? AND legacy_key = ?",
                    (r["booking_id"], r["legacy_key"]),
                )
            done += cur.rowcount if key else 0
            if key is None:
                log.error(
                    "journal migration: booking %s not re-keyed (the key file does not "
                    "match); it replays but is not found by card",
                    r["booking_id"],
                )
        owe_wipe(conn, _iso(now))  # the old keys and masked forms: out of the -wal too
    journal.purge()
    return done


def _iso(dt: datetime) -> str:
    """The journal's timestamp form (sync.journal), so stored times compare as text."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
