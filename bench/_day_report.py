"""The tables and the arithmetic bench/day_one.py prints: per stretch of the day, and what the
measured CPU per booking says about the real day. Pure functions of the recorded figures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from _day_curve import DAY_ONE_BOOKINGS, DAY_OPENS, SHAPE, Scale, cdf


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))] if values else float("nan")


@dataclass
class Bucket:
    """One stretch of wall time and what happened in it."""

    start: float
    end: float
    requests: int = 0
    created: int = 0  # 201/200 answers received
    stored: int = 0  # bookings the central made (its created_at), answered or not
    refused: int = 0  # 429/503
    unanswered: int = 0  # sent, no answer before the client gave up
    unconnected: int = 0  # no connection (the outage, or a full listen queue)
    latencies: list[float] | None = None
    peak_in_flight: int = 0
    queued_at_end: int = 0
    server_cpu: float = 0.0  # API + PostgreSQL CPU seconds spent in it
    machine_busy: float = 0.0  # CPU seconds of the whole machine (anyone's) spent in it


def clock(scale: Scale, wall: float) -> str:
    minutes = int(DAY_OPENS[:2]) * 60 + scale.day_minutes(wall)
    return f"{int(minutes // 60) % 24:02d}:{int(minutes % 60):02d}"


def rows(buckets: list[Bucket], fine_until: set[int]) -> list[Bucket]:
    """Merge fine buckets into printed rows: fine where `fine_until` names the bucket index
    (the burst, the outage), else six at a time."""
    out: list[Bucket] = []
    i = 0
    while i < len(buckets):
        group = [buckets[i]]
        if i not in fine_until:
            while len(group) < 6 and i + 1 < len(buckets) and (i + 1) not in fine_until:
                i += 1
                group.append(buckets[i])
        i += 1
        merged = Bucket(group[0].start, group[-1].end, latencies=[])
        for b in group:
            merged.requests += b.requests
            merged.created += b.created
            merged.stored += b.stored
            merged.refused += b.refused
            merged.unanswered += b.unanswered
            merged.unconnected += b.unconnected
            merged.latencies += b.latencies or []
            merged.peak_in_flight = max(merged.peak_in_flight, b.peak_in_flight)
            merged.server_cpu += b.server_cpu
            merged.machine_busy += b.machine_busy
        merged.queued_at_end = group[-1].queued_at_end
        out.append(merged)
    return out


def table(scale: Scale, printed: list[Bucket], cores: int) -> list[str]:
    lines = [
        "day time     wall s  answered/s  stored/s  req/s  refused  timed-out  no-conn  p99 ms"
        "  in-flight  queued  server CPU  machine",
    ]
    for b in printed:
        span = max(1e-9, b.end - b.start)
        answered = b.requests - b.unanswered - b.unconnected
        lines.append(
            f"{clock(scale, b.start)}-{clock(scale, b.end)}  {b.start:6.0f}  "
            f"{b.created / span:10.1f}  {b.stored / span:8.1f}  {b.requests / span:5.0f}  "
            f"{b.refused / max(1, answered):7.1%}  {b.unanswered:9d}  {b.unconnected:7d}  "
            f"{pct(b.latencies or [], 0.99) * 1000:6.0f}  {b.peak_in_flight:9d}  "
            f"{b.queued_at_end:6d}  {b.server_cpu / span / cores:10.0%}  "
            f"{b.machine_busy / span / cores:7.0%}"
        )
    return lines


def extrapolation(
    api_ms: float, pg_ms: float, kiosk_share: float, outage_minutes: float, cores_here: int
) -> list[str]:
    """Cores for the real day from CPU per booking and the real burst's rates; the arithmetic
    printed line by line, with 70 % as the most a core should be loaded at the peak (past that
    the admission limit, not the hardware, decides who waits)."""
    first_window = SHAPE[0][1] * 60  # minutes
    peak_share = cdf(SHAPE[0][1])
    peak = DAY_ONE_BOOKINGS * peak_share / (first_window * 60)
    hour = DAY_ONE_BOOKINGS * cdf(1.0) / 3600
    mean = DAY_ONE_BOOKINGS / (10 * 3600)
    total_ms = api_ms + pg_ms
    api_cores = peak * api_ms / 1000
    pg_cores = peak * pg_ms / 1000
    workers = max(2, math.ceil(api_cores / 0.7))
    pg_need = max(2, math.ceil(pg_cores / 0.7))
    backlog = peak * kiosk_share * outage_minutes * 60
    headroom = workers * 0.7 * 1000 / api_ms - peak if api_ms > 0 else float("inf")
    lines = [
        f"real day: {DAY_ONE_BOOKINGS:,} bookings in 10 h = {mean:.0f}/s on average; the first "
        f"hour {cdf(1.0):.0%} = {hour:.0f}/s; the first {first_window:.0f} min {peak_share:.0%} "
        f"= {DAY_ONE_BOOKINGS * peak_share:,.0f} / {first_window * 60:.0f} s = {peak:.0f}/s",
        f"measured here: API {api_ms:.2f} ms + PostgreSQL {pg_ms:.2f} ms = {total_ms:.2f} ms CPU "
        f"per booking (budget DESIGN §9: under 1.0 ms -> "
        f"{'met' if total_ms < 1.0 else 'NOT met'})",
        f"API at the peak: {peak:.0f}/s x {api_ms:.2f} ms = {api_cores:.2f} cores; at 70 % "
        f"per core: {api_cores:.2f} / 0.7 -> {workers} API workers (one core each, 2 at least "
        "so a worker can die)",
        f"PostgreSQL at the peak: {peak:.0f}/s x {pg_ms:.2f} ms = {pg_cores:.2f} cores -> "
        f"{pg_need} cores for the primary; commits at {peak:.0f}/s are {peak:.0f} WAL flushes/s "
        "at most (group commit shares them), well inside one SSD's fsync rate",
        f"all at the peak: {peak * total_ms / 1000:.2f} cores (this machine has {cores_here})",
        f"a {outage_minutes:.0f}-min outage at the peak leaves {kiosk_share:.0%} x {peak:.0f}/s x "
        f"{outage_minutes * 60:.0f} s = {backlog:,.0f} bookings in the terminals' queues; "
        f"{workers} workers at 70 % serve {workers * 0.7 * 1000 / api_ms if api_ms else 0:,.0f}"
        f"/s, {headroom:,.0f}/s above the burst, so the wave drains in about "
        f"{backlog / headroom if headroom > 0 else float('inf'):,.0f} s",
        "PostgreSQL: one primary decides availability (never a replica: reference §3.1); "
        "max_connections >= workers x pool size (16 per worker) + admin",
    ]
    return lines
