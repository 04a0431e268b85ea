"""The Thai ID APDU conversation, over any connection that can `transmit`.

This is the one seam to the card: `transmit(apdu) -> (data, sw1, sw2)` plus the card's `atr`.
`kiosk.card.pcsc` provides it over a real PC/SC stack, `kiosk.card.fake` in process for fast tests.

The conversation is tuned for the slowest part of a store visit we control: SELECT, then the text
fields in three READ BINARY commands (each answered `61 LL` and fetched with GET RESPONSE), seven
exchanges in all. Cards that refuse long reads (`67 00`) or correct the length (`6C xx`) are
followed down to what they allow, and the reader remembers it for the rest of the card.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from kiosk.card import decode, layout
from kiosk.card.errors import CardProtocolError, CardStatusError, NotThaiIdCard
from kiosk.card.model import Card

log = logging.getLogger(__name__)

#: Below this a card that keeps refusing read lengths is broken, not fussy.
MIN_CHUNK = 8
#: The longest single-field read (a 100-byte name); every reader library relies on cards
#: serving it, so it is the first fallback when a card refuses a longer read.
SAFE_CHUNK = 100
#: Bound on the exchanges spent on one read, so a card that loops (61 forever) cannot hang us.
MAX_EXCHANGES_PER_READ = 16


class Connection(Protocol):
    """What the reader needs from a card connection; nothing more."""

    @property
    def atr(self) -> bytes: ...

    def transmit(self, apdu: bytes) -> tuple[bytes, int, int]: ...


@dataclass
class ReadStats:
    exchanges: int = 0
    read_commands: int = 0
    bytes_read: int = 0


class ThaiIdReader:
    """Reads one inserted card. Create one per insertion: it learns that card's limits."""

    def __init__(self, connection: Connection, *, max_chunk: int = layout.MAX_CHUNK) -> None:
        self._conn = connection
        self._p2 = layout.get_response_p2(bytes(connection.atr))
        self._chunk = max_chunk
        self.stats = ReadStats()

    def _transmit(self, apdu: bytes) -> tuple[bytes, int, int]:
        data, sw1, sw2 = self._conn.transmit(apdu)
        self.stats.exchanges += 1
        return bytes(data), sw1, sw2

    def select(self) -> None:
        _, sw1, sw2 = self._transmit(layout.SELECT)
        if sw1 == 0x61 or (sw1, sw2) == (0x90, 0x00):
            return
        if sw1 in (0x6A, 0x6D, 0x6E, 0x69):
            raise NotThaiIdCard(sw=f"{sw1:02X}{sw2:02X}")
        raise CardStatusError("SELECT", sw1, sw2)

    def read(self, offset: int, length: int) -> bytes:
        """`length` bytes from `offset`, in as few commands as this card allows."""
        out = bytearray()
        while len(out) < length:
            chunk = self._read_once(offset + len(out), min(self._chunk, length - len(out)))
            if not chunk:
                raise CardProtocolError(f"the card returned no data at {offset + len(out):04X}")
            out += chunk
        return bytes(out[:length])

    def _read_once(self, offset: int, length: int) -> bytes:
        """One READ BINARY (retried at a length the card accepts) and its GET RESPONSE.

        Returns what the card gave, which may be less than asked; `read` asks for the rest.
        """
        for _ in range(MAX_EXCHANGES_PER_READ):
            data, sw1, sw2 = self._transmit(layout.read_binary(offset, length))
            self.stats.read_commands += 1
            if sw1 == 0x6C and 0 < sw2 < length:  # "wrong length, I have sw2"
                length = self._chunk = sw2
                continue
            if (sw1, sw2) == (0x67, 0x00) and length > MIN_CHUNK:  # too long for this card
                smaller = SAFE_CHUNK if length > SAFE_CHUNK else length // 2
                length = self._chunk = max(MIN_CHUNK, smaller)
                log.info("card refused a longer read; reading in chunks of %d", length)
                continue
            break
        else:
            raise CardProtocolError("the card kept refusing the read length")
        if (sw1, sw2) == (0x90, 0x00):  # a reader or card that returns data directly
            result = data
        elif sw1 == 0x61:
            result = self._get_response(sw2 or length)
        else:
            raise CardStatusError(f"READ BINARY at {offset:04X}", sw1, sw2)
        result = result[:length]
        self.stats.bytes_read += len(result)
        return result

    def _get_response(self, length: int) -> bytes:
        out = bytearray()
        for _ in range(MAX_EXCHANGES_PER_READ):
            data, sw1, sw2 = self._transmit(layout.get_response(self._p2, length))
            if sw1 == 0x6C and sw2:  # the card wants exactly sw2
                length = sw2
                continue
            out += data
            if (sw1, sw2) == (0x90, 0x00):
                return bytes(out)
            if sw1 == 0x61:  # more is waiting
                length = sw2 or 0x100
                continue
            raise CardStatusError("GET RESPONSE", sw1, sw2)
        raise CardProtocolError("GET RESPONSE did not end")

    def read_text(self) -> decode.CardImage:
        image = decode.CardImage()
        # whole runs: `read` cuts them at whatever length this card turns out to accept
        for run in layout.plan_reads(layout.TEXT_FIELDS, chunk=layout.FILE_SIZE):
            try:
                image.put(run.offset, self.read(run.offset, run.length))
            except CardStatusError:
                # A card (or an emulation of one) that will not read across the bytes between
                # fields: read each field on its own, as most reader software does.
                log.info("card refused a multi-field read; reading field by field")
                for f in layout.TEXT_FIELDS:
                    if run.offset <= f.offset and f.end <= run.end:
                        image.put(f.offset, self.read(f.offset, f.length))
        return image

    def read_photo(self) -> bytes:
        return decode.photo(self.read(layout.PHOTO.offset, layout.PHOTO.length))

    def read_card(self, *, photo: bool = False) -> Card:
        """SELECT, the text fields, and the photo only when asked: it is never needed to book."""
        self.select()
        image = self.read_text()
        return decode.card(image, photo=self.read_photo() if photo else None)
