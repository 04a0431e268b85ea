"""Seat leases under a fleet: terminals cut off at random, web customers on hot sites.

    .venv/bin/python bench/leases.py [--terminals 20] [--seconds 120] [--capacity 40]
        [--offline-seconds 6] [--blackhole-share 0.2] [--lease-seats-per-terminal 6] [--seed 1]

One reference central (`kiosk-central serve`, its own process, SQLite, demo sites and slots) and
N terminals, each provisioned through the real enrolment (its own journal, cache, token and
signing key) and reaching the central through its own fault proxy on loopback. Every terminal has
three usual sites (two of them among five hot sites all terminals share) and customers arriving
at random; web customers keep booking the hot sites' earliest slots directly at the central, so
those slots fill up while terminals hold leases on them. Each terminal's line is cut at random
times for random lengths: mostly the route is gone (connections refused: the central provably
did not get the request), sometimes it is a black hole (the request leaves and no answer comes:
the central may have booked it, so the terminal must queue rather than spend a seat).

Time is compressed: while online a terminal replays and refreshes its cache and leases every
second (the appliance: every 5 minutes), the breaker's wait before a trial is 1 s (15 s), and a
lease lives `--lease-life-minutes` (24 h). What matters for the share confirmed offline is how
many customers arrive during one cut (`--offline-seconds` over `--arrival-seconds`; the defaults
give 2 on average), against the policy's 6 seats per terminal, 2 per slot.

Customers pick among their terminal's usual sites; offline, the slot screen marks the slots it
can confirm now and a customer takes a marked one when their site has one. A small share of those
confirmed offline also book on the web before the terminal is back (the central keeps the web
booking and refuses the replay as already-booked: "refused at replay", never a second booking).

At the end every line is restored, every terminal replays until empty, the leases run out, and
every terminal refreshes again so the central settles them. Printed: offline bookings confirmed
at the terminal (share), queued (and why), refused at replay; overbooked slots and counters
against a recount of the central's rows; every offline-confirmed reference found at the central
under that reference for that booking; seats held as a share of capacity over time; seats
stranded at the end. Budget (DESIGN §9): over 90 % confirmed at the terminal, zero overbooking,
under 10 % of capacity held.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _bodies import booking_body  # noqa: E402
from _terminal import DEAD_URL, citizen_card  # noqa: E402

from kiosk.booking.model import Occupation  # noqa: E402
from kiosk.cli.demo_env import DemoEnvironment  # noqa: E402
from kiosk.config import load as load_config  # noqa: E402
from kiosk.eligibility import Answers  # noqa: E402
from kiosk.errors import KioskError  # noqa: E402
from sync.breaker import CircuitBreaker  # noqa: E402
from sync.cache import slot_from_json  # noqa: E402
from sync.journal import SqliteJournal  # noqa: E402
from sync.provision import provision  # noqa: E402
from sync.terminal import Terminal  # noqa: E402
from tests.faultproxy import FaultProxy  # noqa: E402

HOT_SITES = 5


class Central:
    """The reference central in its own process, as the demo runs it, with the lease policy
    given, and read-only queries of its database for the figures."""

    def __init__(self, base: Path, args: argparse.Namespace) -> None:
        self.env = DemoEnvironment(base)
        policy = [
            "--lease-life-hours",
            str(args.lease_life_minutes / 60),
            "--lease-seats-per-terminal",
            str(args.lease_seats_per_terminal),
        ]
        self.env.start_central(capacity=args.capacity, extra=policy)
        self.db = self.env.central_db
        self.port = self.env.port
        self.url = self.env.url
        self.cli = self.env.central_cli

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=10)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def close(self) -> None:
        self.env.close()


@dataclass
class Figures:
    lock: threading.Lock = field(default_factory=threading.Lock)
    outcomes: Counter = field(default_factory=Counter)
    #: (terminal index, booking id, reference) of every booking confirmed at a terminal.
    offline_confirmed: list[tuple[int, str, str]] = field(default_factory=list)
    #: booking ids whose citizen also booked on the web while the terminal was offline.
    doubled: set[str] = field(default_factory=set)
    held_share: list[tuple[float, float, float]] = field(default_factory=list)

    timings: dict[str, list[float]] = field(default_factory=dict)

    def add(self, key: str) -> None:
        with self.lock:
            self.outcomes[key] += 1

    def add_time(self, key: str, seconds: float) -> None:
        with self.lock:
            self.timings.setdefault(key, []).append(seconds)


class Fleet:
    def __init__(self, args: argparse.Namespace, base: Path) -> None:
        self.args = args
        self.rng = random.Random(args.seed)
        self.central = Central(base, args)
        self.web_token = self.central.cli("token", "--terminal", "web-bench", "--channel", "web")
        self.figures = Figures()
        self.stop = threading.Event()
        self.terminals: list[Terminal] = []
        self.proxies: list[FaultProxy] = []
        self.usual: list[list[str]] = []
        self.cut = [False] * args.terminals
        self.refreshed = [0.0] * args.terminals
        self._next_citizen = 0
        self._citizen_lock = threading.Lock()
        sites = [r[0] for r in self.central.query("SELECT site_id FROM sites ORDER BY position")]
        self.hot = sites[:HOT_SITES]
        for i in range(args.terminals):
            proxy = FaultProxy(self.central.port)
            home = base / f"terminal-{i:02d}"
            env = {**os.environ, "KIOSK_HOME": str(home / "data")}
            code = self.central.cli("enrolment-code", "--store", f"STORE-{i:02d}")
            config_path = home / "kiosk.toml"
            provision(
                url=proxy.url,
                code=code,
                config_path=config_path,
                store=f"STORE-{i:02d}",
                terminal_id=f"T-{i:02d}",
                printer_uri=f"preview://{home / 'slips'}",
                paper=80,
                env=env,
            )
            # the bench compresses time (refresh every second, not every 5 minutes): the
            # breaker's wait before a trial is compressed with it
            breaker = CircuitBreaker(reset_timeout=args.breaker_reset_seconds)
            t = Terminal(load_config(config_path, env=env), breaker=breaker)
            self.terminals.append(t)
            self.proxies.append(proxy)
            others = [s for s in sites if s not in self.hot]
            self.usual.append(self.rng.sample(self.hot, 2) + self.rng.sample(others, 1))

    # customers -------------------------------------------------------------------------------

    def citizen(self) -> int:
        with self._citizen_lock:
            self._next_citizen += 1
            return self._next_citizen

    def online(self, i: int) -> bool:
        return not self.cut[i]

    def choose(
        self,
        i: int,
        t: Terminal,
        journal: SqliteJournal,
        rng: random.Random,
        site_id: str | None = None,
    ):
        """A site among the usual ones; the earliest open slot from the day after tomorrow on,
        or, offline, a slot the screen marks as confirmable now when the site has one."""
        site_id = site_id or rng.choice(self.usual[i])
        site = t.cache.site(site_id)
        first_day = (t.now().date() + timedelta(days=2)).isoformat()
        if self.online(i):
            try:
                raw = t.client.slots(site_id, t.now().date(), t.now().date() + timedelta(days=13))
                slots = [slot_from_json(s, site_id) for s in raw]
            except KioskError:
                slots = t.cache.slots(site_id)
        else:
            slots = t.cache.slots(site_id)
        marked = {} if self.online(i) else journal.lease_seats(t.now())
        slots = sorted(
            (s for s in slots if s.date >= first_day and (not s.full or marked.get(s.id))),
            key=lambda s: (s.date, s.start),
        )
        if not slots:
            return None
        if not self.online(i):
            confirmable = [s for s in slots if marked.get(s.id, 0) > 0]
            if confirmable:
                return site, confirmable[0]
        return site, slots[0]

    def customer_loop(self, i: int) -> None:
        t = self.terminals[i]
        rng = random.Random(self.args.seed * 1000 + i)
        journal = SqliteJournal(t.config.journal_path)
        service = t.booking_service(journal)
        try:
            while not self.stop.wait(rng.expovariate(1 / self.args.arrival_seconds)):
                offline = not self.online(i)
                choice = self.choose(i, t, journal, rng)
                if choice is None:
                    self.figures.add("no-open-slot")
                    continue
                site, slot = choice
                seats = journal.lease_seats(t.now()) if offline else {}
                n = self.citizen()
                card = citizen_card(n)
                answers = Answers(frozenset(), None)
                try:
                    outcome = service.book(
                        card,
                        answers,
                        t.decide(card, answers),
                        site,
                        slot,
                        "0812345678",
                        Occupation("company-employee"),
                    )
                except KioskError as exc:
                    self.figures.add(f"refused-at-terminal:{getattr(exc, 'code', exc)}")
                    continue
                where = "offline" if offline else "online"
                by = outcome.confirmed_by or "-"
                self.figures.add(f"{where}:{outcome.status}:{by}")
                if offline and outcome.status == "queued":
                    why = self.why_queued(t, seats, site.id, slot.id)
                    if why == "seat-at-site-but-queued":  # the central may have been reached
                        why += f" ({outcome.code})"
                    self.figures.add(f"why-queued:{why}")
                if offline:
                    self.figures.add(f"seats-at-offline-arrival:{sum(seats.values())}")
                if outcome.offline_confirmed:
                    with self.figures.lock:
                        self.figures.offline_confirmed.append(
                            (i, outcome.booking_id, outcome.reference)
                        )
                    if rng.random() < self.args.double_share:
                        self.web_book(card.to_json(), slot.id, outcome.booking_id)
        finally:
            journal.close()

    @staticmethod
    def why_queued(t: Terminal, seats: dict[str, int], site_id: str, slot_id: str) -> str:
        """Why an offline customer could not be confirmed at the terminal."""
        if not any(seats.values()):
            return "terminal-had-no-seat-left"

        def site_of(slot: str) -> str | None:
            found = t.cache.find_slot(slot)
            return found[0].id if found else None

        at_site = [s for s, n in seats.items() if n and site_of(s) == site_id]
        if not at_site:
            return "no-seat-at-the-chosen-site"
        return "seat-at-site-but-queued" if slot_id in at_site else "seat-at-site-other-slot"

    def web_book(self, citizen: dict, slot_id: str, doubled: str | None = None) -> int:
        booking_id = str(uuid.uuid4())
        body = booking_body(booking_id, "web", slot_id, citizen)
        r = requests.post(
            f"{self.central.url}/v1/bookings",
            json=body,
            headers={"Authorization": f"Bearer {self.web_token}", "Idempotency-Key": booking_id},
            timeout=10,
        )
        if r.status_code == 201 and doubled:
            with self.figures.lock:
                self.figures.doubled.add(doubled)
        return r.status_code

    def web_loop(self) -> None:
        """Web customers on the hot sites' earliest open slots: the contention leases face."""
        rng = random.Random(self.args.seed + 7)
        t = self.terminals[0]
        while not self.stop.wait(rng.expovariate(self.args.web_rate)):
            site_id = rng.choice(self.hot)
            day = (t.now().date() + timedelta(days=2)).isoformat()
            rows = self.central.query(
                "SELECT slot_id FROM slots WHERE site_id = ? AND date >= ? AND "
                "booked + held < capacity ORDER BY date, start LIMIT 3",
                (site_id, day),
            )
            if not rows:
                continue
            card = citizen_card(self.citizen()).to_json()
            status = self.web_book(card, rng.choice(rows)[0])
            self.figures.add(f"web:{status}")

    # the lines and the sync ------------------------------------------------------------------

    def line_loop(self, i: int) -> None:
        """Cut this terminal's line at random times: mostly the route is gone (connections are
        refused: the central was provably not reached), sometimes it is a black hole (the
        request goes out and no answer comes: the central may have booked it)."""
        rng = random.Random(self.args.seed * 31 + i)
        t = self.terminals[i]
        url = t.client.base_url
        while not self.stop.is_set():
            if self.stop.wait(rng.expovariate(1 / self.args.online_seconds)):
                break
            if rng.random() < self.args.blackhole_share:
                self.proxies[i].set("blackhole")
                self.figures.add("line-cut:blackhole")
            else:
                t.client.base_url = DEAD_URL
                self.proxies[i].set("refuse")  # a connection already open dies as well
                self.figures.add("line-cut:route-closed")
            self.cut[i] = True
            if self.stop.wait(rng.expovariate(1 / self.args.offline_seconds)):
                break
            t.client.base_url = url
            self.proxies[i].set("pass")
            self.cut[i] = False

    def sync_once(self, i: int, journal: SqliteJournal) -> None:
        t = self.terminals[i]
        worker = self._workers[i]
        try:
            worker.run_once(journal)
            if not t.client.is_open():
                started = time.monotonic()
                t.cache.refresh(t.client)  # the offline cache, the seat leases with it
                self.refreshed[i] = time.monotonic()
                self.figures.add_time("refresh", self.refreshed[i] - started)
                held = sum(journal.lease_seats(t.now()).values())
                self.figures.add(f"seats-after-refresh:{held}")
        except KioskError:
            pass

    def settle(self, i: int, tries: int = 5) -> bool:
        """Replay and refresh until the central has heard from this terminal (a connection
        left over from a black hole can fail the first try)."""
        t = self.terminals[i]
        journal = SqliteJournal(t.config.journal_path)
        try:
            for _ in range(tries):
                t.client.breaker.expire()
                try:
                    self._workers[i].run_once(journal)
                    t.cache.refresh_leases(t.client, journal)
                    return True
                except KioskError:
                    time.sleep(1)
            return False
        finally:
            journal.close()

    def sync_loop(self, i: int) -> None:
        journal = SqliteJournal(self.terminals[i].config.journal_path)
        try:
            while not self.stop.wait(self.args.refresh_seconds):
                if self.online(i):
                    self.sync_once(i, journal)
        finally:
            journal.close()

    def sample_loop(self) -> None:
        start = time.monotonic()
        while not self.stop.wait(1.0):
            self.figures.held_share.append((time.monotonic() - start, *self.held()))

    def held(self) -> tuple[float, float]:
        """Seats held over the capacity of the slots that can be leased now (slots from 12 h
        on), and the highest share in any one slot."""
        now = datetime.now().astimezone()
        cut = now + timedelta(hours=12)
        rows = self.central.query(
            "SELECT capacity, held FROM slots WHERE date || 'T' || start >= ?",
            (cut.strftime("%Y-%m-%dT%H:%M"),),
        )
        capacity = sum(r[0] for r in rows) or 1
        worst = max((r[1] / r[0] for r in rows if r[0]), default=0.0)
        return sum(r[1] for r in rows) / capacity, worst

    # the run ---------------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Each terminal books a few customers online, so the central knows where its customers
        go, then refreshes: the first leases."""
        self._workers = [t.replay_worker() for t in self.terminals]
        for i, t in enumerate(self.terminals):
            journal = SqliteJournal(t.config.journal_path)
            service = t.booking_service(journal)
            for n in range(self.args.warm_up):
                site_id = self.usual[i][n % len(self.usual[i])]
                choice = self.choose(i, t, journal, random.Random(site_id), site_id)
                if choice is None:
                    continue
                card = citizen_card(self.citizen())
                answers = Answers(frozenset(), None)
                service.book(
                    card,
                    answers,
                    t.decide(card, answers),
                    *choice,
                    "0812345678",
                    Occupation("company-employee"),
                )
            self.sync_once(i, journal)
            if self.args.verbose:
                held = [(e.site_id, e.date, e.start, e.seats_left) for e in journal.leases()]
                print(f"T-{i:02d} usual {self.usual[i]} leases {held}", file=sys.stderr)
            journal.close()

    def run(self) -> dict:
        started = time.monotonic()
        self.warm_up()
        threads = [threading.Thread(target=self.sample_loop, daemon=True)]
        for i in range(len(self.terminals)):
            threads += [
                threading.Thread(target=self.customer_loop, args=(i,), daemon=True),
                threading.Thread(target=self.line_loop, args=(i,), daemon=True),
                threading.Thread(target=self.sync_loop, args=(i,), daemon=True),
            ]
        threads.append(threading.Thread(target=self.web_loop, daemon=True))
        for th in threads:
            th.start()
        time.sleep(self.args.seconds)
        self.stop.set()
        for th in threads:
            th.join(30)
        return self.finish(time.monotonic() - started)

    def finish(self, elapsed: float) -> dict:
        for i, proxy in enumerate(self.proxies):
            proxy.set("pass")
            self.terminals[i].client.base_url = proxy.url
            self.cut[i] = False
        pending = 0
        for i, t in enumerate(self.terminals):
            t.client.breaker.expire()  # the line is back: try at once, not after the wait
            journal = SqliteJournal(t.config.journal_path)
            self._workers[i].run_until_empty(journal, timeout=60)
            self.sync_once(i, journal)
            pending += sum(journal.counts().get(s, 0) for s in ("queued", "sending"))
            pending += journal.counts().get("confirmed-offline", 0)
            journal.close()
        held_after_replay = self.central.query("SELECT COALESCE(SUM(held), 0) FROM slots")[0][0]
        # let every lease granted so far run out, then every terminal refreshes once more: the
        # central must settle them all (it grants new ones, which are live, not stranded)
        time.sleep(self.args.lease_life_minutes * 60 + 2)
        unsettled = [i for i in range(len(self.terminals)) if not self.settle(i)]
        now = datetime.now().astimezone()
        rows = self.central.query(
            "SELECT l.use_until, s.state FROM lease_seats s JOIN leases l USING (lease_id) "
            "WHERE s.state IN ('held', 'spent')"
        )
        stranded = sum(1 for until, _ in rows if datetime.fromisoformat(until) <= now)
        spent_unbooked = sum(1 for _, state in rows if state == "spent")
        live = len(rows) - stranded
        held_now = self.central.query("SELECT COALESCE(SUM(held), 0) FROM slots")[0][0]
        return self.report(
            elapsed, pending, held_after_replay, stranded, spent_unbooked, live, held_now, unsettled
        )

    def report(
        self,
        elapsed: float,
        pending: int,
        held_after: int,
        stranded: int,
        spent_unbooked: int,
        live: int,
        held_now: int,
        unsettled: list[int],
    ) -> dict:
        f = self.figures
        o = f.outcomes
        confirmed_offline = o["offline:confirmed:terminal"]
        queued_offline = o["offline:queued:-"]
        offline_total = confirmed_offline + queued_offline + o["offline:confirmed:central"]
        # every journal's final states, for "refused at replay"
        finals: Counter = Counter()
        lease_refusals: Counter = Counter()
        for t in self.terminals:
            journal = SqliteJournal(t.config.journal_path)
            for e in journal.entries(limit=100_000):
                finals[e.state] += 1
                if e.lease_id and e.state in ("conflict", "rejected"):
                    lease_refusals[e.outcome_code or "?"] += 1
            journal.close()
        overbooked = self.central.query(
            "SELECT COUNT(*) FROM slots s WHERE s.capacity < (SELECT COUNT(*) FROM bookings b "
            "WHERE b.slot_id = s.slot_id AND b.status != 'cancelled')"
        )[0][0]
        counter_mismatch = self.central.query(
            "SELECT COUNT(*) FROM slots s WHERE s.booked != (SELECT COUNT(*) FROM bookings b "
            "WHERE b.slot_id = s.slot_id AND b.status != 'cancelled')"
        )[0][0]
        over_held = self.central.query("SELECT COUNT(*) FROM slots WHERE booked + held > capacity")[
            0
        ][0]
        refs = {
            r[0]: r[1] for r in self.central.query("SELECT reference, booking_id FROM bookings")
        }
        honoured = sum(
            1
            for _, bid, ref in f.offline_confirmed
            if refs.get(ref) == bid and bid not in f.doubled
        )
        expected = sum(1 for _, bid, _ in f.offline_confirmed if bid not in f.doubled)
        shares = [s for _, s, _ in f.held_share]
        worst_slot = max((w for _, _, w in f.held_share), default=0.0)
        return {
            "terminals": len(self.terminals),
            "seconds": round(elapsed, 1),
            "line_cuts": {k[9:]: v for k, v in o.items() if k.startswith("line-cut:")},
            "bookings_online": {k: v for k, v in o.items() if k.startswith("online:")},
            "bookings_web": {k: v for k, v in o.items() if k.startswith("web:")},
            "offline_bookings": offline_total,
            "offline_confirmed_at_terminal": confirmed_offline,
            "offline_confirmed_share": round(confirmed_offline / offline_total, 4)
            if offline_total
            else None,
            "offline_queued": queued_offline,
            "refused_at_terminal": {k: v for k, v in o.items() if k.startswith("refused")},
            "no_open_slot": o["no-open-slot"],
            "why_offline_queued": {k[11:]: v for k, v in o.items() if k.startswith("why-queued:")},
            "terminal_seats_when_an_offline_customer_arrived": dict(
                sorted(
                    (int(k.split(":")[1]), v)
                    for k, v in o.items()
                    if k.startswith("seats-at-offline-arrival:")
                )
            ),
            "terminal_seats_after_a_refresh": dict(
                sorted(
                    (int(k.split(":")[1]), v)
                    for k, v in o.items()
                    if k.startswith("seats-after-refresh:")
                )
            ),
            "seconds_per_cache_refresh_median": round(
                statistics.median(f.timings.get("refresh", [0])), 2
            ),
            "doubled_on_web_while_offline": len(f.doubled),
            "refused_at_replay": dict(lease_refusals),
            "offline_confirmed_honoured": f"{honoured}/{expected}",
            "journal_final_states": dict(finals),
            "still_pending_after_replay": pending,
            "overbooked_slots": overbooked,
            "slots_booked_plus_held_over_capacity": over_held,
            "slot_counters_not_matching_rows": counter_mismatch,
            "held_share_of_leasable_capacity": {
                "mean": round(statistics.mean(shares), 5) if shares else None,
                "max": round(max(shares), 5) if shares else None,
                "worst_single_slot": round(worst_slot, 4),
                "series_every_10s": [round(s, 5) for s in shares[::10]],
            },
            "seats_held_after_final_replay": held_after,
            "after_leases_ran_out_and_a_refresh": {
                "seats_stranded_in_expired_leases": stranded,
                "seats_spent_not_booked": spent_unbooked,
                "seats_in_live_leases_granted_since": live,
                "slots_held_counter_total": held_now,
                "terminals_that_could_not_refresh": unsettled,
            },
        }

    def close(self) -> None:
        for t in self.terminals:
            t.close()
        for p in self.proxies:
            p.close()
        self.central.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--terminals", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--capacity", type=int, default=40, help="seats per demo slot")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--arrival-seconds", type=float, default=3.0, help="mean, per terminal")
    parser.add_argument("--online-seconds", type=float, default=24.0, help="mean line uptime")
    parser.add_argument("--offline-seconds", type=float, default=6.0, help="mean line cut")
    parser.add_argument("--blackhole-share", type=float, default=0.2, help="of the line cuts")
    parser.add_argument("--refresh-seconds", type=float, default=1.0)
    parser.add_argument("--breaker-reset-seconds", type=float, default=1.0)
    parser.add_argument("--web-rate", type=float, default=20.0, help="web bookings per second")
    parser.add_argument("--double-share", type=float, default=0.02)
    parser.add_argument("--warm-up", type=int, default=3, help="online bookings per terminal")
    parser.add_argument("--lease-life-minutes", type=float, default=3.0)
    parser.add_argument(
        "--lease-seats-per-terminal", type=int, default=6, help="the central's policy (DESIGN §11)"
    )
    parser.add_argument("--verbose", action="store_true", help="each terminal's first leases")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-leases-") as tmp:
        fleet = Fleet(args, Path(tmp))
        try:
            result = fleet.run()
        finally:
            fleet.close()
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
