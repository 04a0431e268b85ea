"""Dates as Thai customers read them, and the kiosk's notion of "today".

DESIGN §10: dates are shown in both the Thai Buddhist-Era form (27 พ.ค. 2564) and the Gregorian
form (27 May 2021), with Arabic digits. A card date with an unknown month or day is shown with only
the parts that are known, never with an invented day.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from kiosk.card.model import BE_OFFSET, BEDate

BANGKOK = ZoneInfo("Asia/Bangkok")

THAI_MONTHS_SHORT = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
THAI_MONTHS_LONG = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")
EN_MONTHS_SHORT = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def today_bangkok(now: datetime | None = None) -> date:
    """Today in Asia/Bangkok, whatever the terminal's own time zone is set to."""
    now = now or datetime.now(tz=BANGKOK)
    return now.astimezone(BANGKOK).date()


def thai(d: date) -> str:
    """`27 พ.ค. 2564`"""
    return f"{d.day} {THAI_MONTHS_SHORT[d.month - 1]} {d.year + BE_OFFSET}"


def gregorian(d: date) -> str:
    """`27 May 2021`"""
    return f"{d.day} {EN_MONTHS_SHORT[d.month - 1]} {d.year}"


def card_thai(value: BEDate) -> str:
    """A card date in Thai, showing only its known parts; 'ตลอดชีพ' for a lifetime card."""
    if value.lifetime:
        return "ตลอดชีพ"
    if not value.year_known:
        return "ไม่ทราบ"
    parts = []
    if value.day:
        parts.append(str(value.day))
    if value.month:
        parts.append(THAI_MONTHS_SHORT[value.month - 1])
    parts.append(str(value.year))
    return " ".join(parts)


def card_gregorian(value: BEDate) -> str:
    if value.lifetime:
        return "lifetime"
    if not value.year_known:
        return "unknown"
    parts = []
    if value.day:
        parts.append(str(value.day))
    if value.month:
        parts.append(EN_MONTHS_SHORT[value.month - 1])
    parts.append(str(value.year - BE_OFFSET))
    return " ".join(parts)
