"""The Thai text of each SMS the central sends: a pure function of the event and the booking.

One SMS segment holds 70 UCS-2 characters (Thai needs UCS-2; every Thai letter, vowel and tone
mark is one UTF-16 unit). A second segment doubles the cost of a message sent a million times,
so each template is written to fit one segment with a 13-character reference, the date as
`2 มิ.ย.` and the time as `09:00`; when a long site name still pushes it over, the site name is
shortened (at a character boundary, never splitting a vowel or tone mark from its letter) down to
`MIN_SITE` characters, and only if that is not enough does the message take two segments.
tests/central/notify/test_messages.py measures every template at the longest real site name.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from kiosk.dates import THAI_MONTHS_SHORT

#: UCS-2 characters in one SMS segment.
SEGMENT = 70
#: A site name is never shortened below this many characters (it must still be recognisable).
MIN_SITE = 10

#: event -> template. `{ref}` the booking reference, `{site}` the site's Thai name,
#: `{when}` the date and time (`2 มิ.ย. 09:00`).
TEMPLATES: dict[str, str] = {
    # a web or app booking (no slip in the customer's hand)
    "booked": "จองแล้ว {ref} {site} {when}",
    # a queued booking the central confirmed when the terminal replayed it
    "confirmed": "ยืนยันการจอง {ref} {site} {when}",
    # a queued (or web) booking taken, the registry check still to come
    "pending": "รอตรวจสิทธิ์ {ref} {site} {when}",
    # the registry check passed / failed (the booking is cancelled)
    "verified": "ผ่านตรวจสิทธิ์ {ref} {site} {when}",
    "not-verified": "สิทธิ์ไม่ผ่าน ยกเลิก {ref} {site} {when}",
    "cancelled": "ยกเลิกจองแล้ว {ref} {site} {when}",
    "changed": "เปลี่ยนนัด {ref} {site} {when}",
    # a queued booking refused on replay: no booking exists, so no reference
    "refused": "จองไม่สำเร็จ {site} {when} กรุณาจองใหม่",
    # a queued booking refused because the citizen already holds a booking: its reference
    "already-booked": "มีจองอยู่แล้ว {ref} {site} {when}",
}


@dataclass(frozen=True)
class Subject:
    """What a message names: the reference (None for a refused queued booking), the site's
    Thai name, the slot's date (ISO) and start (HH:MM); any may be missing for a refusal."""

    reference: str | None
    site: str
    date: str
    start: str


def ucs2_length(text: str) -> int:
    """The message's length as an SMS counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-be")) // 2


def when(iso_date: str, start: str) -> str:
    if not iso_date:
        return start
    d = date.fromisoformat(iso_date)
    return f"{d.day} {THAI_MONTHS_SHORT[d.month - 1]} {start}".strip()


def _shorten(name: str, length: int) -> str:
    """`name` cut to at most `length` characters at a character boundary, with an ellipsis."""
    if len(name) <= length:
        return name
    cut = max(1, length - 1)
    # never leave a vowel or tone mark written above or below (Mn) without its letter, nor a
    # leading vowel (เ แ โ ใ ไ) without the letter it is written before
    while cut > 1 and unicodedata.category(name[cut]) == "Mn":
        cut -= 1
    while cut > 1 and name[cut - 1] in "เแโใไ":
        cut -= 1
    return name[:cut].rstrip() + "…"


def text(event: str, subject: Subject) -> str:
    """The SMS for `event` about `subject`, within one segment where the site name allows."""
    template = TEMPLATES[event]
    fields = {
        "ref": subject.reference or "",
        "when": when(subject.date, subject.start),
    }
    message = " ".join(template.format(site=subject.site, **fields).split())
    over = ucs2_length(message) - SEGMENT
    if over > 0 and len(subject.site) - over >= MIN_SITE:
        site = _shorten(subject.site, len(subject.site) - over)
        message = " ".join(template.format(site=site, **fields).split())
    return message
