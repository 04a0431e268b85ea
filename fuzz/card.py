"""Fuzz the card decoder: APDU replies, as a chip or a reader might send them, to a card record.

The input is the card's side of the conversation: the first byte picks the ATR (and whether the
photo is read), then one record per reply, `SW1 SW2 LEN DATA[LEN]`, handed to the real
`ThaiIdReader` in the order it transmits. When the records run out the card is "pulled out"
(CardRemoved), as a real one can be. The seeds are the emulated card's real replies to the
reader for each demo person, on each ATR generation and with the card quirks the emulator has.

A decoded card must also survive the journal: `Card.from_json(card.to_json())` is the same card.
"""

from __future__ import annotations

import contextlib

import atheris

with atheris.instrument_imports():
    from kiosk.card import layout, model, reader
    from kiosk.card.errors import CardError, CardRemoved

from fuzz.harness import Finding, main, refused_or_result
from kiosk.card.emulator import ATRS

ATR_ORDER = ("3b67", "3b78", "3b79")
PHOTO_BIT = 0x80


class Replies:
    """A card connection that answers from the fuzzer's records."""

    def __init__(self, data: bytes) -> None:
        self.atr = ATRS[ATR_ORDER[data[0] % 3]] if data else ATRS["3b79"]
        self._data = memoryview(data)[1:]
        self._pos = 0

    def transmit(self, apdu: bytes) -> tuple[bytes, int, int]:
        d, p = self._data, self._pos
        if p + 3 > len(d):
            raise CardRemoved()
        sw1, sw2, n = d[p], d[p + 1], d[p + 2]
        body = bytes(d[p + 3 : p + 3 + n])
        self._pos = p + 3 + n
        return body, sw1, sw2


def read(data: bytes) -> model.Card:
    photo = bool(data and data[0] & PHOTO_BIT)
    card = reader.ThaiIdReader(Replies(data)).read_card(photo=photo)
    again = model.Card.from_json(card.to_json())
    if again != card:
        raise Finding("a decoded card does not survive its own JSON")
    card.check()
    return card


def test_one_input(data: bytes) -> None:
    refused_or_result(lambda: read(data))


def record(conversation: list[tuple[bytes, bytes]], atr: str, photo: bool = False) -> bytes:
    """The fuzzer's format for a real conversation (command, response APDU) with a card."""
    out = bytearray([ATR_ORDER.index(atr) | (PHOTO_BIT if photo else 0)])
    for _, response in conversation:
        data, sw = response[:-2], response[-2:]
        for i in range(0, max(len(data), 1), 255):  # longer replies never come from our reads
            out += sw + bytes([len(data[i : i + 255])]) + data[i : i + 255]
    return bytes(out)


def seeds() -> list[bytes]:
    from datetime import date

    from kiosk.card.emulator import CardFaults, ThaiIdApplet
    from kiosk.card.fake import FakeConnection
    from kiosk.demo_people import demo_people

    out = []
    quirks = [
        CardFaults(),
        CardFaults(select_90=True),
        CardFaults(direct_data=True),
        CardFaults(max_read=100),
        CardFaults(max_read=64, correct_length=True),
    ]
    for i, person in enumerate(demo_people(date(2021, 6, 1))):
        atr = ATR_ORDER[i % 3]
        for faults in quirks[: 5 if i < 3 else 1]:
            conn = FakeConnection(ThaiIdApplet.from_json(person.card, atr, faults=faults))
            photo = i == 0 and faults.max_read == layout.MAX_CHUNK
            # a demo card the reader refuses (an invalid check digit) is a seed too
            with contextlib.suppress(CardError):
                reader.ThaiIdReader(conn).read_card(photo=photo)
            out.append(record(conn.log, atr, photo=photo))
    return out


if __name__ == "__main__":
    main(test_one_input, seeds)
