"""Is the kiosk channel open now? Judged from the central's cached configuration, never from code.

The programme changed its hours in 2021 (stores 09:00-18:00, web and app 09:00-22:00, from
28 May), so the hours are data the central serves in `/v1/config` and the terminal caches. A
terminal that has never seen a configuration has no hours to go by; it stays open and lets the
central judge each booking (a booking outside the hours is refused there, by the time the customer
confirmed). Pure: the configuration and the time come in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from kiosk.dates import BANGKOK


@dataclass(frozen=True, slots=True)
class ChannelHours:
    opens: str  # HH:MM, Asia/Bangkok
    closes: str  # HH:MM, or 24:00; exclusive
    valid_from: date | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None, channel: str = "kiosk") -> ChannelHours:
        """The channel's hours, or always open when the configuration does not say."""
        channels = (config or {}).get("channels")
        item = channels.get(channel) if isinstance(channels, Mapping) else None
        if not isinstance(item, Mapping):
            return ALWAYS
        opens, closes = item.get("opens"), item.get("closes")
        if _minutes(opens) is None or _minutes(closes) is None:
            return ALWAYS
        try:
            valid_from = date.fromisoformat(str(item.get("from"))) if item.get("from") else None
        except ValueError:
            valid_from = None
        return cls(str(opens), str(closes), valid_from)

    def is_open(self, now: datetime) -> bool:
        local = now.astimezone(BANGKOK)
        if self.valid_from is not None and local.date() < self.valid_from:
            return False
        minute = local.hour * 60 + local.minute
        opens, closes = _minutes(self.opens), _minutes(self.closes)
        assert opens is not None and closes is not None
        return opens <= minute < closes


def _minutes(value: object) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        hh, mm = value.split(":")
        minutes = int(hh) * 60 + int(mm)
    except ValueError:
        return None
    if len(hh) != 2 or len(mm) != 2 or not 0 <= int(mm) < 60 or not 0 <= minutes <= 24 * 60:
        return None
    return minutes


ALWAYS = ChannelHours("00:00", "24:00")
