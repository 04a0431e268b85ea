"""The soak: a thousand real kiosk processes killed with SIGKILL, and nothing lost or doubled.

    .venv/bin/python bench/soak.py [--trials 1000] [--seed 1] [--json] [--keep DIR]

Each trial runs one real `kiosk book` or `kiosk sync run` process (about two in three are
bookings) against a real `kiosk-central serve` on a SQLite file, on one terminal's real journal,
and kills it with SIGKILL. The central stays up between trials, but is itself SIGKILLed and
started again now and then (and stays down for a few trials, so that bookings are queued and
confirmed at the terminal from its seat leases).

How a kill's phase is known (both ways, counted apart):

- Named points: half of the kills are the process killing itself at a named point
  (`KIOSK_TEST_CRASH_AT`, sync/crash.py; the central's own, central/crash.py): before and after
  the journal's commit, after the claim and before the request, inside and after the lease-spend
  transaction, the central's booking transaction before and after its COMMIT (the central is
  the one killed then), the reply received and not recorded, inside and after the transaction
  that records it. Only a process that died of SIGKILL counts as killed there (exit -9); a
  point the run never reached (no lease for that slot) counts as "not reached".
- Timers: the other kills are a SIGKILL from the harness at a random moment within the
  process's usual run time; the phase it hit is read afterwards from the rows it left in the
  journal and at the central (bench/_soak_state.timer_phase).

After every trial: `PRAGMA integrity_check` of the journal and of the central's file is `ok`.
At the end the central is started cleanly and `kiosk sync run --until-empty` runs until nothing
is pending; then every booking a `kiosk book` printed as confirmed or queued is at the central
exactly once (with the reference the terminal printed when it said confirmed) or still queued,
no booking or citizen is there twice, no citizen has two active bookings, and every slot's
`booked` counter equals its active bookings. The personal-data audit (bench/pii_audit.py) then
reads every file the soak left. Exit status 1 if any of it fails.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _soak_state import PENDING, PHASE_OF_POINT, final_check, integrity, snapshot, timer_phase
from _soak_world import CentralProcess, Citizen, World, make_citizen

BOOK_ONLINE_POINTS = [
    "before-journal-commit",
    "after-journal-commit",
    "before-request",
    "after-reply",
    "before-confirm-commit",
    "after-confirm-commit",
]
BOOK_OFFLINE_POINTS = [
    "before-journal-commit",
    "after-journal-commit",
    "after-seat-spent",
    "before-offline-commit",
    "after-offline-commit",
]
SYNC_POINTS = [
    "after-claim",
    "before-request",
    "after-reply",
    "after-send",
    "before-confirm-commit",
    "after-confirm-commit",
]
CENTRAL_POINTS = ["central-before-commit", "central-after-commit"]


class Soak:
    def __init__(self, base: Path, seed: int, capacity: int) -> None:
        self.rnd = random.Random(seed)
        self.seed = seed
        self.central = CentralProcess(base, capacity)
        self.world = World(base, self.central)
        self.kills: Counter[str] = Counter()
        self.not_reached: Counter[str] = Counter()
        self.clean: Counter[str] = Counter()
        self.integrity_failures: list[str] = []
        self.reported: dict[str, dict[str, Any]] = {}
        self.citizens: list[Citizen] = []
        self.central_restarts = 0
        self.usual = {"book": 1.0, "sync": 2.5}  # seconds a clean run takes, learnt as we go
        self.down_for = 0
        self.wal_due = True

    def setup(self) -> None:
        self.central.start()
        self.world.provision()
        self.slots = self.world.slots()
        sync = self.world.sync_process(None, 60)  # leases granted before the first trial
        self.world.finish(sync, "sync", None, time.monotonic())

    # one trial ---------------------------------------------------------------------------

    def _central_schedule(self) -> str | None:
        """Kill or start the central before a trial; a central crash point to arm, or None."""
        if not self.central.up:
            if self.down_for > 0:
                self.down_for -= 1
                return None
            self.central.start()
            self.central_restarts += 1
            return None
        roll = self.rnd.random()
        if roll < 0.05:  # pulled: down for a few trials (queued, confirmed from leases)
            self.central.kill()
            self.down_for = self.rnd.randint(1, 6)
            return None
        if roll < 0.12:  # started again armed: it dies inside or right after a booking's commit
            self.central.kill()
            point = self.rnd.choice(CENTRAL_POINTS)
            self.central.start(crash_at=point)
            self.central_restarts += 1
            return point
        return None

    def _plan(self, central_point: str | None) -> tuple[str, str, str | None]:
        """(kind, how it dies, the named point it dies at or None)."""
        journal = snapshot(self.world.journal, self.central.db).journal
        pending = any(s in PENDING for s in journal.values())
        kind = "book" if central_point or not pending or self.rnd.random() < 0.65 else "sync"
        if central_point:
            if pending and self.rnd.random() < 0.3:
                kind = "sync"  # the replay meets a central that dies around its commit
            return kind, "central", None
        mode = self.rnd.choice(["point", "point", "timer", "timer", "clean"])
        if kind == "sync" and mode == "point" and not self.central.up:
            mode = "timer"  # nothing is sent to a central that is down: no point is reached
        if mode != "point":
            return kind, mode, None
        if kind == "sync":
            return kind, mode, self.rnd.choice(SYNC_POINTS)
        points = BOOK_ONLINE_POINTS if self.central.up else BOOK_OFFLINE_POINTS
        return kind, mode, self.rnd.choice(points)

    def _start(self, kind: str, point: str | None) -> subprocess.Popen:
        if kind == "sync":
            return self.world.sync_process(point, 30 if self.central.up else 4)
        citizen = make_citizen(len(self.citizens) + 1, self.rnd, self.seed)
        self.citizens.append(citizen)
        lease_slots = self.world.lease_slots() if not self.central.up else []
        return self.world.book_process(citizen, self.rnd.choice(lease_slots or self.slots), point)

    def trial(self, i: int) -> None:
        central_point = self._central_schedule()
        kind, mode, point = self._plan(central_point)
        before = snapshot(self.world.journal, self.central.db)
        started = time.monotonic()
        proc = self._start(kind, point)
        kill_after = self.rnd.uniform(0.05, 1.2) * self.usual[kind] if mode == "timer" else None
        run = self.world.finish(proc, kind, kill_after, started)
        after = snapshot(self.world.journal, self.central.db)
        if run.outcome and run.outcome.get("status") in ("confirmed", "queued"):
            self.reported[run.outcome["booking_id"]] = run.outcome
        if central_point:
            self._count_central(central_point)
        elif run.killed:
            self.kills[timer_phase(kind, before, after, bool(run.outcome))] += 1
        elif point is not None and run.returncode == -signal.SIGKILL:
            self.kills[PHASE_OF_POINT[point] + f" [{point}]"] += 1
        elif point is not None:
            self.not_reached[point] += 1
        else:
            self.clean[kind] += 1
            if run.returncode in (0, 1):  # 1: sync run stopped by its --timeout
                self.usual[kind] = 0.8 * self.usual[kind] + 0.2 * run.seconds
        if i % 25 == 0:
            self.wal_due = True
        if self.wal_due and self.keep_wal(i):
            self.wal_due = False
        for name, path in (("journal", self.world.journal), ("central", self.central.db)):
            result = integrity(path)
            if result != "ok":
                self.integrity_failures.append(f"trial {i}: {name}: {result[:200]}")

    def _count_central(self, point: str) -> None:
        if self.central.died_at_its_point():
            self.kills[PHASE_OF_POINT[point] + f" [{point}]"] += 1
            self.central.proc = None  # dead: started plain before the next trial
        else:
            self.not_reached[point] += 1
            self.central.kill()  # still armed: started plain before the next trial

    def keep_wal(self, i: int) -> bool:
        """Copy the -wal and -shm files as they are now, for the audit: a clean exit folds
        the WAL into the database and deletes it, so the end alone would never show one (a
        killed process leaves its WAL behind). Once every 25 trials, at the first trial after
        which the journal has a WAL; True when it had one."""
        if not self.world.journal.with_name(self.world.journal.name + "-wal").exists():
            return False
        into = self.world.base / "snapshots" / f"trial-{i:05d}"
        for path in (self.world.journal, self.central.db):
            for suffix in ("-wal", "-shm"):
                wal = path.with_name(path.name + suffix)
                if wal.exists():
                    into.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(wal, into / wal.name)
        return True

    # the end -----------------------------------------------------------------------------

    def drain(self) -> bool:
        """Start the central cleanly and replay until nothing is pending."""
        self.central.kill()
        self.central.start()
        for _ in range(4):
            proc = self.world.sync_process(None, 120)
            run = self.world.finish(proc, "sync", None, time.monotonic())
            if run.returncode == 0:
                return True
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=1000, help="kiosk processes to run")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the schedule")
    parser.add_argument("--capacity", type=int, default=400, help="seats per demo slot")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--keep", type=Path, help="keep the soak's files in DIR (else deleted)")
    parser.add_argument("--no-audit", action="store_true", help="skip the personal-data audit")
    args = parser.parse_args(argv)
    base = args.keep or Path(tempfile.mkdtemp(prefix="soak-"))
    base.mkdir(parents=True, exist_ok=True)
    soak = Soak(base, args.seed, args.capacity)
    started = time.monotonic()
    try:
        soak.setup()
        for i in range(args.trials):
            soak.trial(i)
            if not args.json and (i + 1) % 50 == 0:
                print(
                    f"  {i + 1} trials, {sum(soak.kills.values())} kills, "
                    f"{time.monotonic() - started:.0f} s",
                    file=sys.stderr,
                )
        drained = soak.drain()
        people = [{"cid": c.cid, "phone": c.phone, "names": c.names()} for c in soak.citizens]
        (base / "inputs" / "people.json").write_text(json.dumps(people, ensure_ascii=False))
        verdict = final_check(soak.world.journal, soak.central.db, soak.reported)
        soak.central.stop()
        audit = None
        if not args.no_audit:
            from pii_audit import audit_soak

            audit = audit_soak(base, soak.citizens)
    finally:
        soak.central.kill()
    elapsed = time.monotonic() - started
    figures = {
        "trials": args.trials,
        "seed": args.seed,
        "kills": sum(soak.kills.values()),
        "kills_per_phase": dict(sorted(soak.kills.items())),
        "named_points_not_reached": dict(sorted(soak.not_reached.items())),
        "clean_runs": dict(soak.clean),
        "central_restarts": soak.central_restarts,
        "drained": drained,
        **verdict.to_json(),
        "integrity_failures": len(soak.integrity_failures),
        "integrity_failure_detail": soak.integrity_failures[:10],
        "pii_audit": audit.to_json() if audit else None,
        "seconds": round(elapsed, 1),
        "kept": str(base) if args.keep else None,
    }
    ok = verdict.ok and drained and not soak.integrity_failures and (audit is None or audit.ok)
    figures["ok"] = ok
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        _print(figures)
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 0 if ok else 1


def _print(f: dict[str, Any]) -> None:
    print(f"trials: {f['trials']} (seed {f['seed']}), central restarts: {f['central_restarts']}")
    print(f"kills: {f['kills']}")
    for phase, n in f["kills_per_phase"].items():
        print(f"  {n:5d}  {phase}")
    print(f"named points not reached: {f['named_points_not_reached']}")
    print(f"runs not killed: {f['clean_runs']}")
    print(
        f"bookings reported confirmed or queued: {f['reported']} (at the central once: "
        f"{f['at_central_once']}, still queued: {f['still_queued']})"
    )
    print(
        f"lost: {f['lost']}  duplicated: {f['duplicated']}  "
        f"reference mismatch: {f['reference_mismatch']}"
    )
    print(
        f"citizens with two active bookings: {f['citizens_with_two_active']}  overbooked slots: "
        f"{f['overbooked_slots']}  seat counts differing from bookings: "
        f"{f['slots_whose_count_differs_from_bookings']}"
    )
    print(f"journal after the final sync: {f['journal_states']} (drained: {f['drained']})")
    print(f"integrity failures: {f['integrity_failures']} {f['integrity_failure_detail']}")
    if f["pii_audit"]:
        a = f["pii_audit"]
        print(
            f"personal-data audit: {a['files']} files, {a['bytes']} bytes, "
            f"findings {a['findings']} {a['by_kind']}, by area {a['by_area']}"
        )
        for line in a["detail"][:20]:
            print(f"  {line}")
    print(f"time: {f['seconds']} s  ok: {f['ok']}")


if __name__ == "__main__":
    raise SystemExit(main())
