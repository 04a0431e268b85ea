"""bench/day_one.py's arrival curve, channel mix, line cuts and scale: the parts a figure in
the report is computed from."""

from __future__ import annotations

import random

import pytest
from _day_curve import (
    DAY_HOURS,
    DAY_ONE_BOOKINGS,
    SHAPE,
    Scale,
    arrivals,
    cdf,
    channel_mix,
    expected_between,
    inverse_cdf,
    is_cut,
    link_cuts,
    pick_channel,
    real_rate_bookings,
)
from hypothesis import given
from hypothesis import strategies as st


def test_the_shape_is_the_documented_burst() -> None:
    assert sum(share for _, _, share in SHAPE) == pytest.approx(1.0)
    assert cdf(0) == 0 and cdf(DAY_HOURS) == pytest.approx(1.0)
    assert cdf(1 / 6) == pytest.approx(0.25)  # a quarter in the first 10 minutes
    assert cdf(1.0) == pytest.approx(0.50)  # half in the first hour
    # the real day's peak: 312,059 bookings in 600 s, 520/s (reference §3.5 says 521/s)
    assert expected_between(0, 1 / 6, DAY_ONE_BOOKINGS) / 600 == pytest.approx(520.1, abs=0.1)


@given(st.floats(min_value=0, max_value=DAY_HOURS))
def test_cdf_and_its_inverse_agree(hour: float) -> None:
    assert inverse_cdf(min(cdf(hour), 1 - 1e-12)) == pytest.approx(hour, abs=1e-6)


@given(st.floats(0, DAY_HOURS), st.floats(0, DAY_HOURS))
def test_cdf_never_decreases(a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    assert cdf(lo) <= cdf(hi)


@given(st.integers(1, 3000), st.integers(0, 2**32))
def test_arrivals_follow_the_curve_within_two(total: int, seed: int) -> None:
    times = arrivals(total, random.Random(seed))
    assert len(times) == total and times == sorted(times)
    assert all(0 <= t < DAY_HOURS for t in times)
    for start, end, _ in SHAPE:
        n = sum(1 for t in times if start <= t < end)
        assert abs(n - expected_between(start, end, total)) <= 2


def test_the_default_size_is_the_real_rate() -> None:
    assert real_rate_bookings(600) == 20_804
    scale = Scale(600, real_rate_bookings(600))
    assert scale.compression == 60 and scale.rate_factor == pytest.approx(1.0, abs=1e-4)
    assert scale.wall(10) == 10.0 and scale.day_minutes(10.0) == 10


@given(st.floats(0, 0.9), st.floats(0, 1))
def test_channel_mix_sums_to_one_and_picks_every_channel_by_share(kiosk: float, u: float):
    mix = channel_mix(kiosk)
    assert sum(mix.values()) == pytest.approx(1.0)
    assert pick_channel(mix, u) in mix
    assert pick_channel(mix, 0.0) == ("kiosk" if kiosk > 0 else "web")
    assert pick_channel(mix, kiosk + 1e-9) != "kiosk" or kiosk == 0


def test_lines_are_cut_the_asked_share_of_the_time() -> None:
    rng = random.Random(7)
    fleet = [link_cuts(0.05, 0.5, rng) for _ in range(2000)]
    hours = [h / 10 for h in range(100)]
    share = sum(is_cut(c, h) for c in fleet for h in hours) / (len(fleet) * len(hours))
    assert share == pytest.approx(0.05, abs=0.01)
    assert link_cuts(0.0, 0.5, rng) == []


def test_a_cut_covers_its_start_not_its_end() -> None:
    cuts = [(1.0, 2.0), (3.0, 3.5)]
    assert not is_cut(cuts, 0.99) and is_cut(cuts, 1.0) and is_cut(cuts, 1.99)
    assert not is_cut(cuts, 2.0) and is_cut(cuts, 3.2) and not is_cut(cuts, 4)
