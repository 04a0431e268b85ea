"""bench/day_one.py end to end at a tiny size, so it cannot rot unseen: its own PostgreSQL
cluster, serve --workers 2, terminals, web and app users, the outage (the central SIGKILLed
and started again), the recount. About half a minute."""

from __future__ import annotations

import re
from pathlib import Path

import day_one
import pytest

from tests.pg_cluster import unavailable

pytestmark = pytest.mark.postgres


def test_a_tiny_day_runs_keeps_every_invariant_and_prints_its_figures(capsys) -> None:
    if not list(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")):
        unavailable("no PostgreSQL server binaries for the bench's private cluster")
    argv = ["--day-seconds", "12", "--bookings", "90", "--terminals", "12", "--seed", "3"]
    argv += ["--offline-share", "0.2", "--drain-seconds", "30", "--outage-at", "4"]
    assert day_one.run(day_one.parse(argv)) == 0
    out = capsys.readouterr().out
    assert "day time" in out and "answered/s" in out  # the table per stretch of the day
    assert re.search(r"overbooked slots 0, citizens with two active 0, counter mismatches 0", out)
    held = re.search(r"answered 201 but not held 0 of (\d+) -> OK", out)
    assert held and int(held.group(1)) > 40
    assert re.search(r"outage: central killed at [\d.]+ s, serving again at [\d.]+ s", out)
    assert re.search(r"queues at the outage's end: \d+ bookings .*; drained in", out)
    assert "API at the peak: 520/s x" in out  # the extrapolation's arithmetic
    assert "SMS: not available in this build" in out or "SMS per event" in out
