"""The health report a terminal sends to the central (DESIGN §13), and the thread that sends it.

A report is built from what the terminal already knows (the journal's queue and leases, the
client's clock offset, the doctor's checks, the staff state): no names, no citizen IDs, no
phone numbers, only counts, states and the checks' own short details. It must fit in 1 KB even
when every check fails with a long detail, so `fit` shortens details (ok ones first) until it
does; the central refuses anything larger.

A report that cannot be sent is dropped, not queued: the next one, a minute later, says more
about the terminal than an old one would. `HealthReporter` sends one on start, one every
interval, and one on a clean stop (`stop()`: `kiosk sync run` on SIGTERM/Ctrl-C, `kiosk run`
when its window closes), so an operator tells a terminal switched off from one that died.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from kiosk import __version__
from kiosk.booking.errors import CentralRejected, CentralUnavailable
from kiosk.health import Check

log = logging.getLogger(__name__)

MAX_BYTES = 1024
INTERVAL_S = 60
#: The central's limits on a check (central/models_health.py), applied here so a report that
#: fits is also one the central accepts.
MAX_CHECKS, MAX_DETAIL = 32, 160
PAPER = ("ok", "near-end", "out", "unknown")


def check_name(name: str) -> str:
    """A doctor check's name as the report carries it: "card reader" is `card-reader`."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:32] or "check"


def size(report: Mapping[str, Any]) -> int:
    """The bytes the report takes on the wire (requests sends `json.dumps` of it)."""
    return len(json.dumps(report).encode())


def build_report(
    terminal: Any,
    checks: list[Check],
    *,
    clock_offset: timedelta | None = None,
    printer_paper: str = "unknown",
    interval_s: int = INTERVAL_S,
    staff: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The report of `terminal` (a `sync.terminal.Terminal`) now; `checks` from the doctor;
    `clock_offset` the running client's (default: `terminal.client`'s)."""
    offset = terminal.client.clock_offset if clock_offset is None else clock_offset
    journal = terminal.journal
    counts = journal.counts()
    oldest = journal.oldest_pending()
    now = datetime.now(UTC)
    age = None
    if oldest is not None:
        age = max(0, int((now - datetime.fromisoformat(oldest.created_utc)).total_seconds()))
    synced = journal.last_event(("confirmed", "rejected", "conflict"))
    by_name = {check_name(c.name): c.status for c in checks}
    printer = by_name.get("printer", "unknown")
    report = {
        "software": __version__,
        "rule_set": terminal.cache.rule_set().id,
        "interval_s": interval_s,
        "checks": [
            {"name": check_name(c.name), "status": c.status, "detail": c.detail[:MAX_DETAIL]}
            for c in checks[:MAX_CHECKS]
        ],
        "queue": {
            "queued": counts.get("queued", 0) + counts.get("confirmed-offline", 0),
            "sending": counts.get("sending", 0),
            "oldest_age_s": age,
        },
        "leases": {
            "held": sum(e.seats for e in journal.leases()),
            "spent": len(journal.spent_unacknowledged()),
        },
        "printer": {
            "state": printer,
            "paper": printer_paper if printer_paper in PAPER else "unknown",
        },
        "reader": by_name.get("card-reader", "unknown"),
        "clock_offset_s": round(offset.total_seconds(), 1),
        "last_sync": synced["at_utc"] if synced else None,
        "staff": {
            "requested": bool((staff or {}).get("call")),
            "paused": bool((staff or {}).get("paused")),
        },
    }
    return fit(report)


def fit(report: dict[str, Any], limit: int = MAX_BYTES) -> dict[str, Any]:
    """`report` with its checks' details shortened until it is at most `limit` bytes: ok
    checks lose their detail first (their status says it all), then the longest detail is
    halved, again and again; a check keeps its name and status whatever happens."""
    out = {**report, "checks": [dict(c) for c in report.get("checks", [])]}
    checks = out["checks"]
    for c in checks:
        if size(out) <= limit:
            return out
        if c["status"] == "ok":
            c["detail"] = ""
    while size(out) > limit:
        longest = max(checks, key=lambda c: len(c["detail"]), default=None)
        if longest is None or not longest["detail"]:
            break
        detail = longest["detail"]  # strictly shorter each time: half, with the ellipsis
        longest["detail"] = "" if len(detail) <= 2 else detail[: len(detail) // 2 - 1] + "…"
    while size(out) > limit and checks:  # only names and statuses left: the ok ones go
        ok = next((c for c in checks if c["status"] == "ok"), None)
        checks.remove(ok if ok is not None else checks[-1])
    return out


class Sender(Protocol):
    def put_health(self, report: Mapping[str, Any], deadline: float = 5.0) -> None: ...


class HealthReporter:
    """Sends `build()` through `client.put_health` on start, every `interval` s and on stop."""

    def __init__(
        self,
        client: Sender,
        build: Callable[[], dict[str, Any]],
        *,
        interval: float = INTERVAL_S,
        on_stop: Callable[[], None] | None = None,
    ) -> None:
        self.client = client
        self._on_stop = on_stop
        self.build = build
        self.interval = interval
        self.sent = 0
        self.failed = 0
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()  # one report at a time: start, tick and stop never overlap

    def send_once(self) -> bool:
        """Build and send one report; True when the central took it. Nothing is kept when it
        did not: the reason is logged (codes only) and the next report replaces this one."""
        with self._lock:
            try:
                report = self.build()
            except Exception as exc:  # noqa: BLE001 - a broken check must not stop reporting
                log.warning("health report not built: %s", type(exc).__name__)
                self.failed += 1
                self.last_error = f"not built: {type(exc).__name__}"
                return False
            try:
                self.client.put_health(report)
            except (CentralUnavailable, CentralRejected) as exc:
                self.failed += 1
                self.last_error = getattr(exc, "code", None) or type(exc).__name__
                log.info("health report not sent (%s); the next one replaces it", self.last_error)
                return False
            self.sent += 1
            self.last_error = None
            return True

    def start(self) -> HealthReporter:
        """Send the first report in the background and keep sending every interval."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="health-report", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        self.send_once()
        while not self._stop.wait(self.interval):
            self.send_once()

    def stop(self, timeout: float = 10.0) -> None:
        """A clean stop: end the periodic thread, then send one last report."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        try:
            self.send_once()
        finally:
            if self._on_stop is not None:
                self._on_stop()
