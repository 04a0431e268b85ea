"""The first day's shape for bench/day_one.py: when bookings arrive, through which channel, and
how the simulated day maps onto wall-clock seconds. Pure: no I/O, so tests can pin it down.

The day is Thai Ruam Jai's first one: registration opened at 12:00 on 27 May 2021 and ran to
22:00 (ten hours), and took 1,248,235 bookings (web, the Paotang app, convenience stores).
No arrival rate was published, so the curve is built from what was (reference
leases-and-scale.md §3.5 and §4): the operators' 1516 channel filled 430,000 slots "in about 2
hours" from opening; the 2020 cash-aid site saw ~20 M attempts "within minutes" of opening;
Phuket's Moderna portal had 67,000 at 09:00 sharp and crashed. That is: a spike in the first
minutes, most of the day's demand in the first hours, then a long tail. We take the reference's
own burst arithmetic: a quarter of the day in the first 10 minutes (521/s at full size), half in
the first hour (174/s), a fifth more by the third hour, the last 30 % spread over seven hours.
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass

DAY_ONE_BOOKINGS = 1_248_235
DAY_HOURS = 10.0  # 12:00 to 22:00
DAY_OPENS = "12:00"

#: (from hour, to hour, share of the day's bookings), hours since opening; shares sum to 1.
SHAPE: tuple[tuple[float, float, float], ...] = (
    (0.0, 1 / 6, 0.25),
    (1 / 6, 1.0, 0.25),
    (1.0, 3.0, 0.20),
    (3.0, 10.0, 0.30),
)

CHANNELS = ("kiosk", "web", "app")


@dataclass(frozen=True)
class Scale:
    """How the bench's day maps onto the real one.

    `compression`: real seconds per wall second (600 s for the 10-hour day: 60). `volume`:
    bench bookings per real one. Their product is the bench's arrival rate over the real day's:
    1.0 means the bench sends exactly the real day's bookings per second (the default: what
    matters on one machine is whether the rate of the real burst can be served)."""

    day_seconds: float
    bookings: int

    @property
    def compression(self) -> float:
        return DAY_HOURS * 3600 / self.day_seconds

    @property
    def volume(self) -> float:
        return self.bookings / DAY_ONE_BOOKINGS

    @property
    def rate_factor(self) -> float:
        return self.compression * self.volume

    def wall(self, day_minutes: float) -> float:
        """Wall seconds for `day_minutes` of the simulated day."""
        return day_minutes * 60 / self.compression

    def day_minutes(self, wall_seconds: float) -> float:
        return wall_seconds * self.compression / 60


def real_rate_bookings(day_seconds: float) -> int:
    """The booking count at which the bench's rates equal the real day's (rate_factor 1)."""
    return round(DAY_ONE_BOOKINGS * day_seconds / (DAY_HOURS * 3600))


def cdf(hour: float) -> float:
    """Share of the day's bookings that arrived before `hour` (hours since opening)."""
    done = 0.0
    for start, end, share in SHAPE:
        if hour >= end:
            done += share
        elif hour > start:
            return done + share * (hour - start) / (end - start)
        else:
            break
    return min(1.0, done)


def inverse_cdf(u: float) -> float:
    """The hour by which the share `u` (0 <= u < 1) of the day had arrived."""
    done = 0.0
    for start, end, share in SHAPE:
        if u < done + share:
            return start + (u - done) / share * (end - start)
        done += share
    return DAY_HOURS


def expected_between(start_hour: float, end_hour: float, total: int) -> float:
    return total * (cdf(end_hour) - cdf(start_hour))


def arrivals(total: int, rng: random.Random) -> list[float]:
    """`total` arrival instants in hours since opening, sorted: stratified inverse-CDF samples
    (one per 1/total of the share, jittered inside it), so the count in any stretch of the day
    is within two of the curve's (one stratum at each end may fall either side) and a small run
    still shows the burst."""
    return [inverse_cdf((i + rng.random()) / total) for i in range(total)]


def channel_mix(kiosk_share: float, web_share_of_rest: float = 0.55) -> dict[str, float]:
    """Shares per channel. No split of day one was published (Bangkok Post 2122711 names the
    three channels only); the stores are `kiosk_share`, the rest splits web : app 55 : 45."""
    rest = 1.0 - kiosk_share
    return {
        "kiosk": kiosk_share,
        "web": rest * web_share_of_rest,
        "app": rest * (1 - web_share_of_rest),
    }


def pick_channel(mix: dict[str, float], u: float) -> str:
    edges, acc = [], 0.0
    for name in CHANNELS:
        acc += mix[name]
        edges.append(acc)
    return CHANNELS[min(len(CHANNELS) - 1, bisect.bisect_right(edges, u))]


def link_cuts(
    offline_share: float, mean_cut_hours: float, rng: random.Random
) -> list[tuple[float, float]]:
    """One terminal's line cuts over the day, (from hour, to hour): an alternating renewal
    process whose long-run share of time offline is `offline_share` (cuts of mean length
    `mean_cut_hours`, exponential gaps between them), started in its stationary state so the
    share holds from the first minute."""
    if offline_share <= 0:
        return []
    mean_up = mean_cut_hours * (1 - offline_share) / offline_share
    cuts: list[tuple[float, float]] = []
    t = 0.0
    if rng.random() < offline_share:
        end = rng.expovariate(1 / mean_cut_hours)
        cuts.append((0.0, end))
        t = end
    while t < DAY_HOURS:
        start = t + rng.expovariate(1 / mean_up) if mean_up > 0 else t
        end = start + rng.expovariate(1 / mean_cut_hours)
        if start >= DAY_HOURS:
            break
        cuts.append((start, end))
        t = end
    return cuts


def is_cut(cuts: list[tuple[float, float]], hour: float) -> bool:
    i = bisect.bisect_right([c[0] for c in cuts], hour) - 1
    return i >= 0 and cuts[i][0] <= hour < cuts[i][1]
