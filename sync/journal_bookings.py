"""A booking's life in the journal: queued, claimed by a sender, then confirmed or settled.

The writes the booking service and the replay make on the `bookings` table, each in one
`BEGIN IMMEDIATE` so that two senders (threads or processes) never both take the same row, and
the `Entry` they are read back as. A mixin of `sync.journal.SqliteJournal`: it relies on the
core's `_immediate`, `_read`, `_event` and `_clock`, and on the seat-lease mixin's
`_acknowledge_seat` (sync/journal_leases.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from kiosk.booking.errors import AlreadyQueued, JournalError
from kiosk.booking.ports import JournalRecord
from sync import journal_privacy
from sync.crash import crash_point
from sync.journal_owner import OWNER, owner_alive
from sync.journal_schema import iso


@dataclass(frozen=True)
class Entry:
    """A journal row as the technician and the replay see it (never personal data)."""

    seq: int
    booking_id: str
    state: str
    finalized_at: str
    created_utc: str
    updated_utc: str
    attempts: int
    next_attempt_utc: str
    site_id: str
    slot_id: str
    slot_date: str
    slot_start: str
    slot_end: str
    #: The slow keyed hash of the citizen ID; None once purged (sync/journal_privacy.py).
    cid_key: str | None
    reference: str | None
    central_status: str | None
    outcome_code: str | None
    outcome_detail: str | None
    outcome_extra: dict[str, Any]
    last_error: str | None
    acknowledged: bool
    slip: dict[str, Any]
    #: The sealed request body; {} once the central has answered (only the replay needs it).
    sealed: dict[str, Any]
    #: A booking confirmed at the terminal from a seat lease: the lease, the slip's QR text
    #: (kiosk.leases.SlipCode; no personal data) and who confirmed it ('central'|'terminal').
    lease_id: str | None = None
    slip_code: str | None = None
    confirmed_by: str | None = None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Entry:
        return cls(
            seq=row["seq"],
            booking_id=row["booking_id"],
            state=row["state"],
            finalized_at=row["finalized_at"],
            created_utc=row["created_utc"],
            updated_utc=row["updated_utc"],
            attempts=row["attempts"],
            next_attempt_utc=row["next_attempt_utc"],
            site_id=row["site_id"],
            slot_id=row["slot_id"],
            slot_date=row["slot_date"],
            slot_start=row["slot_start"],
            slot_end=row["slot_end"],
            cid_key=row["cid_key"],
            reference=row["reference"],
            central_status=row["central_status"],
            outcome_code=row["outcome_code"],
            outcome_detail=row["outcome_detail"],
            outcome_extra=json.loads(row["outcome_extra"] or "{}"),
            last_error=row["last_error"],
            acknowledged=bool(row["acknowledged"]),
            slip=json.loads(row["slip"]),
            sealed=json.loads(row["sealed"] or "{}"),
            lease_id=row["lease_id"],
            slip_code=row["slip_code"],
            confirmed_by=row["confirmed_by"],
        )


class BookingsMixin:
    """The port used by the booking service, and the replay's claim / confirm / settle /
    release of one row."""

    def queued_for(self, cid_key: str) -> str | None:
        rows = self._read(
            "SELECT booking_id FROM bookings WHERE cid_key = ? AND state IN "
            "('queued', 'sending', 'confirmed-offline') ORDER BY seq LIMIT 1",
            (cid_key,),
        )
        return rows[0]["booking_id"] if rows else None

    def add(self, record: JournalRecord) -> None:
        """Insert and commit. Two processes racing to queue one citizen twice: one wins, the
        other gets AlreadyQueued (the partial unique index decides, not a read-then-write)."""
        now = iso(self._clock())
        try:
            self._insert(record, now)
        except JournalError as exc:
            if "one_pending_per_citizen" in exc.en or "cid_key" in exc.en:
                raise AlreadyQueued(self.queued_for(record.cid_key) or "?") from None
            raise
        crash_point("after-journal-commit")

    def _insert(self, record: JournalRecord, now: str) -> None:
        with self._immediate() as conn:
            conn.execute(
                "INSERT INTO bookings (booking_id, state, finalized_at, created_utc, updated_utc,"
                " next_attempt_utc, site_id, slot_id, slot_date, slot_start, slot_end,"
                " cid_key, slip, sealed)"
                " VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    record.booking_id,
                    record.finalized_at.isoformat(timespec="seconds"),
                    now,
                    now,
                    now,
                    record.site_id,
                    record.slot_id,
                    record.slot_date,
                    record.slot_start,
                    record.slot_end,
                    record.cid_key,
                    json.dumps(dict(record.slip), ensure_ascii=False),
                    json.dumps(dict(record.sealed)),
                ),
            )
            self._event(conn, record.booking_id, "queued")
            crash_point("before-journal-commit")

    def claim(self, booking_id: str, lease_seconds: float) -> bool:
        """queued or confirmed-offline (or sending under a lapsed claim, or a dead owner's)
        -> sending, for us."""
        now = self._clock()
        dead = self._dead_owner(booking_id)
        with self._immediate() as conn:
            cur = conn.execute(
                "UPDATE bookings SET state = 'sending', attempts = attempts + 1, "
                "lease_until_utc = ?, lease_owner = ?, updated_utc = ? WHERE booking_id = ? AND "
                "(state IN ('queued', 'confirmed-offline') OR (state = 'sending' AND "
                "(lease_until_utc < ? OR lease_owner = ?)))",
                (
                    iso(now + timedelta(seconds=lease_seconds)),
                    OWNER,
                    iso(now),
                    booking_id,
                    iso(now),
                    dead,
                ),
            )
            if cur.rowcount:
                self._event(conn, booking_id, "sending")
            return cur.rowcount == 1

    def _dead_owner(self, booking_id: str) -> str | None:
        """The owner of this booking's lease if that process is known to be gone."""
        rows = self._read(
            "SELECT lease_owner FROM bookings WHERE booking_id = ? AND state = 'sending'",
            (booking_id,),
        )
        owner = rows[0]["lease_owner"] if rows else None
        return owner if owner and owner != OWNER and not owner_alive(owner) else None

    def confirm(self, booking_id: str, reference: str, central_status: str) -> None:
        """-> confirmed. A lease-backed booking keeps `confirmed_by='terminal'` (the customer
        was told at the terminal) and its seat is marked acknowledged by the central. The sealed
        body goes now (only the replay needed it); the hash after CONFIRMED_RETENTION."""
        now = self._clock()
        keep_until = iso(now + journal_privacy.CONFIRMED_RETENTION)
        with self._immediate() as conn:
            cur = conn.execute(
                "UPDATE bookings SET state = 'confirmed', reference = ?, central_status = ?, "
                "confirmed_by = COALESCE(confirmed_by, 'central'), sealed = NULL, "
                "purge_after_utc = ?, "
                "lease_until_utc = NULL, last_error = NULL, updated_utc = ? WHERE booking_id = ? "
                "AND state IN ('queued', 'sending', 'confirmed-offline')",
                (reference, central_status, keep_until, iso(now), booking_id),
            )
            if cur.rowcount:  # the history records what happened, nothing else
                self._acknowledge_seat(conn, booking_id)
                self._event(conn, booking_id, "confirmed", central_status)
            crash_point("before-confirm-commit")
        crash_point("after-confirm-commit")

    def settle(
        self,
        booking_id: str,
        state: str,
        code: str,
        detail: str,
        extra: Mapping[str, Any],
        *,
        seen: bool = False,
        keep_reference: bool = False,
    ) -> None:
        """-> rejected or conflict. `seen`: the customer was told at the counter (no notice
        is owed at the next visit).

        A lease-backed booking (confirmed at the terminal) keeps its slip's reference in the
        extra as `lease_reference`, so the notice at the next card read can name both the slip
        the customer holds and the booking that stands (`reference`, e.g. the winner of an
        already-booked conflict). `keep_reference`: the row's reference is not replaced.

        The sealed body goes now; the hash too when the customer has `seen` the refusal, else
        when the notice is acknowledged (at most NOTICE_RETENTION)."""
        if state not in ("rejected", "conflict"):
            raise ValueError(state)
        extra = dict(extra)
        reference = None if keep_reference else extra.get("reference")
        with self._immediate() as conn:
            row = conn.execute(
                "SELECT lease_id, reference FROM bookings WHERE booking_id = ?", (booking_id,)
            ).fetchone()
            if row is not None and row[0] is not None:
                extra.setdefault("lease_id", row[0])
                extra.setdefault("lease_reference", row[1])
            cur = conn.execute(
                "UPDATE bookings SET state = ?, outcome_code = ?, outcome_detail = ?, "
                "outcome_extra = ?, reference = COALESCE(?, reference), lease_until_utc = NULL, "
                "acknowledged = ?, sealed = NULL, "
                "cid_key = CASE WHEN ? THEN NULL ELSE cid_key END, purge_after_utc = ?, "
                "updated_utc = ? WHERE booking_id = ? "
                "AND state IN ('queued', 'sending', 'confirmed-offline')",
                (
                    state,
                    code,
                    detail,
                    json.dumps(extra, ensure_ascii=False),
                    reference,
                    int(seen),
                    int(seen),
                    iso(self._clock() + journal_privacy.NOTICE_RETENTION),
                    iso(self._clock()),
                    booking_id,
                ),
            )
            if cur.rowcount:
                self._acknowledge_seat(conn, booking_id)
                self._event(conn, booking_id, state, code)
                if seen:  # its hash is gone: wipe it from the -wal too, at the next purge
                    journal_privacy.owe_wipe(conn, iso(self._clock()))

    def release(self, booking_id: str, error: str, retry_in: float) -> None:
        """sending -> queued, or back to confirmed-offline for a lease-backed booking (its seat
        is spent and its customer holds a confirmed slip: it never becomes a plain request)."""
        now = self._clock()
        with self._immediate() as conn:
            cur = conn.execute(
                "UPDATE bookings SET state = CASE WHEN lease_id IS NULL THEN 'queued' "
                "ELSE 'confirmed-offline' END, lease_until_utc = NULL, last_error = ?, "
                "next_attempt_utc = ?, updated_utc = ? WHERE booking_id = ? AND state = 'sending'",
                (error, iso(now + timedelta(seconds=retry_in)), iso(now), booking_id),
            )
            if cur.rowcount:
                state = conn.execute(
                    "SELECT state FROM bookings WHERE booking_id = ?", (booking_id,)
                ).fetchone()[0]
                self._event(conn, booking_id, state, error)
