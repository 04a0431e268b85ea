"""What judging a new booking reads, in one statement.

A booking request is judged on the channel's hours, the occupation code, the slot and whether
the citizen is in the registry, and a request whose key the central already holds is answered
as a replay before any of that. Read one by one these were five statements (on PostgreSQL five
pooled connections and round trips) for every booking: more database work than taking the seat.
Here they are one read on one connection; nothing is cached, so a change of hours, occupations,
slots or registry made by any process is seen by the very next request, and the decisions are
still taken in the routes, in their order (routes_bookings.py), on exactly what was read.

The read is only for judging: the seat is still taken by the conditional UPDATE of `seats`
inside the booking's transaction, which is where capacity is enforced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from central.hours import ChannelHours
from central.store.connection import Connections, hash_secret, utc
from central.store.records import Occupation, Site, Slot, Terminal

_CONTEXT = (
    "SELECT EXISTS (SELECT 1 FROM bookings WHERE booking_id = :booking_id) AS replay, "
    "EXISTS (SELECT 1 FROM registry WHERE citizen_key = :citizen_key) AS registered, "
    "h.opens, h.closes, h.valid_from, "
    "o.code AS o_code, o.label_th, o.label_en, o.free_text, "
    "s.slot_id, s.site_id, s.date, s.start, s.end, s.capacity, s.booked, s.held, "
    "st.name_th, st.name_en, st.address_th, st.address_en, st.district_th, st.district_en, "
    "st.position "
    "FROM (SELECT 1 AS one) one "
    "LEFT JOIN channel_hours h ON h.channel = :channel "
    "LEFT JOIN occupations o ON o.code = :occupation "
    "LEFT JOIN slots s ON s.slot_id = :slot_id "
    "LEFT JOIN sites st ON st.site_id = s.site_id"
)


@dataclass(frozen=True)
class BookingContext:
    #: A booking under this key exists: the request is answered as a replay, not judged.
    replay: bool
    hours: ChannelHours | None
    occupation: Occupation | None
    slot: Slot | None
    #: Whether the citizen key the context was read for is in the registry.
    registered: bool
    citizen_key: str
    #: The slot's site, so the booking made needs no read of it after its INSERT.
    site: Site | None = None
    #: Whether the read also claimed the request as in flight (`claim` given), or it is
    #: already in flight elsewhere (False; then nothing else here is to be used).
    claimed: bool = False
    #: The terminal whose bearer token was given (`token`), None if no terminal has it.
    terminal: Terminal | None = None


#: PostgreSQL: the claim of the request in flight (`ConfigStore.claim_request`) in the same
#: statement, as a data-modifying CTE; SQLite has none, and claims apart (`claim_request`).
_CLAIM = (
    "WITH claim AS (INSERT INTO requests_in_flight(idempotency_key, expires_at) "
    "VALUES (:booking_id, :expires) ON CONFLICT(idempotency_key) DO UPDATE "
    "SET expires_at = excluded.expires_at WHERE requests_in_flight.expires_at < :now "
    "RETURNING idempotency_key) "
)


#: PostgreSQL, with the bearer token (central/fast_bookings.py): the claim is made only when a
#: terminal holds the token, so an unauthenticated request leaves nothing behind, and the
#: terminal is read in the same statement (the token's lookup was a statement of its own).
_CLAIM_AUTHENTICATED = (
    "WITH claim AS (INSERT INTO requests_in_flight(idempotency_key, expires_at) "
    "SELECT :booking_id, :expires WHERE EXISTS "
    "(SELECT 1 FROM terminals WHERE token_hash = :token_hash) "
    "ON CONFLICT(idempotency_key) DO UPDATE "
    "SET expires_at = excluded.expires_at WHERE requests_in_flight.expires_at < :now "
    "RETURNING idempotency_key) "
)
_TERMINAL_COLUMNS = "t.terminal_id AS t_id, t.store AS t_store, t.channel AS t_channel, "
_TERMINAL_JOIN = " LEFT JOIN terminals t ON t.token_hash = :token_hash"


class BookingContextStore(Connections):
    #: Whether this database takes `_CLAIM` (PostgreSQL).
    _claims_in_context = False

    def booking_context(
        self,
        booking_id: str,
        channel: str,
        occupation: str,
        slot_id: str,
        citizen_key: str,
        claim: tuple[datetime, timedelta] | None = None,
        token: str | None = None,
    ) -> BookingContext:
        """The context of a booking request; with `claim` (now, ttl) also claim the request as
        in flight for every server process, as `claim_request` does (`claimed`). With `token`
        (PostgreSQL and `claim` only) also the terminal holding it, and the claim only if one
        does."""
        params = {
            "booking_id": booking_id,
            "citizen_key": citizen_key,
            "channel": channel,
            "occupation": occupation,
            "slot_id": slot_id,
        }
        sql, claimed = _CONTEXT, False
        if claim is not None and self._claims_in_context:
            now, ttl = claim
            params.update(expires=utc(now + ttl), now=utc(now))
            columns = "SELECT EXISTS (SELECT 1 FROM claim) AS claimed, "
            if token is None:
                sql = _CLAIM + _CONTEXT.replace("SELECT ", columns, 1)
            else:
                params["token_hash"] = hash_secret(token)
                sql = _CLAIM_AUTHENTICATED + _CONTEXT.replace(
                    "SELECT ", columns + _TERMINAL_COLUMNS, 1
                ).replace(" LEFT JOIN channel_hours", _TERMINAL_JOIN + " LEFT JOIN channel_hours")
        elif claim is not None:
            claimed = self.claim_request(booking_id, *claim)  # type: ignore[attr-defined]
            if not claimed:
                return BookingContext(False, None, None, None, False, citizen_key)
        row = self._conn().execute(sql, params).fetchone()
        assert row is not None  # one row always: the joins are LEFT joins on a one-row base
        in_statement = claim is not None and self._claims_in_context
        if in_statement:
            claimed = bool(row["claimed"])
        return context_from_row(
            row, channel, citizen_key, claimed, in_statement and token is not None
        )


def context_from_row(
    row: Any, channel: str, citizen_key: str, claimed: bool, with_terminal: bool
) -> BookingContext:
    """The context of one row of `_CONTEXT` (and of pg_batch_context's statement, which has
    the same columns)."""
    hours = None
    if row["opens"] is not None:
        hours = ChannelHours(
            channel, row["opens"], row["closes"], date.fromisoformat(row["valid_from"])
        )
    option = None
    if row["o_code"] is not None:
        option = Occupation(row["o_code"], row["label_th"], row["label_en"], bool(row["free_text"]))
    slot = site = None
    if row["slot_id"] is not None:
        site = Site(
            row["site_id"],
            row["name_th"],
            row["name_en"],
            row["address_th"],
            row["address_en"],
            row["district_th"],
            row["district_en"],
            row["position"],
        )
        slot = Slot(
            row["slot_id"],
            row["site_id"],
            row["date"],
            row["start"],
            row["end"],
            row["capacity"],
            row["booked"],
            row["held"],
        )
    terminal = None
    if with_terminal and row["t_id"] is not None:
        terminal = Terminal(row["t_id"], row["t_store"], row["t_channel"])
    return BookingContext(
        bool(row["replay"]),
        hours,
        option,
        slot,
        bool(row["registered"]),
        citizen_key,
        site=site,
        claimed=claimed,
        terminal=terminal,
    )
