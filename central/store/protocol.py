"""What the routes need from storage. The SQLite store and the PostgreSQL store (issue 12)
implement it, from the same parts and the same numbered migrations."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from central.hours import ChannelHours
from central.store.booking_context import BookingContext
from central.store.fleet_sql import FleetFilter, SqlRow
from central.store.health import FleetRow
from central.store.leases import LeaseClaim, LeasePolicy, LeaseSeat, Refreshed, Signer, Spent
from central.store.notifications import Notification
from central.store.records import Booking, NewBooking, Occupation, Site, Slot, Terminal
from central.store.stores import StoreInfo


class Store(Protocol):
    def meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...
    def hours(self) -> dict[str, ChannelHours]: ...
    def set_hours(self, hours: ChannelHours) -> None: ...
    def occupations(self) -> list[Occupation]: ...
    def sites(self) -> list[Site]: ...
    def slot(self, slot_id: str) -> Slot | None: ...
    def slots(self, site_id: str, first: date, last: date) -> list[Slot]: ...
    def alternatives(self, slot: Slot, now: datetime, limit: int = 3) -> list[dict[str, Any]]: ...
    def booking_by_id(self, booking_id: str) -> Booking | None: ...
    def booking_context(
        self,
        booking_id: str,
        channel: str,
        occupation: str,
        slot_id: str,
        citizen_key: str,
        claim: tuple[datetime, timedelta] | None = None,
    ) -> BookingContext: ...
    def book(
        self,
        new: NewBooking,
        now: datetime,
        *,
        release_claim: bool = False,
        site: Site | None = None,
    ) -> tuple[bool, Booking]: ...
    def active_booking(self, citizen_key: str) -> Booking | None: ...
    def change(
        self,
        reference: str,
        citizen_key: str,
        version: int,
        changes: dict[str, Any],
        now: datetime,
    ) -> Booking: ...
    def cancel(
        self, reference: str, citizen_key: str, version: int | None, now: datetime
    ) -> Booking: ...
    def registered(self, citizen_key: str) -> bool: ...
    def verify_pending(self, now: datetime) -> tuple[int, int]: ...
    def exclusive(self, job: str) -> AbstractContextManager[bool]: ...
    def terminal_for_token(self, token: str) -> Terminal | None: ...
    # seat leases (DESIGN §11)
    def refresh_leases(
        self,
        terminal_id: str,
        *,
        held: Sequence[str],
        spent: Sequence[Spent],
        recent: Sequence[tuple[str, str]],
        now: datetime,
        policy: LeasePolicy,
        sign: Signer,
    ) -> Refreshed: ...
    def book_from_lease(
        self, new: NewBooking, claim: LeaseClaim, now: datetime, grace: timedelta
    ) -> tuple[bool, Booking]: ...
    def lease_seat(self, lease_id: str, reference: str) -> LeaseSeat | None: ...
    def lease_envelope(self, lease_id: str) -> dict[str, Any] | None: ...
    def lease_report(self, now: datetime) -> dict[str, list[dict[str, Any]]]: ...
    def register_key(self, terminal_id: str, public_key: bytes, now: datetime) -> str: ...
    # booking requests in flight across server processes (`serve --workers`, PostgreSQL)
    def claim_request(self, key: str, now: datetime, ttl: timedelta) -> bool: ...
    def extend_requests(self, keys: Sequence[str], now: datetime, ttl: timedelta) -> None: ...
    def release_request(self, key: str) -> None: ...
    # the SMS outbox (DESIGN §12, central/store/notifications.py)
    def notify_queued_replay(self, booking_id: str, now: datetime) -> bool: ...
    def notify_refusal(
        self,
        booking_id: str,
        phone: str,
        slot_id: str,
        now: datetime,
        reference: str | None = None,
    ) -> bool: ...
    def claim_notifications(
        self, now: datetime, hold: timedelta, limit: int = 20
    ) -> list[Notification]: ...
    def settle_notification(
        self,
        notification_id: int,
        state: str,
        now: datetime,
        *,
        error: str | None = None,
        retry_at: datetime | None = None,
        uncount: bool = False,
    ) -> bool: ...
    def notifications(self, state: str | None = None, limit: int = 1000) -> list[Notification]: ...
    # fleet health (DESIGN §13, central/store/health.py)
    def put_health(self, terminal_id: str, report: dict[str, Any], now: datetime) -> None: ...
    def fleet_page(
        self,
        now: datetime,
        *,
        state: str | None = None,
        store: str | None = None,
        after: str | None = None,
        limit: int = 500,
    ) -> list[FleetRow]: ...
    def fleet(self, now: datetime, **filters: Any) -> list[FleetRow]: ...
    def health_history(
        self, terminal_id: str, since: datetime, limit: int = 20_000
    ) -> list[tuple[datetime, dict[str, Any]]]: ...
    # stores and their districts (central/store/stores.py)
    def put_stores(self, stores: Sequence[StoreInfo]) -> int: ...
    def stores(self) -> list[StoreInfo]: ...
    # the console's reads of the fleet (central/store/fleet_sql.py)
    def fleet_rows(
        self,
        now: datetime,
        current_rule_set: str | None,
        f: FleetFilter,
        *,
        sort: str = "terminal_id",
        order: str = "asc",
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[SqlRow], int]: ...
    def fleet_counts(
        self, now: datetime, current_rule_set: str | None
    ) -> list[tuple[str | None, int, dict[str, int], dict[tuple[str, str], int]]]: ...
