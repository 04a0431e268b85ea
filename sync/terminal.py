"""A running terminal, wired from its configuration: client, journal, cache, booking service.

This is where the domain's ports meet their implementations. The kiosk UI, the `kiosk book` and
`kiosk sync` commands all build the same `Terminal`, so the counter and the command line book
exactly the same way.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ed25519

from kiosk import sealing
from kiosk.booking import BookingService, CentralRejected, CentralUnavailable
from kiosk.card.model import Card
from kiosk.config import TerminalConfig
from kiosk.dates import BANGKOK
from kiosk.eligibility import Answers, Decision, evaluate
from kiosk.hours import ChannelHours
from kiosk.keys import KeyFileError, load_ed25519_private
from sync.breaker import CircuitBreaker
from sync.cache import OfflineCache
from sync.client import CentralClient
from sync.journal import SqliteJournal
from sync.worker import ReplayWorker

log = logging.getLogger(__name__)


def terminal_secret(config: TerminalConfig) -> bytes:
    """The key of the keyed CID hash, made once per terminal, readable by the kiosk user only.

    It lives beside the token (the config directory), not beside the journal (the data
    directory): a copy of the data directory alone (a backup, a journal sent for recovery) then
    cannot be searched for citizen IDs. A whole stolen terminal still holds both; the masked CID
    in the journal leaves 10^6 candidates, so the sealed personal data, not this hash, is what
    protects customers there.
    """
    path = config.token_file.parent / "cid-hash.key"
    old = config.home / "cid-hash.key"  # where terminals before this release kept it
    if not path.exists() and old.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        old.replace(path)
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secret.hex())
        return secret


#: The terminal's own Ed25519 key (DESIGN §11), beside the token: it signs the slip code of
#: every booking confirmed at the terminal, so a site can check a slip before the terminal has
#: reconnected. One line of base64 (the raw 32 bytes), mode 0600, owned like the token.
TERMINAL_KEY_FILE = "terminal-signing.key"


def terminal_key_path(config: TerminalConfig) -> Path:
    return config.token_file.parent / TERMINAL_KEY_FILE


def key_file_problem(path: Path) -> str | None:
    """Why this key file cannot be used (missing, readable by others), or None."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return f"{path} is missing"
    except OSError as exc:
        return f"{path} cannot be read: {exc.strerror}"
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return f"{path} is readable by other users (mode {stat.S_IMODE(mode):o}, not 600)"
    return None


def load_terminal_key(config: TerminalConfig) -> ed25519.Ed25519PrivateKey | None:
    """The terminal's key, or None when it is missing or unsafe (then nothing is confirmed at
    the terminal: bookings are queued offline, and kiosk doctor says why)."""
    path = terminal_key_path(config)
    problem = key_file_problem(path)
    if problem is not None:
        if path.exists():
            log.error("terminal key not used: %s", problem)
        return None
    try:
        return load_ed25519_private(path)
    except KeyFileError as exc:
        log.error("terminal key not used: %s", exc.en)
        return None


class Terminal:
    def __init__(
        self,
        config: TerminalConfig,
        *,
        token: str | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self.config = config
        self.client = CentralClient(
            config.central_url,
            token if token is not None else config.token(),
            ca_bundle=str(config.ca_bundle) if config.ca_bundle else None,
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            breaker=breaker,
            terminal_id=config.terminal_id,
        )
        self.cache = OfflineCache(
            config.cache_dir, journal_path=config.journal_path, terminal_id=config.terminal_id
        )
        self.client.clock_offset = self.cache.clock_offset()
        self._journal: SqliteJournal | None = None
        self.secret = terminal_secret(config)
        self.terminal_key = load_terminal_key(config)

    @property
    def journal(self) -> SqliteJournal:
        """Opened on first use, so a damaged journal is reported where it is used (doctor, the
        out-of-service screen) instead of making the whole terminal unconstructible."""
        if self._journal is None:
            self._journal = SqliteJournal(self.config.journal_path, cid_secret=self.secret)
        return self._journal

    def now(self) -> datetime:
        """The central's time in Bangkok, as far as this terminal can tell."""
        return (datetime.now(UTC) + self.client.clock_offset).astimezone(BANGKOK)

    def decide(self, card: Card, answers: Answers) -> Decision:
        """Eligibility as the kiosk decides it: offline first, the registry asked when it matters.

        Only a provisional booking depends on the registry; if the central can be asked (quickly),
        its answer turns the decision into a plain booking or a refusal.
        """
        rule_set = self.cache.rule_set()
        today = self.now().date()
        decision = evaluate(rule_set, card, answers, "unknown", today)
        if decision.route == "book-provisional" and not self.client.is_open():
            try:
                known = self.client.registry_check(card.cid, deadline=1.5)
            except (CentralUnavailable, CentralRejected):
                return decision
            decision = evaluate(rule_set, card, answers, "yes" if known else "no", today)
        return decision

    def booking_service(self, journal: SqliteJournal | None = None) -> BookingService:
        """The booking service; `journal` for a caller that keeps its own (in its own thread)."""
        public = self.cache.sealing_key()
        return BookingService(
            journal if journal is not None else self.journal,
            self.client,
            seal=lambda plaintext, aad: sealing.seal(plaintext, public, aad),
            cid_secret=self.secret,
            clock=self.now,
            terminal={"id": self.config.terminal_id, "store": self.config.store},
            hours=ChannelHours.from_config(self.cache.config(), "kiosk"),
            terminal_key=self.terminal_key,
        )

    def lease_seats(self, journal: SqliteJournal | None = None) -> dict[str, int]:
        """slot_id -> seats this terminal can confirm now (by the central-corrected clock)."""
        return (journal or self.journal).lease_seats(self.now())

    def replay_worker(self, **kw) -> ReplayWorker:
        kw.setdefault(
            "refresh_leases", lambda journal: self.cache.refresh_leases(self.client, journal)
        )
        path, secret = self.config.journal_path, self.secret
        return ReplayWorker(lambda: SqliteJournal(path, cid_secret=secret), self.client, **kw)

    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()
        self.client.close()
