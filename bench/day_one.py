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

from _day_bodies import Bodies
from _day_central import CentralProcess, CpuMeter, PrivateCluster, Sampler, Sms, cli
from _day_checks import consistency, hottest_slots
from _day_curve import Scale, arrivals, channel_mix, link_cuts, pick_channel, real_rate_bookings
from _day_fleet import Fleet, Terminal, web_user
from _day_summary import print_setup, report, sms_counts


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
    try:
        central.start()
    except SystemExit as exc:  # said in the report, not lost in a thread
        log["restart_failed"] = fleet.rec.now()
        print(f"day_one: the central did not come back: {exc}", file=sys.stderr)
        return
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


def run(args: argparse.Namespace) -> int:
    """Set up, play the day, check and print; always stop what was started."""
    scale = Scale(args.day_seconds, args.bookings)
    with tempfile.TemporaryDirectory(prefix="day-one-") as tmp_name:
        tmp = Path(tmp_name)
        os.chmod(tmp, 0o755)  # the cluster's owner (postgres) must reach its directory
        cluster = PrivateCluster(tmp)
        started: list = []
        try:
            fleet, central, sms = set_up(args, scale, tmp, cluster, started)
            return play(args, scale, fleet, central, sms, cluster)
        finally:
            for thing in reversed(started):
                thing.stop()
            if args.keep:
                keep = Path(args.keep)
                keep.mkdir(parents=True, exist_ok=True)
                for log_file in (tmp / "central.log", cluster.dir / "server.log"):
                    if log_file.exists():
                        shutil.copy(log_file, keep / f"day-one-{log_file.name}")
            cluster.stop()


def set_up(args, scale: Scale, tmp: Path, cluster: PrivateCluster, started: list):
    """Schema, tokens, the SMS fake (if any), the central, and the simulated clients."""
    cli("migrate", "--db", cluster.url)
    tokens = issue_tokens(cluster.url, args.terminals)
    channel_tokens = {
        ch: cli("token", "--db", cluster.url, "--terminal", f"{ch}-frontend", "--channel", ch)
        for ch in ("web", "app")
    }
    # seats for 1.25 x the bookings over the 13 bookable days of 25 sites x 7 hourly slots
    capacity = args.capacity or max(2, round(1.25 * args.bookings / (25 * 7 * 13)))
    sms = Sms(tmp)
    started.append(sms)
    serve = ["--workers", str(args.workers), "--demo", "--always-open"]
    serve += ["--capacity", str(capacity), "--max-in-flight", str(args.max_in_flight)]
    central = CentralProcess(tmp, cluster.url, [*serve, *sms.flags])
    started.append(central)
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
    print_setup(args, scale, capacity, len(slots), os.cpu_count() or 1)
    return fleet, central, sms


def play(args, scale: Scale, fleet: Fleet, central, sms: Sms, cluster: PrivateCluster) -> int:
    loop = asyncio.new_event_loop()
    loop.run_until_complete(warm_up(fleet, args.bookings + 1_000_000))
    time.sleep(1.1)  # the central stamps whole seconds: keep the warm-up out of the day
    fleet.rec.t0, fleet.t0_epoch = time.monotonic(), time.time()
    sampler = Sampler(
        CpuMeter(central, cluster.postmaster_pid()), fleet.rec.interval / 2, fleet.rec.t0
    )
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
    loop.close()
    checks = consistency(cluster.url, fleet.rec.created)
    hot = hottest_slots(cluster.url)
    sms_report = sms_counts(sms, cluster.url)
    client_cpu = (client1.user + client1.system) - (client0.user + client0.system)
    cores = os.cpu_count() or 1
    ok = report(args, scale, fleet, sampler.samples, log, checks, hot, cores, client_cpu)
    print(*sms_report, sep="\n")
    return 0 if ok else 1


def main() -> int:
    return run(parse())


if __name__ == "__main__":
    sys.exit(main())
