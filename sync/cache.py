"""What the kiosk needs to keep working offline: config, keys, sites, availability, rule sets.

Each item is one JSON file written atomically (temp file, fsync, rename), stamped with when it was
fetched, so the kiosk can say "availability as of 12 minutes ago" instead of pretending.

The central's public keys are pinned the first time they are seen (at provisioning): a later config
that names different keys is refused, not obeyed, because whoever can swap the rule-signing key
decides who gets vaccinated. Re-provisioning with `--reset-keys` is the deliberate way to rotate.
The lease-signing key (DESIGN §11) is pinned the same way; a terminal that pinned before leases
existed accepts it at first sight.

Each refresh also refreshes the seat leases (docs/leases.md): it tells the central what the
journal holds and spent, verifies every lease of the answer with the pinned lease key and this
terminal's id, and stores only those that verify. A lease refresh that fails never fails the rest
of the refresh: without leases the kiosk simply queues offline bookings, as before.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.booking.model import Site, Slot
from kiosk.dates import BANGKOK
from kiosk.eligibility import RuleSet, RuleSetError, RuleSetKeeper, load_bundled, load_signed
from kiosk.errors import KioskError
from kiosk.keys import ed25519_public_from_b64, key_id, unb64, x25519_public_from_b64
from kiosk.leases import LeaseError, verify_lease
from kiosk.signing import SignatureError
from sync.client import CentralClient
from sync.journal import SqliteJournal

log = logging.getLogger(__name__)

AVAILABILITY_DAYS = 14
#: The keys a central's config must name, and the one it may name (a central before leases).
REQUIRED_KEYS = ("rule_signing", "journal_sealing")
OPTIONAL_KEYS = ("lease_signing",)
LEASE_REFRESH_DEADLINE = 10.0


class CacheError(KioskError):
    code = "cache-error"
    exit_status = 3

    def __init__(self, en: str, code: str | None = None) -> None:
        super().__init__("ข้อมูลสำรองในเครื่องไม่พร้อมใช้งาน กรุณาแจ้งเจ้าหน้าที่เทคนิค", en)
        if code:
            self.code = code


@dataclass
class RefreshReport:
    ok: bool = True
    sites: int = 0
    slots: int = 0
    rule_set: str | None = None
    errors: list[str] = field(default_factory=list)
    #: After the lease refresh: seats held in leases (None: leases not refreshed).
    lease_seats: int | None = None
    #: Leases of the answer refused (forged, another terminal's, malformed): id and code only.
    leases_refused: list[str] = field(default_factory=list)
    #: Why the leases could not be refreshed (not an error of the refresh as a whole).
    lease_errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LeaseRefresh:
    stored: int
    released: int
    refused: list[str]
    seats: int


def slot_from_json(data: Mapping[str, Any], site_id: str | None = None) -> Slot:
    """From the central's `SlotOut` (docs/central-api.json) or this module's own cache."""
    capacity = int(data.get("capacity") or 0)
    remaining = data.get("available", data.get("remaining", 0))
    return Slot(
        id=str(data.get("slot_id") or data.get("id")),
        site_id=str(data.get("site_id") or site_id or ""),
        date=str(data["date"]),
        start=str(data["start"])[:5],
        end=str(data["end"])[:5],
        capacity=capacity,
        remaining=max(0, int(remaining)),
    )


class OfflineCache:
    def __init__(
        self,
        directory: str | Path,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        *,
        journal_path: str | Path | None = None,
        terminal_id: str | None = None,
    ) -> None:
        """`journal_path` and `terminal_id`: refresh the seat leases with the cache (a
        terminal's cache; without them, e.g. in a tool that only reads the cache, no leases)."""
        self.dir = Path(directory)
        self._clock = clock
        self.journal_path = Path(journal_path) if journal_path else None
        self.terminal_id = terminal_id

    # files -----------------------------------------------------------------------------------

    def _write(self, name: str, data: Any) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        payload = {"fetched_at": self._clock().isoformat(), "data": data}
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=self.dir)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(payload, f, ensure_ascii=False)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.dir / f"{name}.json")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def _read(self, name: str) -> tuple[Any, datetime] | None:
        path = self.dir / f"{name}.json"
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
            return payload["data"], datetime.fromisoformat(payload["fetched_at"])
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("cache file %s is unreadable; ignoring it", path.name)
            return None

    # what the kiosk reads --------------------------------------------------------------------

    def has(self, name: str) -> bool:
        return (self.dir / f"{name}.json").exists()

    def config(self) -> dict[str, Any] | None:
        item = self._read("config")
        return item[0] if item else None

    def occupations(self) -> list[dict[str, Any]]:
        """The occupation choices the central accepts, with Thai and English labels."""
        config = self.config() or {}
        items = config.get("occupations")
        return [o for o in items if isinstance(o, dict) and "code" in o] if items else []

    def keys(self) -> dict[str, Any] | None:
        item = self._read("keys")
        return item[0] if item else None

    def sealing_key(self):
        keys = self.keys()
        if not keys or "journal_sealing" not in keys:
            raise CacheError(
                "the central's journal-sealing key is not known: run kiosk provision",
                code="no-sealing-key",
            )
        return x25519_public_from_b64(keys["journal_sealing"]["key"])

    def signing_key(self):
        keys = self.keys()
        if not keys or "rule_signing" not in keys:
            return None
        return ed25519_public_from_b64(keys["rule_signing"]["key"])

    def lease_key(self):
        """The pinned lease-signing key, or None (a central without leases)."""
        keys = self.keys()
        if not keys or "lease_signing" not in keys:
            return None
        return ed25519_public_from_b64(keys["lease_signing"]["key"])

    def lease_refresh_times(self) -> dict[str, Any]:
        """`first_ok`, `last_ok` (ISO times of successful lease refreshes), `seats` then."""
        item = self._read("lease-refresh")
        return dict(item[0]) if item and isinstance(item[0], dict) else {}

    def clock_offset(self) -> timedelta:
        """The central's time minus ours, as last measured (zero if never)."""
        item = self._read("clock")
        try:
            return timedelta(seconds=float(item[0]["offset_seconds"])) if item else timedelta(0)
        except (KeyError, TypeError, ValueError):
            return timedelta(0)

    def sites(self) -> list[Site]:
        item = self._read("sites")
        return [Site.from_json(s) for s in item[0]] if item else []

    def site(self, site_id: str) -> Site | None:
        return next((s for s in self.sites() if s.id == site_id), None)

    def slots(self, site_id: str) -> list[Slot]:
        item = self._read(f"slots-{_safe(site_id)}")
        return [slot_from_json(s, site_id) for s in item[0]] if item else []

    def find_slot(self, slot_id: str) -> tuple[Site, Slot] | None:
        for site in self.sites():
            for slot in self.slots(site.id):
                if slot.id == slot_id:
                    return site, slot
        return None

    def availability_age(self) -> timedelta | None:
        """How old the slot availability is (the oldest site's), or None if never fetched."""
        times = [item[1] for s in self.sites() if (item := self._read(f"slots-{_safe(s.id)}"))]
        return self._clock() - min(times) if times else None

    def today(self) -> date:
        """Today in Bangkok by this cache's clock (the central's time where it is known)."""
        return (self._clock() + self.clock_offset()).astimezone(BANGKOK).date()

    def rules_problem(self, name: str = "rules") -> KioskError | None:
        """Why a cached rule set is refused (for the technician), or None if it is fine."""
        item = self._read(name)
        key = self.signing_key()
        if not item or key is None:
            return None
        try:
            load_signed(item[0], key)
        except (SignatureError, RuleSetError) as exc:
            return exc
        return None

    def signed_rules(self, name: str = "rules") -> RuleSet | None:
        """A cached signed rule set (`rules`, or `rules-next` waiting for its valid_from) if it
        still verifies against the pinned key; None otherwise."""
        item = self._read(name)
        key = self.signing_key()
        if not item or key is None:
            return None
        try:
            return load_signed(item[0], key)
        except (SignatureError, RuleSetError) as exc:
            log.warning("cached rule set refused: %s", exc.en)
            return None

    def rule_set(self, today: date | None = None) -> RuleSet:
        """The rule set in force: a downloaded one once its `valid_from` has come, else the one
        before it, else the bundled default."""
        today = today or self.today()
        upcoming = self.signed_rules("rules-next")
        if upcoming is not None and _in_force(upcoming, today):
            return upcoming
        return self.signed_rules("rules") or load_bundled()

    # refreshing ------------------------------------------------------------------------------

    def pin_keys(self, config: Mapping[str, Any], *, reset: bool = False) -> None:
        new = keys_from_config(config)
        old = self.keys()
        if old and not reset:
            for name in (*REQUIRED_KEYS, *OPTIONAL_KEYS):
                if name in old and name not in new:
                    new[name] = old[name]  # a config that omits a pinned key does not unpin it
                if name in old and name in new and old[name]["key"] != new[name]["key"]:
                    raise CacheError(
                        f"the central now names a different {name.replace('_', '-')} key "
                        f"({new[name]['kid']} instead of {old[name]['kid']}); refusing it. "
                        "Re-provision with --reset-keys if the central really rotated its keys.",
                        code="key-changed",
                    )
        self._write("keys", new)

    def refresh(
        self, client: CentralClient, *, today: date | None = None, reset_keys: bool = False
    ) -> RefreshReport:
        """Fetch everything; keeps whatever could not be fetched as it was."""
        report = RefreshReport()
        pinned = False
        try:
            config = client.config()
            self.pin_keys(config, reset=reset_keys)
            pinned = True
            self._write("config", config)
            self._write("clock", {"offset_seconds": client.clock_offset.total_seconds()})
            sites = client.sites()
            self._write("sites", sites)
            report.sites = len(sites)
            start = today or client.now().astimezone(BANGKOK).date()
            end = start + timedelta(days=AVAILABILITY_DAYS)
            for site in (Site.from_json(s) for s in sites):
                slots = client.slots(site.id, start.isoformat(), end.isoformat())
                self._write(f"slots-{_safe(site.id)}", slots)
                report.slots += len(slots)
            report.rule_set = self._refresh_rules(client, config)
        except KioskError as exc:  # unreachable, refused, a bad key, a refused rule set
            report.ok = False
            report.errors.append(f"{exc.code}: {exc.en}")
        if pinned and self.journal_path is not None and self.terminal_id:
            try:
                done = self.refresh_leases(client)
                report.lease_seats, report.leases_refused = done.seats, done.refused
            except KioskError as exc:
                report.lease_errors.append(f"{exc.code}: {exc.en}")
                log.warning("leases not refreshed: %s", exc.code)
        return report

    def refresh_leases(
        self, client: CentralClient, journal: SqliteJournal | None = None
    ) -> LeaseRefresh:
        """POST /v1/leases/refresh with what the journal holds, spent and was asked for; keep
        the leases that verify. Opens its own journal connection unless given one (a cache
        refresh may run on any thread; SQLite connections do not cross threads)."""
        key = self.lease_key()
        if key is None:
            raise CacheError(
                "the central names no lease-signing key: no seat leases", code="no-lease-key"
            )
        if not self.terminal_id:
            raise CacheError("no terminal id to check leases against", code="no-terminal-id")
        own = journal is None
        if journal is None:
            if self.journal_path is None:
                raise CacheError("no journal for the seat leases", code="no-journal")
            journal = SqliteJournal(self.journal_path)
        try:
            held = [e.lease_id for e in journal.leases()]
            answer = client.refresh_leases(
                held,
                journal.spent_unacknowledged(),
                journal.recent_choices(50),
                deadline=LEASE_REFRESH_DEADLINE,
            )
            good, refused = [], []
            for envelope in answer["leases"]:
                try:
                    good.append(verify_lease(envelope, key, self.terminal_id))
                except LeaseError as exc:
                    lease_id = _lease_id_of(envelope)
                    refused.append(f"{lease_id}: {exc.code}")
                    # the lease id and the code only: a lease carries no personal data, but a
                    # forged one may carry anything
                    log.warning("lease %s refused (%s); not stored", lease_id, exc.code)
            journal.put_leases(good, answer["released"])
            seats = sum(e.seats_left for e in journal.leases())
        finally:
            if own:
                journal.close()
        times = self.lease_refresh_times()
        now = self._clock().isoformat()
        self._write(
            "lease-refresh",
            {"first_ok": times.get("first_ok") or now, "last_ok": now, "seats": seats},
        )
        return LeaseRefresh(len(good), len(answer["released"]), refused, seats)

    def _refresh_rules(self, client: CentralClient, config: Mapping[str, Any]) -> str | None:
        """Fetch the central's current rule set and keep it if it verifies and is not older
        than the one in force (RuleSetKeeper's rule); one not yet valid waits as `rules-next`."""
        wanted = config.get("rule_set")
        if not isinstance(wanted, str):
            return None
        key = self.signing_key()
        if key is None:
            raise CacheError("no pinned rule-signing key", code="no-signing-key")
        envelope = client.rules(wanted)
        today = self.today()
        keeper = RuleSetKeeper(self.rule_set(today), key)
        if not keeper.offer(envelope):
            error = keeper.last_error
            raise CacheError(
                f"rule set {wanted} refused: {error.en if error else 'invalid'}",
                code=error.code if error else "bad-rule-set",
            )
        candidate = keeper.current
        self._write("rules" if _in_force(candidate, today) else "rules-next", envelope)
        return candidate.id


def _in_force(rule_set: RuleSet, today: date) -> bool:
    valid_from = rule_set.source.get("valid_from")
    return not valid_from or date.fromisoformat(valid_from) <= today


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)


def _lease_id_of(envelope: Any) -> str:
    """A refused lease's id for the log: a UUID-looking string, else '?'."""
    doc = envelope.get("document") if isinstance(envelope, Mapping) else None
    value = doc.get("lease_id") if isinstance(doc, Mapping) else None
    if isinstance(value, str) and len(value) <= 36 and all(c in "0123456789abcdef-" for c in value):
        return value
    return "?"


def keys_from_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """The keys of /v1/config: `{"keys": {"rule_signing": {"alg", "kid", "public"}, ...}}`;
    `lease_signing` only if the central names it."""
    found = {}
    keys = config.get("keys")
    if not isinstance(keys, Mapping):
        raise CacheError("the central's config names no public keys", code="no-keys")
    for name in (*REQUIRED_KEYS, *OPTIONAL_KEYS):
        value = keys.get(name)
        if name in OPTIONAL_KEYS and value is None:
            continue
        if not isinstance(value, Mapping) or not isinstance(value.get("public"), str):
            raise CacheError(f"the central's config has no {name} key", code="no-keys")
        raw = unb64(value["public"], name)
        kid = key_id(raw)
        if value.get("kid") not in (None, kid):
            raise CacheError(f"the central's {name} key id does not match the key", code="no-keys")
        found[name] = {"key": value["public"], "kid": kid}
    return found
