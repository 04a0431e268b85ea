"""A terminal's state and the reasons it needs attention, from its last report (DESIGN §13).

Pure: no I/O, no clock of its own. The state is decided when somebody reads, from the instant
they read at, never stored: a terminal that stopped reporting must turn stale and then offline
with nobody writing anything (the fleet tools the reference speech surveys got this wrong when
they stored "online" on the last report). The deadlines of a report are computed once, when it
arrives, so the store can filter a page by state with one comparison; `state_at` is the only
place that turns them into a state, and the store's filter uses the same deadlines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

STATES = ("online", "stale", "offline", "never-seen")
LEVELS = ("warn", "fail")

#: Online while the next report is at most two intervals (and a minute of slack) late.
ONLINE_SLACK = timedelta(seconds=60)
#: Stale up to this long after the report, offline after.
STALE_FOR = timedelta(minutes=15)
DEFAULT_INTERVAL = timedelta(seconds=60)

QUEUE_WARN, QUEUE_FAIL = timedelta(minutes=15), timedelta(minutes=60)
SKEW_WARN, SKEW_FAIL = timedelta(minutes=1), timedelta(minutes=5)

#: Every attention reason and what it means, for the console's legend and the CLI help.
REASONS = {
    "offline": "no report for over 15 minutes",
    "printer-out-of-paper": "the printer reports no paper",
    "printer-paper-near-end": "the printer reports its paper roll near its end",
    "queue-old": "the oldest queued booking is older than 15 min (warn) / 60 min (fail)",
    "clock-skew": "the terminal's clock is off by over 1 min (warn) / 5 min (fail)",
    "rule-set-not-current": "the terminal runs another rule set than the central's current one",
    "staff-requested": "a customer called for a clerk and has not been answered",
}


@dataclass(frozen=True)
class Deadlines:
    online_until: datetime
    stale_until: datetime


@dataclass(frozen=True)
class Reason:
    reason: str
    level: str

    def to_json(self) -> dict[str, str]:
        return {"reason": self.reason, "level": self.level}


def deadlines(received_at: datetime, interval_s: int | None) -> Deadlines:
    """When a report received at `received_at` stops meaning online, and stale."""
    interval = timedelta(seconds=interval_s) if interval_s else DEFAULT_INTERVAL
    online = received_at + 2 * interval + ONLINE_SLACK
    return Deadlines(online, max(online, received_at + STALE_FOR))


def state_at(now: datetime, last: Deadlines | None) -> str:
    """online / stale / offline at `now`; never-seen with no report."""
    if last is None:
        return "never-seen"
    if now <= last.online_until:
        return "online"
    if now <= last.stale_until:
        return "stale"
    return "offline"


def attention(
    state: str, report: Mapping[str, Any] | None, current_rule_set: str | None
) -> list[Reason]:
    """Why this terminal needs somebody, worst first. A never-seen terminal has nothing to say
    yet (its own state is the message); an offline one keeps the reasons of its last report:
    they are the best guess of why, and a printer out of paper stays out of paper."""
    out: list[Reason] = []
    if state == "offline":
        out.append(Reason("offline", "fail"))
    if report is None:
        return out
    paper = (report.get("printer") or {}).get("paper")
    if paper == "out":
        out.append(Reason("printer-out-of-paper", "fail"))
    elif paper == "near-end":
        out.append(Reason("printer-paper-near-end", "warn"))
    oldest = (report.get("queue") or {}).get("oldest_age_s")
    if oldest is not None:
        age = timedelta(seconds=oldest)
        if age > QUEUE_FAIL:
            out.append(Reason("queue-old", "fail"))
        elif age > QUEUE_WARN:
            out.append(Reason("queue-old", "warn"))
    offset = report.get("clock_offset_s")
    if offset is not None:
        # compared as seconds, not as a timedelta (which rounds to microseconds): the same
        # comparison the database makes (central/store/fleet_sql.py)
        skew = abs(float(offset))
        if skew > SKEW_FAIL.total_seconds():
            out.append(Reason("clock-skew", "fail"))
        elif skew > SKEW_WARN.total_seconds():
            out.append(Reason("clock-skew", "warn"))
    rule_set = report.get("rule_set")
    if current_rule_set and rule_set != current_rule_set:
        out.append(Reason("rule-set-not-current", "warn"))
    if (report.get("staff") or {}).get("requested"):
        out.append(Reason("staff-requested", "warn"))
    out.sort(key=lambda r: r.level != "fail")  # stable: fails first, each group in order
    return out


def worst(reasons: list[Reason]) -> str | None:
    if any(r.level == "fail" for r in reasons):
        return "fail"
    return "warn" if reasons else None
