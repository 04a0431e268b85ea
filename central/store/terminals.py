"""Terminals: one-time enrolment codes, bearer tokens, revocation."""

from __future__ import annotations

import secrets
import sqlite3
from datetime import datetime, timedelta

from central import references
from central.errors import EnrolmentRefused
from central.store.connection import Connections, hash_secret, iso
from central.store.records import Terminal


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

    def enrol(self, code: str, terminal_id: str, store: str, now: datetime) -> tuple[str, str]:
        """Spend a one-time code for a token: (token, store). The code cannot be spent twice."""
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
            c.execute(
                "UPDATE enrolment_codes SET used_at = ?, used_by = ? WHERE code_hash = ?",
                (iso(now), terminal_id, row["code_hash"]),
            )
            token = self._issue(c, terminal_id, store, "kiosk", now)
        return token, store

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


def _normal_code(code: str) -> str:
    return "".join(code.upper().split()).replace("-", "")
