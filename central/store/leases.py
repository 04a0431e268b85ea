"""Seat leases at the central (DESIGN §11, docs/leases.md): grant, settle, book from a lease.

A lease is `seats` seats of one slot handed to one terminal, each with its final booking
reference, counted in `slots.held` until the seat is booked or given back. Everything a refresh
or a lease-backed booking does happens in one write transaction, with the limits in SQL
(`seats` module): a grant is `UPDATE slots SET held = held + k WHERE booked + held + k <=
capacity AND held + k <= <share cap>` and `UPDATE terminals SET lease_seats = lease_seats + k
WHERE lease_seats + k <= <per-terminal cap>`; a row count of 0 means "not here", never an
overbooked slot.

Seat states: `held` (granted), `spent` (the terminal reported it confirmed a booking from it;
the booking has not arrived), `booked`, `released` (back to the slot). `held` and `spent` count
in `slots.held`. The central never gives back a seat on its own while its lease is live: only
the terminal knows whether it spent one offline. Its refresh settles: once `use_until` has
passed, seats it did not report spent go back at once; spent ones stay held until their booking
arrives or the slot starts. A terminal that never returns holds its seats until the slot starts,
when they stop counting anyway.
"""

from __future__ import annotations

import itertools
import json
import logging
import sqlite3
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from central.crash import crash_point
from central.errors import AlreadyBooked, LeaseExpired, LeaseInvalid
from central.sealed_fields import FieldSealer
from central.store.bookings import BookingsStore, insert_booking, issue_reference
from central.store.connection import iso
from central.store.notifications import enqueue_refused, slot_subject
from central.store.records import Booking, NewBooking, slot_key
from central.store.seats import (
    SLOT_STARTED,
    book_held_seat,
    release_seats,
    release_started_holds,
    take_free_seat,
)
from kiosk.dates import BANGKOK
from kiosk.leases import lease_document

log = logging.getLogger("central.leases")

#: At most this many (site, date) pairs are taken from a refresh and from the central's record.
RECENT_LIMIT = 50


@dataclass(frozen=True)
class LeasePolicy:
    """The grant policy of DESIGN §11 (central settings)."""

    share: float = 0.10
    seats_per_terminal: int = 6
    seats_per_slot: int = 2
    lead: timedelta = timedelta(hours=12)
    life: timedelta = timedelta(hours=24)
    grace: timedelta = timedelta(minutes=5)

    @property
    def share_ppm(self) -> int:
        """The share in millionths: the cap `capacity * ppm / 1e6` is integer arithmetic in
        SQL, so 0.29 * 100 cannot come out as 28.999... and round down to 28."""
        return round(self.share * 1_000_000)


@dataclass(frozen=True)
class Spent:
    lease_id: str
    reference: str
    booking_id: str


@dataclass(frozen=True)
class LeaseClaim:
    """The `lease` member of a lease-backed booking."""

    lease_id: str
    reference: str


@dataclass(frozen=True)
class Refreshed:
    #: Every active lease of the terminal after the refresh: signed envelopes, oldest first.
    leases: list[dict[str, Any]]
    #: Leases the terminal named (or held) that are settled or unknown.
    released: list[str]
    #: Ids of the leases this refresh granted (also in `leases`).
    granted: list[str]


@dataclass(frozen=True)
class LeaseSeat:
    """One seat of a lease with what the central knows of it (check-slip, reports)."""

    reference: str
    lease_id: str
    slot_id: str
    terminal_id: str
    state: str
    booking_id: str | None
    released_why: str | None
    use_until: datetime
    envelope: dict[str, Any]


Signer = Callable[[dict[str, Any]], dict[str, Any]]


class LeasesStore(BookingsStore):
    # --- refresh: report, settle, grant ------------------------------------------------------

    def refresh_leases(
        self,
        terminal_id: str,
        *,
        held: Sequence[str],
        spent: Sequence[Spent],
        recent: Sequence[tuple[str, str]],
        now: datetime,
        policy: LeasePolicy,
        sign: Signer,
    ) -> Refreshed:
        """One refresh of one terminal, in one transaction (docs/leases.md).

        Idempotent: what is granted tops the terminal up to its allowance, so the same request
        again grants nothing more and answers the same leases.
        """
        now = now.replace(microsecond=0)
        with self._write() as c:
            self._serialise_terminal(c, terminal_id)
            for seat in spent:
                self._report_spent(c, terminal_id, seat, now)
            settled = self._settle(c, terminal_id, now)
            granted = self._grant(c, terminal_id, recent, now, policy, sign)
            rows = c.execute(
                "SELECT lease_id, envelope_json FROM leases WHERE terminal_id = ? "
                "AND settled_at IS NULL ORDER BY granted_at, slot_id, lease_id",
                (terminal_id,),
            ).fetchall()
        active = [r["lease_id"] for r in rows]
        released = list(dict.fromkeys([*settled, *(h for h in held if h not in set(active))]))
        return Refreshed(
            leases=[json.loads(r["envelope_json"]) for r in rows],
            released=released,
            granted=granted,
        )

    @staticmethod
    def _report_spent(c: sqlite3.Connection, terminal_id: str, seat: Spent, now: datetime) -> None:
        changed = c.execute(
            "UPDATE lease_seats SET state = 'spent', booking_id = :booking_id, changed_at = :now "
            "WHERE reference = :reference AND lease_id = :lease_id AND terminal_id = :terminal "
            "AND state = 'held' AND (booking_id IS NULL OR booking_id = :booking_id) "
            "AND NOT EXISTS (SELECT 1 FROM lease_seats o WHERE o.booking_id = :booking_id "
            "AND o.reference != :reference)",
            {
                "booking_id": seat.booking_id,
                "now": iso(now),
                "reference": seat.reference,
                "lease_id": seat.lease_id,
                "terminal": terminal_id,
            },
        ).rowcount
        if changed == 0:
            known = c.execute(
                "SELECT state, booking_id, terminal_id FROM lease_seats "
                "WHERE reference = ? AND lease_id = ?",
                (seat.reference, seat.lease_id),
            ).fetchone()
            if known is None or known["terminal_id"] != terminal_id:
                log.warning(
                    "terminal %s reported spent a seat it holds no lease for (lease %s)",
                    terminal_id,
                    seat.lease_id,
                )
            elif known["booking_id"] not in (None, seat.booking_id):
                log.warning(
                    "terminal %s reported seat %s of lease %s spent by a second booking id",
                    terminal_id,
                    seat.reference,
                    seat.lease_id,
                )

    @staticmethod
    def _settle(c: sqlite3.Connection, terminal_id: str, now: datetime) -> list[str]:
        """Settle the terminal's leases whose `use_until` passed or whose slot started, and
        those with nothing left to hold. Returns the ids settled now."""
        params = {"terminal": terminal_id, "now": iso(now), "started_by": slot_key(now)}
        expired = (
            "SELECT lease_id FROM leases WHERE terminal_id = :terminal AND settled_at IS NULL "
            "AND use_until <= :now"
        )
        release_seats(
            c,
            f"terminal_id = :terminal AND ((state = 'held' AND lease_id IN ({expired})) "
            f"OR {SLOT_STARTED})",
            params,
            now,
            "settled",
        )
        rows = c.execute(
            "UPDATE leases SET settled_at = :now WHERE terminal_id = :terminal "
            "AND settled_at IS NULL AND (use_until <= :now OR EXISTS (SELECT 1 FROM slots s "
            "WHERE s.slot_id = leases.slot_id AND s.date || 'T' || s.start <= :started_by) "
            "OR NOT EXISTS (SELECT 1 FROM lease_seats ls WHERE ls.lease_id = leases.lease_id "
            "AND ls.state IN ('held', 'spent'))) RETURNING lease_id",
            params,
        ).fetchall()
        return sorted(r["lease_id"] for r in rows)

    def _grant(
        self,
        c: sqlite3.Connection,
        terminal_id: str,
        recent: Sequence[tuple[str, str]],
        now: datetime,
        policy: LeasePolicy,
        sign: Signer,
    ) -> list[str]:
        row = c.execute(
            "SELECT lease_seats FROM terminals WHERE terminal_id = ?", (terminal_id,)
        ).fetchone()
        if row is None:
            return []
        remaining = policy.seats_per_terminal - row["lease_seats"]
        if remaining <= 0 or policy.share_ppm <= 0 or policy.seats_per_slot <= 0:
            return []
        earliest = slot_key(now + policy.lead)  # a slot must start strictly after this
        mine = {
            r["slot_id"]: r["n"]
            for r in c.execute(
                "SELECT slot_id, count(*) AS n FROM lease_seats WHERE terminal_id = ? "
                "AND state IN ('held', 'spent') GROUP BY slot_id",
                (terminal_id,),
            )
        }
        queues = self._candidates(c, terminal_id, recent, earliest)
        granted: list[str] = []
        progress = True
        while remaining > 0 and progress:
            progress = False
            for queue in queues:
                if remaining <= 0:
                    break
                while queue:
                    slot = queue[0]
                    want = min(policy.seats_per_slot - mine.get(slot["slot_id"], 0), remaining)
                    if want <= 0:
                        queue.pop(0)
                        continue
                    seats = self._hold(c, terminal_id, slot["slot_id"], want, earliest, policy)
                    queue.pop(0)
                    if seats == 0:
                        continue
                    granted.append(self._new_lease(c, terminal_id, slot, seats, now, policy, sign))
                    mine[slot["slot_id"]] = mine.get(slot["slot_id"], 0) + seats
                    remaining -= seats
                    progress = True
                    break  # one slot per (site, day) per pass: spread over several slots
        return granted

    @staticmethod
    def _candidates(
        c: sqlite3.Connection,
        terminal_id: str,
        recent: Sequence[tuple[str, str]],
        earliest: str,
    ) -> list[list[sqlite3.Row]]:
        """Slots to lease from, as one queue per (site, day), most recent choice first.

        First the (site, day) pairs the terminal sent, then the central's own record of this
        terminal's bookings; then, for the same sites in the same order, every other day ahead
        (a day customers chose last week has usually passed, the site they go to has not).
        """
        own = c.execute(
            "SELECT s.site_id, s.date FROM bookings b JOIN slots s ON s.slot_id = b.slot_id "
            "WHERE b.terminal_id = ? GROUP BY s.site_id, s.date "
            "ORDER BY max(b.created_at) DESC LIMIT ?",
            (terminal_id, RECENT_LIMIT),
        ).fetchall()
        pairs = list(
            dict.fromkeys([*recent[:RECENT_LIMIT], *((r["site_id"], r["date"]) for r in own)])
        )
        sites = list(dict.fromkeys(site for site, _ in pairs))
        queues: list[list[sqlite3.Row]] = []
        seen: set[str] = set()

        def add(rows: list[sqlite3.Row]) -> None:
            queue = [r for r in rows if r["slot_id"] not in seen]
            seen.update(r["slot_id"] for r in queue)
            if queue:
                queues.append(queue)

        # One (site, day) of every site before a second day of any site: a terminal whose
        # customers went to one site on two days lately must not hold all its seats there and
        # none at its other usual sites (bench/leases.py found this: with the seats spread by
        # (site, day) alone, a third of the offline customers queued had "no seat at their site").
        by_site = [[p for p in pairs if p[0] == site] for site in sites]
        pairs = [p for group in itertools.zip_longest(*by_site) for p in group if p is not None]
        for site, day in pairs:
            add(
                c.execute(
                    "SELECT * FROM slots WHERE site_id = ? AND date = ? "
                    "AND date || 'T' || start > ? ORDER BY start",
                    (site, day, earliest),
                ).fetchall()
            )
        for site in sites:
            days: dict[str, list[sqlite3.Row]] = {}
            for r in c.execute(
                "SELECT * FROM slots WHERE site_id = ? AND date || 'T' || start > ? "
                "ORDER BY date, start",
                (site, earliest),
            ):
                days.setdefault(r["date"], []).append(r)
            for rows in days.values():
                add(rows)
        return queues

    @staticmethod
    def _hold(
        c: sqlite3.Connection,
        terminal_id: str,
        slot_id: str,
        want: int,
        earliest: str,
        policy: LeasePolicy,
    ) -> int:
        """Hold up to `want` seats of the slot for the terminal within every limit, in SQL."""
        for k in range(want, 0, -1):
            took = c.execute(
                "UPDATE slots SET held = held + :k WHERE slot_id = :slot "
                "AND booked + held + :k <= capacity AND held + :k <= capacity * :ppm / 1000000 "
                "AND date || 'T' || start > :earliest",
                {"k": k, "slot": slot_id, "ppm": policy.share_ppm, "earliest": earliest},
            ).rowcount
            if took != 1:
                continue
            mine = c.execute(
                "UPDATE terminals SET lease_seats = lease_seats + :k WHERE terminal_id = :t "
                "AND lease_seats + :k <= :cap",
                {"k": k, "t": terminal_id, "cap": policy.seats_per_terminal},
            ).rowcount
            if mine == 1:
                return k
            c.execute("UPDATE slots SET held = held - ? WHERE slot_id = ?", (k, slot_id))
        return 0

    @staticmethod
    def _new_lease(
        c: sqlite3.Connection,
        terminal_id: str,
        slot: sqlite3.Row,
        seats: int,
        now: datetime,
        policy: LeasePolicy,
        sign: Signer,
    ) -> str:
        lease_id = str(uuid.uuid4())
        starts = datetime.fromisoformat(f"{slot['date']}T{slot['start']}").replace(tzinfo=BANGKOK)
        use_until = min(now + policy.life, starts - policy.lead).astimezone(BANGKOK)
        granted_at = now.astimezone(BANGKOK)
        refs = [issue_reference(c, "lease", now) for _ in range(seats)]
        document = lease_document(
            lease_id=lease_id,
            terminal_id=terminal_id,
            slot_id=slot["slot_id"],
            site_id=slot["site_id"],
            date=slot["date"],
            start=slot["start"],
            end=slot["end"],
            references=refs,
            granted_at=granted_at,
            use_until=use_until,
        )
        envelope = sign(document)
        c.execute(
            "INSERT INTO leases(lease_id, terminal_id, slot_id, seats, granted_at, use_until, "
            "envelope_json) VALUES (?,?,?,?,?,?,?)",
            (
                lease_id,
                terminal_id,
                slot["slot_id"],
                seats,
                iso(granted_at),
                iso(use_until),
                json.dumps(envelope, ensure_ascii=False, sort_keys=True),
            ),
        )
        c.executemany(
            "INSERT INTO lease_seats(reference, lease_id, slot_id, terminal_id, changed_at) "
            "VALUES (?,?,?,?,?)",
            [(ref, lease_id, slot["slot_id"], terminal_id, iso(now)) for ref in refs],
        )
        return lease_id

    # --- lease-backed bookings ---------------------------------------------------------------

    def book_from_lease(
        self, new: NewBooking, claim: LeaseClaim, now: datetime, grace: timedelta
    ) -> tuple[bool, Booking]:
        """Turn the held seat named by `claim` into `new`, under the seat's reference.

        Returns (created, booking) like `book`. Refusals: LeaseInvalid, LeaseExpired,
        AlreadyBooked (the seat goes back to the slot; committed before the refusal is
        raised), IdempotencyKeyReused.
        """
        stamp = iso(now)
        refusal: Exception | None = None
        created: Booking | None = None
        with self._write() as c:
            existing = self._booking(c, "WHERE b.booking_id = ?", (new.booking_id,))
            if existing is not None:
                return self._replayed(existing, new)
            seat = c.execute(
                "SELECT ls.*, l.use_until FROM lease_seats ls JOIN leases l "
                "ON l.lease_id = ls.lease_id WHERE ls.reference = ? AND ls.lease_id = ?",
                (claim.reference, claim.lease_id),
            ).fetchone()
            problem = _claim_problem(seat, new)
            if problem is not None:
                raise LeaseInvalid(problem, lease_id=claim.lease_id)
            assert seat is not None
            claimed = c.execute(
                "UPDATE lease_seats SET booking_id = :b WHERE reference = :r "
                "AND (booking_id IS NULL OR booking_id = :b) AND NOT EXISTS (SELECT 1 FROM "
                "lease_seats o WHERE o.booking_id = :b AND o.reference != :r)",
                {"b": new.booking_id, "r": claim.reference},
            ).rowcount
            if claimed != 1:
                raise LeaseInvalid(
                    "This lease seat's reference was already used by another booking.",
                    lease_id=claim.lease_id,
                )
            one_seat = {"reference": claim.reference}
            confirmed_at = datetime.fromisoformat(new.confirmed_at)
            use_until = datetime.fromisoformat(seat["use_until"])
            other = self._booking(
                c, "WHERE b.citizen_key = ? AND b.status != 'cancelled'", (new.citizen_key,)
            )
            if other is not None and other.booking_id == new.booking_id:
                # The same request, committed concurrently since the lookup by id (PostgreSQL).
                return self._replayed(other, new)
            if confirmed_at > use_until + grace:
                release_seats(c, "reference = :reference", one_seat, now, "confirmed-too-late")
                refusal = LeaseExpired(claim.lease_id, iso(use_until))
            elif other is not None:
                release_seats(c, "reference = :reference", one_seat, now, "already-booked")
                refusal = AlreadyBooked(other.reference, other.to_json())
            else:
                release_started_holds(c, new.slot_id, now)
                if not book_held_seat(c, claim.reference, now):
                    # The seat went back to the slot (the slot started, or the lease was
                    # settled without this seat reported spent): honour it from a free seat.
                    if take_free_seat(c, new.slot_id, now):
                        c.execute(
                            "UPDATE lease_seats SET state = 'booked', changed_at = ? "
                            "WHERE reference = ?",
                            (stamp, claim.reference),
                        )
                    else:
                        refusal = LeaseExpired(claim.lease_id, iso(use_until), full=True)
                if refusal is None:
                    insert_booking(c, new, claim.reference, stamp, self.sealer)
                    created = self._booking(c, "WHERE b.booking_id = ?", (new.booking_id,))
                    crash_point("central-before-commit")
            _announce_refusal(c, self.sealer, new, refusal, now)
        if refusal is not None:
            raise refusal
        assert created is not None
        crash_point("central-after-commit")
        return True, created

    # --- reading ------------------------------------------------------------------------------

    def lease_seat(self, lease_id: str, reference: str) -> LeaseSeat | None:
        row = (
            self._conn()
            .execute(
                "SELECT ls.*, l.use_until, l.envelope_json FROM lease_seats ls JOIN leases l "
                "ON l.lease_id = ls.lease_id WHERE ls.lease_id = ? AND ls.reference = ?",
                (lease_id, reference),
            )
            .fetchone()
        )
        return None if row is None else _lease_seat(row)

    def lease_envelope(self, lease_id: str) -> dict[str, Any] | None:
        row = (
            self._conn()
            .execute("SELECT envelope_json FROM leases WHERE lease_id = ?", (lease_id,))
            .fetchone()
        )
        return None if row is None else json.loads(row["envelope_json"])

    def lease_report(self, now: datetime) -> dict[str, list[dict[str, Any]]]:
        """Held seats per slot and per terminal at `now` (`kiosk-central leases`).

        Seats of a slot that has started no longer count, whether or not released yet.
        """
        c = self._conn()
        started_by = slot_key(now)
        slots = [
            {
                "slot_id": r["slot_id"],
                "capacity": r["capacity"],
                "booked": r["booked"],
                "held": r["held"],
                "available": r["capacity"] - r["booked"] - r["held"],
            }
            for r in c.execute(
                "SELECT slot_id, capacity, booked, held FROM slots WHERE held > 0 "
                "AND date || 'T' || start > ? ORDER BY date, start, slot_id",
                (started_by,),
            )
        ]
        terminals = [
            {
                "terminal_id": r["terminal_id"],
                "leases": r["leases"],
                "seats": r["seats"],
                "spent_not_booked": r["spent"],
                "booked": r["booked"],
            }
            for r in c.execute(
                "SELECT ls.terminal_id, "
                "count(DISTINCT CASE WHEN l.settled_at IS NULL AND NOT started "
                "THEN ls.lease_id END) AS leases, "
                "sum(CASE WHEN ls.state IN ('held', 'spent') AND NOT started THEN 1 ELSE 0 END) "
                "AS seats, "
                "sum(CASE WHEN ls.state = 'spent' AND NOT started THEN 1 ELSE 0 END) AS spent, "
                "sum(CASE WHEN ls.state = 'booked' THEN 1 ELSE 0 END) AS booked "
                "FROM (SELECT lease_seats.*, (s.date || 'T' || s.start <= ?) AS started "
                "FROM lease_seats JOIN slots s ON s.slot_id = lease_seats.slot_id) ls "
                "JOIN leases l ON l.lease_id = ls.lease_id "
                "GROUP BY ls.terminal_id ORDER BY ls.terminal_id",
                (started_by,),
            )
        ]
        return {"slots": slots, "terminals": terminals}


def _claim_problem(seat: sqlite3.Row | None, new: NewBooking) -> str | None:
    """Why this lease seat cannot back this booking (lease-invalid), or None."""
    if seat is None:
        return "No such lease, or the reference is not one of its seats."
    if seat["terminal_id"] != new.terminal_id:
        log.warning(
            "terminal %s named lease %s of terminal %s: refused",
            new.terminal_id,
            seat["lease_id"],
            seat["terminal_id"],
        )
        return "This lease was granted to another terminal."
    if seat["slot_id"] != new.slot_id:
        return "This lease is for another slot than the booking."
    if seat["booking_id"] not in (None, new.booking_id):
        return "This lease seat's reference was already used by another booking."
    return None


def _lease_seat(row: Mapping[str, Any]) -> LeaseSeat:
    return LeaseSeat(
        reference=row["reference"],
        lease_id=row["lease_id"],
        slot_id=row["slot_id"],
        terminal_id=row["terminal_id"],
        state=row["state"],
        booking_id=row["booking_id"],
        released_why=row["released_why"],
        use_until=datetime.fromisoformat(row["use_until"]),
        envelope=json.loads(row["envelope_json"]),
    )


def _announce_refusal(
    c: Any, sealer: FieldSealer, new: NewBooking, refusal: Exception | None, now: datetime
) -> None:
    """A queued lease-backed booking refused: the customer holds a slip saying "confirmed"
    that the central does not honour, and must hear it (DESIGN §12), in the transaction of
    the refusal. A booking made from its lease announces nothing: its slip already is final."""
    if refusal is None or not new.queued:
        return
    other = refusal.extra.get("reference") if isinstance(refusal, AlreadyBooked) else None
    enqueue_refused(c, sealer, new.booking_id, new.phone, slot_subject(c, new.slot_id), now, other)
