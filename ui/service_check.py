"""The controller keeping the terminal honest about itself: card presence from pcscd (filtered to
the configured reader, so a card in another reader is never served), the periodic service check
(reader, printer, journal, channel hours, the central's reachability) that decides between
welcome, closed and out of service, and the periodic refresh of the offline cache.

A mixin of `ui.controller.Controller`.
"""

from __future__ import annotations

import logging
import shutil
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import replace

from kiosk.booking.errors import JournalError
from kiosk.card.errors import CardError, NoReader
from kiosk.card.pcsc import PcscContext
from kiosk.card.presence import CardEvent
from kiosk.errors import KioskError
from kiosk.hours import ChannelHours
from kiosk.session import IDLE_SCREENS
from kiosk.session import events as ev
from ui import lazy_printing

log = logging.getLogger(__name__)

#: Below this much free disk space the journal is not trusted to take a booking.
MIN_FREE_BYTES = 16 * 1024 * 1024


class ServiceCheck:
    """Needs, from the controller: terminal, session, _net, _journal_lane, _submit,
    _lane_journal, _close_journal, _printer_lock, _printer_seen, _pcsc_up, _stopping, _bridge,
    suspended, occupations, and `send` of the session binding."""

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
            problem = lazy_printing.printing().status(self.terminal.config)
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
