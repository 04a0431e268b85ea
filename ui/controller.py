"""The controller: carries out the session's effects off the UI thread and feeds results back.

Two lanes of worker threads, both plain `concurrent.futures` pools, because their threads live as
long as the pool and are joined on shutdown (a QThread dropped while running aborts the process):

- the network lane (a few threads): card reads, the central, the printer, service checks;
- the journal lane (exactly one thread, for ever): everything that touches the SQLite journal,
  booking included, because an SQLite connection belongs to the thread that opened it.

Results come back through a Qt signal emitted from the worker; Qt queues it to the UI thread,
where it becomes a session event. Every job carries the session's generation (bumped on each
wipe): an answer to a question asked for a customer who has since gone (Start over during a
look-up, a card pulled out) is dropped, so it can never reach the next customer's screen.

Besides effects, the controller keeps the terminal honest about itself: card presence from pcscd
(filtered to the configured reader, so a card in another reader is never served), the replay
worker draining the journal, a periodic refresh of the offline cache, and a periodic service
check (reader, printer, journal, channel hours, the central's reachability) that decides between
welcome, closed and out of service.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.booking import BookingService, cid_key
from kiosk.booking.contact_change import ChangedElsewhere, ChangeNeedsConnection, change_contact
from kiosk.booking.errors import CentralRejected, CentralUnavailable, JournalError
from kiosk.booking.model import Site
from kiosk.card.errors import CardError, NoReader
from kiosk.card.pcsc import PcscContext, PresenceMonitor, read_card
from kiosk.card.presence import CardEvent
from kiosk.errors import KioskError
from kiosk.hours import ChannelHours
from kiosk.session import IDLE_SCREENS, Session
from kiosk.session import contact_change as cc
from kiosk.session import events as ev
from sync.cache import slot_from_json
from sync.journal import Entry, SqliteJournal
from sync.terminal import Terminal
from ui.binding import SessionBinding
from ui.chime import Chime, StaffAlarm, SystemChime
from ui.clerk_actions import ClerkActions

log = logging.getLogger(__name__)

#: Below this much free disk space the journal is not trusted to take a booking.
MIN_FREE_BYTES = 16 * 1024 * 1024
UNAVAILABLE = (CentralUnavailable, CentralRejected)


@dataclass(frozen=True)
class Options:
    """Timings, injectable so tests need not wait for real minutes."""

    service_interval: float = 10.0
    refresh_interval: float = 120.0
    #: How long a customer waits for the central before the cache answers instead.
    live_deadline: float = 1.5
    change_deadline: float = 4.0
    start_replay: bool = True
    presence_settle: float = 0.2
    #: How often the staff-call chime repeats while nobody has answered.
    chime_interval: float = 15.0


class _Bridge(QObject):
    """Signals emitted from worker threads; Qt delivers them on the UI thread."""

    result = Signal(int, object)
    card = Signal(object)
    pcsc = Signal(bool)
    service = Signal(object)
    technician = Signal(object)
    said = Signal(str)
    clerk = Signal(object)
    paper = Signal(object)


class Controller(ClerkActions, SessionBinding):
    def __init__(
        self, terminal: Terminal, options: Options | None = None, chime: Chime | None = None
    ) -> None:
        self.terminal = terminal
        self.options = options or Options()
        config = terminal.config
        session = Session(
            terminal.cache.rule_set(),
            terminal={"id": config.terminal_id, "store": config.store},
            today=lambda: terminal.now().date(),
            now=terminal.now,
        )
        super().__init__(
            session,
            occupations=terminal.cache.occupations(),
            pin_hash=config.technician_pin_hash,
            clerk_pin_hash=config.clerk_pin_hash,
        )
        self.alarm = StaffAlarm(chime or SystemChime(), self.options.chime_interval, self)
        self._generation = 0
        self._stopping = False
        self._net = ThreadPoolExecutor(max_workers=3, thread_name_prefix="kiosk-net")
        self._journal_lane = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiosk-journal")
        self._journal: SqliteJournal | None = None
        self._printer_lock = threading.Lock()
        self._printer_seen: tuple[bool, KioskError | None] = (True, None)
        self._pcsc_up = True
        self._busy: set[str] = set()
        self._bridge = _Bridge()
        self._bridge.result.connect(self._on_result)
        self._bridge.card.connect(self._on_card)
        self._bridge.pcsc.connect(self._on_pcsc)
        self._bridge.service.connect(self._on_service)
        self._bridge.technician.connect(self.technician_status)
        self._bridge.said.connect(self.technician_said)
        self._bridge.clerk.connect(self.clerk_status)
        self._bridge.paper.connect(self.paper_result)
        self.monitor = PresenceMonitor(
            self._bridge.card.emit,
            on_service=self._bridge.pcsc.emit,
            settle=self.options.presence_settle,
        )
        self.worker = terminal.replay_worker() if self.options.start_replay else None
        self._service_timer = QTimer(self)
        self._service_timer.setInterval(int(self.options.service_interval * 1000))
        self._service_timer.timeout.connect(self.check_service)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setInterval(int(self.options.refresh_interval * 1000))
        self._refresh_timer.timeout.connect(self.refresh_cache)

    # lifecycle -----------------------------------------------------------------------------------

    def start(self) -> Controller:
        self._submit(self._net, _warm_up)  # the printer's code and Thai word breaking, early
        self.monitor.start()
        # open (and, on a new terminal, create) the journal before the replay worker opens its
        # own connection: two first openings racing would both try to create the tables
        journal_ok = True
        try:
            self._journal_lane.submit(self._lane_journal).result(timeout=30)
        except (JournalError, FutureTimeout) as exc:
            journal_ok = False  # the service check will say so on the screen
            log.error("journal not usable at start: %s", getattr(exc, "code", exc))
        if journal_ok:
            self._restore_store_state()
        if self.worker is not None and journal_ok:
            self.worker.start()
        self._service_timer.start()
        self._refresh_timer.start()
        self.check_service()
        self.refresh_cache()
        return self

    def stop(self) -> None:
        """Stop everything this controller started, and wait for it: nothing is left running."""
        if self._stopping:
            return
        self._stopping = True
        self.alarm.stop()
        self._service_timer.stop()
        self._refresh_timer.stop()
        self.monitor.stop()
        if self.worker is not None:
            self.worker.stop()
        self._net.shutdown(wait=True, cancel_futures=True)
        try:
            self._journal_lane.submit(self._close_journal).result(timeout=30)
        except (RuntimeError, FutureTimeout):
            log.warning("the journal lane did not close its journal in time")
        self._journal_lane.shutdown(wait=True, cancel_futures=True)
        self.terminal.close()

    # running jobs --------------------------------------------------------------------------------

    def _submit(
        self,
        lane: ThreadPoolExecutor,
        fn: Callable[[], object],
        *,
        name: str | None = None,
        signal: Any = None,
    ) -> Future | None:
        """Run `fn` in `lane`; its result (an event, events, or None) comes back on the UI thread.

        `name`: at most one such job at a time (a slow service check is not queued twice).
        """
        if self._stopping or (name is not None and name in self._busy):
            return None
        if name is not None:
            self._busy.add(name)
        generation = self._generation
        emit = (
            signal
            if signal is not None
            else (lambda out: self._bridge.result.emit(generation, out))
        )

        def job() -> None:
            try:
                out = fn()
            except Exception:  # a bug in one job must not kill the lane or freeze the screen
                log.exception("kiosk job %s failed", name or getattr(fn, "__name__", "?"))
                out = None
            finally:
                if name is not None:
                    self._busy.discard(name)
            if out is not None:
                emit(out)

        try:
            return lane.submit(job)
        except RuntimeError:  # shutting down
            if name is not None:
                self._busy.discard(name)
            return None

    def _on_result(self, generation: int, out: object) -> None:
        if self._stopping:
            return
        if generation != self._generation:
            log.info("dropping a late answer for a customer who has gone")
            return
        events = out if isinstance(out, list | tuple) else [out]
        for event in events:
            self.send(event)
        self._note_online()

    def carry_out(self, effects: list[ev.Effect]) -> None:
        for effect in effects:
            if isinstance(effect, ev.Wiped):
                self._generation += 1
                continue
            handler = getattr(self, f"_do_{type(effect).__name__}", None)
            if handler is None:
                log.error("no handler for effect %s", type(effect).__name__)
                continue
            handler(effect)

    # the journal lane ----------------------------------------------------------------------------

    def _lane_journal(self) -> SqliteJournal:
        """The journal lane's own connection (opened in that thread, used only there)."""
        if self._journal is None:
            t = self.terminal
            self._journal = SqliteJournal(t.config.journal_path, cid_secret=t.secret)
        return self._journal

    def _close_journal(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    # effects -------------------------------------------------------------------------------------

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
            printing = _printing()
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

    # card presence -------------------------------------------------------------------------------

    def _mine(self, reader: str) -> bool:
        wanted = self.terminal.config.reader_name
        if not wanted:
            return True
        return reader == wanted or wanted.lower() in reader.lower()

    def _on_card(self, event: CardEvent) -> None:
        if self._stopping or not self._mine(event.reader):
            return
        if event.kind == "inserted":
            if not self.suspended:
                self.send(ev.CardInserted(event.reader))
        else:
            self.send(ev.CardRemoved())

    def _on_pcsc(self, up: bool) -> None:
        self._pcsc_up = up
        if not up:
            self.check_service()

    # service -------------------------------------------------------------------------------------

    def check_service(self) -> None:
        self._submit(self._net, self._service, name="service", signal=self._bridge.service.emit)

    def _on_service(self, event: ev.ServiceChanged) -> None:
        if not self._stopping:
            self.send(event)

    def _note_online(self) -> None:
        online = not self.terminal.client.is_open()
        if online != self.session.status.online:
            self.send(replace(self.session.status, online=online))

    def _service(self) -> ev.ServiceChanged:
        t = self.terminal
        problems: list[KioskError] = []
        reader_ok, problem = self._reader_status()
        if problem:
            problems.append(problem)
        printer_ok, problem = self._printer_status()
        if problem:
            problems.append(problem)
        journal_ok, problem = self._journal_status()
        if problem:
            problems.append(problem)
        hours = ChannelHours.from_config(t.cache.config())
        age = t.cache.availability_age()
        return ev.ServiceChanged(
            reader_ok=reader_ok,
            printer_ok=printer_ok,
            journal_ok=journal_ok,
            open_now=hours.is_open(t.now()),
            online=not t.client.is_open(),
            problem=problems[0] if problems else None,
            opens="" if hours.opens == "00:00" and hours.closes == "24:00" else hours.opens,
            closes="" if hours.opens == "00:00" and hours.closes == "24:00" else hours.closes,
            availability_age=age.total_seconds() if age is not None else None,
        )

    def _reader_status(self) -> tuple[bool, KioskError | None]:
        name = self.terminal.config.reader_name
        try:
            with PcscContext() as ctx:
                readers = ctx.readers()
        except CardError as exc:
            return False, exc
        if name:
            exact = [r for r in readers if r == name]
            loose = [r for r in readers if name.lower() in r.lower()]
            ok = len(exact or loose) == 1
        else:
            ok = bool(readers)
        return (True, None) if ok else (False, NoReader(name, readers))

    def _printer_status(self) -> tuple[bool, KioskError | None]:
        if not self._printer_lock.acquire(blocking=False):
            return self._printer_seen  # printing right now: the last word stands
        try:
            problem = _printing().status(self.terminal.config)
        finally:
            self._printer_lock.release()
        self._printer_seen = (problem is None, problem)
        return self._printer_seen

    def _journal_status(self) -> tuple[bool, KioskError | None]:
        def probe() -> tuple[bool, KioskError | None]:
            try:
                self._lane_journal().counts()
            except JournalError as exc:
                self._close_journal()
                return False, exc
            free = shutil.disk_usage(self.terminal.config.journal_path.parent).free
            if free < MIN_FREE_BYTES:
                return False, JournalError(
                    f"only {free // 1024} KiB free for the journal", code="journal-full"
                )
            return True, None

        future = self._journal_lane.submit(probe) if not self._stopping else None
        if future is None:
            return True, None
        try:
            return future.result(timeout=15)
        except FutureTimeout:
            return False, JournalError("the journal did not answer in time", code="journal-busy")

    # the offline cache ---------------------------------------------------------------------------

    def refresh_cache(self) -> None:
        def refresh() -> ev.ServiceChanged:
            report = self.terminal.cache.refresh(self.terminal.client)
            if not report.ok:
                log.info("cache not refreshed: %s", "; ".join(report.errors))
            return self._service()

        self._submit(self._net, refresh, name="refresh", signal=self._bridge.service.emit)

    def send(self, event: object) -> None:
        super().send(event)
        if isinstance(event, ev.ServiceChanged) and self.session.screen in IDLE_SCREENS:
            self._reload_configuration()

    def _reload_configuration(self) -> None:
        """Between customers only: a newer rule set or occupation list from the cache."""
        try:
            rule_set = self.terminal.cache.rule_set()
        except KioskError:
            return
        if rule_set.id != self.session.rule_set.id:
            log.info("rule set now %s", rule_set.id)
            self.session.rule_set = rule_set
        occupations = self.terminal.cache.occupations()
        if occupations:
            self.occupations = occupations

    # technician ----------------------------------------------------------------------------------

    def refresh_technician(self) -> None:
        self._submit(
            self._net,
            self._technician_status,
            name="technician",
            signal=self._bridge.technician.emit,
        )

    def _technician_status(self) -> dict[str, str]:
        t, config = self.terminal, self.terminal.config
        out: dict[str, str] = {
            "terminal": f"{config.terminal_id} · {config.store} · {config.central_url}"
        }
        started = time.monotonic()
        try:
            t.client.config(deadline=2.0)
            out["central"] = f"reachable · {(time.monotonic() - started) * 1000:.0f} ms"
        except UNAVAILABLE as exc:
            out["central"] = f"NOT reachable: {exc.code}"
        out["central"] += f" · breaker {t.client.breaker.state}"
        try:
            counts, oldest = self._journal_lane.submit(self._queue).result(timeout=15)
            out["queue"] = " · ".join(f"{k} {v}" for k, v in counts.items())
            out["oldest"] = oldest
            out["journal"] = f"ok · {config.journal_path}"
        except (JournalError, FutureTimeout, RuntimeError) as exc:
            out["queue"] = out["oldest"] = "?"
            out["journal"] = f"NOT usable: {getattr(exc, 'code', type(exc).__name__)}"
        status = self.worker.status() if self.worker is not None else None
        if status is not None:
            out["last_sync"] = _when(status.last_success) or "never"
            out["last_error"] = (
                f"{status.last_error} at {_when(status.last_error_at)}"
                if status.last_error
                else "none"
            )
        age = t.cache.availability_age()
        out["availability"] = f"{age.total_seconds() / 60:.0f} min old" if age else "never fetched"
        out["rule_set"] = t.cache.rule_set().id
        ok, problem = self._printer_status()
        out["printer"] = f"{config.printer_uri} · " + (
            "ready" if ok else f"NOT ready: {problem.code if problem else '?'}"
        )
        ok, problem = self._reader_status()
        out["reader"] = f"{config.reader_name or '(any reader)'} · " + (
            "present" if ok else f"NOT found: {problem.code if problem else '?'}"
        )
        return out

    def _queue(self) -> tuple[dict[str, int], str]:
        journal = self._lane_journal()
        counts = journal.counts()
        oldest = journal.oldest_pending()
        if oldest is None:
            return counts, "none"
        age = datetime.now(UTC) - datetime.fromisoformat(oldest.created_utc)
        return counts, f"{age.total_seconds() / 60:.0f} min"

    def sync_now(self) -> None:
        if self.worker is not None:
            self.worker.wake(now=True)
        self.refresh_cache()
        self.technician_said.emit("sync started / เริ่มส่งข้อมูลแล้ว")
        QTimer.singleShot(1500, self.refresh_technician)

    def print_test(self) -> None:
        config = self.terminal.config

        def test() -> str:
            with self._printer_lock:
                try:
                    where = _printing().print_test_slip(config, self.terminal.now())
                except KioskError as exc:
                    return f"{exc.code}: {exc.th} / {exc.en}"
            return f"printed / พิมพ์แล้ว: {where}"

        self._submit(self._net, test, name="print-test", signal=self._bridge.said.emit)


def _printing():
    """ui.printing, imported on first use (python-escpos takes a fifth of a second to load)."""
    from ui import printing  # noqa: PLC0415 - kept off the start-up path on purpose

    return printing


def _warm_up() -> None:
    _printing().warm_up()


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


def _when(value: Any) -> str:
    if value is None:
        return ""
    try:
        return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except AttributeError:
        return str(value)
