"""The operations console's records (migration 6): operators, sessions, the audit log, failed
sign-ins and one-time sign-in codes. The same SQL on SQLite and PostgreSQL.

Everything a console request depends on is in the database, never in a worker's memory, so any
worker of `serve --workers N` serves any session and enforces the same sign-in lockout. The
policies (how long a session lives, how long a lockout grows) are the console's
(`central.console.sessions`); this module only keeps rows and compares instants.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from central.store.connection import Connections, hash_secret, utc
from central.store.health import FleetRow
from central.store.health import _row as fleet_row

#: The meta key of the console's signing key (the sign-in form's CSRF token before a session).
CONSOLE_KEY = "console_signing_key"
#: `audit_page` adds its WHERE clauses, all constants, to this.
_AUDIT_SELECT = "SELECT id, at, operator, action, target, detail, source_ip FROM audit_log WHERE "


@dataclass(frozen=True)
class Operator:
    name: str
    role: str
    created_at: str
    disabled: bool = False


@dataclass(frozen=True)
class ConsoleSession:
    token_hash: str
    operator: Operator
    created_at: datetime
    idle_until: datetime
    expires_at: datetime
    csrf_secret: str


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    operator: str | None
    action: str
    target: str | None
    detail: dict[str, Any]
    source_ip: str | None


@dataclass(frozen=True)
class Charge:
    """One sign-in attempt counted against a key: `refused` if the key was locked when it came
    (then nothing was counted and `locked_until` is the lock it met)."""

    key: str
    failures: int
    locked_until: datetime | None
    refused: bool


@dataclass(frozen=True)
class Failures:
    failures: int
    last_at: datetime
    locked_until: datetime | None


def _dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


class ConsoleStore(Connections):
    # -- operators -------------------------------------------------------------------------
    def add_operator(self, name: str, role: str, password: str, now: datetime) -> bool:
        """A new operator with the (already hashed) `password`; False if the name is taken."""
        with self._write() as c:
            found = c.execute("SELECT 1 FROM operators WHERE name = ?", (name,)).fetchone()
            if found is not None:
                return False
            c.execute(
                "INSERT INTO operators(name, role, password, created_at, disabled) "
                "VALUES (?,?,?,?,0)",
                (name, role, password, utc(now)),
            )
            return True

    def remove_operator(self, name: str) -> bool:
        """Delete the operator, their sessions and their sign-in codes (the audit log stays)."""
        with self._write() as c:
            c.execute("DELETE FROM console_sessions WHERE operator = ?", (name,))
            c.execute("DELETE FROM console_signin_codes WHERE operator = ?", (name,))
            return c.execute("DELETE FROM operators WHERE name = ?", (name,)).rowcount == 1

    def set_operator_disabled(self, name: str, disabled: bool) -> bool:
        """Disable (or enable again) an operator; disabling ends their sessions and spends their
        sign-in codes at once. False if there is no such operator."""
        with self._write() as c:
            if disabled:
                c.execute("DELETE FROM console_sessions WHERE operator = ?", (name,))
                c.execute("DELETE FROM console_signin_codes WHERE operator = ?", (name,))
            return (
                c.execute(
                    "UPDATE operators SET disabled = ? WHERE name = ?", (int(disabled), name)
                ).rowcount
                == 1
            )

    def set_operator_password(self, name: str, password: str) -> bool:
        """Replace an operator's (already hashed) password and end their sessions: whoever
        knew the old one is signed out everywhere. False if there is no such operator."""
        with self._write() as c:
            c.execute("DELETE FROM console_sessions WHERE operator = ?", (name,))
            return (
                c.execute(
                    "UPDATE operators SET password = ? WHERE name = ?", (password, name)
                ).rowcount
                == 1
            )

    def operators(self) -> list[Operator]:
        rows = self._conn().execute(
            "SELECT name, role, created_at, disabled FROM operators ORDER BY name"
        )
        return [Operator(r[0], r[1], r[2], bool(r[3])) for r in rows]

    def operator_password(self, name: str) -> tuple[Operator, str] | None:
        """The operator and their stored hash, for checking a password; None if unknown."""
        r = (
            self._conn()
            .execute(
                "SELECT name, role, created_at, disabled, password FROM operators WHERE name = ?",
                (name,),
            )
            .fetchone()
        )
        return None if r is None else (Operator(r[0], r[1], r[2], bool(r[3])), r[4])

    # -- sessions --------------------------------------------------------------------------
    def new_console_session(
        self, operator: str, now: datetime, idle: timedelta, lifetime: timedelta
    ) -> str:
        """A session for `operator`: its token (the cookie), stored only as its hash."""
        token = secrets.token_urlsafe(32)
        with self._write() as c:
            c.execute(
                "INSERT INTO console_sessions(token_hash, operator, created_at, last_seen, "
                "idle_until, expires_at, csrf_secret) VALUES (?,?,?,?,?,?,?)",
                (
                    hash_secret(token),
                    operator,
                    utc(now),
                    utc(now),
                    utc(now + idle),
                    utc(now + lifetime),
                    secrets.token_urlsafe(32),
                ),
            )
        return token

    def console_session(self, token: str, now: datetime) -> ConsoleSession | None:
        """The live session of `token` at `now` (its operator not disabled, neither expiry
        passed), or None."""
        r = (
            self._conn()
            .execute(
                "SELECT s.token_hash, o.name, o.role, o.created_at, o.disabled, s.created_at, "
                "s.idle_until, s.expires_at, s.csrf_secret FROM console_sessions s "
                "JOIN operators o ON o.name = s.operator WHERE s.token_hash = ? "
                "AND s.idle_until > ? AND s.expires_at > ? AND o.disabled = 0",
                (hash_secret(token), utc(now), utc(now)),
            )
            .fetchone()
        )
        if r is None:
            return None
        operator = Operator(r[1], r[2], r[3], bool(r[4]))
        return ConsoleSession(
            r[0],
            operator,
            _dt(r[5]),
            _dt(r[6]),
            _dt(r[7]),
            r[8],  # type: ignore[arg-type]
        )

    def touch_console_session(self, token_hash: str, now: datetime, idle: timedelta) -> None:
        """Move the idle expiry on (never past the absolute one, which the read checks)."""
        with self._write() as c:
            c.execute(
                "UPDATE console_sessions SET last_seen = ?, idle_until = ? WHERE token_hash = ?",
                (utc(now), utc(now + idle), token_hash),
            )

    def end_console_session(self, token_hash: str) -> bool:
        with self._write() as c:
            return (
                c.execute(
                    "DELETE FROM console_sessions WHERE token_hash = ?", (token_hash,)
                ).rowcount
                == 1
            )

    def prune_console_sessions(self, now: datetime) -> int:
        with self._write() as c:
            return c.execute(
                "DELETE FROM console_sessions WHERE idle_until <= ? OR expires_at <= ?",
                (utc(now), utc(now)),
            ).rowcount

    # -- sign-in failures ------------------------------------------------------------------
    def login_failures(self, keys: list[str]) -> dict[str, Failures]:
        out: dict[str, Failures] = {}
        for key in keys:
            r = (
                self._conn()
                .execute(
                    "SELECT failures, last_at, locked_until FROM login_failures WHERE key = ?",
                    (key,),
                )
                .fetchone()
            )
            if r is not None:
                out[key] = Failures(r[0], _dt(r[1]), _dt(r[2]))  # type: ignore[arg-type]
        return out

    def charge_login_attempt(
        self, key: str, now: datetime, forget_after: timedelta, lockout: Any
    ) -> Charge:
        """Count a sign-in attempt against `key` BEFORE its password is checked, or refuse it
        if `key` is locked; `lockout(failures)` is how long the key is then refused (a
        timedelta or None). A count older than `forget_after` starts again.

        Charging first is what stops guesses sent in parallel: checking the lock, then the
        password, then counting the failure let every guess that arrived before the first
        failure was written pass the lock (twenty at once all got a password check). Here the
        upsert serialises the attempts on the key's row: the FREE-th one sets the lock and
        every later one, in any worker, sees it. A success gives its charge back
        (`refund_login_attempt`)."""
        stamp = utc(now)
        with self._write() as c:
            row = c.execute(
                "INSERT INTO login_failures(key, failures, last_at, locked_until) "
                "VALUES (?, 1, ?, NULL) ON CONFLICT(key) DO UPDATE SET "
                "failures = CASE WHEN login_failures.locked_until > ? "
                "THEN login_failures.failures "
                "WHEN login_failures.last_at >= ? THEN login_failures.failures + 1 ELSE 1 END, "
                "last_at = CASE WHEN login_failures.locked_until > ? "
                "THEN login_failures.last_at ELSE excluded.last_at END "
                "RETURNING failures, locked_until",
                (key, stamp, stamp, utc(now - forget_after), stamp),
            ).fetchone()
            failures, held = int(row[0]), _dt(row[1])
            if held is not None and held > now:
                return Charge(key, failures, held, refused=True)
            wait = lockout(failures)
            locked = None if wait is None else now + wait
            c.execute(
                "UPDATE login_failures SET locked_until = ? WHERE key = ?",
                (None if locked is None else utc(locked), key),
            )
            return Charge(key, failures, locked, refused=False)

    def prune_login_failures(self, now: datetime, forget_after: timedelta) -> int:
        """Delete counts that have forgotten themselves (no failure for `forget_after`, no lock
        running): names and addresses sprayed by an attacker do not pile up for ever."""
        with self._write() as c:
            return c.execute(
                "DELETE FROM login_failures WHERE last_at < ? "
                "AND (locked_until IS NULL OR locked_until <= ?)",
                (utc(now - forget_after), utc(now)),
            ).rowcount

    def refund_login_attempt(self, charge: Charge) -> None:
        """Give back an attempt that turned out to be a good sign-in: one failure fewer, and the
        lock lifted if it is the one this attempt set (a lock set since by another attempt
        stays)."""
        if charge.refused:
            return
        locked = None if charge.locked_until is None else utc(charge.locked_until)
        with self._write() as c:
            c.execute(
                "UPDATE login_failures SET failures = CASE WHEN failures > 0 "
                "THEN failures - 1 ELSE 0 END, locked_until = CASE WHEN locked_until = ? "
                "THEN NULL ELSE locked_until END WHERE key = ?",
                (locked, charge.key),
            )

    def clear_login_failures(self, key: str) -> None:
        with self._write() as c:
            c.execute("DELETE FROM login_failures WHERE key = ?", (key,))

    # -- one-time sign-in codes ------------------------------------------------------------
    def new_signin_code(self, operator: str, now: datetime, ttl: timedelta) -> str:
        code = secrets.token_urlsafe(24)
        with self._write() as c:
            c.execute(
                "INSERT INTO console_signin_codes(code_hash, operator, created_at, expires_at) "
                "VALUES (?,?,?,?)",
                (hash_secret(code), operator, utc(now), utc(now + ttl)),
            )
        return code

    def spend_signin_code(self, code: str, now: datetime) -> str | None:
        """The operator a live, unused code signs in, marking it used; None otherwise (one
        conditional UPDATE: two requests with one code cannot both get a session)."""
        with self._write() as c:
            row = c.execute(
                "UPDATE console_signin_codes SET used_at = ? WHERE code_hash = ? "
                "AND used_at IS NULL AND expires_at > ? RETURNING operator",
                (utc(now), hash_secret(code), utc(now)),
            ).fetchone()
            return None if row is None else row[0]

    # -- the audit log ---------------------------------------------------------------------
    def add_audit(
        self,
        now: datetime,
        operator: str | None,
        action: str,
        target: str | None,
        detail: dict[str, Any],
        source_ip: str | None,
    ) -> None:
        text = json.dumps(detail, separators=(",", ":"), ensure_ascii=False, default=str)
        with self._write() as c:
            c.execute(
                "INSERT INTO audit_log(at, operator, action, target, detail, source_ip) "
                "VALUES (?,?,?,?,?,?)",
                (utc(now), operator, action, target, text, source_ip),
            )

    def audit_page(
        self,
        *,
        operator: str | None = None,
        action: str | None = None,
        before: int | None = None,
        limit: int = 50,
    ) -> list[AuditRow]:
        """Newest first; `before` is the id the previous page ended at (keyset paging)."""
        where, params = ["1 = 1"], []
        if operator:
            where.append("operator = ?")
            params.append(operator)
        if action:
            where.append("action = ?")
            params.append(action)
        if before is not None:
            where.append("id < ?")
            params.append(before)
        params.append(limit)
        sql = _AUDIT_SELECT + " AND ".join(where) + " ORDER BY id DESC LIMIT ?"
        rows = self._conn().execute(sql, params)
        return [
            AuditRow(r[0], datetime.fromisoformat(r[1]), r[2], r[3], r[4], json.loads(r[5]), r[6])
            for r in rows
        ]

    def audit_actions(self) -> list[str]:
        return [r[0] for r in self._conn().execute("SELECT DISTINCT action FROM audit_log")]

    # -- one terminal, for its page ------------------------------------------------------
    def console_terminal(self, terminal_id: str) -> tuple[FleetRow, str | None, str] | None:
        """A terminal's row as `fleet_page` gives it, with or without a live token, and when
        its token was revoked (None: live) and its channel; None if never enrolled."""
        r = (
            self._conn()
            .execute(
                "SELECT t.terminal_id, t.store, h.received_at, h.online_until, h.stale_until, "
                "h.report, t.revoked_at, t.channel FROM terminals t LEFT JOIN terminal_health h "
                "ON h.terminal_id = t.terminal_id WHERE t.terminal_id = ?",
                (terminal_id,),
            )
            .fetchone()
        )
        return None if r is None else (fleet_row(r), r[6], r[7])

    # -- the console's signing key ---------------------------------------------------------
    def console_key(self) -> str:
        """The console's random signing key, made by the first worker that asks (the insert
        does nothing if another worker's is already there; every worker reads the one kept)."""
        found = self.meta(CONSOLE_KEY)  # type: ignore[attr-defined]
        if found:
            return found
        with self._write() as c:
            c.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING",
                (CONSOLE_KEY, secrets.token_urlsafe(32)),
            )
        return self.meta(CONSOLE_KEY)  # type: ignore[attr-defined]
