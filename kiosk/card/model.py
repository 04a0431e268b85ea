"""The card as the kiosk uses it, and its JSON form (DESIGN §3).

Dates stay as the raw Buddhist-Era strings the chip holds, because a birth date with an unknown
month or day is not a date but a range, and every consumer (the age rule, the slip, the central)
must see the same uncertainty rather than a guess. `BEDate` validates the raw form and answers the
range questions.

Every object here has a `repr` that hides personal data: a card that ends up in a log line or a
traceback must not leak who the customer is.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from kiosk.card import cid as cidlib
from kiosk.card.errors import CardDataError, InvalidCitizenId

BE_OFFSET = 543
LIFETIME = "99999999"
#: Plausible Buddhist-Era years on a card (CE 1857-2456). Outside this a field is corrupt.
MIN_BE_YEAR, MAX_BE_YEAR = 2400, 2999

Gender = Literal["male", "female"]
GENDER_BY_BYTE: dict[str, Gender] = {"1": "male", "2": "female"}

NAME_PARTS = ("prefix", "first", "middle", "last")
ADDRESS_PARTS = ("house_no", "moo", "trok", "soi", "road", "subdistrict", "district", "province")


@dataclass(frozen=True, slots=True)
class BEDate:
    """A `YYYYMMDD` Buddhist-Era date as printed on the chip; 0 means an unknown part."""

    year: int
    month: int
    day: int
    lifetime: bool = False

    @classmethod
    def parse(cls, raw: object, field_name: str, *, lifetime_ok: bool = False) -> BEDate:
        if not isinstance(raw, str) or len(raw) != 8 or not (raw.isascii() and raw.isdigit()):
            # the value itself is personal data: the message names the problem, never the date
            raise CardDataError(field_name, "expected 8 digits YYYYMMDD")
        if raw == LIFETIME:
            if lifetime_ok:
                return cls(9999, 99, 99, lifetime=True)
            raise CardDataError(field_name, "99999999 (lifetime) is only valid as an expiry date")
        year, month, day = int(raw[:4]), int(raw[4:6]), int(raw[6:])
        if year and not MIN_BE_YEAR <= year <= MAX_BE_YEAR:
            raise CardDataError(field_name, f"Buddhist-Era year {year} is out of range")
        if month > 12:
            raise CardDataError(field_name, f"month {month:02d} does not exist")
        if day > 31:
            raise CardDataError(field_name, f"day {day:02d} does not exist")
        if day and not month:
            raise CardDataError(field_name, "a day is given without a month")
        if year and month and day:
            ce_year = year - BE_OFFSET
            if day > calendar.monthrange(ce_year, month)[1]:
                raise CardDataError(
                    field_name, "the day does not exist in that month: not a calendar date"
                )
        return cls(year, month, day)

    @property
    def raw(self) -> str:
        if self.lifetime:
            return LIFETIME
        return f"{self.year:04d}{self.month:02d}{self.day:02d}"

    @property
    def year_known(self) -> bool:
        return self.year != 0 and not self.lifetime

    @property
    def exact(self) -> bool:
        return self.year_known and self.month != 0 and self.day != 0

    def earliest(self) -> date | None:
        """The earliest Gregorian date this value can stand for (None if the year is unknown)."""
        if not self.year_known:
            return None
        return date(self.year - BE_OFFSET, self.month or 1, self.day or 1)

    def latest(self) -> date | None:
        """The latest Gregorian date this value can stand for (None if the year is unknown)."""
        if not self.year_known:
            return None
        ce_year = self.year - BE_OFFSET
        month = self.month or 12
        day = self.day or calendar.monthrange(ce_year, month)[1]
        return date(ce_year, month, day)

    def __str__(self) -> str:
        return self.raw


@dataclass(frozen=True, slots=True)
class Name:
    prefix: str
    first: str
    middle: str
    last: str

    def display(self, *, thai: bool) -> str:
        """As a person writes it: a Thai prefix joins the first name (นายสมชาย); English not."""
        given = " ".join(p for p in (self.first, self.middle) if p)
        head = f"{self.prefix}{given}" if thai else " ".join(p for p in (self.prefix, given) if p)
        return " ".join(p for p in (head, self.last) if p)

    def to_json(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in NAME_PARTS}

    def __repr__(self) -> str:
        return "Name(<personal data>)"


@dataclass(frozen=True, slots=True)
class Address:
    house_no: str
    moo: str
    trok: str
    soi: str
    road: str
    subdistrict: str
    district: str
    province: str

    def lines(self) -> list[str]:
        """Street part, then subdistrict and district, then province: how a slip prints it."""
        street = " ".join(p for p in (self.house_no, self.moo, self.trok, self.soi, self.road) if p)
        area = " ".join(p for p in (self.subdistrict, self.district) if p)
        return [line for line in (street, area, self.province) if line]

    def to_json(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in ADDRESS_PARTS}

    def __repr__(self) -> str:
        return f"Address(province={self.province!r})"


@dataclass(frozen=True, slots=True)
class Card:
    cid: str
    name_th: Name
    name_en: Name
    birth_date: BEDate
    gender: Gender
    issuer: str
    issue_date: BEDate
    expiry_date: BEDate
    address: Address
    #: JPEG bytes, only when the photo was asked for. Never part of the JSON, never stored.
    photo: bytes | None = field(default=None, compare=False)

    @property
    def masked_cid(self) -> str:
        return cidlib.mask(self.cid)

    @property
    def cid_valid(self) -> bool:
        return cidlib.is_valid(self.cid)

    @property
    def category(self) -> cidlib.PersonCategory:
        return cidlib.category(self.cid)

    def check(self) -> Card:
        """Refuse a card whose citizen ID fails its check digit.

        Decoding does not do this, because the eligibility rules must be able to explain such a
        card (rule `invalid-cid`); a technician's read command does, because it means the chip's
        data is wrong.
        """
        if not self.cid_valid:
            raise InvalidCitizenId()
        return self

    def to_json(self) -> dict[str, Any]:
        """Exactly the card JSON of DESIGN §3."""
        return {
            "cid": self.cid,
            "name_th": self.name_th.to_json(),
            "name_en": self.name_en.to_json(),
            "birth_date_be": self.birth_date.raw,
            "gender": self.gender,
            "issuer": self.issuer,
            "issue_date_be": self.issue_date.raw,
            "expiry_date_be": self.expiry_date.raw,
            "address": self.address.to_json(),
        }

    @classmethod
    def from_json(cls, data: object) -> Card:
        """Validate a card JSON object; every problem names the field that has it."""
        if not isinstance(data, Mapping):
            raise CardDataError("card", "the card JSON must be an object")
        cid = _text(data, "cid")
        if not cidlib.is_well_formed(cid):
            raise CardDataError("cid", "expected 13 digits")
        gender = _text(data, "gender")
        if gender not in ("male", "female"):
            raise CardDataError("gender", f"expected 'male' or 'female', got {gender!r}")
        return cls(
            cid=cid,
            name_th=Name(**_parts(data, "name_th", NAME_PARTS)),
            name_en=Name(**_parts(data, "name_en", NAME_PARTS)),
            birth_date=BEDate.parse(_text(data, "birth_date_be"), "birth_date"),
            gender=gender,  # type: ignore[arg-type]
            issuer=_text(data, "issuer"),
            issue_date=BEDate.parse(_text(data, "issue_date_be"), "issue_date"),
            expiry_date=BEDate.parse(
                _text(data, "expiry_date_be"), "expiry_date", lifetime_ok=True
            ),
            address=Address(**_parts(data, "address", ADDRESS_PARTS)),
        )

    def __repr__(self) -> str:
        # No digit of the ID, not even the slip's masked form: a repr ends up in logs and
        # tracebacks on the terminal's disk, where six known digits would help a thief
        # through the journal's slow hash (docs/journal-privacy.md).
        valid = "valid" if self.cid_valid else "invalid"
        return f"Card(cid=<{valid}, hidden>, province={self.address.province!r})"


def _text(data: Mapping[str, object], key: str) -> str:
    if key not in data:
        raise CardDataError(key, "missing")
    value = data[key]
    if not isinstance(value, str):
        raise CardDataError(key, f"expected text, got {type(value).__name__}")
    return value


def _parts(data: Mapping[str, object], key: str, parts: tuple[str, ...]) -> dict[str, str]:
    if key not in data:
        raise CardDataError(key, "missing")
    value = data[key]
    if not isinstance(value, Mapping):
        raise CardDataError(key, "expected an object")
    out = {}
    for part in parts:
        if part not in value:
            raise CardDataError(key, f"{part!r} is missing")
        text = value[part]
        if not isinstance(text, str):
            raise CardDataError(key, f"{part!r} must be text")
        out[part] = text
    extra = set(value) - set(parts)
    if extra:
        raise CardDataError(key, f"unknown keys {sorted(extra)}")
    return out
