"""Bookings: take a seat and record the booking in one transaction, change, cancel, settle.

The invariants are the database's, not Python's:

- a booking takes its seat with a conditional `UPDATE slots SET booked = booked + 1 WHERE
  slot_id = ? AND booked + held < capacity` inside the transaction that inserts the booking
  (`seats.take_free_seat`: a public booking never takes a seat a terminal's lease holds), and a
  CHECK constraint (`booked + held <= capacity`) refuses anything that gets past it;
- every reference is first a row of `issued_references`, so a booking's reference can never be
  one already handed to a lease seat (or to another booking);
- a partial UNIQUE index on the citizen key over bookings that are not cancelled makes a second
  active booking impossible even if two writers raced past the lookup.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from central import references
from central.crash import crash_point
from central.errors import (
    AlreadyBooked,
    BookingCancelled,
    IdempotencyKeyReused,
    NotFound,
    SlotFull,
    StoreError,
    VersionMismatch,
)
from central.sealed_fields import FieldSealer
from central.store.connection import Connections, iso
from central.store.notifications import (
    creation_event,
    enqueue_for,
    enqueue_refused,
    slot_subject,
)
from central.store.records import Booking, NewBooking, Site, Slot
from central.store.seats import take_free_seat
from central.store.sites import slot_row


class BookingsStore(Connections):
    _BOOKING_SELECT = (
        "SELECT b.*, s.site_id AS s_site_id, s.date AS s_date, s.start AS s_start, "
        "s.end AS s_end, s.capacity AS s_capacity, s.booked AS s_booked, s.held AS s_held, "
        "st.name_th, st.name_en, st.address_th, st.address_en, st.district_th, st.district_en, "
        "st.position FROM bookings b JOIN slots s ON s.slot_id = b.slot_id "
        "JOIN sites st ON st.site_id = s.site_id "
    )

    def _booking(self, conn: sqlite3.Connection, where: str, params: tuple) -> Booking | None:
        row = conn.execute(self._BOOKING_SELECT + where, params).fetchone()
        return None if row is None else booking_row(row, self.sealer)

    def booking_by_id(self, booking_id: str) -> Booking | None:
        return self._booking(self._conn(), "WHERE b.booking_id = ?", (booking_id,))

    def booking_by_reference(self, reference: str) -> Booking | None:
        return self._booking(self._conn(), "WHERE b.reference = ?", (reference,))

    def active_booking(self, citizen_key: str) -> Booking | None:
        return self._booking(
            self._conn(),
            "WHERE b.citizen_key = ? AND b.status != 'cancelled'",
            (citizen_key,),
        )

    @staticmethod
    def _replayed(existing: Booking, new: NewBooking) -> tuple[bool, Booking]:
        """The same key again: the same booking if the body is the same, 422 otherwise."""
        if existing.fingerprint != new.fingerprint:
            raise IdempotencyKeyReused()
        return False, existing

    def book(
        self,
        new: NewBooking,
        now: datetime,
        *,
        release_claim: bool = False,
        site: Site | None = None,
    ) -> tuple[bool, Booking]:
        """Take a seat and record the booking, or refuse, all in one transaction, together
        with the SMS outbox row the outcome needs (`notifications.creation_event`; a queued
        booking's refusal too, committed before the refusal is raised).

        Returns (created, booking): created is False for an idempotent replay of the same key
        and body. Raises IdempotencyKeyReused, AlreadyBooked, SlotFull (without alternatives;
        the caller adds them outside the write lock). With `release_claim`, a booking made
        also ends its request's claim in flight (`claim_request`) in the same transaction: one
        commit less, and no moment where the booking exists and a retry still gets 409.
        Given the slot's `site` (read to judge the request), the booking made is answered from
        what was written and the seat UPDATE returned, without reading it back.
        """
        stamp = iso(now)
        refusal: Exception | None = None
        created: Booking | None = None
        slot = None
        with self._write() as c:
            # The booking under this key and the citizen's active one, in one statement. Under
            # READ COMMITTED (PostgreSQL) a concurrent twin of this request may commit between
            # this read and the INSERT: the unique indexes refuse the INSERT and the write is
            # run again (`PgConnections._retrying`), when this read finds the twin: a replay.
            rows = c.execute(
                self._BOOKING_SELECT + "WHERE b.booking_id = ? "
                "OR (b.citizen_key = ? AND b.status != 'cancelled')",
                (new.booking_id, new.citizen_key),
            ).fetchall()
            found = [booking_row(r, self.sealer) for r in rows]
            existing = next((b for b in found if b.booking_id == new.booking_id), None)
            if existing is not None:
                return self._replayed(existing, new)
            other = next(iter(found), None)
            if other is not None:
                # The request carries the card, so its bearer may see the booking it collides
                # with (the terminal offers to show, reprint or change it).
                refusal = AlreadyBooked(other.reference, other.to_json())
            else:
                slot = take_free_seat(c, new.slot_id, now)
                refusal = SlotFull(new.slot_id, []) if slot is None else None
            if refusal is not None:
                if not new.queued:
                    raise refusal  # nothing written: rolled back as before
                # Nothing else was written: the outbox row of a queued booking's refusal is
                # the only thing this transaction commits (the refusal is raised after it).
                enqueue_refused(
                    c,
                    self.sealer,
                    new.booking_id,
                    new.phone,
                    slot_subject(c, new.slot_id),
                    now,
                    other.reference if other is not None else None,
                )
            else:
                assert slot is not None
                reference = self._record_booking(c, new, now, stamp, release_claim)
                if site is not None and site.site_id == slot["site_id"]:
                    created = written(new, reference, stamp, slot_row(slot), site)
                else:
                    created = self._booking(c, "WHERE b.booking_id = ?", (new.booking_id,))
                assert created is not None
                # In the booking's own transaction (on PostgreSQL after `pg_writes`' statement):
                # a kiosk's ordinary online booking announces nothing and costs no statement.
                event = creation_event(new.queued, new.channel, created.status)
                if event is not None and new.announce:
                    enqueue_for(c, self.sealer, created, event, f"{reference}:{event}", now)
                crash_point("central-before-commit")
        if refusal is not None:
            raise refusal
        assert created is not None
        crash_point("central-after-commit")  # committed, not yet answered
        return True, created

    def notify_queued_replay(self, booking_id: str, now: datetime) -> bool:
        """A queued booking replayed that the central already holds from a plain request (the
        terminal's online attempt was committed but its answer lost, so the customer left with
        a "queued" slip): announce its outcome now, unless an SMS about it was ever written."""
        with self._write() as c:
            booking = self._booking(c, "WHERE b.booking_id = ?", (booking_id,))
            if booking is None or not booking.active:
                return False
            told = c.execute(
                "SELECT 1 FROM notifications WHERE reference = ?", (booking.reference,)
            ).fetchone()
            if told is not None:
                return False
            event = creation_event(True, booking.channel, booking.status)
            assert event is not None
            return enqueue_for(c, self.sealer, booking, event, f"{booking.reference}:{event}", now)

    def _record_booking(
        self, c: sqlite3.Connection, new: NewBooking, now: datetime, stamp: str, release: bool
    ) -> str:
        """Issue a reference and insert the booking under it (and end its claim in flight when
        `release`); the reference. PostgreSQL does it in one statement (`pg_writes`)."""
        reference = issue_reference(c, "booking", now)
        insert_booking(c, new, reference, stamp, self.sealer)
        if release:
            c.execute("DELETE FROM requests_in_flight WHERE idempotency_key = ?", (new.booking_id,))
        return reference

    def _owned(self, c: sqlite3.Connection, reference: str, citizen_key: str) -> Booking:
        booking = self._booking(c, "WHERE b.reference = ?" + self._lock_rows("b"), (reference,))
        # A reference with the wrong card is "not found", not "forbidden": a reference alone
        # must not confirm that a booking exists.
        if booking is None or booking.citizen_key != citizen_key:
            raise NotFound(
                "No booking with this reference for this ID card.",
                th="ไม่พบการจองหมายเลขนี้สำหรับบัตรประชาชนใบนี้",
            )
        return booking

    def change(
        self,
        reference: str,
        citizen_key: str,
        version: int,
        changes: dict[str, Any],
        now: datetime,
    ) -> Booking:
        """Change slot, phone or occupation, moving the seat atomically when the slot changes."""
        with self._write() as c:
            booking = self._owned(c, reference, citizen_key)
            if not booking.active:
                raise BookingCancelled(reference)
            if booking.version != version:
                raise VersionMismatch(booking.version)
            new_slot = changes.get("slot_id")
            if new_slot is not None and new_slot != booking.slot.slot_id:
                if not take_free_seat(c, new_slot, now):
                    raise SlotFull(new_slot, [])
                c.execute(
                    "UPDATE slots SET booked = booked - 1 WHERE slot_id = ?",
                    (booking.slot.slot_id,),
                )
            sets, params = ["version = version + 1", "updated_at = ?"], [iso(now)]
            for key, column in (
                ("slot_id", "slot_id"),
                ("phone", "phone"),
                ("occupation_code", "occupation_code"),
                ("occupation_other", "occupation_other"),
            ):
                if key in changes:
                    sets.append(f"{column} = ?")
                    value = changes[key]
                    if key == "phone":  # sealed at rest (central/sealed_fields.py)
                        value = self.sealer.seal(booking.booking_id, value)
                    params.append(value)
            c.execute(
                f"UPDATE bookings SET {', '.join(sets)} WHERE booking_id = ?",  # noqa: S608
                (*params, booking.booking_id),
            )
            changed = self._booking(c, "WHERE b.booking_id = ?", (booking.booking_id,))
            assert changed is not None
            moved = changed.slot.slot_id != booking.slot.slot_id
            if moved or changed.phone != booking.phone:
                # to the number now on the booking: a new phone hears of its own booking
                event_id = f"{changed.reference}:changed:{changed.version}"
                enqueue_for(c, self.sealer, changed, "changed", event_id, now)
        return changed

    def cancel(
        self,
        reference: str,
        citizen_key: str,
        version: int | None,
        now: datetime,
        reason: str = "cancelled-by-citizen",
    ) -> Booking:
        """Cancel and free the seat. Cancelling a cancelled booking again answers it as it is."""
        with self._write() as c:
            booking = self._owned(c, reference, citizen_key)
            if not booking.active:
                return booking
            if version is not None and booking.version != version:
                raise VersionMismatch(booking.version)
            self._cancel(c, booking, reason, now)
            cancelled = self._booking(c, "WHERE b.booking_id = ?", (booking.booking_id,))
        assert cancelled is not None
        return cancelled

    def _cancel(
        self,
        c: sqlite3.Connection,
        booking: Booking,
        reason: str,
        now: datetime,
        event: str = "cancelled",
    ) -> None:
        # The seat goes back only if this statement cancelled the booking: a concurrent cancel
        # (PostgreSQL runs writers side by side) must not free it twice.
        cancelled = c.execute(
            "UPDATE bookings SET status = 'cancelled', cancel_reason = ?, "
            "version = version + 1, updated_at = ? WHERE booking_id = ? AND status != 'cancelled'",
            (reason, iso(now), booking.booking_id),
        ).rowcount
        if cancelled == 1:
            c.execute(
                "UPDATE slots SET booked = booked - 1 WHERE slot_id = ?", (booking.slot.slot_id,)
            )
            enqueue_for(c, self.sealer, booking, event, f"{booking.reference}:{event}", now)

    def verify_pending(self, now: datetime) -> tuple[int, int]:
        """Settle provisional bookings against the registry: (confirmed, cancelled)."""
        stamp = iso(now)
        with self._write() as c:
            confirmed = c.execute(
                "UPDATE bookings SET status = 'confirmed', version = version + 1, "
                "updated_at = ? WHERE status = 'pending-verification' "
                "AND citizen_key IN (SELECT citizen_key FROM registry) RETURNING booking_id",
                (stamp,),
            ).fetchall()
            for row in confirmed:
                booking = self._booking(c, "WHERE b.booking_id = ?", (row[0],))
                assert booking is not None
                enqueue_for(
                    c, self.sealer, booking, "verified", f"{booking.reference}:verified", now
                )
            rejected = c.execute(
                self._BOOKING_SELECT + "WHERE b.status = 'pending-verification'"
            ).fetchall()
            for row in rejected:
                self._cancel(
                    c, booking_row(row, self.sealer), "not-in-registry", now, "not-verified"
                )
        return len(confirmed), len(rejected)


def booking_row(r: sqlite3.Row, sealer: FieldSealer) -> Booking:
    """A booking read back; its phone opened (the card stays sealed: nothing here reads it)."""
    slot = Slot(
        r["slot_id"],
        r["s_site_id"],
        r["s_date"],
        r["s_start"],
        r["s_end"],
        r["s_capacity"],
        r["s_booked"],
        r["s_held"],
    )
    site = Site(
        r["s_site_id"],
        r["name_th"],
        r["name_en"],
        r["address_th"],
        r["address_en"],
        r["district_th"],
        r["district_en"],
        r["position"],
    )
    return Booking(
        booking_id=r["booking_id"],
        reference=r["reference"],
        status=r["status"],
        slot=slot,
        site=site,
        channel=r["channel"],
        terminal_id=r["terminal_id"],
        masked_cid=r["masked_cid"],
        phone=sealer.open_(r["booking_id"], r["phone"], "phone"),
        occupation_code=r["occupation_code"],
        occupation_other=r["occupation_other"],
        confirmed_at=r["confirmed_at"],
        created_at=r["created_at"],
        updated_at=r["updated_at"],
        cancel_reason=r["cancel_reason"],
        version=r["version"],
        fingerprint=r["fingerprint"],
        citizen_key=r["citizen_key"],
    )


def written(new: NewBooking, reference: str, stamp: str, slot: Slot, site: Site) -> Booking:
    """The booking `insert_booking` just wrote, as `booking_row` would read it back (the
    columns it does not set have their defaults: version 1, no cancel reason)."""
    return Booking(
        booking_id=new.booking_id,
        reference=reference,
        status=new.status,
        slot=slot,
        site=site,
        channel=new.channel,
        terminal_id=new.terminal_id,
        masked_cid=new.masked_cid,
        phone=new.phone,
        occupation_code=new.occupation_code,
        occupation_other=new.occupation_other,
        confirmed_at=new.confirmed_at,
        created_at=stamp,
        updated_at=stamp,
        cancel_reason=None,
        version=1,
        fingerprint=new.fingerprint,
        citizen_key=new.citizen_key,
    )


def issue_reference(c: sqlite3.Connection, source: str, now: datetime) -> str:
    """A new reference, recorded in `issued_references` so no booking or lease seat can ever
    get it again."""
    for _attempt in range(5):
        reference = references.new_reference()
        inserted = c.execute(
            "INSERT INTO issued_references(reference, source, issued_at) VALUES (?, ?, ?) "
            "ON CONFLICT(reference) DO NOTHING",
            (reference, source, iso(now)),
        ).rowcount
        if inserted == 1:
            return reference
        # a 1-in-2e10 collision: draw another reference
    raise StoreError(  # pragma: no cover - five collisions in a row: a broken random source
        "could not draw a unique booking reference"
    )


#: The columns `insert_booking` writes, in the order of `booking_values`.
BOOKING_COLUMNS = (
    "booking_id, reference, citizen_key, status, slot_id, channel, terminal_id, masked_cid, "
    "card_json, phone, occupation_code, occupation_other, answers_json, "
    "claimed_decision_json, decision_json, fingerprint, confirmed_at, created_at, updated_at"
)


def insert_booking(
    c: sqlite3.Connection, new: NewBooking, reference: str, stamp: str, sealer: FieldSealer
) -> None:
    c.execute(
        f"INSERT INTO bookings({BOOKING_COLUMNS}) "  # noqa: S608 - constant column names
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        booking_values(new, reference, stamp, sealer),
    )


def booking_values(
    new: NewBooking, reference: str, stamp: str, sealer: FieldSealer
) -> tuple[Any, ...]:
    """The row `insert_booking` writes; the card, the phone and the answers (declared health
    conditions) sealed under the booking id."""
    return (
        new.booking_id,
        reference,
        new.citizen_key,
        new.status,
        new.slot_id,
        new.channel,
        new.terminal_id,
        new.masked_cid,
        sealer.seal(new.booking_id, json.dumps(new.card, ensure_ascii=False)),
        sealer.seal(new.booking_id, new.phone),
        new.occupation_code,
        new.occupation_other,
        sealer.seal(new.booking_id, json.dumps(new.answers)),
        json.dumps(new.claimed_decision),
        json.dumps(new.decision, ensure_ascii=False),
        new.fingerprint,
        new.confirmed_at,
        stamp,
        stamp,
    )
