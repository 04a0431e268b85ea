"""What the controller does for the technician's screen: the status report (central, queue,
journal, replay, availability, printer, reader), "sync now" and the test slip.

A mixin of `ui.controller.Controller`; the reports are gathered on the network lane (the journal
counts on the journal lane), so the screen never blocks on a slow device.
"""

from __future__ import annotations

import time
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QTimer

from kiosk.booking.errors import JournalError
from kiosk.errors import KioskError
from ui import lazy_printing
from ui.effects import UNAVAILABLE


class TechnicianActions:
    """Needs, from the controller: terminal, worker, _net, _journal_lane, _submit,
    _lane_journal, _printer_lock, _bridge, and the service check's status probes."""

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
                    where = lazy_printing.printing().print_test_slip(config, self.terminal.now())
                except KioskError as exc:
                    return f"{exc.code}: {exc.th} / {exc.en}"
            return f"printed / พิมพ์แล้ว: {where}"

        self._submit(self._net, test, name="print-test", signal=self._bridge.said.emit)


def _when(value: Any) -> str:
    if value is None:
        return ""
    try:
        return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except AttributeError:
        return str(value)
