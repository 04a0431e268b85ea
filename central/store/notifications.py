"""The SMS outbox (DESIGN §12): rows written with the change they announce, claimed by senders.

Writing. Every change a customer must hear about calls `enqueue` inside the transaction that
makes the change (`bookings`, `leases`), so a change committed always has its row and a change
rolled back has none. `event_id` is UNIQUE and the insert is `ON CONFLICT DO NOTHING`: a request
retried, or run again whole after a conflict (PostgreSQL), writes no second row.

Sending. `claim_notifications` moves due rows to `sending` with `claimed_until` in one statement
(PostgreSQL: the rows chosen `FOR UPDATE SKIP LOCKED`; SQLite: the same conditional UPDATE under
its single writer), so two senders never hold one row at once. A sender that dies while holding
a row leaves it `sending`; once `claimed_until` passes another sender takes it over and sends it
again under the same `event_id`, which the gateway dedupes: at most once per event end to end.

Personal data: the phone number stays on the row only until it is no longer needed, it is blanked
when the row reaches `sent`, `failed` or `dead` (the booking row keeps the number).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from central.notify import messages
from central.sealed_fields import FieldSealer
from central.store.connection import Connections, iso
from central.store.records import Booking
from kiosk.booking.phone import masked as masked_phone

STATES = ("pending", "sending", "sent", "failed", "dead")
#: States a row leaves no more; its phone is blanked on entering one.
FINAL = ("sent", "failed", "dead")


@dataclass(frozen=True)
class Notification:
    id: int
    event_id: str
    reference: str | None
    event: str
    phone: str
    text: str
    state: str
    attempts: int
    next_attempt_at: str
    claimed_until: str | None
    created_at: str
    sent_at: str | None
    last_error: str | None

    def to_json(self) -> dict[str, Any]:
        """The row for people and logs: the phone masked (a blanked one stays blank)."""
        return {
            "id": self.id,
            "event_id": self.event_id,
            "reference": self.reference,
            "event": self.event,
            "state": self.state,
            "attempts": self.attempts,
            "phone": masked_phone(self.phone) if self.phone else "",
            "text": self.text,
            "created_at": self.created_at,
            "sent_at": self.sent_at,
            "next_attempt_at": self.next_attempt_at,
            "last_error": self.last_error,
        }


def _row(r: Any, sealer: FieldSealer) -> Notification:
    return Notification(
        id=int(r["id"]),
        event_id=r["event_id"],
        reference=r["reference"],
        event=r["event"],
        phone=sealer.open_optional(r["event_id"], r["phone"]),
        text=r["text"],
        state=r["state"],
        attempts=int(r["attempts"]),
        next_attempt_at=r["next_attempt_at"],
        claimed_until=r["claimed_until"],
        created_at=r["created_at"],
        sent_at=r["sent_at"],
        last_error=r["last_error"],
    )


def enqueue(
    c: sqlite3.Connection,
    sealer: FieldSealer,
    *,
    event_id: str,
    event: str,
    reference: str | None,
    phone: str,
    subject: messages.Subject,
    now: datetime,
) -> bool:
    """Write the outbox row of one event in the caller's transaction; False if it exists."""
    stamp = iso(now)
    return (
        c.execute(
            "INSERT INTO notifications(event_id, reference, event, phone, text, state, "
            "attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?) "
            "ON CONFLICT(event_id) DO NOTHING",
            (
                event_id,
                reference,
                event,
                sealer.seal(event_id, phone),
                messages.text(event, subject),
                stamp,
                stamp,
            ),
        ).rowcount
        == 1
    )


def enqueue_for(
    c: sqlite3.Connection,
    sealer: FieldSealer,
    booking: Booking,
    event: str,
    event_id: str,
    now: datetime,
) -> bool:
    """The row announcing `event` about `booking` (its phone, site, date and time)."""
    subject = messages.Subject(
        booking.reference, booking.site.name_th, booking.slot.date, booking.slot.start
    )
    return enqueue(
        c,
        sealer,
        event_id=event_id,
        event=event,
        reference=booking.reference,
        phone=booking.phone,
        subject=subject,
        now=now,
    )


def creation_event(queued: bool, channel: str, status: str) -> str | None:
    """What a new booking announces. A queued booking: its outcome (the slip promised an SMS).
    A web or app booking: that it was made (no slip in the customer's hand). An ordinary
    online booking at a kiosk: nothing; the customer holds the slip with the reference, and a
    pending-verification one hears the registry's answer later (`verify_pending`)."""
    pending = status == "pending-verification"
    if queued:
        return "pending" if pending else "confirmed"
    if channel in ("web", "app"):
        return "pending" if pending else "booked"
    return None


def enqueue_refused(
    c: sqlite3.Connection,
    sealer: FieldSealer,
    booking_id: str,
    phone: str,
    slot: tuple[str, str, str],
    now: datetime,
    other_reference: str | None = None,
) -> bool:
    """The row telling a queued booking's customer it was refused (`slot`: the Thai site name,
    date and start). One per booking id, whatever refused it and however often."""
    return enqueue(
        c,
        sealer,
        event_id=f"{booking_id}:refused",
        event="refused" if other_reference is None else "already-booked",
        reference=other_reference,
        phone=phone,
        subject=messages.Subject(other_reference, *slot),
        now=now,
    )


def slot_subject(c: sqlite3.Connection, slot_id: str) -> tuple[str, str, str]:
    row = c.execute(
        "SELECT st.name_th, s.date, s.start FROM slots s "
        "JOIN sites st ON st.site_id = s.site_id WHERE s.slot_id = ?",
        (slot_id,),
    ).fetchone()
    return (row[0], row[1], row[2]) if row is not None else ("", "", "")


class NotificationsStore(Connections):
    def notify_refusal(
        self,
        booking_id: str,
        phone: str,
        slot_id: str,
        now: datetime,
        reference: str | None = None,
    ) -> bool:
        """The row telling the customer a queued booking was refused, for a refusal decided
        outside the store (hours, eligibility, the request's content): one per booking id.
        `reference`: the citizen's other booking, when the refusal is already-booked."""
        with self._write() as c:
            subject = slot_subject(c, slot_id)
            return enqueue_refused(c, self.sealer, booking_id, phone, subject, now, reference)

    def claim_notifications(
        self, now: datetime, hold: timedelta, limit: int = 20
    ) -> list[Notification]:
        """Take up to `limit` due rows for sending until `now + hold`; each row goes to one
        caller only. A row is due when pending and its time has come, or when its sender's
        claim has run out (the sender died)."""
        stamp = iso(now)
        due = (
            "((state = 'pending' AND next_attempt_at <= :now) "
            "OR (state = 'sending' AND claimed_until < :now))"
        )
        with self._write() as c:
            rows = c.execute(
                "UPDATE notifications SET state = 'sending', claimed_until = :until, "  # noqa: S608
                f"attempts = attempts + 1 WHERE {due} AND id IN (SELECT id FROM notifications "
                f"WHERE {due} ORDER BY next_attempt_at, id LIMIT :limit{self._skip_locked()}) "
                "RETURNING *",
                {"now": stamp, "until": iso(now + hold), "limit": limit},
            ).fetchall()
        return sorted((_row(r, self.sealer) for r in rows), key=lambda n: n.id)

    def settle_notification(
        self,
        notification_id: int,
        state: str,
        now: datetime,
        *,
        error: str | None = None,
        retry_at: datetime | None = None,
        uncount: bool = False,
    ) -> bool:
        """Record what the gateway said: `sent`, `failed`, `dead`, or `pending` again at
        `retry_at` (`uncount`: this attempt does not count, the gateway was pacing us). Only a
        row still `sending` changes (False otherwise)."""
        assert state in STATES and state != "sending"
        stamp = iso(now)
        with self._write() as c:
            if state == "pending":
                assert retry_at is not None
                changed = c.execute(
                    "UPDATE notifications SET state = 'pending', claimed_until = NULL, "
                    "next_attempt_at = ?, last_error = ?, attempts = attempts - ? "
                    "WHERE id = ? AND state = 'sending'",
                    (iso(retry_at), error, 1 if uncount else 0, notification_id),
                ).rowcount
            else:
                changed = c.execute(
                    "UPDATE notifications SET state = ?, claimed_until = NULL, phone = '', "
                    "sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END, "
                    "last_error = COALESCE(?, last_error) WHERE id = ? AND state = 'sending'",
                    (state, state, stamp, error, notification_id),
                ).rowcount
        return changed == 1

    def notifications(self, state: str | None = None, limit: int = 1000) -> list[Notification]:
        where, params = ("", ()) if state is None else ("WHERE state = ? ", (state,))
        rows = (
            self._conn()
            .execute(
                f"SELECT * FROM notifications {where}ORDER BY id LIMIT {int(limit)}",  # noqa: S608
                params,
            )
            .fetchall()
        )
        return [_row(r, self.sealer) for r in rows]
