"""The programme's first day, scaled: store terminals, web and app users against PostgreSQL and
`kiosk-central serve --workers 2`, with an opening burst, terminals cut off and a central outage.

    .venv/bin/python bench/day_one.py [--quick] [--day-seconds 600] [--bookings N]
        [--terminals 2000] [--kiosk-share 0.2] [--offline-share 0.05] [--outage-at 5]
        [--workers 2] [--max-in-flight 256]

Scale: the real day is 10 hours (12:00-22:00, 27 May 2021) and 1,248,235 bookings; the bench
plays it in `--day-seconds` of wall time (600 s: 60 real seconds per wall second) and, unless
told otherwise, with the booking count at which its arrival rate *equals* the real day's
(20,804 for 600 s): what one machine can tell is whether the real burst's rate can be served.
The arrival curve and its sources are in bench/_day_curve.py; the clients in bench/_day_fleet.py;
the server side (a private PostgreSQL cluster, the outage: SIGKILL to the central's processes,
restarted on the same port 10 day-minutes later) in bench/_day_central.py.

Printed: per stretch of the day, bookings/s, requests/s, the share refused with 429/503, p99
latency, requests in flight, bookings queued at terminals, the CPU of the central's processes
and PostgreSQL; p99 over the day; how long the terminals' queues took to drain after the outage
and whether the replay wave stayed inside the central's admission limit; the database recount
(overbooked slots, citizens with two active bookings, every 201 held); SMS per event; and the
real day's sizing from CPU per booking. Exit 1 when an invariant failed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _day_bodies import Bodies  # noqa: E402
from _day_central import CentralProcess, CpuMeter, PrivateCluster, Sms, cli  # noqa: E402
from _day_checks import consistency, hottest_slots, sms_agree, sms_by_event  # noqa: E402
from _day_curve import (  # noqa: E402
    Scale,
    arrivals,
    channel_mix,
    link_cuts,
    pick_channel,
    real_rate_bookings,
)
from _day_fleet import REFUSED, Fleet, Terminal, web_user  # noqa: E402
from _day_report import Bucket, extrapolation, pct, rows, table  # noqa: E402


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--quick", action="store_true", help="a 60 s day, 300 terminals, 1/4 of the rate (develop)"
    )
    p.add_argument("--day-seconds", type=float, help="wall seconds for the 10-hour day (600)")
    p.add_argument("--bookings", type=int, help="bookings offered (default: the real rate)")
    p.add_argument("--terminals", type=int, help="simulated store terminals (2000)")
    p.add_argument("--kiosk-share", type=float, default=0.2, help="share booked at stores")
    p.add_argument("--offline-share", type=float, default=0.05, help="terminals cut at a time")
    p.add_argument("--cut-minutes", type=float, default=30, help="mean line cut, day minutes")
    p.add_argument(
        "--duplicate-share",
        type=float,
        default=0.02,
        help="store customers who also book on the web (the central must keep one)",
    )
    p.add_argument("--outage-at", type=float, default=5.0, help="outage start, day hours")
    p.add_argument("--outage-minutes", type=float, default=10.0, help="outage, day minutes")
    p.add_argument("--workers", type=int, default=2, help="kiosk-central serve --workers")
    p.add_argument("--max-in-flight", type=int, default=256, help="serve --max-in-flight")
    p.add_argument("--capacity", type=int, help="seats per slot (default: 1.25 x bookings)")
    p.add_argument("--drain-seconds", type=float, default=120, help="wait for queues at the end")
    p.add_argument("--interval-minutes", type=float, default=10, help="table row, day minutes")
    p.add_argument("--seed", type=int, default=1, help="random seed")
    p.add_argument("--keep", help="keep the central's log and the database's log in this dir")
    args = p.parse_args(argv)
    args.day_seconds = args.day_seconds or (60.0 if args.quick else 600.0)
    args.terminals = args.terminals or (300 if args.quick else 2000)
    # --quick: a quarter of the real rate, so it runs on a machine others are using too
    args.bookings = args.bookings or real_rate_bookings(args.day_seconds) // (
        4 if args.quick else 1
    )
    return args


def bookable_slots(url: str) -> list[tuple[str, int, int]]:
    from central.store import open_store

    store = open_store(url)
    try:
        tomorrow = (datetime.now(UTC) + timedelta(hours=7)).date() + timedelta(days=1)
        return [
            (s.slot_id, site.position, (datetime.fromisoformat(s.date).date() - tomorrow).days)
            for site in store.sites()
            for s in store.slots(site.site_id, tomorrow, tomorrow + timedelta(days=30))
        ]
    finally:
        store.close()


def issue_tokens(url: str, n: int) -> list[str]:
    """Terminal tokens through the store call `kiosk-central token` makes (2,000 processes of
    the command would take minutes); web and app tokens through the command itself."""
    from central.store import open_store

    store = open_store(url)
    now = datetime.now(UTC)
    try:
        return [store.issue_token(f"T-{i:05d}", f"S-{i:05d}", "kiosk", now) for i in range(n)]
    finally:
        store.close()


def sealing_key(port: int, token: str) -> str:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/v1/config", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as r:
        return json.loads(r.read())["keys"]["journal_sealing"]["public"]


class Sampler(threading.Thread):
    """CPU of the server processes and of the whole machine, every `every` wall seconds."""

    def __init__(self, meter: CpuMeter, every: float, t0: float) -> None:
        super().__init__(daemon=True)
        self.meter, self.every, self.t0 = meter, every, t0
        self.samples: list[tuple[float, float, float, float]] = []  # t, api, pg, machine busy
        self.halt = threading.Event()
        self.lock = threading.Lock()

    def take(self) -> None:
        with self.lock:
            api, pg = self.meter.sample()
            self.samples.append((time.monotonic() - self.t0, api, pg, machine_busy()))

    def run(self) -> None:
        while not self.halt.wait(self.every):
            self.take()


def machine_busy() -> float:
    """CPU seconds all cores have been busy since boot (user, nice, system, irq, softirq)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    return sum(int(fields[i]) for i in (0, 1, 2, 5, 6)) / os.sysconf("SC_CLK_TCK")


def outage(args, scale, central: CentralProcess, sampler: Sampler, fleet: Fleet, loop, log):
    """Kill the central's processes at `--outage-at`, start them again 10 day-minutes later."""
    kill_at = scale.wall(args.outage_at * 60)
    back_at = kill_at + scale.wall(args.outage_minutes)
    if args.outage_minutes <= 0 or kill_at >= args.day_seconds:
        return  # no outage asked for inside the day
    time.sleep(max(0.0, kill_at - fleet.rec.now()))
    sampler.take()
    central.kill()
    log["killed"] = fleet.rec.now()
    time.sleep(max(0.0, back_at - fleet.rec.now()))
    central.start()
    log["back"] = fleet.rec.now()
    loop.call_soon_threadsafe(fleet.mark_backlog)


async def drive(args, scale: Scale, fleet: Fleet, mix: dict[str, float]) -> None:
    rng = random.Random(args.seed)
    fleet.spawn(fleet.sample_queues(), background=True)
    for t in fleet.terminals:
        fleet.spawn(t.replay(), background=True)
    times = arrivals(args.bookings, rng)
    k = scale.compression
    for person, hour in enumerate(times):
        delay = hour * 3600 / k - fleet.rec.now()
        if delay > 0:
            await asyncio.sleep(delay)
        channel = pick_channel(mix, rng.random())
        if channel == "kiosk":
            term = fleet.terminals[rng.randrange(len(fleet.terminals))]
            dup = scale.wall(rng.uniform(0, 60)) if rng.random() < args.duplicate_share else None
            fleet.spawn(term.customer(person, dup))
        else:
            fleet.spawn(web_user(fleet, person, channel))
    await asyncio.sleep(max(0.0, args.day_seconds - fleet.rec.now()))
    fleet.rec.outcomes["_day ended at wall s"] = round(fleet.rec.now())
    fleet.lines_restored = True  # the evening: every line is back, every queue replays
    for t in fleet.terminals:
        t.wake.set()
    end = time.monotonic() + args.drain_seconds
    while time.monotonic() < end:
        if (
            len(fleet.tasks) == len(fleet.background)
            and fleet.queued() == 0
            and not any(t.sending for t in fleet.terminals)
        ):
            break
        await asyncio.sleep(0.2)
    fleet.stopping = True
    for t in fleet.terminals:
        t.wake.set()
    for task in list(fleet.tasks):
        task.cancel()
    await asyncio.gather(*fleet.tasks, return_exceptions=True)


async def warm_up(fleet: Fleet, first_person: int, n: int = 40) -> None:
    """A few web bookings before the day, so the workers' first-request costs (imports, caches,
    pool connections) are not charged to the opening burst. Their requests are not counted;
    their bookings are (they must be in the database like any other)."""
    await asyncio.gather(*(web_user(fleet, first_person + i, "web") for i in range(n)))
    fleet.rec.requests.clear()
    fleet.rec.outcomes.clear()
    fleet.rec.peak_in_flight.clear()
    fleet.rec.created = {k: (-1.0, *v[1:]) for k, v in fleet.rec.created.items()}


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
        if r.status:
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
        b.queued_at_end = fleet.queue_samples.get(i, 0)
    for (_t0, a0, p0, m0), (t1, a1, p1, m1) in zip(samples, samples[1:], strict=False):
        b = out[min(len(out) - 1, int(t1 // width))]
        b.server_cpu += (a1 - a0) + (p1 - p0)
        b.machine_busy += m1 - m0
    out[-1].end = max(out[-1].start + 1e-3, samples[-1][0])  # the last stretch is partial
    return out


def run(args: argparse.Namespace) -> int:
    scale = Scale(args.day_seconds, args.bookings)
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="day-one-") as tmp_name:
        tmp = Path(tmp_name)
        os.chmod(tmp, 0o755)  # the cluster's owner (postgres) must reach its directory
        cluster = PrivateCluster(tmp)
        central = sms = None
        try:
            cli("migrate", "--db", cluster.url)
            tokens = issue_tokens(cluster.url, args.terminals)
            channel_tokens = {
                ch: cli(
                    "token", "--db", cluster.url, "--terminal", f"{ch}-frontend", "--channel", ch
                )
                for ch in ("web", "app")
            }
            slots_per_day = 25 * 7
            capacity = args.capacity or max(2, round(1.25 * args.bookings / (slots_per_day * 13)))
            sms = Sms(tmp)
            central = CentralProcess(
                tmp,
                cluster.url,
                [
                    "--workers",
                    str(args.workers),
                    "--demo",
                    "--always-open",
                    "--capacity",
                    str(capacity),
                    "--max-in-flight",
                    str(args.max_in_flight),
                    *sms.flags,
                ],
            )
            central.start()
            slots = bookable_slots(cluster.url)
            bodies = Bodies(slots, args.seed, sealing_key(central.port, tokens[0]))
            fleet = Fleet(central.port, scale, bodies, args.seed, scale.wall(args.interval_minutes))
            fleet.channel_tokens = channel_tokens
            rng = random.Random(args.seed + 1)
            fleet.terminals = [
                Terminal(fleet, i, tok, link_cuts(args.offline_share, args.cut_minutes / 60, rng))
                for i, tok in enumerate(tokens)
            ]
            print_setup(args, scale, capacity, len(slots), cores)
            loop = asyncio.new_event_loop()
            loop.run_until_complete(warm_up(fleet, args.bookings + 1_000_000))
            time.sleep(1.1)  # the central stamps whole seconds: keep the warm-up out of the day
            fleet.rec.t0, fleet.t0_epoch = time.monotonic(), time.time()
            meter = CpuMeter(central, cluster.postmaster_pid())
            sampler = Sampler(meter, fleet.rec.interval / 2, fleet.rec.t0)
            sampler.take()
            sampler.start()
            log: dict[str, float] = {}
            cut = threading.Thread(
                target=outage, args=(args, scale, central, sampler, fleet, loop, log), daemon=True
            )
            client0 = os.times()
            cut.start()
            loop.run_until_complete(drive(args, scale, fleet, channel_mix(args.kiosk_share)))
            client1 = os.times()
            sampler.halt.set()
            sampler.join()
            sampler.take()
            cut.join(timeout=120)
            checks = consistency(cluster.url, fleet.rec.created)
            hot = hottest_slots(cluster.url)
            sms_report = sms_counts(sms, cluster.url)
            ok = report(
                args,
                scale,
                fleet,
                sampler.samples,
                log,
                checks,
                hot,
                cores,
                (client1.user + client1.system) - (client0.user + client0.system),
            )
            print(*sms_report, sep="\n")
            return 0 if ok else 1
        finally:
            if central is not None:
                central.stop()
            if sms is not None:
                sms.stop()
            if args.keep:
                keep = Path(args.keep)
                keep.mkdir(parents=True, exist_ok=True)
                for log_file in (tmp / "central.log", cluster.dir / "server.log"):
                    if log_file.exists():
                        shutil.copy(log_file, keep / f"day-one-{log_file.name}")
            cluster.stop()


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
        f"{args.outage_at:g} for {args.outage_minutes:g} day-min ({scale.wall(args.outage_minutes):.1f} s)"
    )


def report(args, scale, fleet: Fleet, samples, log, checks, hot, cores, client_cpu) -> bool:
    rec = fleet.rec
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
    answered = [r for r in rec.requests if r.status]
    statuses: dict[int, int] = {}
    for r in rec.requests:
        statuses[r.status] = statuses.get(r.status, 0) + 1
    refused = sum(1 for r in answered if r.status in REFUSED)
    print()
    print(
        f"requests {len(rec.requests):,} by status {dict(sorted(statuses.items()))} (0: no answer)"
    )
    print(
        f"latency of answered requests: p50 {pct([r.latency for r in answered], 0.5) * 1000:.0f} ms"
        f"  p99 {pct([r.latency for r in answered], 0.99) * 1000:.0f} ms; refused with 429/503: "
        f"{refused:,} = {refused / max(1, len(answered)):.1%} of answers"
    )
    for kind in ("online", "replay", "web"):
        lat = [r.latency for r in answered if r.kind == kind]
        print(f"  {kind:7s}: {len(lat):6,} answers, p99 {pct(lat, 0.99) * 1000:.0f} ms")
    print("outcomes:", ", ".join(f"{k} {v:,}" for k, v in sorted(rec.outcomes.items())))

    print()
    killed, back = log.get("killed"), log.get("back")
    admits = args.workers * args.max_in_flight
    if killed is None or back is None:
        print("outage: did not happen (the day ended first)")
    else:
        print(
            f"outage: central killed at {killed:.1f} s, serving again at {back:.1f} s: "
            f"{back - killed:.1f} s = {scale.day_minutes(back - killed):.1f} day-min unreachable"
        )
        drained = fleet.backlog_drained_at
        print(
            f"queues at the outage's end: {fleet.backlog_size:,} bookings at terminals on line "
            f"(+{fleet.behind_cut_lines:,} behind cut lines, sent when their line is back); "
            + (
                f"drained in {drained - back:.1f} s = {scale.day_minutes(drained - back):.1f} "
                "day-min"
                if drained is not None
                else "NOT drained by the end"
            )
        )
        wave = [b for b in fine if back - width <= b.start <= (drained or back) + width]
        peak = max((b.peak_in_flight for b in wave), default=0)
        w_req = sum(b.requests for b in wave)
        w_ref = sum(b.refused for b in wave)
        span = sum(b.end - b.start for b in wave) or 1
        print(
            f"replay wave: at most {peak} requests in flight (the central admits {admits}: "
            f"{args.workers} workers x {args.max_in_flight}); {w_ref:,} of {w_req:,} refused "
            f"({w_ref / max(1, w_req):.1%}); server CPU "
            f"{sum(b.server_cpu for b in wave) / span / cores:.0%} of {cores} cores, machine "
            f"{sum(b.machine_busy for b in wave) / span / cores:.0%} -> "
            + ("within what the central admits" if peak <= admits else "PAST the admission limit")
        )

    print()
    failures = checks.failures()
    r = checks.report
    print(
        f"database recount: active bookings {r['active_bookings']:,}, overbooked slots "
        f"{r['overbooked_slots']}, citizens with two active {r['citizens_with_two_active']}, "
        f"counter mismatches {r['counter_mismatches']}, answered 201 but not held "
        f"{len(checks.lost)} of {len(rec.created):,} -> {'OK' if not failures else 'FAILED'}"
    )
    if checks.lost:
        print("  answered 201/200, no row at the central:", ", ".join(checks.lost[:10]))
    if checks.cancelled:
        print(f"  answered 201/200 and cancelled since: {len(checks.cancelled)}")
    print("hottest slots (booked/capacity):", ", ".join(f"{s} {n}/{c}" for s, n, c in hot))

    print()
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
    burst_end = scale.wall(60)
    in_burst = [s for s in samples if s[0] <= burst_end + 1e-9]
    b_end = in_burst[-1][0]
    b_made = sum(1 for t in checks.made_at if -1 <= t - fleet.t0_epoch <= b_end)
    api_ms = (in_burst[-1][1] - api0) / max(1, b_made) * 1000
    pg_ms = (in_burst[-1][2] - pg0) / max(1, b_made) * 1000
    print(
        f"in the opening hour ({b_end:.0f} s wall): {b_made:,} bookings made, API "
        f"{api_ms:.2f} ms + PostgreSQL {pg_ms:.2f} ms per booking"
    )
    print()
    print(*extrapolation(api_ms, pg_ms, args.kiosk_share, args.outage_minutes, cores), sep="\n")
    print()
    return not failures


def main() -> int:
    return run(parse())


if __name__ == "__main__":
    sys.exit(main())
