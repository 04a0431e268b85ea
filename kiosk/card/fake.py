"""An in-process card connection, for tests that need no pcscd.

It runs the real emulated applet, so the reader under test speaks the same conversation as through
pcscd; only the transport differs. Faults a reader shows (a card pulled out or reset mid-read) are
raised as the same typed errors the PC/SC layer raises.
"""

from __future__ import annotations

from kiosk.card.emulator import ThaiIdApplet
from kiosk.card.errors import CardRemoved, CardReset


class FakeConnection:
    def __init__(
        self,
        applet: ThaiIdApplet,
        *,
        remove_after: int | None = None,
        reset_after: int | None = None,
    ) -> None:
        self.applet = applet
        self.remove_after = remove_after
        self.reset_after = reset_after
        self.log: list[tuple[bytes, bytes]] = []

    @property
    def atr(self) -> bytes:
        return self.applet.atr

    def transmit(self, apdu: bytes) -> tuple[bytes, int, int]:
        if self.remove_after is not None and len(self.log) >= self.remove_after:
            raise CardRemoved()
        if self.reset_after is not None and len(self.log) >= self.reset_after:
            self.reset_after = None
            self.applet.reset()
            raise CardReset()
        response = self.applet.process(bytes(apdu))
        self.log.append((bytes(apdu), response))
        return response[:-2], response[-2], response[-1]
