"""Power loss: the power is cut at random moments; nothing that was acknowledged is lost.

    .venv/bin/python bench/power_loss.py [--trials 40] [--seconds S] [--seed 1] [--json]

Method (bench/powercut.c, bench/_powercut.py): every process that writes the journal or the
central's SQLite file runs under an LD_PRELOAD shim that keeps, beside each watched file, the
image a power cut would leave: the bytes that were fsync'ed, and none written after the last
fsync. A cut is a SIGKILL at a random moment (or after the process finished: the kernel had
not written its unsynced pages either), then the files are replaced by that image and the
-shm deleted, as a reboot would find them. This is SQLite's own model of a crash (its
crash tests drop everything written after the last sync), at the system-call boundary, so it
holds for the SQLite the kiosk really links, with its real pragmas.

Two kinds of trial, alternating:

- journal: a real `kiosk book` (against the central, or with the central down so that the
  booking is queued or confirmed from a seat lease) under the shim, the terminal's power cut.
  Acknowledged = printed as confirmed or queued. After the cut the journal must pass
  `PRAGMA integrity_check` and hold every booking ever acknowledged, in a state no older than
  the one printed (confirmed stays confirmed).
- central: `kiosk-central serve` (SQLite, `synchronous=FULL`) runs under the shim all along;
  bookings are POSTed to it, and its power is cut in the middle. Acknowledged = a 200/201
  answer (and every booking a terminal printed as confirmed by the central). After the cut
  and a restart its file must pass the integrity check and hold every acknowledged booking
  under the same reference, and its seat counts must equal its bookings.

Prints trials, acknowledged, lost (must be 0), integrity failures; exit 1 if any is lost.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import requests
from _bodies import booking_body
from _powercut import Watched, build
from _soak_state import integrity
from _soak_world import STORE, CentralProcess, World, make_citizen

#: a journal state no older than what the customer was told
KEPT = {
    "queued": {"queued", "sending", "confirmed-offline", "confirmed", "rejected", "conflict"},
    "confirmed-terminal": {"confirmed-offline", "confirmed", "conflict"},
    "confirmed-central": {"confirmed"},
}


def _ro(path: Path) -> str:
    """Read-only, so the check does not recover the WAL itself: the next kiosk or central
    process, under the shim, finds the files as the cut left them and recovers them."""
    return f"file:{path}?mode=ro"


class PowerLoss:
    def __init__(self, base: Path, seed: int, synchronous: str = "FULL") -> None:
        self.rnd = random.Random(seed)
        self.seed = seed
        shim = build(base)
        self.central = CentralProcess(base, capacity=2000)
        self.synchronous = synchronous
        self.world = World(base, self.central)
        self.journal = Watched(self.world.journal, shim, base / "shadow-journal")
        self.cdb = Watched(self.central.db, shim, base / "shadow-central")
        self.central.cli_env = self.cdb.env({})
        self.world.extra_env = {
            k: v for k, v in self.journal.env({}).items() if k.startswith(("LD_", "POWERCUT"))
        }
        self.acked_journal: dict[str, str] = {}  # booking id -> what was printed
        self.acked_central: dict[str, str] = {}  # booking id -> reference answered
        self.figures: Counter[str] = Counter()
        self.lost: list[str] = []
        self.integrity_failures: list[str] = []
        self.n = 0
        self.down_for = 0
        self.armed = False  # not during the set-up

    def setup(self) -> None:
        self.start_central()
        self.world.provision()
        self.slots = self.world.slots()
        self.world.finish(self.world.sync_process(None, 60), "sync", None, time.monotonic())
        self.token = self.central.cli("token", "--terminal", "T-POWER-HTTP", "--store", STORE)
        self.armed = True
        self.cut_central()
        if self.synchronous != "FULL":  # set up durably, then run the trials with the setting
            self.central.flags = ["--synchronous", self.synchronous]
        self.start_central()

    def start_central(self) -> None:
        """Under the shim; most starts armed to cut their own power at a random fsync (one
        per booking committed), so some cuts land between a write and its fsync."""
        self.cdb.arm()
        cut_at = self.rnd.randint(2, 120) if self.armed and self.rnd.random() < 0.7 else None
        self.central.start(env_extra=self.cdb.env({}, cut_at))

    def cut_central(self) -> None:
        """The central's power cut: SIGKILL (unless it cut its own at an fsync), then only
        what it fsync'ed is on its disk."""
        if self.central.died_at_its_point():
            self.figures["central cuts at an fsync"] += 1
        self.central.kill()
        if self.cdb.cut():
            self.figures["central cuts that lost unsynced writes"] += 1
        self.figures["central power cuts"] += 1

    # the terminal's power ------------------------------------------------------------------

    def revive(self) -> None:
        """A central that cut its own power at an fsync: its disk as the cut left it, restarted."""
        if self.central.proc is not None and not self.central.up:
            self.cut_central()
            self.start_central()

    def journal_trial(self) -> None:
        self.revive()
        if self.down_for:
            self.down_for -= 1
            if not self.down_for:
                self.start_central()
        elif self.rnd.random() < 0.2:
            self.cut_central()
            self.down_for = self.rnd.randint(1, 3)
        self.journal.arm()
        self.n += 1
        citizen = make_citizen(self.n, self.rnd, self.seed)
        lease_slots = [] if self.central.up else self.world.lease_slots()
        mode = self.rnd.random()
        if mode < 0.4:  # the cut at the Nth fsync of the journal (a booking makes about 3-6)
            self.world.extra_env["POWERCUT_AT_FSYNC"] = str(self.rnd.randint(1, 6))
        proc = self.world.book_process(citizen, self.rnd.choice(lease_slots or self.slots), None)
        kill_after = None if mode < 0.7 else self.rnd.uniform(0.2, 2.5)
        run = self.world.finish(proc, "book", kill_after, time.monotonic())
        self.world.extra_env.pop("POWERCUT_AT_FSYNC", None)
        if run.returncode == -9 and not run.killed:
            self.figures["journal cuts at an fsync"] += 1
        out = run.outcome or {}
        if out.get("status") in ("confirmed", "queued"):
            said = out["status"]
            if said == "confirmed":
                said = f"confirmed-{out.get('confirmed_by') or 'central'}"
            self.acked_journal[out["booking_id"]] = said
            if said == "confirmed-central":
                self.acked_central[out["booking_id"]] = out["reference"]
        if self.journal.cut():
            self.figures["journal cuts that lost unsynced writes"] += 1
        self.figures["journal power cuts"] += 1
        self.check_journal()

    def check_journal(self) -> None:
        result = integrity(self.world.journal)
        if result != "ok":
            self.integrity_failures.append(f"journal: {result[:200]}")
            return
        with contextlib.closing(sqlite3.connect(_ro(self.world.journal), uri=True)) as db:
            states = dict(db.execute("SELECT booking_id, state FROM bookings"))
        for booking_id, said in list(self.acked_journal.items()):
            if states.get(booking_id) not in KEPT[said]:
                self.lost.append(f"journal: {booking_id} told {said}, now {states.get(booking_id)}")
                del self.acked_journal[booking_id]  # counted once

    # the central's power -------------------------------------------------------------------

    def central_trial(self) -> None:
        self.revive()
        if not self.central.up:
            self.down_for = 0
            self.start_central()
        acks: dict[str, str] = {}
        stop = threading.Event()
        rnd = random.Random(self.rnd.random())  # the sender's own: the schedule stays seeded

        def post() -> None:
            session = requests.Session()
            headers = {"Authorization": f"Bearer {self.token}"}
            while not stop.is_set():
                self.n += 1
                citizen = make_citizen(self.n, rnd, self.seed)
                booking_id = str(uuid.uuid4())
                body = booking_body(
                    booking_id, "kiosk", rnd.choice(self.slots), citizen.card(),
                    phone=citizen.phone,
                )  # fmt: skip
                try:
                    r = session.post(
                        f"{self.central.url}/v1/bookings",
                        json=body,
                        headers={**headers, "Idempotency-Key": booking_id},
                        timeout=10,
                    )
                except requests.RequestException:
                    return  # the power is off
                if r.status_code in (200, 201):
                    acks[booking_id] = r.json()["reference"]
                else:
                    self.figures[f"central answered {r.status_code}"] += 1

        sender = threading.Thread(target=post)
        sender.start()
        time.sleep(self.rnd.uniform(0.3, 1.5))
        self.cut_central()
        stop.set()
        sender.join(timeout=30)
        self.acked_central.update(acks)
        self.start_central()
        self.check_central()

    def check_central(self) -> None:
        result = integrity(self.central.db)
        if result != "ok":
            self.integrity_failures.append(f"central: {result[:200]}")
            return
        with contextlib.closing(sqlite3.connect(_ro(self.central.db), uri=True)) as db:
            held = dict(db.execute("SELECT booking_id, reference FROM bookings"))
            off = db.execute(
                "SELECT COUNT(*) FROM slots s WHERE s.booked != (SELECT COUNT(*) FROM bookings b "
                "WHERE b.slot_id = s.slot_id AND b.status != 'cancelled')"
            ).fetchone()[0]
        for booking_id, reference in list(self.acked_central.items()):
            if held.get(booking_id) != reference:
                self.lost.append(f"central: {booking_id} answered {reference}, now missing")
                del self.acked_central[booking_id]
        if off:
            self.integrity_failures.append(f"central: {off} slots' counts differ from bookings")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=40, help="power cuts (terminal, central)")
    parser.add_argument("--seconds", type=float, help="stop starting trials after S seconds")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the schedule")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--central-synchronous",
        default="FULL",
        choices=["FULL", "NORMAL", "EXTRA"],
        help="the central's setting (NORMAL shows what the check catches: WAL commits not synced)",
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="power-loss-") as tmp:
        pl = PowerLoss(Path(tmp), args.seed, args.central_synchronous)
        try:
            pl.setup()
            trials = 0
            for i in range(args.trials):
                if args.seconds and time.monotonic() - started > args.seconds:
                    break
                (pl.journal_trial if i % 2 == 0 else pl.central_trial)()
                trials += 1
            pl.armed = False
            pl.cut_central()
            pl.start_central()
            pl.check_central()
        finally:
            pl.central.kill()
    figures: dict[str, Any] = {
        "trials": trials,
        "power_cuts": {k: v for k, v in sorted(pl.figures.items())},
        "acknowledged_by_terminal": len(pl.acked_journal),
        "acknowledged_by_central": len(pl.acked_central),
        "lost": len(pl.lost),
        "lost_detail": pl.lost[:10],
        "integrity_failures": len(pl.integrity_failures),
        "integrity_failure_detail": pl.integrity_failures[:10],
        "seconds": round(time.monotonic() - started, 1),
    }
    ok = not pl.lost and not pl.integrity_failures
    figures["ok"] = ok
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"power-loss trials: {figures['trials']}  {figures['power_cuts']}")
        print(f"acknowledged: {figures['acknowledged_by_terminal']} by the terminal (printed), "
              f"{figures['acknowledged_by_central']} by the central (200/201)")  # fmt: skip
        print(f"lost: {figures['lost']} {figures['lost_detail']}")
        print(f"integrity failures: {figures['integrity_failures']} "
              f"{figures['integrity_failure_detail']}")  # fmt: skip
        print(f"time: {figures['seconds']} s  ok: {ok}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
