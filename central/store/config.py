"""Configuration kept in the database: meta values, channel hours, the occupation list."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from central.hours import ChannelHours
from central.store.connection import Connections, utc
from central.store.records import Occupation


class ConfigStore(Connections):
    def meta(self, key: str) -> str | None:
        row = self._conn().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as c:
            c.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def claim_request(self, key: str, now: datetime, ttl: timedelta) -> bool:
        """Mark the booking request `key` in flight for every server process on this database;
        False if another one holds it (and its claim has not expired)."""
        row = (
            self._conn()
            .execute(
                "INSERT INTO requests_in_flight(idempotency_key, expires_at) VALUES (?, ?) "
                "ON CONFLICT(idempotency_key) DO UPDATE SET expires_at = excluded.expires_at "
                "WHERE requests_in_flight.expires_at < ? RETURNING idempotency_key",
                (key, utc(now + ttl), utc(now)),
            )
            .fetchone()
        )
        return row is not None

    def extend_requests(self, keys: Sequence[str], now: datetime, ttl: timedelta) -> None:
        """Push the expiry of this process's claims `keys` to `now + ttl` (its heartbeat: the
        claims of a process that died stop being extended and expire within `ttl`)."""
        if keys:
            until = utc(now + ttl)
            with self._write() as c:
                c.executemany(
                    "UPDATE requests_in_flight SET expires_at = ? WHERE idempotency_key = ?",
                    [(until, key) for key in keys],
                )

    def release_request(self, key: str) -> None:
        self._conn().execute("DELETE FROM requests_in_flight WHERE idempotency_key = ?", (key,))

    def hours(self) -> dict[str, ChannelHours]:
        rows = self._conn().execute("SELECT * FROM channel_hours ORDER BY channel").fetchall()
        return {
            r["channel"]: ChannelHours(
                r["channel"], r["opens"], r["closes"], date.fromisoformat(r["valid_from"])
            )
            for r in rows
        }

    def set_hours(self, hours: ChannelHours) -> None:
        with self._write() as c:
            c.execute(
                "INSERT INTO channel_hours(channel, opens, closes, valid_from) VALUES (?,?,?,?) "
                "ON CONFLICT(channel) DO UPDATE SET opens = excluded.opens, "
                "closes = excluded.closes, valid_from = excluded.valid_from",
                (hours.channel, hours.opens, hours.closes, hours.valid_from.isoformat()),
            )

    def put_occupations(self, occupations: Sequence[Occupation]) -> None:
        with self._write() as c:
            c.execute("DELETE FROM occupations")
            c.executemany(
                "INSERT INTO occupations VALUES (?,?,?,?,?)",
                [
                    (o.code, o.label_th, o.label_en, int(o.free_text), i)
                    for i, o in enumerate(occupations)
                ],
            )

    def occupations(self) -> list[Occupation]:
        rows = self._conn().execute("SELECT * FROM occupations ORDER BY position").fetchall()
        return [
            Occupation(r["code"], r["label_th"], r["label_en"], bool(r["free_text"])) for r in rows
        ]
