"""PostgreSQL: the claim + token + context reads of a worker's bookings in flight, ONE statement.

Each booking of central/fast_bookings.py opens with `booking_context(claim=, token=)`: claim
the request in flight (only if a terminal holds the token), read the terminal, the channel's
hours, the occupation, the slot and its site, whether the key is a replay and whether the
citizen is registered. Under load a worker's writer threads run several of these at once; like
the booking statement (`pg_batch_booking`), they can be gathered by a `batching.Batcher` and
sent as one statement over arrays, each caller getting its own row's context. It is OFF
(`batch_contexts`): under load it cost the cluster more CPU than the single statements.

What each row decides is what the single statement decides for it:

- a claim is made only for a row whose token a terminal holds, and taken over only when the
  one in the table has expired (the batch's earliest `now`: never later than the row's own);
- two rows of the batch with the same key (a retry racing its first attempt into one batch):
  the first claims, the others are told the request is in flight (`claimed` False), as the
  second of two single statements would be; `ON CONFLICT DO UPDATE` may not touch one row
  twice in a statement, so the claims are made once per key;
- everything else is read with the same LEFT JOINs (`booking_context._CONTEXT`'s columns), per
  row, in the statement's snapshot; nothing is cached.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime, timedelta

from central.store.batching import Batcher
from central.store.booking_context import BookingContext, context_from_row
from central.store.connection import Connections, hash_secret, utc

# Each lookup is a LATERAL subquery kept apart by `OFFSET 0`, so that it runs per row on its
# index whatever plan the server caches: a prepared statement's generic plan does not know the
# arrays' length (it guesses 10 rows) and, with plain joins, hashed the whole `slots` table
# (2,450 rows) on every statement (EXPLAIN with plan_cache_mode=force_generic_plan; it cost the
# cluster more than the batch saved, measured with bench/central_load.py).
_SQL = (
    "WITH req AS MATERIALIZED (SELECT r.*, t.terminal_id AS t_id, t.store AS t_store, "
    "t.channel AS t_channel FROM unnest(%s::text[], %s::text[], %s::text[], "
    "%s::text[], %s::text[], %s::text[], %s::text[]) WITH ORDINALITY "
    "AS r(booking_id, citizen_key, channel, occupation, slot_id, token_hash, expires, ord) "
    "LEFT JOIN LATERAL (SELECT terminal_id, store, channel FROM terminals "
    "WHERE token_hash = r.token_hash OFFSET 0) t ON true), "
    "claim AS (INSERT INTO requests_in_flight(idempotency_key, expires_at) "
    "SELECT DISTINCT ON (r.booking_id) r.booking_id, r.expires FROM req r "
    "WHERE r.t_id IS NOT NULL ORDER BY r.booking_id, r.ord "
    "ON CONFLICT(idempotency_key) DO UPDATE SET expires_at = excluded.expires_at "
    "WHERE requests_in_flight.expires_at < %s RETURNING idempotency_key) "
    "SELECT r.ord, (c.idempotency_key IS NOT NULL AND r.ord = "
    "(SELECT min(q.ord) FROM req q WHERE q.booking_id = r.booking_id "
    "AND q.t_id IS NOT NULL)) AS claimed, r.t_id, r.t_store, r.t_channel, "
    "EXISTS (SELECT 1 FROM bookings WHERE booking_id = r.booking_id) AS replay, "
    "EXISTS (SELECT 1 FROM registry WHERE citizen_key = r.citizen_key) AS registered, "
    "h.opens, h.closes, h.valid_from, "
    "o.code AS o_code, o.label_th, o.label_en, o.free_text, "
    "s.slot_id, s.site_id, s.date, s.start, s.end, s.capacity, s.booked, s.held, "
    "s.name_th, s.name_en, s.address_th, s.address_en, s.district_th, s.district_en, "
    "s.position "
    "FROM req r LEFT JOIN claim c ON c.idempotency_key = r.booking_id "
    "LEFT JOIN LATERAL (SELECT opens, closes, valid_from FROM channel_hours "
    "WHERE channel = r.channel OFFSET 0) h ON true "
    "LEFT JOIN LATERAL (SELECT code, label_th, label_en, free_text FROM occupations "
    "WHERE code = r.occupation OFFSET 0) o ON true "
    "LEFT JOIN LATERAL (SELECT sl.slot_id, sl.site_id, sl.date, sl.start, sl.end, sl.capacity, "
    "sl.booked, sl.held, st.name_th, st.name_en, st.address_th, st.address_en, st.district_th, "
    "st.district_en, st.position FROM slots sl JOIN sites st ON st.site_id = sl.site_id "
    "WHERE sl.slot_id = r.slot_id OFFSET 0) s ON true"
)

#: booking_id, channel, occupation, slot_id, citizen_key, (now, ttl), token
Item = tuple[str, str, str, str, str, tuple[datetime, timedelta], str]


class PgBatchContext(Connections):
    """Placed before `BookingContextStore` in `PostgresStore`'s bases."""

    #: OFF by default: measured, it cost more than it saved. In isolation a batch of 3 costs
    #: the cluster 83 us and the client 98 us per row against 183 and 225 for the single
    #: statement (a loop on one connection), but under bench/central_load.py the cluster's CPU
    #: per booking rose from 0.74-0.78 ms (bookings batched alone) to 0.99-1.27 ms with this on,
    #: with custom plans (planned anew every run: pg_prepared_statements) and with generic ones
    #: alike; the cause was not found in round 4 (docs/central-performance.md, "Round 4").
    #: tests/central/test_batched_bookings.py turns it on and runs the races through it.
    batch_contexts = False
    _context_batcher_lock = threading.Lock()

    @property
    def contexts_batch(self) -> Batcher[Item, BookingContext]:
        batcher = self.__dict__.get("_contexts_batch")
        if batcher is None:
            with self._context_batcher_lock:
                batcher = self.__dict__.setdefault("_contexts_batch", Batcher(self._read_batch))
        return batcher

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
        """`BookingContextStore.booking_context`; with a claim and a token through the batch."""
        if claim is None or token is None or not self.batch_contexts:
            return super().booking_context(  # type: ignore[misc]
                booking_id, channel, occupation, slot_id, citizen_key, claim, token
            )
        return self.contexts_batch.submit(
            (booking_id, channel, occupation, slot_id, citizen_key, claim, token)
        )

    def _read_batch(self, items: Sequence[Item]) -> list[BookingContext]:
        params = (
            [i[0] for i in items],
            [i[4] for i in items],
            [i[1] for i in items],
            [i[2] for i in items],
            [i[3] for i in items],
            [hash_secret(i[6]) for i in items],
            [utc(now + ttl) for _, _, _, _, _, (now, ttl), _ in items],
            utc(min(now for _, _, _, _, _, (now, _ttl), _ in items)),
        )
        with self._connection() as conn:  # type: ignore[attr-defined]
            rows = conn.execute(_SQL, params, prepare=True).fetchall()
        out: list[BookingContext | None] = [None] * len(items)
        for row in rows:
            i = row["ord"] - 1
            out[i] = context_from_row(row, items[i][1], items[i][4], bool(row["claimed"]), True)
        assert all(c is not None for c in out)  # one row per item: LEFT JOINs on `req`
        return out  # type: ignore[return-value]
