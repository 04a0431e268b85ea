"""What bench/day_one.py prints once the day is over: the table per stretch of the day, the
outage and its replay wave, the database recount, the CPU per booking and the real day's
sizing (the arithmetic is in bench/_day_report.py)."""

from __future__ import annotations

import itertools
import time

from _day_central import Sms
from _day_checks import sms_agree, sms_by_event
from _day_curve import Scale
from _day_fleet import REFUSED, Fleet
from _day_report import Bucket, extrapolation, pct, rows, table


def buckets(args, scale, fleet: Fleet, samples, made_at: list[float]) -> list[Bucket]:
    width = scale.wall(args.interval_minutes)
    horizon = max([r.sent for r in fleet.rec.requests] + [args.day_seconds])
    out = [
        Bucket(i * width, (i + 1) * width, latencies=[]) for i in range(int(horizon // width) + 1)
    ]
    for r in fleet.rec.requests:
        b = out[int(r.sent // width)]
        b.requests += 1
        b.refused += r.status in REFUSED
        b.unanswered += r.status == 0
        b.unconnected += r.status == -1
        if r.status > 0:
            b.latencies.append(r.latency)
    for t, *_ in fleet.rec.created.values():
        if t >= 0:
            out[min(len(out) - 1, int(t // width))].created += 1
    for epoch in made_at:  # the central stamps whole seconds: the first second counts as 0
        t = epoch - fleet.t0_epoch
        if t >= -1:
            out[min(len(out) - 1, int(max(0.0, t) // width))].stored += 1
    for i, b in enumerate(out):
        b.peak_in_flight = fleet.rec.peak_in_flight.get(i, 0)
        b.queued_at_end = fleet.queue_samples.get(i, out[i - 1].queued_at_end if i else 0)
    for (_t0, a0, p0, m0), (t1, a1, p1, m1) in itertools.pairwise(samples):
        b = out[min(len(out) - 1, int(t1 // width))]
        b.server_cpu += (a1 - a0) + (p1 - p0)
        b.machine_busy += m1 - m0
    out[-1].end = max(out[-1].start + 1e-3, samples[-1][0])  # the last stretch is partial
    return out


def sms_counts(sms: Sms, url: str) -> list[str]:
    if not sms.available:
        return ["SMS: not available in this build (central.notify does not import)"]
    deadline = time.monotonic() + 60
    by_event = sms_by_event(url)
    while time.monotonic() < deadline and any(
        st.get("pending", 0) + st.get("sending", 0) for st in by_event.values()
    ):
        time.sleep(1)
        by_event = sms_by_event(url)
    messages = sms.messages()
    lines = ["SMS per event (outbox rows by state):"]
    lines += [f"  {event}: {states}" for event, states in sorted(by_event.items())]
    agree = sms_agree(by_event, len(messages))
    lines.append(
        f"  the fake gateway accepted {len(messages)} messages; outbox 'sent' "
        f"{'agrees' if agree else 'DISAGREES'}"
    )
    return lines


def print_setup(args, scale: Scale, capacity: int, slots: int, cores: int) -> None:
    print(
        f"day one, scaled: {args.bookings:,} bookings in {args.day_seconds:.0f} s for the "
        f"10-hour day ({scale.compression:.0f}x time, {scale.volume:.4f} of the volume: "
        f"arrival rates {scale.rate_factor:.2f} x the real day's)"
    )
    print(
        f"central: PostgreSQL (private cluster), serve --workers {args.workers} "
        f"--max-in-flight {args.max_in_flight}; {slots} bookable slots of {capacity} seats; "
        f"{cores} cores shared by server and clients"
    )
    print(
        f"clients: {args.terminals} terminals ({args.kiosk_share:.0%} of bookings, "
        f"{args.offline_share:.0%} cut at any time, cuts of {args.cut_minutes:.0f} day-min), "
        f"web and app users; outage: the central's processes SIGKILLed at day hour "
        f"{args.outage_at:g} for {args.outage_minutes:g} day-min "
        f"({scale.wall(args.outage_minutes):.1f} s)"
    )


def report(args, scale, fleet: Fleet, samples, log, checks, hot, cores, client_cpu) -> bool:
    """Print every figure of the day; answer whether every invariant held."""
    fine = buckets(args, scale, fleet, samples, checks.made_at)
    width = scale.wall(args.interval_minutes)
    outage_rows = {
        i
        for i, b in enumerate(fine)
        if log.get("killed", 1e9) - 2 * width <= b.start <= log.get("back", 0) + 6 * width
    }
    burst_rows = {i for i, b in enumerate(fine) if b.start < scale.wall(120)}
    print()
    print(*table(scale, rows(fine, outage_rows | burst_rows), cores), sep="\n")
    print_traffic(fleet)
    print_outage(args, scale, fleet, fine, log, cores)
    failures = print_checks(fleet, checks, hot)
    api_ms, pg_ms = print_cpu(scale, fleet, fine, samples, checks, client_cpu, log)
    print()
    print(*extrapolation(api_ms, pg_ms, args.kiosk_share, args.outage_minutes, cores), sep="\n")
    print()
    came_back = "killed" not in log or "back" in log
    return not failures and came_back


def print_traffic(fleet: Fleet) -> None:
    rec = fleet.rec
    answered = [r for r in rec.requests if r.status > 0]
    statuses: dict[int, int] = {}
    for r in rec.requests:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    refused = sum(1 for r in answered if r.status in REFUSED)
    latencies = [r.latency for r in answered]
    print()
    print(
        f"requests {len(rec.requests):,} by status {dict(sorted(statuses.items()))} "
        "(0: sent, no answer in time; -1: not connected)"
    )
    print(
        f"latency of answered requests: p50 {pct(latencies, 0.5) * 1000:.0f} ms  p99 "
        f"{pct(latencies, 0.99) * 1000:.0f} ms; refused with 429/503: {refused:,} = "
        f"{refused / max(1, len(answered)):.1%} of answers"
    )
    for kind in ("online", "replay", "web"):
        lat = [r.latency for r in answered if r.kind == kind]
        print(f"  {kind:7s}: {len(lat):6,} answers, p99 {pct(lat, 0.99) * 1000:.0f} ms")
    print("outcomes:", ", ".join(f"{k} {v:,}" for k, v in sorted(rec.outcomes.items())))


def print_outage(args, scale: Scale, fleet: Fleet, fine: list[Bucket], log, cores: int) -> None:
    print()
    killed, back = log.get("killed"), log.get("back")
    if killed is not None and back is None:
        print(f"outage: central killed at {killed:.1f} s and NOT serving again (see stderr)")
        return
    if killed is None or back is None:
        print("outage: none in this run (--outage-minutes 0, or the day ended first)")
        return
    print(
        f"outage: central killed at {killed:.1f} s, serving again at {back:.1f} s: "
        f"{back - killed:.1f} s = {scale.day_minutes(back - killed):.1f} day-min unreachable "
        f"(asked {args.outage_minutes:g}; the rest is the central's own start-up)"
    )
    drained = fleet.backlog_drained_at
    took = (
        f"drained in {drained - back:.1f} s = {scale.day_minutes(drained - back):.1f} day-min"
        if drained is not None
        else "NOT drained by the end"
    )
    print(
        f"queues at the outage's end: {fleet.backlog_size:,} bookings at terminals on line "
        f"(+{fleet.behind_cut_lines:,} behind cut lines, sent when their line is back); {took}"
    )
    width = scale.wall(args.interval_minutes)
    wave = [b for b in fine if back - width <= b.start <= (drained or back) + width]
    peak = max((b.peak_in_flight for b in wave), default=0)
    admits = args.workers * args.max_in_flight
    w_req, w_ref = sum(b.requests for b in wave), sum(b.refused for b in wave)
    span = sum(b.end - b.start for b in wave) or 1
    server = sum(b.server_cpu for b in wave) / span / cores
    machine = sum(b.machine_busy for b in wave) / span / cores
    verdict = "within what the central admits" if peak <= admits else "PAST the admission limit"
    print(
        f"replay wave: at most {peak} requests in flight (the central admits {admits}: "
        f"{args.workers} workers x {args.max_in_flight}); {w_ref:,} of {w_req:,} refused "
        f"({w_ref / max(1, w_req):.1%}); server CPU {server:.0%} of {cores} cores, machine "
        f"{machine:.0%} -> {verdict}"
    )


def print_checks(fleet: Fleet, checks, hot) -> list[str]:
    print()
    failures = checks.failures()
    r = checks.report
    print(
        f"database recount: active bookings {r['active_bookings']:,}, overbooked slots "
        f"{r['overbooked_slots']}, citizens with two active {r['citizens_with_two_active']}, "
        f"counter mismatches {r['counter_mismatches']}, answered 201 but not held "
        f"{len(checks.lost)} of {len(fleet.rec.created):,} -> "
        f"{'OK' if not failures else 'FAILED'}"
    )
    if checks.lost:
        print("  answered 201/200, no row at the central:", ", ".join(checks.lost[:10]))
    if checks.cancelled:
        print(f"  answered 201/200 and cancelled since: {len(checks.cancelled)}")
    print("hottest slots (booked/capacity):", ", ".join(f"{s} {n}/{c}" for s, n, c in hot))
    return failures


def print_cpu(scale: Scale, fleet: Fleet, fine, samples, checks, client_cpu, log):
    """CPU per booking made, over the run and in the opening hour (up to the outage if it falls
    in it: a restart's start-up is no booking's cost); answers the latter as (API, PG) ms."""
    print()
    rec = fleet.rec
    api0, pg0 = samples[0][1], samples[0][2]
    api1, pg1 = samples[-1][1], samples[-1][2]
    stored = max(1, sum(b.stored for b in fine))
    print(
        f"server CPU over the run: API {api1 - api0:.1f} s + PostgreSQL {pg1 - pg0:.1f} s for "
        f"{stored:,} bookings made = {(api1 - api0) / stored * 1000:.2f} + "
        f"{(pg1 - pg0) / stored * 1000:.2f} ms per booking ({len(rec.requests):,} requests: "
        f"{((api1 - api0) + (pg1 - pg0)) / max(1, len(rec.requests)) * 1000:.2f} ms per request;"
        f" the outage's restart included); the load generator itself {client_cpu:.1f} s"
    )
    until = min(scale.wall(60), log.get("killed", float("inf")))
    in_burst = [s for s in samples if s[0] <= until + 1e-9] or samples[:1]
    b_end = in_burst[-1][0]
    b_made = sum(1 for t in checks.made_at if -1 <= t - fleet.t0_epoch <= b_end)
    api_ms = (in_burst[-1][1] - api0) / max(1, b_made) * 1000
    pg_ms = (in_burst[-1][2] - pg0) / max(1, b_made) * 1000
    print(
        f"in the opening hour (its first {b_end:.0f} s wall): {b_made:,} bookings made, API "
        f"{api_ms:.2f} ms + PostgreSQL {pg_ms:.2f} ms per booking"
    )
    return api_ms, pg_ms
