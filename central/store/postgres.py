"""The PostgreSQL store: the same parts of the store (one module each) over a PostgreSQL database.

The parts (`bookings`, `leases`, `seats`, ...) are written once, in SQL both databases take, with
SQLite's placeholders; `PgConnections` gives them what `Connections` gives them on SQLite — a
connection for single reads, a write transaction, a snapshot — over a psycopg 3
`ConnectionPool`, translating the placeholders (`?` and `:name`) to psycopg's (`%s`,
`%(name)s`) once per statement text. Two places of the booking path say in one PostgreSQL
statement (data-modifying CTEs) what SQLite says in several, to save round trips: the claim in
flight with the booking's context (`booking_context`) and the reference, booking and claim
release (`pg_writes`); docs/central-performance.md has the figures.

Concurrency. SQLite admits one writer at a time (`BEGIN IMMEDIATE`); PostgreSQL runs writers
side by side. Transactions here are READ COMMITTED and the invariants still hold because every
seat moves by a conditional UPDATE whose row count is the truth (`seats`), the CHECK
`booked + held <= capacity` and the unique indexes are the database's, and the few reads a
write depends on lock their rows (`_lock_rows`: the booking a change or cancel edits; the
terminal whose leases a refresh tops up). What READ COMMITTED can still produce is a conflict
the database refuses — a unique violation when two requests insert the same booking id or two
bookings of one citizen, a deadlock between two refreshes taking seats of the same slots in a
different order, a serialization failure. Such a transaction is rolled back whole and the write
is run again from the start (`_retrying`), where it now sees the other's committed row and
answers as SQLite would have (a replay, already-booked, ...).

Measured on the 2-core test machine, 8 threads booking 320 citizens at once through this store
(one hot slot / spread over 20 slots): READ COMMITTED 340 / 670 bookings per second with no
retry; SERIALIZABLE 110 / 113 per second with about 1,400 serialization failures retried, and
some writes still failing after 50 attempts. Hence READ COMMITTED with the conditional UPDATEs,
which is what the store was written for (see the module docstring of `central.store`).

Stored representations are those of SQLite (ISO 8601 TEXT instants, INTEGER flags, JSON TEXT),
so the code that compares ISO strings compares the same strings on both.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from central.errors import StoreError
from central.sealed_fields import FieldSealer, NoSealer
from central.store import migrations
from central.store.booking_context import BookingContextStore
from central.store.checks import ChecksStore
from central.store.config import ConfigStore
from central.store.connection import Connections
from central.store.console import ConsoleStore
from central.store.fleet_sql import FleetReadsStore
from central.store.health import HealthStore
from central.store.leases import LeasesStore
from central.store.notifications import NotificationsStore
from central.store.pg_batch_booking import PgBatchBooking
from central.store.pg_batch_context import PgBatchContext
from central.store.pg_booking import PgOneStatementBooking
from central.store.pg_health import PgHealthWrites
from central.store.pg_writes import PgBookingWrites
from central.store.registry import RegistryStore
from central.store.sites import SitesStore
from central.store.stats import StatsStore
from central.store.stores import StoresStore
from central.store.terminals import TerminalsStore

T = TypeVar("T")

#: How often a write that the database refused for a conflict is run again before giving up.
ATTEMPTS = 8
#: Seconds a request waits for a pooled connection (and the pool keeps reconnecting in a row).
POOL_WAIT = 5.0
#: A pooled connection used less than this many seconds ago is handed out without a check.
FRESH = 1.0


def is_postgres_url(db: object) -> bool:
    return isinstance(db, str) and db.startswith(("postgresql://", "postgres://"))


def database_exists(url: str) -> bool:
    """Whether the server at `url` answers and has that database (the command line tells a
    missing database from a broken one)."""
    try:
        with psycopg.connect(url, connect_timeout=10):
            return True
    except psycopg.OperationalError as exc:
        if "does not exist" in str(exc):
            return False
        raise StoreError(
            f"cannot connect to the database {redact(url)}: {_reason(exc)}",
            th="เชื่อมต่อฐานข้อมูลไม่ได้",
        ) from None


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


_LITERAL_OR_PLACEHOLDER = re.compile(r"('(?:[^']|'')*')|(\?)|(?<![:\w]):([A-Za-z_]\w*)|(%)")


@functools.lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """SQLite placeholders to psycopg's, leaving string literals alone; `%` doubled."""

    def one(m: re.Match[str]) -> str:
        literal, positional, name, percent = m.groups()
        if literal is not None:
            return literal.replace("%", "%%")
        if positional is not None:
            return "%s"
        if name is not None:
            return f"%({name})s"
        assert percent is not None
        return "%%"

    return _LITERAL_OR_PLACEHOLDER.sub(one, sql)


class Row:
    """A result row read by position or by column name, like `sqlite3.Row` (first column of
    a name wins)."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: Sequence[Any]) -> None:
        self._index = index
        self._values = values

    def __getitem__(self, key: int | str) -> Any:
        if isinstance(key, int):
            return self._values[key]
        return self._values[self._index[key]]

    def keys(self) -> list[str]:
        return list(self._index)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Row({dict(zip(self._index, self._values, strict=False))!r})"


_TUPLES = psycopg.pq.ExecStatus.TUPLES_OK
#: Column names (as the server sent them) -> their index, per shape of result seen.
_INDEXES: dict[tuple[bytes, ...], dict[str, int]] = {}


def row_factory(cursor: Any) -> Callable[[Sequence[Any]], Row]:
    """Rows of this result. The names come from the raw result, and the index is made once per
    shape: `cursor.description` builds a Column object per column on every statement, which
    for the booking's 30-column context read cost more than the rest of the client's work."""
    result = cursor.pgresult
    names = tuple(result.fname(i) for i in range(result.nfields)) if result is not None else ()
    index = _INDEXES.get(names)
    if index is None:
        index = {}
        for i, name in enumerate(names):
            index.setdefault(name.decode(), i)
        if len(_INDEXES) < 4096:  # bounded: the central's statements have a few hundred shapes
            _INDEXES[names] = index
    return functools.partial(Row, index)


class _Tx:
    """A psycopg connection inside a transaction, taking the parts' SQLite-style SQL."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Any = None) -> Any:
        # Always with parameters, so psycopg undoes the doubled `%` of `translate`.
        return self._conn.execute(translate(sql), () if params is None else params)

    def executemany(self, sql: str, rows: Any) -> Any:
        cur = self._conn.cursor()
        cur.executemany(translate(sql), list(rows))
        return cur


class _Result:
    """The rows of one statement, read to the end before its connection went back."""

    def __init__(self, rows: list[Row], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def fetchone(self) -> Row | None:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[Row]:
        return list(self._rows)

    def __iter__(self) -> Iterator[Row]:
        return iter(self._rows)


class _Reader:
    """What `_conn()` is on SQLite: one statement at a time, each on a pooled connection in
    autocommit, so a read outside a write never keeps a connection or a snapshot."""

    def __init__(self, store: PgConnections) -> None:
        self._store = store

    def execute(self, sql: str, params: Any = None) -> _Result:
        with self._store._connection() as conn:
            cur = conn.execute(translate(sql), () if params is None else params)
            # whether it returned rows, from the raw result: `description` would build a
            # Column object per column (row_factory's docstring)
            result = cur.pgresult
            rows = cur.fetchall() if result is not None and result.status == _TUPLES else []
            return _Result(rows, cur.rowcount)


class PgConnections(Connections):
    """A psycopg_pool `ConnectionPool` on one PostgreSQL database, and its transactions."""

    def __init__(self, url: str, *, min_size: int = 1, max_size: int = 16) -> None:
        self._psycopg = psycopg
        self.path = redact(url)
        self.url = url
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all = []
        #: Until when (monotonic) requests are told at once that the database is away.
        self._down_until = 0.0
        #: When each pooled connection was last given back (`_check_stale`).
        self._used: weakref.WeakKeyDictionary[Any, float] = weakref.WeakKeyDictionary()
        self._pool = ConnectionPool(
            url,
            min_size=min_size,
            max_size=max_size,
            kwargs={
                "autocommit": True,
                "row_factory": row_factory,
                "connect_timeout": 5,
                # Which process a session belongs to, in pg_stat_activity (and pg_locks through
                # it): with `serve --workers N` an operator sees each worker's connections and
                # which worker holds the registry check job's lock.
                "application_name": f"kiosk-central pid {os.getpid()}",
            },
            open=False,
            name="central",
            # A connection the server dropped (a restart, a network cut) is found and replaced
            # before a request gets it, not by the request failing on it.
            check=self._check_stale,
            # While the server is away, a request waits this long for a connection and then
            # answers 503 database-unavailable; the pool gives up a run of failed reconnection
            # attempts after this long and starts afresh on the next request, so it is back
            # within seconds of the server, not after a long exponential backoff.
            timeout=POOL_WAIT,
            reconnect_timeout=POOL_WAIT,
        )
        try:
            self._pool.open(wait=True, timeout=15)
        except (PoolTimeout, psycopg.Error) as exc:
            self._pool.close()
            raise StoreError(
                f"cannot connect to the database {self.path}: {_reason(exc)}",
                th="เชื่อมต่อฐานข้อมูลไม่ได้",
            ) from None

    def _check_stale(self, conn: Any) -> None:
        """The pool's check before it hands out a connection: a round trip to the server, but
        only for a connection idle for `FRESH` seconds or more. Checking every time cost a round
        trip per statement (ten per booking); under load every connection is fresh, and a
        fresh one that the server dropped fails its statement, which answers 503
        database-unavailable as when the server goes away mid-statement, and the pool replaces
        it (a broken connection is never put back)."""
        if time.monotonic() - self._used.get(conn, -FRESH) < FRESH:
            return
        ConnectionPool.check_connection(conn)

    @contextlib.contextmanager
    def _connection(self) -> Iterator[Any]:
        if self._down_until and self._still_down():
            raise StoreError(
                f"the database {self.path} is unavailable (reconnecting)", th="ฐานข้อมูลขัดข้อง"
            )
        try:
            with self._pool.connection() as conn:
                try:
                    yield conn
                finally:
                    self._used[conn] = time.monotonic()
        except (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected):
            raise  # not the database failing: `_retrying` runs the write again
        except self._psycopg.OperationalError as exc:
            if isinstance(exc, PoolTimeout):
                self._down_until = time.monotonic() + POOL_WAIT
            raise StoreError(
                f"the database {self.path} failed: {_reason(exc)}", th="ฐานข้อมูลขัดข้อง"
            ) from None

    def _still_down(self) -> bool:
        """Whether to answer at once that the database is away: for POOL_WAIT seconds after a
        request waited that long for a connection in vain, unless the pool has one again.

        Without it every request waits POOL_WAIT in turn while the database is away, and the
        writes, queued for the one writer thread (central.service), each wait after the one
        before: measured behind `serve --workers 2`, a booking took 14 s to be answered during
        a 12-second outage, where a terminal needs a prompt 503 to fall back to its queue."""
        if time.monotonic() >= self._down_until:
            self._down_until = 0.0
            return False
        if self._pool.get_stats().get("pool_available", 0) > 0:
            self._down_until = 0.0
            return False
        return True

    def _conn(self) -> Any:  # type: ignore[override]
        return _Reader(self)

    def _lock_rows(self, table: str) -> str:
        return f" FOR UPDATE OF {table}"

    def _skip_locked(self) -> str:
        return " FOR UPDATE SKIP LOCKED"

    def _serialise_terminal(self, c: Any, terminal_id: str) -> None:
        c.execute("SELECT 1 FROM terminals WHERE terminal_id = ? FOR UPDATE", (terminal_id,))

    def _days_between(self, later: str, earlier: str) -> str:
        return f"(CAST({later} AS date) - CAST({earlier} AS date))"

    @contextlib.contextmanager
    def _write(self) -> Iterator[Any]:  # type: ignore[override]
        with self._connection() as conn, conn.transaction():
            yield _Tx(conn)

    @contextlib.contextmanager
    def _snapshot(self) -> Iterator[Any]:  # type: ignore[override]
        with self._connection() as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield _Tx(conn)
            finally:
                conn.execute("COMMIT")

    @contextlib.contextmanager
    def exclusive(self, job: str) -> Iterator[bool]:
        """Run the periodic `job` in one worker of the cluster at a time (`serve --workers N`).

        A session-level `pg_try_advisory_lock` on a pooled connection kept for the whole run:
        the job's own transactions run on other connections and commit before the lock is let
        go, so two runs never overlap. It is not a lease with a timeout: a worker that dies
        (SIGKILL, a lost network) loses its connection, the server ends that session and the
        lock with it, and the next worker to try takes over. If unlocking fails the connection
        is closed rather than handed back still holding the lock."""
        with self._connection() as conn:
            key = f"kiosk-central job {job}"
            got = conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (key,)).fetchone()[0]
            if not got:
                yield False
                return
            try:
                yield True
            finally:
                try:
                    conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (key,))
                except self._psycopg.Error:
                    conn.close()  # the session, and its lock, end with the connection

    def _retrying(self, fn: Callable[[], T]) -> T:
        """Run the write `fn` again from the start when the database refused it for a
        conflict with a concurrent transaction (rolled back whole; see the module docstring)."""
        errors = self._psycopg.errors
        conflicts = (errors.UniqueViolation, errors.SerializationFailure, errors.DeadlockDetected)
        for attempt in range(ATTEMPTS):
            try:
                return fn()
            except conflicts:
                if attempt == ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        self._pool.close()


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


#: The store's writes: each is one transaction, run again whole on a conflict.
_WRITES = (
    "set_meta",
    "set_hours",
    "put_occupations",
    "put_sites",
    "put_registry",
    "book",
    "change",
    "cancel",
    "verify_pending",
    "refresh_leases",
    "book_from_lease",
    "new_enrolment_code",
    "enrol",
    "register_key",
    "issue_token",
    "revoke",
    "notify_refusal",
    "notify_queued_replay",
    "claim_notifications",
    "settle_notification",
    "put_health",
    "put_health_for_token",
    "put_health_batch",
    # the console's (central/store/console.py)
    "add_operator",
    "remove_operator",
    "set_operator_disabled",
    "set_operator_password",
    "new_console_session",
    "touch_console_session",
    "end_console_session",
    "prune_console_sessions",
    "charge_login_attempt",
    "refund_login_attempt",
    "prune_login_failures",
    "clear_login_failures",
    "new_signin_code",
    "spend_signin_code",
    "add_audit",
    "console_key",
    "put_stores",
)


class PostgresStore(
    PgConnections,
    PgBatchBooking,
    PgBatchContext,
    PgOneStatementBooking,
    PgBookingWrites,
    PgHealthWrites,
    ConfigStore,
    SitesStore,
    LeasesStore,
    RegistryStore,
    TerminalsStore,
    ChecksStore,
    BookingContextStore,
    NotificationsStore,
    HealthStore,
    StatsStore,
    ConsoleStore,
    StoresStore,
    FleetReadsStore,
):
    """The PostgreSQL store. Opening it brings the database to the latest migration."""

    _claims_in_context = True  # booking_context claims in flight in its own statement

    def __init__(
        self,
        url: str,
        *,
        min_size: int = 1,
        max_size: int = 16,
        sealer: FieldSealer | None = None,
    ) -> None:
        super().__init__(url, min_size=min_size, max_size=max_size)
        #: Seals and opens the personal columns (central/sealed_fields.py). A URL has no
        #: "beside" for the key: without one, any use of a personal column is refused.
        self.sealer = sealer or NoSealer()
        try:
            with self._connection() as conn:
                self.schema_version = migrations.migrate_postgres(conn, self.path, sealer)
        except self._psycopg.Error as exc:
            self.close()
            raise StoreError(f"{self.path} is not a usable database: {_reason(exc)}") from None
        except BaseException:
            self.close()
            raise


def _retried(name: str) -> Callable[..., Any]:
    inner = getattr(PostgresStore, name)

    @functools.wraps(inner)
    def write(self: PostgresStore, *args: Any, **kwargs: Any) -> Any:
        return self._retrying(lambda: inner(self, *args, **kwargs))

    return write


for _name in _WRITES:
    setattr(PostgresStore, _name, _retried(_name))
