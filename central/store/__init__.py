"""The central's storage: the `Store` protocol, its records, and the SQLite implementation.

The invariants that matter (no slot ever holds more bookings than its capacity; a citizen has at
most one active booking, whatever the channel) are enforced by the database itself, not by Python
checks that a concurrent request could slip between: conditional UPDATEs inside the transaction
that records the booking, CHECK constraints, unique indexes.

One module per subject: `migrations` (the numbered schema), `connection` (connections and the
write transaction), `config`, `sites` (sites and slots), `seats` (how a seat moves between
free, held and booked), `bookings`, `leases` (seat leases: grant, settle, book from a lease),
`registry`, `terminals` (enrolment, tokens, terminal keys), `checks` (figures that must agree),
`sqlite` (the store they make).

`postgres` is the same parts over PostgreSQL (a psycopg_pool pool; the conditional UPDATEs and
the partial unique index carry over unchanged, `BEGIN IMMEDIATE` becomes a READ COMMITTED
transaction retried on a conflict). `open_store` picks one from what `--db` names.
"""

from pathlib import Path

from central.sealed_fields import FieldSealer
from central.store.leases import LeaseClaim, LeasePolicy, LeaseSeat, Refreshed, Spent
from central.store.migrations import LATEST as SCHEMA_VERSION
from central.store.postgres import PostgresStore, is_postgres_url
from central.store.protocol import Store
from central.store.records import (
    ACTIVE,
    Booking,
    NewBooking,
    Occupation,
    Site,
    Slot,
    Terminal,
)
from central.store.sqlite import SqliteStore


def open_store(
    db: str | Path, *, synchronous: str = "FULL", sealer: FieldSealer | None = None
) -> SqliteStore | PostgresStore:
    """The store `db` names: a `postgresql://` URL opens a `PostgresStore`, anything else is the
    path of a SQLite file. Either is migrated to the latest schema before it is returned.
    `synchronous` is SQLite's; PostgreSQL commits with its own `synchronous_commit` (on).
    `sealer`: the central's personal-column key (`ServerKeys.field_sealer`); a SQLite file
    finds its own beside it when not given, a URL cannot."""
    if is_postgres_url(str(db)):
        return PostgresStore(str(db), sealer=sealer)
    return SqliteStore(db, synchronous=synchronous, sealer=sealer)


__all__ = [
    "ACTIVE",
    "SCHEMA_VERSION",
    "Booking",
    "LeaseClaim",
    "LeasePolicy",
    "LeaseSeat",
    "NewBooking",
    "Occupation",
    "PostgresStore",
    "Refreshed",
    "Site",
    "Slot",
    "Spent",
    "SqliteStore",
    "Store",
    "Terminal",
    "open_store",
]
