"""What the controller does for the session's effects: read the card, look the citizen up, load
sites and slots, book, print, change a booking or a contact, acknowledge a notice.

A mixin of `ui.controller.Controller`. Each `_do_<Effect>` runs its work on a lane (the network
lane for the card, the central and the printer; the journal lane for anything that touches the
SQLite journal, booking included) and its answer comes back as a session event. The journal
entries a look-up finds are turned here into what the notice and existing-booking screens show.
"""

from __future__ import annotations

import logging
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import timedelta
from typing import Any

from kiosk.booking import BookingService, cid_key
from kiosk.booking.contact_change import ChangedElsewhere, ChangeNeedsConnection, change_contact
from kiosk.booking.errors import CentralRejected, CentralUnavailable, JournalError
from kiosk.booking.model import Site
from kiosk.card.pcsc import read_card
from kiosk.errors import KioskError
from kiosk.session import contact_change as cc
from kiosk.session import events as ev
from sync.cache import slot_from_json
from sync.journal import Entry
from ui import lazy_printing

log = logging.getLogger(__name__)

UNAVAILABLE = (CentralUnavailable, CentralRejected)


class SessionEffects:
    """Needs, from the controller: terminal, options, session, _net, _journal_lane, _submit,
    _lane_journal, _printer_lock, _bridge."""

    def _do_ReadCard(self, effect: ev.ReadCard) -> None:
        reader = self.terminal.config.reader_name

        def read() -> object:
            try:
                return ev.CardRead(read_card(reader).card)
            except KioskError as exc:
                return ev.CardFailed(exc)

        self._submit(self._net, read)

    def _do_LookUp(self, effect: ev.LookUp) -> None:
        card = self.terminal.secret, effect.card

        def look() -> list[object]:
            secret, c = card
            found: list[object] = []
            entries: list[Entry] = []
            try:
                entries = self._lane_journal().for_citizen(cid_key(secret, c.cid))
            except JournalError as exc:
                log.error("journal unreadable during look-up: %s", exc.code)
            notice = next(
                (e for e in entries if e.state in ("rejected", "conflict") and not e.acknowledged),
                None,
            )
            if notice is not None:
                found.append(ev.NoticeFound(_notice(notice)))
            booking = None
            online = not self.terminal.client.is_open()
            if online:
                try:
                    booking = self.terminal.client.lookup(
                        c.cid, deadline=self.options.live_deadline
                    )
                except UNAVAILABLE:
                    online = False
            mine = next(
                (
                    e
                    for e in entries
                    if e.state in ("queued", "sending", "confirmed-offline")
                    or (not online and e.state == "confirmed")
                ),
                None,
            )
            if booking is not None:
                found.append(ev.ExistingFound(booking, "central"))
            elif mine is not None:
                found.append(ev.ExistingFound(_journal_booking(mine), "journal"))
            if not found:
                found.append(ev.NothingFound())
            return found

        self._submit(self._journal_lane, look)

    def _do_CheckRegistry(self, effect: ev.CheckRegistry) -> None:
        cid = effect.card.cid

        def check() -> object:
            try:
                known = self.terminal.client.registry_check(
                    cid, deadline=self.options.live_deadline
                )
            except UNAVAILABLE:
                return ev.RegistryKnown("unknown")
            return ev.RegistryKnown("yes" if known else "no")

        self._submit(self._net, check)

    def _do_LoadSites(self, effect: ev.LoadSites) -> None:
        self._submit(self._net, self._load_sites)

    def _load_sites(self) -> object:
        t, cache = self.terminal, self.terminal.cache
        sites: list[Site] | None = None
        age: float | None = None
        if not t.client.is_open():
            try:
                sites = [Site.from_json(s) for s in t.client.sites(self.options.live_deadline)]
            except UNAVAILABLE:
                sites = None
        offline = sites is None
        if sites is None:
            sites = cache.sites()
            cached = cache.availability_age()
            age = cached.total_seconds() if cached is not None else None
        today = t.now().date().isoformat()
        # offline, this terminal's own lease seats count too: public availability (the cache)
        # excludes seats held in leases, so a site could otherwise look full to its holder
        leased = self._lease_seats() if offline else {}
        remaining: dict[str, int] = {}
        for site in sites:
            slots = [s for s in cache.slots(site.id) if s.date >= today]
            if slots:
                remaining[site.id] = sum(s.remaining + leased.get(s.id, 0) for s in slots)
        return ev.SitesLoaded(tuple(sites), age_seconds=age, remaining=remaining)

    def _do_LoadSlots(self, effect: ev.LoadSlots) -> None:
        site = effect.site

        def load() -> object:
            t = self.terminal
            today = t.now().date()
            slots = None
            if not t.client.is_open():
                try:
                    raw = t.client.slots(
                        site.id,
                        today.isoformat(),
                        (today + timedelta(days=13)).isoformat(),
                        deadline=self.options.live_deadline,
                    )
                    slots = [slot_from_json(s, site.id) for s in raw]
                except UNAVAILABLE:
                    slots = None
            if slots is not None:
                return ev.SlotsLoaded(site.id, tuple(slots))
            slots = [s for s in t.cache.slots(site.id) if s.date >= today.isoformat()]
            ids = {s.id for s in slots}
            return ev.SlotsLoaded(
                site.id,
                tuple(slots),
                offline=True,
                confirmable=frozenset(k for k in self._lease_seats() if k in ids),
            )

        self._submit(self._net, load)

    def _lease_seats(self) -> dict[str, int]:
        """Slot id -> unspent lease seats usable now (DESIGN §11), asked on the journal lane.

        Nothing (every slot queues) if this journal has no leases yet or does not answer in
        time: the mark on the slot screen is only a promise the booking service must keep, so
        when in doubt it is not made.
        """

        def seats() -> dict[str, int]:
            journal = self._lane_journal()
            lease_seats = getattr(journal, "lease_seats", None)
            if lease_seats is None:  # a journal from before seat leases
                return {}
            return {k: n for k, n in lease_seats(self.terminal.now()).items() if n > 0}

        if self._stopping:
            return {}
        try:
            return self._journal_lane.submit(seats).result(timeout=self.options.live_deadline)
        except (JournalError, FutureTimeout, RuntimeError) as exc:
            log.warning("lease seats unknown: %s", getattr(exc, "code", type(exc).__name__))
            return {}

    def _do_MakeBooking(self, effect: ev.MakeBooking) -> None:
        def book() -> object:
            try:
                service: BookingService = self.terminal.booking_service(self._lane_journal())
                outcome = service.book(
                    effect.card,
                    effect.answers,
                    effect.decision,
                    effect.site,
                    effect.slot,
                    effect.phone,
                    effect.occupation,
                )
            except KioskError as exc:
                return ev.BookingFailed(exc)
            if outcome.status == "queued" and self.worker is not None:
                self.worker.wake()
            return ev.Booked(outcome)

        self._submit(self._journal_lane, book)

    def _do_PrintSlip(self, effect: ev.PrintSlip) -> None:
        slip = dict(effect.slip)
        config = self.terminal.config

        def print_it() -> object:
            printing = lazy_printing.printing()
            with self._printer_lock:
                try:
                    printing.print_booking_slip(slip, config, self.terminal.now())
                except KioskError as exc:
                    log.warning("slip not printed: %s", exc.code)
                    self._printer_seen = (False, exc)
                    return ev.PrintFailed(exc)
            self._printer_seen = (True, None)
            if slip.get("kind") == "decision":  # an information slip: counted, by route only
                self._info_slip_printed((slip.get("decision") or {}).get("route"))
            return ev.Printed()

        self._submit(self._net, print_it)

    def _do_ChangeBooking(self, effect: ev.ChangeBooking) -> None:
        booking, cid, slot = dict(effect.booking), effect.card.cid, effect.slot

        def change() -> object:
            client = self.terminal.client
            reference = str(booking.get("reference") or "")
            version = booking.get("version")
            try:
                if slot is None:
                    reply = client.cancel(
                        reference, cid, version, deadline=self.options.change_deadline
                    )
                    return ev.ChangeDone(reply or None)
                reply = client.change(
                    reference,
                    int(version or 0),
                    cid,
                    deadline=self.options.change_deadline,
                    slot_id=slot.id,
                )
            except KioskError as exc:
                return ev.ChangeFailed(exc)
            return ev.ChangeDone(reply)

        self._submit(self._net, change)

    def _do_SendContactChange(self, effect: cc.SendContactChange) -> None:
        booking, cid = dict(effect.booking), effect.card.cid
        phone, occupation = effect.phone, effect.occupation

        def change() -> object:
            try:
                reply = change_contact(
                    self.terminal.client,
                    cid,
                    booking,
                    phone=phone,
                    occupation=occupation,
                    deadline=self.options.change_deadline,
                )
            except ChangedElsewhere as exc:
                return cc.ContactChangeFailed(exc, "conflict", exc.current)
            except ChangeNeedsConnection as exc:
                return cc.ContactChangeFailed(exc, "offline")
            except KioskError as exc:
                return cc.ContactChangeFailed(exc, "refused")
            return cc.ContactChanged(reply)

        self._submit(self._net, change)

    def _do_Acknowledge(self, effect: ev.Acknowledge) -> None:
        booking_id = effect.booking_id

        def acknowledge() -> None:
            try:
                self._lane_journal().acknowledge(booking_id)
            except JournalError as exc:
                log.error("could not acknowledge a notice: %s", exc.code)

        self._submit(self._journal_lane, acknowledge)


def _confirmed_at_terminal(entry: Entry) -> bool:
    """Confirmed here from a seat lease (journal of issue 11; absent on older journals)."""
    return getattr(entry, "confirmed_by", None) == "terminal" or bool(
        getattr(entry, "lease_id", None)
    )


def _notice(entry: Entry) -> dict[str, Any]:
    """What the notice screen needs about a refused booking. `lease`: it was confirmed at this
    terminal from a seat lease (the customer was told "confirmed"); `winner`: for a conflict,
    the reference of the booking that stands."""
    extra = entry.outcome_extra or {}
    winner = extra.get("reference") or (extra.get("booking") or {}).get("reference")
    return {
        "booking_id": entry.booking_id,
        "state": entry.state,
        "code": entry.outcome_code,
        "detail": entry.outcome_detail,
        "reference": entry.reference,
        "lease": _confirmed_at_terminal(entry),
        "winner": str(winner) if winner else None,
    }


def _journal_booking(entry: Entry) -> dict[str, Any]:
    """A journal entry as a booking the existing-booking screen can show and reprint.

    One confirmed at this terminal from a lease is confirmed to the customer in every state
    before the central's answer (`confirmed-offline`, or `sending` during a replay), with its
    final reference and, for the reprint, its slip code.
    """
    offline = _confirmed_at_terminal(entry)
    pending = entry.state in ("queued", "sending") and not offline
    extra: dict[str, Any] = {}
    if offline and entry.state in ("confirmed-offline", "sending", "confirmed"):
        code = getattr(entry, "slip_code", None) or entry.slip.get("slip_code")
        extra = {"confirmed_by": "terminal", "slip_code": code}
    return {
        **extra,
        "booking_id": entry.booking_id,
        "status": "queued" if pending else "confirmed",
        "reference": entry.reference,
        "site_id": entry.site_id,
        "slot_id": entry.slot_id,
        "date": entry.slot_date,
        "start": entry.slot_start,
        "end": entry.slot_end,
        "site": entry.slip.get("site") or {"id": entry.site_id},
    }
