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
from kiosk.dates import BANGKOK
from kiosk.health import Check, fail, ok, warn
from sync.cache import OPTIONAL_KEYS, CacheError, keys_from_config
from sync.terminal import Terminal, key_file_problem, terminal_key_path

#: The central refuses bookings confirmed more than this far in its future (central/hours.py).
SKEW_FAIL = timedelta(minutes=5)
SKEW_WARN = timedelta(minutes=1)
OLDEST_WARN = timedelta(hours=1)
DISK_FAIL_MB, DISK_WARN_MB = 50, 500
#: "Online for a while" with no lease seat: leases refreshed successfully for at least this long
#: (six 5-minute refreshes, so one refresh that granted nothing is not yet a warning) and the
#: last success recent enough that the terminal is online now.
LEASE_IDLE_WARN = timedelta(minutes=30)
LEASE_FRESH = timedelta(minutes=15)
#: A spent seat whose booking has not reached the central this close to the slot's start
#: fails: at the start the central stops holding the seat.
UNSENT_FAIL = timedelta(hours=1)


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
    changed = [
        k
        for k in offered
        if (k in pinned or k not in OPTIONAL_KEYS)
        and pinned.get(k, {}).get("key") != offered[k]["key"]
    ]
    if changed:
        return fail(
            "keys",
            f"the central names different keys than pinned: {', '.join(changed)}",
            "if the central really rotated its keys: kiosk provision --reset-keys",
        )
    unpinned = [k for k in offered if k not in pinned]
    if unpinned:
        return warn(
            "keys",
            f"the central's {', '.join(unpinned)} key is not pinned yet",
            "kiosk sync run pins it (a terminal from before seat leases takes it at first sight)",
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
    pending = counts["queued"] + counts["sending"] + counts["confirmed-offline"]
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


def terminal_key_check(t: Terminal) -> Check:
    """The terminal's own slip-signing key (DESIGN §11): present, 0600, usable."""
    path = terminal_key_path(t.config)
    problem = key_file_problem(path)
    if problem is not None and not path.exists():
        return warn(
            "terminal key",
            f"{problem}: nothing can be confirmed at this terminal while offline (only queued)",
            "run kiosk provision again: it makes the key and registers it with the central",
        )
    if problem is not None:
        return fail("terminal key", problem, f"chmod 600 {path}, or kiosk provision --reset-keys")
    if t.terminal_key is None:
        return fail(
            "terminal key",
            f"{path} is not a usable Ed25519 key",
            "kiosk provision --reset-keys makes and registers a new one",
        )
    return ok("terminal key", f"{path} (readable by this user only)")


def lease_checks(t: Terminal, now: datetime | None = None) -> list[Check]:
    """Seat leases: held while online, and no spent seat left unsent past its lease."""
    now = now or t.now()
    try:
        leases = t.journal.leases(include_released=True)
        usable = sum(t.journal.lease_seats(now).values())
        unsent = t.journal.spent_unacknowledged()
        mismatched = [
            e
            for e in t.journal.entries(states=("conflict",))
            if e.outcome_code == "reference-mismatch"
        ]
    except JournalError as exc:
        return [fail("leases", exc.en, "see the journal check")]
    checks = [_held_check(t, now, usable, leases)]
    by_id = {e.lease_id: e for e in leases}
    late = [s for s in unsent if s["lease_id"] in by_id and by_id[s["lease_id"]].use_until <= now]
    if late:
        starts = [_slot_start(by_id[s["lease_id"]]) for s in late]
        text = (
            f"{len(late)} seat(s) confirmed at this terminal are not yet at the central and "
            "their lease has expired"
        )
        fix = "get the terminal online now: kiosk sync run sends them (they go first)"
        if min(starts) - now < UNSENT_FAIL:
            checks.append(fail("unsent seats", text + "; a slot starts within the hour", fix))
        else:
            checks.append(warn("unsent seats", text, fix))
    if mismatched:
        checks.append(
            fail(
                "lease references",
                f"{len(mismatched)} booking(s) confirmed here were booked by the central under "
                "another reference than the slip's (reference-mismatch)",
                "call the central's team with kiosk journal list --json; the customers' slips "
                "carry the lease reference",
            )
        )
    return checks


def _held_check(t: Terminal, now: datetime, usable: int, leases: list) -> Check:
    if t.cache.lease_key() is None:
        return warn(
            "leases",
            "the central has named no lease-signing key: offline bookings can only be queued",
            "kiosk sync run, once the central grants seat leases",
        )
    times = t.cache.lease_refresh_times()
    if not times.get("last_ok"):
        return warn("leases", "seat leases never refreshed", "kiosk sync run refreshes them")
    first = datetime.fromisoformat(times["first_ok"])
    last = datetime.fromisoformat(times["last_ok"])
    clock = datetime.now(UTC)
    held = sum(e.seats for e in leases if not e.released)
    if usable:
        return ok(
            "leases",
            f"{usable} seat(s) usable offline, {held} held; refreshed {_age(clock - last)} ago",
        )
    if clock - first >= LEASE_IDLE_WARN and clock - last <= LEASE_FRESH:
        return warn(
            "leases",
            f"no usable seat lease although leases have been refreshed for {_age(clock - first)} "
            f"(over {_age(LEASE_IDLE_WARN)}): offline bookings will only be queued",
            "check the central's lease settings and that this terminal's recent sites have "
            "slots 12 h ahead; kiosk leases list shows what is held",
        )
    return ok("leases", f"no usable seat lease yet; refreshed {_age(clock - last)} ago")


def _slot_start(lease) -> datetime:
    day = datetime.fromisoformat(f"{lease.date}T{lease.start}")
    return day.replace(tzinfo=BANGKOK)


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


def staff_state(t: Terminal) -> dict:
    """What the health report says about the store's staff (DESIGN §13, §14): an open call for
    a clerk (when, from which screen) and the clerk's pause. No personal data."""
    from sync.store_log import StoreLog  # noqa: PLC0415 - doctor only

    try:
        log = StoreLog(t.journal)
        return {"call": log.open_call_now(), "paused": log.paused()}
    except JournalError:  # the journal check says what is wrong with it
        return {"call": None, "paused": None, "unknown": True}


def staff_checks(t: Terminal, now: datetime | None = None) -> list[Check]:
    now = now or datetime.now(UTC)
    state = staff_state(t)
    if state.get("unknown"):
        return []  # an unreadable journal: its own check fails, with the fix
    checks = []
    call = state["call"]
    if call is None:
        checks.append(ok("staff-call", "no customer is waiting for a clerk"))
    else:
        age = now - datetime.fromisoformat(call["opened_utc"])
        checks.append(
            warn(
                "staff-call",
                f"a customer called for a clerk {_age(age)} ago (from the {call['screen']} "
                "screen) and has not been answered",
                "go to the terminal; answer on the clerk screen (hold the bottom-right corner)",
            )
        )
    if state["paused"]:
        checks.append(
            warn(
                "service",
                f"paused by a clerk since {state['paused']['since'][:16].replace('T', ' ')} UTC",
                "resume on the clerk screen when the terminal should take customers again",
            )
        )
    return checks
