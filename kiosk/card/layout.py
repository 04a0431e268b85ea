"""Where the fields live in the MOI personal applet, and the APDUs that reach them.

All text fields sit in one data file of the applet `A0 00 00 00 54 48 00 01`, addressed by byte
offset (reference/thai-id-card.md §1.3). Offsets are the contract with every card in circulation;
they are data here, not scattered through the reader.
"""

from __future__ import annotations

from dataclasses import dataclass

THAI_ID_AID = bytes.fromhex("A000000054480001")

SELECT = bytes([0x00, 0xA4, 0x04, 0x00, len(THAI_ID_AID)]) + THAI_ID_AID

#: A single READ BINARY asks for at most this many bytes: GET RESPONSE's Le is one byte.
MAX_CHUNK = 0xFF


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    offset: int
    length: int

    @property
    def end(self) -> int:
        return self.offset + self.length


CID = Field("cid", 0x0004, 13)
NAME_TH = Field("name_th", 0x0011, 100)
NAME_EN = Field("name_en", 0x0075, 100)
BIRTH_DATE = Field("birth_date", 0x00D9, 8)
GENDER = Field("gender", 0x00E1, 1)
ISSUER = Field("issuer", 0x00F6, 100)
ISSUE_DATE = Field("issue_date", 0x0167, 8)
EXPIRY_DATE = Field("expiry_date", 0x016F, 8)
PHOTO = Field("photo", 0x017B, 5118)
#: 160 bytes, not the 100 most libraries read: long addresses are cut short otherwise.
ADDRESS = Field("address", 0x1579, 160)
#: The number printed under the photo; not needed to book, only placed by the emulator.
CARD_NUMBER = Field("card_number", 0x1619, 14)

TEXT_FIELDS = (CID, NAME_TH, NAME_EN, BIRTH_DATE, GENDER, ISSUER, ISSUE_DATE, EXPIRY_DATE, ADDRESS)
FILE_SIZE = CARD_NUMBER.end


def read_binary(offset: int, length: int) -> bytes:
    """`80 B0 P1 P2 02 00 LL`: the proprietary READ BINARY; the length travels in the data."""
    if not 0 <= offset <= 0x7FFF:
        raise ValueError(f"offset {offset:#x} out of range")
    if not 1 <= length <= MAX_CHUNK:
        raise ValueError(f"length {length} out of range")
    return bytes([0x80, 0xB0, (offset >> 8) & 0x7F, offset & 0xFF, 0x02, 0x00, length])


def get_response(p2: int, length: int) -> bytes:
    """`00 C0 00 P2 LL`: fetch what the card announced with `61 LL`."""
    return bytes([0x00, 0xC0, 0x00, p2, length & 0xFF])


def get_response_p2(atr: bytes) -> int:
    """Cards whose ATR starts `3B 67` want P2 = 01 in GET RESPONSE; all others 00."""
    return 0x01 if atr[:2] == b"\x3b\x67" else 0x00


def plan_reads(fields: tuple[Field, ...], chunk: int = MAX_CHUNK, gap: int = 64) -> list[Field]:
    """Merge nearby fields into runs and cut the runs into reads of at most `chunk` bytes.

    Fields closer than `gap` bytes are read together: a few wasted bytes cost far less than an
    extra command pair. With the default chunk the text fields take three reads.
    """
    spans = sorted((f.offset, f.end) for f in fields)
    runs: list[list[int]] = []
    for start, end in spans:
        if runs and start - runs[-1][1] <= gap:
            runs[-1][1] = max(runs[-1][1], end)
        else:
            runs.append([start, end])
    reads = []
    for start, end in runs:
        pos = start
        while pos < end:
            n = min(chunk, end - pos)
            reads.append(Field(f"run@{pos:04X}", pos, n))
            pos += n
    return reads
