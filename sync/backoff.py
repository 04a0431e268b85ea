"""When to try again: exponential backoff with full jitter, and the server's Retry-After.

Full jitter (a uniform wait between zero and the exponential cap) spreads a store chain's thousands
of terminals apart when the central comes back, instead of having them retry in lockstep.
A Retry-After from the central always wins: it knows its own load.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

#: Retry-After beyond this is treated as this: a terminal must not go quiet for hours.
MAX_RETRY_AFTER = 600.0


def full_jitter(
    attempt: int, *, base: float = 1.0, cap: float = 300.0, rnd: random.Random | None = None
) -> float:
    """Seconds to wait before attempt number `attempt` (1 is the first retry)."""
    upper = min(cap, base * 2 ** max(0, attempt - 1))
    return (rnd or random).uniform(0, upper)


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP-date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return min(max(0.0, seconds), MAX_RETRY_AFTER)
