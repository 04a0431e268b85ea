"""An emulated Thai national ID card: the applet's data file and the APDUs it answers.

This is a card, not a mock of our reader: it answers exactly what a real chip answers (SELECT,
the proprietary READ BINARY answered `61 LL`, GET RESPONSE with the P2 its ATR generation wants,
`6C xx` for a wrong length, error status words otherwise), with real TIS-620 bytes at the real
offsets. Tests and the demo present it to pcscd through the vpcd socket (`kiosk.card.vpcd`) or
in process (`kiosk.card.fake`).

Encoding takes the card JSON as it stands and does not validate it, so that tests can put
impossible dates or failed check digits on a card and watch the reader refuse them.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from kiosk.card import layout

#: ATRs of the three card generations in circulation. The historical bytes read "TH NID ...".
ATRS = {
    # The oldest chips; their exact bytes are unpublished. They need GET RESPONSE P2 = 01.
    "3b67": bytes.fromhex("3B6700005448204E494431"),
    "3b78": bytes.fromhex("3B781800005448204E49442039"),
    "3b79": bytes.fromhex("3B791800005448204E4944203130"),
}

SW_OK = b"\x90\x00"


class EncodeError(ValueError):
    """The card JSON cannot be put on a chip (text outside TIS-620, or too long)."""


def _tis620(value: str, field_name: str, width: int) -> bytes:
    try:
        raw = value.encode("iso8859_11")
    except UnicodeEncodeError as exc:
        raise EncodeError(f"{field_name}: {value[exc.start]!r} is not in TIS-620") from None
    if len(raw) > width:
        raise EncodeError(f"{field_name}: {len(raw)} bytes do not fit in {width}")
    return raw.ljust(width, b" ")


def _place(buf: bytearray, f: layout.Field, raw: bytes) -> None:
    buf[f.offset : f.end] = raw


def placeholder_photo() -> bytes:
    """A small grey JPEG, so that reading the photo of an emulated card returns a real image."""
    out = io.BytesIO()
    Image.new("RGB", (148, 178), (200, 200, 200)).save(out, "JPEG", quality=60)
    return out.getvalue()


def encode_card(card: Mapping[str, Any], *, photo: bytes | None = None) -> bytearray:
    """The applet's data file for a card JSON (DESIGN §3)."""
    buf = bytearray(b" " * layout.FILE_SIZE)
    buf[0:4] = b"\x01\x01\x00\x00"  # unknown header; real cards carry version bytes here

    def name(key: str) -> str:
        n = card[key]
        return "#".join(n.get(p, "") for p in ("prefix", "first", "middle", "last"))

    a = card["address"]
    addr = "#".join(
        a.get(p, "")
        for p in ("house_no", "moo", "trok", "soi", "road", "subdistrict", "district", "province")
    )
    gender = {"male": "1", "female": "2"}.get(card["gender"], card["gender"])
    _place(buf, layout.CID, _tis620(card["cid"], "cid", layout.CID.length))
    _place(buf, layout.NAME_TH, _tis620(name("name_th"), "name_th", layout.NAME_TH.length))
    _place(buf, layout.NAME_EN, _tis620(name("name_en"), "name_en", layout.NAME_EN.length))
    _place(buf, layout.BIRTH_DATE, _tis620(card["birth_date_be"], "birth_date_be", 8))
    _place(buf, layout.GENDER, _tis620(gender, "gender", 1))
    _place(buf, layout.ISSUER, _tis620(card["issuer"], "issuer", layout.ISSUER.length))
    _place(buf, layout.ISSUE_DATE, _tis620(card["issue_date_be"], "issue_date_be", 8))
    _place(buf, layout.EXPIRY_DATE, _tis620(card["expiry_date_be"], "expiry_date_be", 8))
    buf[layout.EXPIRY_DATE.end : layout.PHOTO.offset] = b"01  "
    jpeg = placeholder_photo() if photo is None else photo
    if len(jpeg) > layout.PHOTO.length:
        raise EncodeError(f"photo: {len(jpeg)} bytes do not fit in {layout.PHOTO.length}")
    _place(buf, layout.PHOTO, jpeg.ljust(layout.PHOTO.length, b" "))
    _place(buf, layout.ADDRESS, _tis620(addr, "address", layout.ADDRESS.length))
    _place(buf, layout.CARD_NUMBER, b"1234-56-12345678"[: layout.CARD_NUMBER.length])
    return buf


@dataclass
class CardFaults:
    """Ways a real card or reader misbehaves, switchable for tests."""

    #: Longest READ BINARY the card accepts; longer ones get `67 00` (or `6C xx` with `correct`).
    max_read: int = layout.MAX_CHUNK
    #: Answer an over-long read with `6C <max_read>` instead of `67 00`.
    correct_length: bool = False
    #: Answer SELECT with `90 00` instead of `61 xx`.
    select_90: bool = False
    #: Return data with `90 00` directly on READ BINARY, as a T=1 reader would.
    direct_data: bool = False
    #: Status word to answer every READ BINARY with (e.g. `6F00`), or None.
    read_sw: bytes | None = None
    #: Byte overrides at given offsets, to corrupt fields.
    patches: dict[int, bytes] = field(default_factory=dict)


class ThaiIdApplet:
    """The card's operating system, as far as the Thai ID APDUs go. Pure: bytes in, bytes out."""

    def __init__(
        self,
        file: bytes,
        atr: bytes = ATRS["3b79"],
        faults: CardFaults | None = None,
    ) -> None:
        self.faults = faults or CardFaults()
        self._file = bytearray(file)
        for offset, data in self.faults.patches.items():
            self._file[offset : offset + len(data)] = data
        self.atr = bytes(atr)
        self._p2 = layout.get_response_p2(self.atr)
        self.reset()

    @classmethod
    def from_json(cls, card: Mapping[str, Any], atr: str = "3b79", **kw: Any) -> ThaiIdApplet:
        return cls(encode_card(card, photo=kw.pop("photo", None)), ATRS[atr], **kw)

    def reset(self) -> None:
        self._selected = False
        self._pending = b""

    def process(self, apdu: bytes) -> bytes:
        """One command APDU to one response APDU (data followed by SW1 SW2)."""
        if len(apdu) < 4:
            return b"\x67\x00"
        cla, ins, p1, p2 = apdu[:4]
        if (cla, ins) == (0x00, 0xA4):
            return self._select(apdu)
        if (cla, ins) == (0x80, 0xB0):
            return self._read_binary(apdu)
        if (cla, ins) == (0x00, 0xC0):
            return self._get_response(p1, p2, apdu)
        self._pending = b""
        if cla not in (0x00, 0x80):
            return b"\x6e\x00"
        return b"\x6d\x00"

    def _select(self, apdu: bytes) -> bytes:
        self._pending = b""
        if apdu[2:4] != b"\x04\x00" or len(apdu) < 5 or len(apdu) < 5 + apdu[4]:
            return b"\x6a\x86"
        if apdu[5 : 5 + apdu[4]] != layout.THAI_ID_AID:
            self._selected = False
            return b"\x6a\x82"
        self._selected = True
        if self.faults.select_90:
            return SW_OK
        self._pending = b"\x6f\x08\x84\x06" + layout.THAI_ID_AID[:6]
        return bytes([0x61, len(self._pending)])

    def _read_binary(self, apdu: bytes) -> bytes:
        self._pending = b""
        if not self._selected:
            return b"\x69\x86"
        if len(apdu) != 7 or apdu[4] != 0x02:
            return b"\x67\x00"
        offset = ((apdu[2] & 0x7F) << 8) | apdu[3]
        length = (apdu[5] << 8) | apdu[6]
        if self.faults.read_sw is not None:
            return self.faults.read_sw
        if length == 0:
            return b"\x67\x00"
        if length > self.faults.max_read:
            if self.faults.correct_length:
                return bytes([0x6C, self.faults.max_read])
            return b"\x67\x00"
        if offset + length > len(self._file):
            return b"\x6b\x00"
        data = bytes(self._file[offset : offset + length])
        if self.faults.direct_data:
            return data + SW_OK
        self._pending = data
        return bytes([0x61, length & 0xFF])

    def _get_response(self, p1: int, p2: int, apdu: bytes) -> bytes:
        if p1 != 0x00 or p2 != self._p2:
            self._pending = b""
            return b"\x6a\x86"
        if not self._pending:
            return b"\x69\x85"
        le = apdu[4] if len(apdu) >= 5 else 0
        le = le or 0x100
        if le > len(self._pending):
            return bytes([0x6C, len(self._pending) & 0xFF])
        data, self._pending = self._pending[:le], self._pending[le:]
        if self._pending:
            return data + bytes([0x61, len(self._pending) & 0xFF])
        return data + SW_OK
