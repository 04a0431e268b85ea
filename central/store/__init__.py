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

PostgreSQL can follow behind the same `Store` protocol: the conditional UPDATEs and the partial
unique index carry over unchanged; `BEGIN IMMEDIATE` becomes an ordinary transaction.
"""

from central.store.leases import LeaseClaim, LeasePolicy, LeaseSeat, Refreshed, Spent
from central.store.migrations import LATEST as SCHEMA_VERSION
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

__all__ = [
    "ACTIVE",
    "SCHEMA_VERSION",
    "Booking",
    "LeaseClaim",
    "LeasePolicy",
    "LeaseSeat",
    "NewBooking",
    "Occupation",
    "Refreshed",
    "Site",
    "Slot",
    "Spent",
    "SqliteStore",
    "Store",
    "Terminal",
]
