"""Card inserted / card removed, without the bounce.

Real readers report a card present, absent and present again within the first few hundred
milliseconds, and a read started in that window fails with "card reset" or "card removed"
(reference/thai-id-card.md §5, the Alcor Link AK9563). An insertion is therefore reported only
once the card has stayed in for `settle` seconds. A removal is reported at once: removing the card
wipes the customer's session, and privacy must not wait for a timer.

Pure: observations and the clock come in, events go out. `kiosk.card.pcsc.PresenceMonitor` feeds
it from pcscd.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True, slots=True)
class CardEvent:
    kind: Literal["inserted", "removed"]
    reader: str
    atr: bytes = b""
    #: Present but silent (no ATR): upside down, dirty, or not a chip card.
    mute: bool = False


@dataclass
class _ReaderState:
    reported: bool = False  # what we last told the listener
    present: bool = False  # what the reader says now
    since: float = 0.0  # when `present` last changed
    atr: bytes = b""
    mute: bool = False


class PresenceDebouncer:
    def __init__(self, settle: float = 0.2) -> None:
        self.settle = settle
        self._readers: dict[str, _ReaderState] = {}

    def observe(
        self, reader: str, present: bool, atr: bytes, now: float, *, mute: bool = False
    ) -> list[CardEvent]:
        """Record what the reader reports; returns the events that are due at once."""
        st = self._readers.setdefault(reader, _ReaderState(since=now))
        events: list[CardEvent] = []
        swapped = present and st.present and atr != st.atr
        if present != st.present or swapped:
            if st.reported:  # it was in and reported: it is out now (or swapped)
                events.append(CardEvent("removed", reader, st.atr, st.mute))
                st.reported = False
            st.present, st.since = present, now
        st.atr, st.mute = (atr, mute) if present else (b"", False)
        return events + self.poll(now)

    def poll(self, now: float) -> list[CardEvent]:
        """Insertions that have now been stable for `settle` seconds."""
        events = []
        for reader, st in self._readers.items():
            if st.present and not st.reported and now - st.since >= self.settle:
                st.reported = True
                events.append(CardEvent("inserted", reader, st.atr, st.mute))
        return events

    def next_deadline(self) -> float | None:
        """When `poll` may next have something to say, so the caller can sleep until then."""
        pending = [
            st.since + self.settle
            for st in self._readers.values()
            if st.present and not st.reported
        ]
        return min(pending) if pending else None

    def tracked(self) -> list[str]:
        return list(self._readers)

    def forget(self, reader: str, now: float) -> list[CardEvent]:
        """The reader itself went away (unplugged)."""
        events = self.observe(reader, False, b"", now)
        self._readers.pop(reader, None)
        return events
