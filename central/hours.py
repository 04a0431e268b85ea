"""Channel booking hours, and judging a booking by the time the customer confirmed it.

A booking queued on a terminal while the central was unreachable is replayed later, perhaps after
the store closed. What counts is when the customer pressed "confirm" (`confirmed_at`), not when the
request arrives; but a terminal's clock is not trusted blindly: a confirmation from the future
(beyond a small clock skew) or older than a week is refused, so a terminal with a wrong clock or a
journal that resurfaces months later cannot book.

Hours live in the database (`channel_hours`), not in code: the programme changed them in 2021 and
the demo must be able to open all day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from central.errors import InvalidRequest, OutsideHours
from kiosk.dates import BANGKOK

CHANNELS = ("kiosk", "web", "app")
MAX_AGE = timedelta(days=7)
CLOCK_SKEW = timedelta(minutes=5)
#: "24:00" closes at midnight; the only way to write an all-day channel.
END_OF_DAY = "24:00"


@dataclass(frozen=True)
class ChannelHours:
    channel: str
    opens: str  # HH:MM, Asia/Bangkok
    closes: str  # HH:MM or 24:00, exclusive
    valid_from: date

    def to_json(self) -> dict[str, str]:
        return {
            "opens": self.opens,
            "closes": self.closes,
            "from": self.valid_from.isoformat(),
            "timezone": "Asia/Bangkok",
        }

    def is_open(self, local: datetime) -> bool:
        if local.date() < self.valid_from:
            return False
        minute = local.hour * 60 + local.minute
        return minutes(self.opens) <= minute < minutes(self.closes)


DEFAULT_HOURS = (
    ChannelHours("kiosk", "09:00", "18:00", date(2021, 5, 28)),
    ChannelHours("web", "09:00", "22:00", date(2021, 5, 28)),
    ChannelHours("app", "09:00", "22:00", date(2021, 5, 28)),
)


def minutes(hhmm: str) -> int:
    """Minutes after midnight of `HH:MM` (00:00 to 24:00), or InvalidRequest."""
    try:
        hh, mm = hhmm.split(":")
        value = int(hh) * 60 + int(mm)
        ok = len(hh) == 2 and len(mm) == 2 and 0 <= int(mm) < 60 and 0 <= value <= 24 * 60
    except ValueError:
        ok = False
    if not ok:
        raise InvalidRequest(f"{hhmm!r} is not a time of day HH:MM (00:00 to 24:00)")
    return value


def parse_instant(text: str, field: str = "confirmed_at") -> datetime:
    """An ISO 8601 instant that names its offset; a local time without one is ambiguous."""
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise InvalidRequest(f"{field} is not an ISO 8601 date-time") from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidRequest(f"{field} must carry a UTC offset, e.g. +07:00")
    return value


def judge(confirmed_at: datetime, hours: ChannelHours, now: datetime) -> None:
    """Refuse a confirmation time the channel's hours, or a sane clock, do not allow."""
    if confirmed_at > now + CLOCK_SKEW:
        raise OutsideHours(
            "future",
            "The confirmation time is in the future: the terminal's clock is wrong.",
            "เวลายืนยันการจองอยู่ในอนาคต นาฬิกาของเครื่องไม่ถูกต้อง กรุณาแจ้งช่างเทคนิค",
        )
    if confirmed_at < now - MAX_AGE:
        raise OutsideHours(
            "too-old",
            "The booking was confirmed more than 7 days ago and can no longer be accepted.",
            "การจองนี้ยืนยันไว้นานเกิน 7 วันแล้ว ไม่สามารถรับได้ กรุณาจองใหม่",
        )
    local = confirmed_at.astimezone(BANGKOK)
    if not hours.is_open(local):
        raise OutsideHours(
            "closed",
            f"The {hours.channel} channel takes bookings {hours.opens}-{hours.closes} "
            f"(Asia/Bangkok) from {hours.valid_from.isoformat()}; this one was confirmed at "
            f"{local.strftime('%Y-%m-%d %H:%M')}.",
            f"ช่องทางนี้รับจองเวลา {hours.opens}-{hours.closes} น. เท่านั้น",
            hours=hours.to_json(),
        )


def at_local(d: date, hhmm: str) -> datetime:
    """The instant a Bangkok wall-clock time on a date stands for (24:00 is next midnight)."""
    m = minutes(hhmm)
    return datetime.combine(d, time(0), BANGKOK) + timedelta(minutes=m)
