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

The controller is one class, `Controller`, assembled from mixins by concern: the session's effects
(ui/effects.py), the service check, card presence and cache refresh (ui/service_check.py), the
technician's actions (ui/technician_actions.py) and the clerk's (ui/clerk_actions.py). Here:
construction, start and stop, the lanes and how a job's answer reaches the UI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.booking.errors import JournalError
from kiosk.card.pcsc import PresenceMonitor
from kiosk.errors import KioskError
from kiosk.session import Session
from kiosk.session import events as ev
from sync.journal import SqliteJournal
from sync.terminal import Terminal
from ui.binding import SessionBinding
from ui.chime import Chime, StaffAlarm, SystemChime
from ui.clerk_actions import ClerkActions
from ui.effects import UNAVAILABLE, SessionEffects
from ui.lazy_printing import warm_up as _warm_up
from ui.service_check import MIN_FREE_BYTES, ServiceCheck
from ui.technician_actions import TechnicianActions

__all__ = ["MIN_FREE_BYTES", "UNAVAILABLE", "Controller", "Options"]

log = logging.getLogger(__name__)


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


class Controller(SessionEffects, ServiceCheck, TechnicianActions, ClerkActions, SessionBinding):
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
