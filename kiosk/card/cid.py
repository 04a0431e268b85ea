"""The 13-digit Thai citizen ID: check digit, person category, masking.

Masking lives here rather than in the UI because every layer that might print or log a citizen ID
(the journal's clear columns, the slip, the technician's summary, error messages) must use the same
form, and the full number must never reach a log.
"""

from __future__ import annotations

from enum import Enum

CID_LENGTH = 13


class PersonCategory(Enum):
    """What the first digit says about the holder (reference/thai-id-card.md §3).

    The distinction matters for eligibility: categories 6, 7 and 0 are non-Thai residents, while 8
    (permanent residents and naturalised Thais) are valid and must never be rejected; in 2021 a
    telecom's registration site did exactly that.
    """

    THAI = "thai"  # 1-5
    FOREIGN_TEMPORARY = "foreign-temporary"  # 6
    FOREIGN_BORN_HERE = "foreign-born-in-thailand"  # 7
    PERMANENT_RESIDENT = "permanent-resident-or-naturalised"  # 8
    STATELESS = "no-civil-registration-status"  # 0
    RESERVED = "reserved"  # 9

    @property
    def is_foreign_national(self) -> bool:
        return self in (
            PersonCategory.FOREIGN_TEMPORARY,
            PersonCategory.FOREIGN_BORN_HERE,
            PersonCategory.STATELESS,
        )


_CATEGORY_BY_DIGIT = {
    "1": PersonCategory.THAI,
    "2": PersonCategory.THAI,
    "3": PersonCategory.THAI,
    "4": PersonCategory.THAI,
    "5": PersonCategory.THAI,
    "6": PersonCategory.FOREIGN_TEMPORARY,
    "7": PersonCategory.FOREIGN_BORN_HERE,
    "8": PersonCategory.PERMANENT_RESIDENT,
    "0": PersonCategory.STATELESS,
    "9": PersonCategory.RESERVED,
}


def is_well_formed(cid: str) -> bool:
    """Thirteen ASCII digits; says nothing about the check digit."""
    return len(cid) == CID_LENGTH and cid.isascii() and cid.isdigit()


def check_digit(first12: str) -> int:
    """The 13th digit: (11 - (sum of d[i] * (13 - i) for i in 0..11) mod 11) mod 10."""
    if len(first12) != CID_LENGTH - 1 or not (first12.isascii() and first12.isdigit()):
        raise ValueError("check_digit needs exactly 12 ASCII digits")
    total = sum(int(d) * (CID_LENGTH - i) for i, d in enumerate(first12))
    return (11 - total % 11) % 10


def is_valid(cid: str) -> bool:
    """Well formed and the check digit matches."""
    return is_well_formed(cid) and check_digit(cid[:12]) == int(cid[12])


def category(cid: str) -> PersonCategory:
    if not is_well_formed(cid):
        raise ValueError("not a 13-digit citizen ID")
    return _CATEGORY_BY_DIGIT[cid[0]]


def mask(cid: str) -> str:
    """`1-2345-XXXXX-XX-3`: enough for a person to recognise their own card, not enough to use it.

    Anything that is not a 13-digit ID is masked entirely, so a corrupt value can still be shown.
    """
    if not is_well_formed(cid):
        return "X-XXXX-XXXXX-XX-X"
    return f"{cid[0]}-{cid[1:5]}-XXXXX-XX-{cid[12]}"


def formatted(cid: str) -> str:
    """The full ID grouped as printed on the card (for the card holder's own eyes only)."""
    if not is_well_formed(cid):
        return cid
    return f"{cid[0]}-{cid[1:5]}-{cid[5:10]}-{cid[10:12]}-{cid[12]}"
