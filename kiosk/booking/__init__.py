"""Bookings: the request the central receives, the journal-first service, phone numbers.

The service depends on two narrow protocols (`ports.Journal`, `ports.Central`) that `sync`
implements, so the domain decides what a failure means without importing SQLite or HTTP.
"""

from kiosk.booking.cid_hash import cid_key
from kiosk.booking.errors import (
    AlreadyQueued,
    CentralRejected,
    CentralUnavailable,
    JournalError,
    NotBookable,
    TerminalUnauthorized,
)
from kiosk.booking.model import BookingOutcome, BookingRequest, Occupation, Site, Slot
from kiosk.booking.ports import Central, Journal, JournalRecord
from kiosk.booking.service import BookingService, aad

__all__ = [
    "AlreadyQueued",
    "BookingOutcome",
    "BookingRequest",
    "BookingService",
    "Central",
    "CentralRejected",
    "CentralUnavailable",
    "Journal",
    "JournalError",
    "JournalRecord",
    "NotBookable",
    "Occupation",
    "Site",
    "Slot",
    "TerminalUnauthorized",
    "aad",
    "cid_key",
]
