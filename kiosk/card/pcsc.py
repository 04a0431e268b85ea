"""The PC/SC seam: pcscd through pyscard's thin `smartcard.scard` binding.

We use the low-level binding rather than pyscard's `CardMonitor`, because the kiosk needs what the
high-level classes hide: shared mode with `SCARD_LEAVE_CARD` on disconnect (pyscard's default
powers the card down, a likely cause of the "card was reset" errors other readers report), a
transaction around each read, a status loop that can be cancelled at once on shutdown, and every
PC/SC failure translated to one of our typed, bilingual errors.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from kiosk.card import errors as E
from kiosk.card.model import Card
from kiosk.card.presence import CardEvent, PresenceDebouncer
from kiosk.card.reader import ReadStats, ThaiIdReader

log = logging.getLogger(__name__)

try:
    from smartcard import scard
except ImportError:  # pragma: no cover - pyscard is a hard dependency; say so clearly anyway
    scard = None

PNP_READER = "\\\\?PnP?\\Notification"
#: SCardStatus's "card present" bit (pcsc-lite pcsclite.h); pyscard does not export it.
_SCARD_PRESENT = 0x0004


def _fail(hresult: int, operation: str) -> E.CardError:
    """The typed error for a PC/SC result code."""
    s = scard
    if hresult in (s.SCARD_E_NO_SERVICE, s.SCARD_E_SERVICE_STOPPED):
        return E.PcscUnavailable(s.SCardGetErrorMessage(hresult))
    if hresult in (
        s.SCARD_E_NO_READERS_AVAILABLE,
        s.SCARD_E_UNKNOWN_READER,
        s.SCARD_E_READER_UNAVAILABLE,
    ):
        return E.NoReader()
    if hresult == s.SCARD_E_NO_SMARTCARD:
        return E.NoCard()
    if hresult == s.SCARD_W_REMOVED_CARD:
        return E.CardRemoved()
    if hresult in (s.SCARD_W_RESET_CARD, s.SCARD_E_NOT_TRANSACTED):
        # NOT_TRANSACTED is what a card swapped faster than the reader polls looks like
        return E.CardReset()
    if hresult in (s.SCARD_W_UNRESPONSIVE_CARD, s.SCARD_W_UNPOWERED_CARD):
        return E.CardUnresponsive()
    if hresult == s.SCARD_E_SHARING_VIOLATION:
        return E.ReaderBusy()
    message = s.SCardGetErrorMessage(hresult)
    return E.PcscFailure(operation, f"{message} ({hresult & 0xFFFFFFFF:#x})")


def _require_pyscard() -> None:
    if scard is None:
        raise E.PcscUnavailable("pyscard is not installed")


@dataclass(frozen=True, slots=True)
class ReaderStatus:
    name: str
    present: bool
    mute: bool
    atr: bytes


class PcscConnection:
    """One shared connection to the card in one reader; satisfies `reader.Connection`."""

    def __init__(self, hcard: int, protocol: int, atr: bytes) -> None:
        self._hcard, self._protocol, self.atr = hcard, protocol, atr

    def transmit(self, apdu: bytes) -> tuple[bytes, int, int]:
        hresult, response = scard.SCardTransmit(self._hcard, self._protocol, list(apdu))
        if hresult != scard.SCARD_S_SUCCESS:
            raise _fail(hresult, "transmit")
        if len(response) < 2:
            # vpcd (and some USB readers) report a card pulled out mid-command as an empty
            # reply rather than an error: ask the reader whether the card is still there.
            # The reader may only notice on its next poll, so give it a moment to.
            deadline = time.monotonic() + 1.0
            while True:
                hresult, _, state, _, _ = scard.SCardStatus(self._hcard)
                if hresult != scard.SCARD_S_SUCCESS:
                    raise _fail(hresult, "transmit")
                if not state & _SCARD_PRESENT:
                    raise E.CardRemoved()
                if time.monotonic() > deadline:
                    raise E.CardProtocolError("a reply shorter than a status word")
                time.sleep(0.05)
        return bytes(response[:-2]), response[-2], response[-1]


class PcscContext:
    """A PC/SC context; every call that fails raises a typed card error."""

    def __init__(self) -> None:
        _require_pyscard()
        hresult, self._ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            raise _fail(hresult, "connecting to pcscd")

    def __enter__(self) -> PcscContext:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._ctx is not None:
            scard.SCardReleaseContext(self._ctx)
            self._ctx = None

    def cancel(self) -> None:
        """Wake a blocked `wait` from another thread."""
        if self._ctx is not None:
            scard.SCardCancel(self._ctx)

    def readers(self) -> list[str]:
        hresult, names = scard.SCardListReaders(self._ctx, [])
        if hresult == scard.SCARD_E_NO_READERS_AVAILABLE:
            return []
        if hresult != scard.SCARD_S_SUCCESS:
            raise _fail(hresult, "listing readers")
        return list(names)

    def status(self, readers: list[str] | None = None) -> list[ReaderStatus]:
        names = self.readers() if readers is None else readers
        if not names:
            return []
        hresult, states = scard.SCardGetStatusChange(
            self._ctx, 0, [(n, scard.SCARD_STATE_UNAWARE) for n in names]
        )
        if hresult != scard.SCARD_S_SUCCESS:
            raise _fail(hresult, "reading reader status")
        return [_status(name, state, atr) for name, state, atr in states]

    def wait(self, states: list[tuple[str, int]], timeout_ms: int) -> list[tuple[str, int, bytes]]:
        """Block until a reader's state differs from `states`; [] on timeout."""
        hresult, new = scard.SCardGetStatusChange(self._ctx, timeout_ms, states)
        if hresult in (scard.SCARD_E_TIMEOUT, scard.SCARD_E_CANCELLED):
            return []
        if hresult != scard.SCARD_S_SUCCESS:
            raise _fail(hresult, "waiting for a card")
        return [(name, state, bytes(atr)) for name, state, atr in new]

    @contextmanager
    def connect(self, reader: str) -> Iterator[PcscConnection]:
        """Shared mode, inside a transaction, and the card left powered on disconnect."""
        hresult, hcard, protocol = scard.SCardConnect(
            self._ctx,
            reader,
            scard.SCARD_SHARE_SHARED,
            scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
        )
        if hresult != scard.SCARD_S_SUCCESS:
            raise _fail(hresult, "connecting to the card")
        try:
            hresult, _, _, _, atr = scard.SCardStatus(hcard)
            if hresult != scard.SCARD_S_SUCCESS:
                raise _fail(hresult, "reading the ATR")
            hresult = scard.SCardBeginTransaction(hcard)
            if hresult != scard.SCARD_S_SUCCESS:
                raise _fail(hresult, "starting a transaction")
            try:
                yield PcscConnection(hcard, protocol, bytes(atr))
            finally:
                scard.SCardEndTransaction(hcard, scard.SCARD_LEAVE_CARD)
        finally:
            scard.SCardDisconnect(hcard, scard.SCARD_LEAVE_CARD)


def _status(name: str, state: int, atr: object) -> ReaderStatus:
    present = bool(state & scard.SCARD_STATE_PRESENT)
    mute = bool(state & scard.SCARD_STATE_MUTE)
    return ReaderStatus(name, present, mute, bytes(atr or b""))


def choose_reader(statuses: list[ReaderStatus], name: str | None) -> ReaderStatus:
    """The named reader (exact, else a unique case-insensitive substring), or the first with a card.

    Pure, so the choice is tested without pcscd.
    """
    if not statuses:
        raise E.NoReader(name)
    if name:
        exact = [s for s in statuses if s.name == name]
        loose = [s for s in statuses if name.lower() in s.name.lower()]
        matches = exact or loose
        if len(matches) != 1:
            raise E.NoReader(name, [s.name for s in statuses])
        chosen = matches[0]
    else:
        with_card = [s for s in statuses if s.present]
        if not with_card:
            raise E.NoCard()
        chosen = next((s for s in with_card if not s.mute), with_card[0])
    if not chosen.present:
        raise E.NoCard()
    if chosen.mute:
        raise E.CardUnresponsive()
    return chosen


@dataclass(frozen=True, slots=True)
class ReadResult:
    card: Card
    reader: str
    atr: bytes
    stats: ReadStats
    seconds: float


def read_card(
    reader: str | None = None,
    *,
    photo: bool = False,
    settle: float = 0.2,
    attempts: int = 2,
) -> ReadResult:
    """Read the card in `reader` (or the first reader holding one).

    A read that fails with "reset" or "removed" while the card is in fact still there is the
    insertion bounce: wait for the card to settle and read again, up to `attempts` times in all.
    """
    started = time.perf_counter()
    with PcscContext() as ctx:
        for attempt in range(1, attempts + 1):
            chosen = choose_reader(ctx.status(), reader)
            try:
                with ctx.connect(chosen.name) as conn:
                    card_reader = ThaiIdReader(conn)
                    card = card_reader.read_card(photo=photo)
                    return ReadResult(
                        card,
                        chosen.name,
                        conn.atr,
                        card_reader.stats,
                        time.perf_counter() - started,
                    )
            except (E.CardReset, E.CardRemoved):
                if attempt == attempts:
                    raise
                time.sleep(settle)
                still = next((s for s in ctx.status() if s.name == chosen.name), None)
                if still is None or not still.present:
                    raise
                log.info("card read interrupted right after insertion; reading again")
    raise AssertionError("unreachable")  # pragma: no cover


class PresenceMonitor:
    """Reports card insertions and removals in every reader, debounced, on a background thread.

    The callback runs on the monitor's thread; the UI marshals it to its own thread. When pcscd
    goes away the monitor reports removals, keeps retrying, and calls `on_service(False)`; the
    out-of-service screen hangs on that.
    """

    def __init__(
        self,
        on_event: Callable[[CardEvent], None],
        *,
        settle: float = 0.2,
        on_service: Callable[[bool], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._on_event = on_event
        self._on_service = on_service or (lambda up: None)
        self._clock = clock
        self._debouncer = PresenceDebouncer(settle)
        self._stop = threading.Event()
        self._ctx: PcscContext | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> PresenceMonitor:
        self._thread = threading.Thread(target=self._run, name="card-presence", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        ctx = self._ctx
        if ctx is not None:
            ctx.cancel()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def _emit(self, events: list[CardEvent]) -> None:
        for ev in events:
            try:
                self._on_event(ev)
            except Exception:  # a listener's bug must not kill card detection
                log.exception("card event listener failed")

    def _run(self) -> None:
        up: bool | None = None
        while not self._stop.is_set():
            try:
                self._ctx = PcscContext()
                if up is not True:
                    up = True
                    self._on_service(True)
                self._loop(self._ctx)
            except E.CardError as exc:
                if self._stop.is_set():
                    break
                log.warning("card presence monitor: %s", exc.code)
                now = self._clock()
                for name in self._debouncer.tracked():
                    self._emit(self._debouncer.forget(name, now))
                if up is not False:
                    up = False
                    self._on_service(False)
                self._stop.wait(1.0)
            finally:
                if self._ctx is not None:
                    self._ctx.close()
                    self._ctx = None

    def _loop(self, ctx: PcscContext) -> None:
        known: dict[str, int] = {PNP_READER: scard.SCARD_STATE_UNAWARE}
        for name in ctx.readers():
            known[name] = scard.SCARD_STATE_UNAWARE
        while not self._stop.is_set():
            deadline = self._debouncer.next_deadline()
            now = self._clock()
            timeout = 1000 if deadline is None else max(0, min(1000, int((deadline - now) * 1000)))
            changes = ctx.wait(list(known.items()), timeout)
            now = self._clock()
            rescan = False
            for name, state, atr in changes:
                known[name] = state & ~scard.SCARD_STATE_CHANGED
                if name == PNP_READER:
                    rescan = True
                    continue
                if state & (scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_UNAVAILABLE):
                    self._emit(self._debouncer.forget(name, now))
                    rescan = True
                    continue
                st = _status(name, state, atr)
                self._emit(self._debouncer.observe(name, st.present, st.atr, now, mute=st.mute))
            if rescan:
                current = set(ctx.readers())
                for name in [n for n in known if n != PNP_READER and n not in current]:
                    del known[name]
                    self._emit(self._debouncer.forget(name, now))
                for name in current - set(known):
                    known[name] = scard.SCARD_STATE_UNAWARE
            self._emit(self._debouncer.poll(self._clock()))
