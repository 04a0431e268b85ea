"""The terminal's own health: the central, its clock, the rules, the journal, the queue, the disk.

Each check answers in `kiosk.health.Check` form with the fix a technician can apply in the store.
Used by `kiosk doctor` and the technician screen.
"""

from __future__ import annotations

import shutil
import time
from datetime import UTC, datetime, timedelta

from kiosk.booking.errors import (
    CentralRejected,
    CentralUnavailable,
    JournalError,
    TerminalUnauthorized,
)
from kiosk.health import Check, fail, ok, warn
from sync.cache import CacheError, keys_from_config
from sync.terminal import Terminal

#: The central refuses bookings confirmed more than this far in its future (central/hours.py).
SKEW_FAIL = timedelta(minutes=5)
SKEW_WARN = timedelta(minutes=1)
OLDEST_WARN = timedelta(hours=1)
DISK_FAIL_MB, DISK_WARN_MB = 50, 500


def central_checks(t: Terminal) -> list[Check]:
    """Reachable, token accepted, clock, keys and rule set current; one config request."""
    started = time.perf_counter()
    try:
        config = t.client.config(deadline=5.0)
    except TerminalUnauthorized:
        return [
            fail(
                "central",
                f"{t.config.central_url} refuses this terminal's token (unknown or revoked)",
                "re-enrol: kiosk provision --central URL --enrolment-code CODE",
            )
        ]
    except CentralUnavailable as exc:
        return [
            fail(
                "central",
                f"{t.config.central_url} cannot be reached ({exc.code})",
                "check the store's network and the [central] url; bookings are queued meanwhile",
            )
        ]
    except CentralRejected as exc:
        return [
            fail(
                "central",
                f"the central refused the config request ({exc.code})",
                "check the [central] url points at the booking API",
            )
        ]
    ms = (time.perf_counter() - started) * 1000
    checks = [ok("central", f"{t.config.central_url} reachable, token accepted ({ms:.0f} ms)")]
    skew = t.client.clock_offset
    described = (
        f"this terminal's clock is {abs(skew.total_seconds()):.0f} s "
        + ("behind" if skew > timedelta(0) else "ahead of")
        + " the central's"
    )
    if abs(skew) >= SKEW_FAIL:
        checks.append(
            fail(
                "clock",
                described,
                "set the time (timedatectl set-ntp true); the "
                "kiosk corrects itself, but the log and slips show local time",
            )
        )
    elif abs(skew) >= SKEW_WARN:
        checks.append(warn("clock", described, "enable NTP: timedatectl set-ntp true"))
    else:
        checks.append(ok("clock", "within a minute of the central's"))
    checks.append(_keys_check(t, config))
    checks.append(_rules_check(t, config))
    return checks


def _keys_check(t: Terminal, config: dict) -> Check:
    pinned = t.cache.keys()
    try:
        offered = keys_from_config(config)
    except CacheError as exc:
        return fail("keys", exc.en, "the central's config is incomplete: call the central's team")
    if not pinned:
        return fail("keys", "no central keys pinned on this terminal", "run kiosk provision")
    changed = [k for k in offered if pinned.get(k, {}).get("key") != offered[k]["key"]]
    if changed:
        return fail(
            "keys",
            f"the central names different keys than pinned: {', '.join(changed)}",
            "if the central really rotated its keys: kiosk provision --reset-keys",
        )
    return ok("keys", "the central's signing and sealing keys match the pinned ones")


def _rules_check(t: Terminal, config: dict) -> Check:
    wanted = config.get("rule_set")
    problem = t.cache.rules_problem("rules")
    if problem is not None:
        return fail(
            "rule set",
            f"the cached rule set is refused: {problem.en}",
            "run kiosk sync run to fetch it again; the bundled rules are used meanwhile",
        )
    current = t.cache.rule_set()
    if wanted and current.id != wanted:
        return warn(
            "rule set",
            f"using {current.id}, the central uses {wanted}",
            "run kiosk sync run to fetch the current rule set",
        )
    return ok("rule set", f"{current.id} version {current.version}, valid and current")


def journal_checks(t: Terminal, now: datetime | None = None) -> list[Check]:
    now = now or datetime.now(UTC)
    try:
        integrity = t.journal.integrity()
        counts = t.journal.counts()
        oldest = t.journal.oldest_pending()
    except JournalError as exc:
        return [
            fail(
                "journal",
                exc.en,
                f"keep {t.config.journal_path} for recovery; call support before deleting anything",
            )
        ]
    if integrity != "ok":
        return [
            fail(
                "journal",
                f"integrity check: {integrity}",
                f"keep {t.config.journal_path} for recovery; call support",
            )
        ]
    checks = [
        ok(
            "journal",
            f"{t.config.journal_path}: integrity ok, "
            + ", ".join(f"{k} {v}" for k, v in counts.items()),
        )
    ]
    pending = counts["queued"] + counts["sending"]
    if oldest is None:
        checks.append(ok("queue", "nothing waiting to be sent"))
    else:
        age = now - datetime.fromisoformat(oldest.created_utc)
        text = f"{pending} waiting, the oldest for {_age(age)}"
        if age >= OLDEST_WARN:
            checks.append(
                warn("queue", text, "check the central checks above; kiosk sync run sends them now")
            )
        else:
            checks.append(ok("queue", text))
    unsettled = len(
        [e for e in t.journal.entries(states=("rejected", "conflict")) if not e.acknowledged]
    )
    if unsettled:
        checks.append(
            warn(
                "refusals",
                f"{unsettled} queued booking(s) ended rejected or in conflict",
                "kiosk journal list shows them; customers see them when their card is next read",
            )
        )
    return checks


def disk_check(t: Terminal) -> Check:
    usage = shutil.disk_usage(t.config.home)
    free_mb = usage.free // (1024 * 1024)
    text = f"{free_mb:,} MB free on {t.config.home}"
    if free_mb < DISK_FAIL_MB:
        return fail("disk", text, "free space now: bookings cannot be journaled on a full disk")
    if free_mb < DISK_WARN_MB:
        return warn("disk", text, "free some space (old logs: journalctl --vacuum-size=100M)")
    return ok("disk", text)


def _age(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"
