"""Terminals: one-time enrolment codes, bearer tokens, revocation, their signing keys.

A terminal signs the slips it confirms offline with its own Ed25519 key (DESIGN §11). Every key
a terminal ever registered is kept, with when it was replaced, so a slip printed before a
rotation (`kiosk provision --reset-keys`) or a reinstall still verifies.
"""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from central import references
from central.errors import EnrolmentRefused
from central.store.connection import Connections, hash_secret, iso
from central.store.records import Terminal
from kiosk.keys import b64, key_id, unb64


class TerminalsStore(Connections):
    def new_enrolment_code(self, store: str, now: datetime, ttl: timedelta) -> str:
        body = "".join(secrets.choice(references.ALPHABET) for _ in range(12))
        code = f"{body[:4]}-{body[4:8]}-{body[8:]}"
        with self._write() as c:
            c.execute(
                "INSERT INTO enrolment_codes(code_hash, store, created_at, expires_at) "
                "VALUES (?,?,?,?)",
                (hash_secret(_normal_code(code)), store, iso(now), iso(now + ttl)),
            )
        return code

    def enrol(
        self,
        code: str,
        terminal_id: str,
        store: str,
        now: datetime,
        public_key: bytes | None = None,
    ) -> tuple[str, str]:
        """Spend a one-time code for a token: (token, store). The code cannot be spent twice.
        `public_key` (raw Ed25519) is registered as the terminal's key in the same step."""
        with self._write() as c:
            row = c.execute(
                "SELECT * FROM enrolment_codes WHERE code_hash = ?",
                (hash_secret(_normal_code(code)),),
            ).fetchone()
            if row is None:
                raise EnrolmentRefused(
                    "enrolment-code-unknown",
                    "This enrolment code is not known; check it or ask for a new one.",
                    "ไม่พบรหัสลงทะเบียนนี้ กรุณาตรวจสอบหรือขอรหัสใหม่",
                )
            if row["used_at"] is not None:
                raise EnrolmentRefused(
                    "enrolment-code-used",
                    "This enrolment code has already been used; ask for a new one.",
                    "รหัสลงทะเบียนนี้ถูกใช้ไปแล้ว กรุณาขอรหัสใหม่",
                )
            if datetime.fromisoformat(row["expires_at"]) <= now:
                raise EnrolmentRefused(
                    "enrolment-code-expired",
                    "This enrolment code has expired; ask for a new one.",
                    "รหัสลงทะเบียนนี้หมดอายุแล้ว กรุณาขอรหัสใหม่",
                )
            if row["store"] != store:
                raise EnrolmentRefused(
                    "enrolment-store-mismatch",
                    "This enrolment code was issued for another store.",
                    "รหัสลงทะเบียนนี้ออกให้ร้านอื่น",
                )
            spent = c.execute(
                "UPDATE enrolment_codes SET used_at = ?, used_by = ? WHERE code_hash = ? "
                "AND used_at IS NULL",
                (iso(now), terminal_id, row["code_hash"]),
            ).rowcount
            if spent != 1:  # spent by a concurrent enrolment since it was read
                raise EnrolmentRefused(
                    "enrolment-code-used",
                    "This enrolment code has already been used; ask for a new one.",
                    "รหัสลงทะเบียนนี้ถูกใช้ไปแล้ว กรุณาขอรหัสใหม่",
                )
            token = self._issue(c, terminal_id, store, "kiosk", now)
            if public_key is not None:
                _register_key(c, terminal_id, public_key, now)
        return token, store

    def register_key(self, terminal_id: str, public_key: bytes, now: datetime) -> str:
        """Make `public_key` (raw Ed25519) the terminal's current key; its key id."""
        with self._write() as c:
            return _register_key(c, terminal_id, public_key, now)

    def terminal_keys(self, terminal_id: str) -> list[TerminalKey]:
        """Every key the terminal registered, the current one first."""
        rows = self._conn().execute(
            "SELECT * FROM terminal_keys WHERE terminal_id = ? "
            "ORDER BY replaced_at IS NOT NULL, registered_at DESC",
            (terminal_id,),
        )
        return [
            TerminalKey(
                r["terminal_id"],
                r["key_id"],
                unb64(r["public_key"], "a stored terminal key"),
                r["registered_at"],
                r["replaced_at"],
            )
            for r in rows
        ]

    def issue_token(self, terminal_id: str, store: str, channel: str, now: datetime) -> str:
        with self._write() as c:
            return self._issue(c, terminal_id, store, channel, now)

    @staticmethod
    def _issue(
        c: sqlite3.Connection, terminal_id: str, store: str, channel: str, now: datetime
    ) -> str:
        # Enrolling a terminal again (a reinstall) replaces its token: the old one stops working.
        token = secrets.token_urlsafe(32)
        c.execute(
            "INSERT INTO terminals(terminal_id, store, channel, token_hash, created_at) "
            "VALUES (?,?,?,?,?) ON CONFLICT(terminal_id) DO UPDATE SET store = excluded.store, "
            "channel = excluded.channel, token_hash = excluded.token_hash, "
            "created_at = excluded.created_at, revoked_at = NULL",
            (terminal_id, store, channel, hash_secret(token), iso(now)),
        )
        return token

    def revoke(self, terminal_id: str, now: datetime) -> bool:
        with self._write() as c:
            return (
                c.execute(
                    "UPDATE terminals SET token_hash = NULL, revoked_at = ? "
                    "WHERE terminal_id = ? AND token_hash IS NOT NULL",
                    (iso(now), terminal_id),
                ).rowcount
                == 1
            )

    def terminal_for_token(self, token: str) -> Terminal | None:
        row = (
            self._conn()
            .execute(
                "SELECT terminal_id, store, channel FROM terminals WHERE token_hash = ?",
                (hash_secret(token),),
            )
            .fetchone()
        )
        return None if row is None else Terminal(row[0], row[1], row[2])


@dataclass(frozen=True)
class TerminalKey:
    terminal_id: str
    key_id: str
    public: bytes
    registered_at: str
    replaced_at: str | None


def _register_key(c: sqlite3.Connection, terminal_id: str, public_key: bytes, now: datetime) -> str:
    kid = key_id(public_key)
    c.execute(
        "UPDATE terminal_keys SET replaced_at = ? WHERE terminal_id = ? AND replaced_at IS NULL "
        "AND key_id != ?",
        (iso(now), terminal_id, kid),
    )
    # The same key again (a retried enrolment) stays as it was; a key used before and
    # registered again becomes current again.
    c.execute(
        "INSERT INTO terminal_keys(terminal_id, key_id, public_key, registered_at) "
        "VALUES (?,?,?,?) ON CONFLICT(terminal_id, key_id) DO UPDATE SET replaced_at = NULL",
        (terminal_id, kid, b64(public_key), iso(now)),
    )
    return kid


def _normal_code(code: str) -> str:
    return "".join(code.upper().split()).replace("-", "")
