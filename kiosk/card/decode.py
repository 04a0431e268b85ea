"""Bytes from the chip to a `Card`.

The chip stores TIS-620 text padded to fixed widths. We decode with `iso8859_11` (TIS-620 plus the
no-break space that some cards carry) and refuse control characters: a name containing a BEL or a
C1 byte is a damaged chip, and printing it would be worse than saying so. Every failure is a
`CardDataError` naming the field; nothing else escapes this module, whatever the bytes
(tests/kiosk/card/test_decode.py feeds it arbitrary bytes to prove it).
"""

from __future__ import annotations

import unicodedata

from kiosk.card import cid as cidlib
from kiosk.card import layout
from kiosk.card.errors import CardDataError
from kiosk.card.model import GENDER_BY_BYTE, Address, BEDate, Card, Name

PADDING = b" \x00"

#: Prefixes that say which address part a value is, whatever position a card put it in.
_ADDRESS_PREFIXES = (
    ("หมู่ที่", "moo"),
    ("หมู่", "moo"),
    ("ม.", "moo"),
    ("ตรอก", "trok"),
    ("ซอย", "soi"),
    ("ซ.", "soi"),
    ("ถนน", "road"),
    ("ถ.", "road"),
)
_MIDDLE_SLOTS = ("moo", "trok", "soi", "road")


class CardImage:
    """The parts of the applet's data file that have been read, by offset."""

    def __init__(self) -> None:
        self._runs: list[tuple[int, bytes]] = []

    def put(self, offset: int, data: bytes) -> None:
        """Add bytes read at `offset`, joining them to a run they touch or overlap."""
        runs = [*self._runs, (offset, bytes(data))]
        runs.sort(key=lambda r: r[0])
        merged: list[tuple[int, bytes]] = []
        for start, chunk in runs:
            if merged and start <= merged[-1][0] + len(merged[-1][1]):
                prev_start, prev = merged[-1]
                keep = prev[: start - prev_start]
                tail = prev[start - prev_start + len(chunk) :]
                merged[-1] = (prev_start, keep + chunk + tail)
            else:
                merged.append((start, chunk))
        self._runs = merged

    def get(self, f: layout.Field) -> bytes:
        for start, data in self._runs:
            if start <= f.offset and f.end <= start + len(data):
                return data[f.offset - start : f.end - start]
        raise CardDataError(f.name, "was not read from the card")

    @classmethod
    def from_file(cls, data: bytes) -> CardImage:
        image = cls()
        image.put(0, data)
        return image


def text(raw: bytes, field_name: str) -> str:
    """TIS-620 to str, without the space and NUL padding; refuses control characters."""
    stripped = raw.rstrip(PADDING).lstrip(PADDING)
    try:
        value = stripped.decode("iso8859_11")
    except UnicodeDecodeError as exc:
        raise CardDataError(
            field_name, f"byte {stripped[exc.start]:#04x} is not TIS-620 text"
        ) from None
    for ch in value:
        if unicodedata.category(ch) == "Cc":
            raise CardDataError(field_name, f"contains the control character {ord(ch):#04x}")
    return value.replace("\xa0", " ")


def ascii_digits(raw: bytes, field_name: str) -> str:
    value = raw.rstrip(PADDING)
    if not (value.isascii() and value.isdigit()):
        raise CardDataError(field_name, "expected ASCII digits")
    return value.decode("ascii")


def name(raw: bytes, field_name: str) -> Name:
    """`prefix#first#middle#last`; a card without a middle name stores `##`."""
    parts = [p.strip() for p in text(raw, field_name).split("#")]
    if len(parts) == 4:
        return Name(*parts)
    if len(parts) == 3:  # no middle-name slot at all
        return Name(parts[0], parts[1], "", parts[2])
    raise CardDataError(field_name, f"expected 4 '#'-separated parts, found {len(parts)}")


def address(raw: bytes, field_name: str = "address") -> Address:
    """`house#moo#trok#soi#road#subdistrict#district#province`, read from both ends.

    The last three parts are taken by position from the end (cards differ in how many parts come
    before them). The parts in between go by their Thai prefix when they carry one, because some
    cards put the lane and the road in other positions; otherwise by position.
    """
    parts = [p.strip() for p in text(raw, field_name).split("#")]
    if len(parts) < 4:
        raise CardDataError(field_name, f"expected 8 '#'-separated parts, found {len(parts)}")
    house_no, middle, tail = parts[0], parts[1:-3], parts[-3:]
    slots = dict.fromkeys(_MIDDLE_SLOTS, "")
    leftovers = []
    for pos, value in enumerate(middle):
        if not value:
            continue
        slot = _slot_by_prefix(value) or (_MIDDLE_SLOTS[pos] if pos < len(_MIDDLE_SLOTS) else None)
        if slot and not slots[slot]:
            slots[slot] = value
        else:
            leftovers.append(value)
    for value in leftovers:  # never drop text: give it the first free slot, or append to road
        free = next((s for s in _MIDDLE_SLOTS if not slots[s]), None)
        if free:
            slots[free] = value
        else:
            slots["road"] = f"{slots['road']} {value}".strip()
    return Address(house_no, slots["moo"], slots["trok"], slots["soi"], slots["road"], *tail)


def _slot_by_prefix(value: str) -> str | None:
    for prefix, slot in _ADDRESS_PREFIXES:
        if value.startswith(prefix):
            return slot
    return None


def gender(raw: bytes) -> str:
    value = GENDER_BY_BYTE.get(raw.decode("latin-1"))
    if value is None:
        raise CardDataError("gender", f"expected '1' or '2', got byte {raw[0]:#04x}")
    return value


def date_field(raw: bytes, field_name: str, *, lifetime_ok: bool = False) -> BEDate:
    return BEDate.parse(ascii_digits(raw, field_name), field_name, lifetime_ok=lifetime_ok)


def card(image: CardImage, photo: bytes | None = None) -> Card:
    cid = ascii_digits(image.get(layout.CID), "cid")
    if not cidlib.is_well_formed(cid):
        raise CardDataError("cid", "expected 13 digits")
    return Card(
        cid=cid,
        name_th=name(image.get(layout.NAME_TH), "name_th"),
        name_en=name(image.get(layout.NAME_EN), "name_en"),
        birth_date=date_field(image.get(layout.BIRTH_DATE), "birth_date"),
        gender=gender(image.get(layout.GENDER)),  # type: ignore[arg-type]
        issuer=text(image.get(layout.ISSUER), "issuer"),
        issue_date=date_field(image.get(layout.ISSUE_DATE), "issue_date"),
        expiry_date=date_field(image.get(layout.EXPIRY_DATE), "expiry_date", lifetime_ok=True),
        address=address(image.get(layout.ADDRESS)),
        photo=photo,
    )


def photo(raw: bytes) -> bytes:
    """The JPEG inside the 5118-byte photo area, without the padding after its end marker.

    Never strip whitespace: a JPEG can legitimately begin or end a chunk with 0x20.
    """
    if not raw.startswith(b"\xff\xd8"):
        raise CardDataError("photo", "does not start with a JPEG marker")
    end = raw.rfind(b"\xff\xd9")
    if end < 0:
        raise CardDataError("photo", "has no JPEG end marker")
    return raw[: end + 2]
