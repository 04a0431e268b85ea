"""What the controller does for the store's staff: the call's chime and record, the pause, the
clerk screen's status and actions, the paper change. A mixin of `ui.controller.Controller`,
kept apart because the controller is about the customer's journey.

Everything that touches the journal runs on the journal lane (its one connection); the printer
and the status snapshot on the network lane, under the printer lock, like the technician's.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import UTC, datetime
from typing import Any

from kiosk.booking.errors import JournalError
from kiosk.errors import KioskError
from kiosk.session import events as ev
from sync.store_log import StoreLog

log = logging.getLogger(__name__)


class ClerkActions:
    """Needs, from the controller: terminal, worker, alarm, _journal_lane, _net, _submit,
    _lane_journal, _printer_lock, _bridge (clerk, clerk_said, paper), check_service, session."""

    # effects of the session -------------------------------------------------------------------

    def _do_StaffCallOpened(self, effect: ev.StaffCallOpened) -> None:
        self.alarm.start()
        call = effect.call
        log.info("a customer called for staff (from the %s screen)", call.screen)
        self._store(lambda s: s.open_call(call.screen))

    def _do_StaffCallClosed(self, effect: ev.StaffCallClosed) -> None:
        self.alarm.stop()
        log.info("the staff call ended: %s", effect.how)
        self._store(lambda s: s.close_call(effect.how))

    def _do_PauseRecorded(self, effect: ev.PauseRecorded) -> None:
        log.info("service %s by a clerk", "paused" if effect.paused else "resumed")
        self._store(lambda s: s.set_paused(effect.paused))

    def _store(self, write: Any) -> None:
        def job() -> None:
            try:
                write(StoreLog(self._lane_journal()))
            except JournalError as exc:
                log.error("the store log could not be written: %s", exc.code)

        self._submit(self._journal_lane, job)

    def _info_slip_printed(self, route: str | None) -> None:
        self._store(lambda s: s.info_slip_printed(route))

    def _restore_store_state(self) -> None:
        """At start: a pause set before a restart stands; a call left open does not (its
        customer's session is gone with the process)."""

        def restore() -> tuple[bool, dict[str, dict[str, Any]]]:
            store = StoreLog(self._lane_journal())
            left = store.close_left_open()
            if left:
                log.info("closed %d staff call(s) left open by the last run", left)
            return store.paused() is not None, store.pin_guards()

        try:
            paused, guards = self._journal_lane.submit(restore).result(timeout=15)
        except (JournalError, FutureTimeout, RuntimeError) as exc:
            log.error("store state not restored: %s", getattr(exc, "code", type(exc).__name__))
            return
        now, wall = time.monotonic(), datetime.now(UTC)
        for pad, record in guards.items():
            if pad in self.pin_guards:
                self.pin_guards[pad].restore(record, now, wall)
                if self.pin_guards[pad].seconds_left(now):
                    log.info("the %s PIN pad is still locked from before the restart", pad)
        if paused:
            self.send(ev.PauseChanged(True, restored=True))

    def pin_tried(self, pad: str) -> None:
        """Keep the pad's lockout in the journal (the record is taken now, on the UI thread:
        the guard is the UI's; the journal lane only writes it)."""
        record = self.pin_guards[pad].to_record(time.monotonic(), datetime.now(UTC))
        self._store(lambda s: s.set_pin_guard(pad, record))

    # the clerk screen ---------------------------------------------------------------------------

    def refresh_clerk(self) -> None:
        self._submit(self._net, self._clerk_status, name="clerk", signal=self._bridge.clerk.emit)

    def _clerk_status(self) -> dict[str, Any]:
        now = self.terminal.now()
        with self._printer_lock:
            printer, _ = _printing().state(self.terminal.config)
        out: dict[str, Any] = {"now": now, "printer": printer}

        def journal_side() -> dict[str, Any]:
            journal = self._lane_journal()
            counts = journal.counts()
            oldest = journal.oldest_pending()
            age = 0
            if oldest is not None:  # the journal's clock stamped it: age by the same clock
                created = datetime.fromisoformat(oldest.created_utc)
                age = max(0, int((journal.now() - created).total_seconds() // 60))
            seats = journal.lease_seats(now)  # leases go by the central's clock
            return {
                "counts": StoreLog(journal).today().to_json(),
                "queue": {
                    "waiting": counts["queued"] + counts["sending"] + counts["confirmed-offline"],
                    "age": age,
                },
                "leases": {"held": len(journal.leases()), "seats_left": sum(seats.values())},
            }

        try:
            out.update(self._journal_lane.submit(journal_side).result(timeout=15))
        except (JournalError, FutureTimeout, RuntimeError) as exc:
            log.error("clerk counts unavailable: %s", getattr(exc, "code", type(exc).__name__))
        return out

    def clerk_send_now(self) -> None:
        """The sync worker's send-now path (as the technician's "sync now"): every queued
        booking due at once, backoff and breaker cut short for one try."""
        if self.worker is not None:
            self.worker.wake(now=True)
        self.refresh_cache()
        self.clerk_said.emit(f"{_tr('clerk.sent', 'th')} / {_tr('clerk.sent', 'en')}")

    def paper_check(self) -> None:
        config = self.terminal.config

        def check() -> dict[str, Any]:
            printing = _printing()
            with self._printer_lock:
                state, problem = printing.state(config)
                if state in ("paper-out", "cover-open"):
                    return {"state": state}
                if problem is not None:
                    return {"state": "failed", "why": f"{problem.th} / {problem.en}"}
                try:
                    where = printing.print_test_slip(config, self.terminal.now())
                except KioskError as exc:
                    return {"state": "failed", "why": f"{exc.th} / {exc.en}"}
            return {"state": "done", "where": where}

        def done(outcome: dict[str, Any]) -> None:
            self._bridge.paper.emit(outcome)
            if outcome.get("state") == "done":
                self.check_service()  # out of service for the paper: back in service now

        self._submit(self._net, check, name="paper", signal=done)


def _printing():
    from ui.lazy_printing import printing  # noqa: PLC0415 - lazy, as the controller

    return printing()


def _tr(key: str, lang: str) -> str:
    from ui.strings import tr  # noqa: PLC0415

    return tr(key, lang)
