"""The two things a booking needs from outside the domain, as narrow protocols.

`sync` implements them (the SQLite journal, the HTTP client); tests may implement them with real
files and a real server. Keeping them here lets the domain decide what happens when either fails
without importing either.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class JournalRecord:
    """One booking as the journal keeps it: clear columns, and the personal data sealed."""

    booking_id: str
    finalized_at: datetime
    site_id: str
    slot_id: str
    slot_date: str
    slot_start: str
    slot_end: str
    #: The slow keyed hash of the citizen ID (kiosk.booking.cid_hash), the only trace of the ID
    #: in the clear: no digit of it is kept (docs/journal-privacy.md).
    cid_key: str
    #: The request body sealed to the central's key (kiosk.sealing); the terminal cannot open it.
    sealed: Mapping[str, Any]
    #: What a reprinted slip shows, without personal data (the name comes from the card again).
    slip: Mapping[str, Any] = field(default_factory=dict)


class Journal(Protocol):
    def queued_for(self, cid_key: str) -> str | None:
        """The id of a booking for this citizen still waiting to be sent, if any."""

    def add(self, record: JournalRecord) -> None:
        """Write and commit, durably, before anyone is told anything. Raises JournalError."""

    def claim(self, booking_id: str, lease_seconds: float) -> bool:
        """queued -> sending, unless another sender holds it."""

    def confirm(self, booking_id: str, reference: str, central_status: str) -> None: ...

    def settle(
        self,
        booking_id: str,
        state: str,
        code: str,
        detail: str,
        extra: Mapping[str, Any],
        *,
        seen: bool = False,
        keep_reference: bool = False,
    ) -> None:
        """-> rejected or conflict, with the central's reason."""

    def release(self, booking_id: str, error: str, retry_in: float) -> None:
        """sending -> queued (confirmed-offline for a lease-backed booking): try again in
        `retry_in` seconds (by the journal's own clock)."""

    def confirm_offline(
        self,
        booking_id: str,
        slot_id: str,
        now: datetime,
        sign: Callable[[str, str], str],
        *,
        claimed: bool = False,
    ) -> tuple[str, str, str] | None:
        """Spend a seat lease of `slot_id` usable at `now` and mark the booking
        confirmed-offline, in one transaction: (lease_id, reference, slip_code), or None when
        no seat is left (the booking stays as it was)."""


class Central(Protocol):
    def is_open(self) -> bool:
        """The breaker is open: do not even try, queue at once."""

    def book(
        self, body: Mapping[str, Any], *, booking_id: str, deadline: float
    ) -> Mapping[str, Any]:
        """POST /v1/bookings within `deadline` seconds. Raises CentralUnavailable or
        CentralRejected."""
