"""The soak's world (bench/soak.py): a real `kiosk-central serve` on a SQLite file that stays on
one port and is SIGKILLed and started again, one provisioned terminal, made-up citizens, and
the real `kiosk book` / `kiosk sync run` processes run against them.

Not a benchmark itself (the leading underscore keeps it apart). Every byte the kiosk and the
central write lands under `base/terminal`, `base/central` and `base/logs`, which the
personal-data audit (bench/pii_audit.py) reads afterwards; the card files the harness hands to
`kiosk book` (the stand-in for the card in the reader) live in `base/inputs` and are deleted
after each trial, so they are not mistaken for the kiosk's own data.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CENTRAL = [sys.executable, "-c", "from central.cli import main; raise SystemExit(main())"]
KIOSK = [sys.executable, "-m", "kiosk"]
STORE = "SOAK-STORE-1"
TERMINAL = "T-SOAK-1"
#: A lease policy that grants seats on the slots the soak books (DESIGN §11's defaults grant
#: only 12 h ahead, 6 seats): the point is that seats get spent, and killed while spent.
LEASE_FLAGS = [
    *("--lease-share", "0.5", "--lease-seats-per-terminal", "24"),
    *("--lease-seats-per-slot", "4", "--lease-lead-hours", "1", "--lease-life-hours", "24"),
]

_TH_FIRST = ["สม", "ประ", "วัน", "กาญ", "ธน", "ศรี", "บุญ", "มาลี", "ปรี", "สุ", "อรุณ", "จันทร์"]
_TH_TAIL = ["ชาย", "เสริฐ", "เพ็ญ", "จนา", "กฤต", "สุข", "มี", "รัตน์", "ยา", "ดา", "พร", "ทิพย์"]
_EN_FIRST = ["Som", "Pra", "Wan", "Kan", "Thana", "Sri", "Boon", "Ma", "Pree", "Su", "Arun", "Chan"]
_EN_TAIL = ["chai", "sert", "phen", "jana", "krit", "suk", "mee", "rat", "ya", "da", "porn", "thip"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("KIOSK_TEST_CRASH_AT", None)
    return env


@dataclass
class Citizen:
    """A made-up Bangkok resident: the demo card with its own CID, names and phone."""

    n: int
    cid: str
    name_th: dict[str, str]
    name_en: dict[str, str]
    phone: str

    def card(self) -> dict[str, Any]:
        from kiosk.dates import today_bangkok
        from kiosk.demo_people import demo_person

        base = dict(demo_person("bangkok", today_bangkok()).card)
        return {**base, "cid": self.cid, "name_th": self.name_th, "name_en": self.name_en}

    def names(self) -> list[str]:
        """The strings the audit looks for (first and last names, Thai and English)."""
        return [self.name_th["first"], self.name_th["last"], self.name_en["first"],
                self.name_en["last"]]  # fmt: skip


def make_citizen(n: int, rnd: random.Random, tag: int) -> Citizen:
    from kiosk.card.cid import check_digit

    first12 = f"3{tag % 100:02d}{n:09d}"
    i, j, k, m = (rnd.randrange(len(_TH_FIRST)) for _ in range(4))
    # a number in the name keeps every citizen's name distinct (the audit finds each exactly)
    th = {"prefix": "นาย", "first": f"{_TH_FIRST[i]}{_TH_TAIL[j]}{n}", "middle": "",
          "last": f"{_TH_FIRST[k]}{_TH_TAIL[m]}โซก{n}"}  # fmt: skip
    en = {"prefix": "Mr.", "first": f"{_EN_FIRST[i]}{_EN_TAIL[j]}x{n}", "middle": "",
          "last": f"{_EN_FIRST[k]}{_EN_TAIL[m]}soak{n}"}  # fmt: skip
    phone = f"08{rnd.randrange(10**8):08d}"
    return Citizen(n, first12 + str(check_digit(first12)), th, en, phone)


class CentralProcess:
    """`kiosk-central serve --db central.db` on one port for the whole soak; `crash_at` names
    a point (central/crash.py) at which the started process SIGKILLs itself."""

    def __init__(self, base: Path, capacity: int) -> None:
        self.dir = base / "central"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.db = self.dir / "central.db"
        self.log = self.dir / "central.log"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.capacity = capacity
        self.proc: subprocess.Popen | None = None
        self.crash_at: str | None = None
        self.starts = 0
        #: more environment for `cli` (bench/power_loss.py: its writes must go through the
        #: power-cut shim too, or a cut would take them away)
        self.cli_env: dict[str, str] = {}
        #: more `serve` flags
        self.flags: list[str] = []

    def start(self, crash_at: str | None = None, env_extra: dict[str, str] | None = None) -> None:
        env = {**_env(), **(env_extra or {})}
        if crash_at:
            env["KIOSK_TEST_CRASH_AT"] = crash_at
        self.crash_at = crash_at
        command = [
            *CENTRAL,
            *("serve", "--db", str(self.db), "--port", str(self.port)),
            *("--demo", "--always-open", "--capacity", str(self.capacity)),
            *("--no-notify", "--verify-interval", "0", "--log-level", "info"),
            *LEASE_FLAGS,
            *self.flags,
        ]
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(command, env=env, stdout=log, stderr=log)
        self.starts += 1
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"soak: the central stopped at start; see {self.log}")
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2),
            ):
                return
            time.sleep(0.05)
        raise SystemExit("soak: the central did not start within 60 s")

    @property
    def up(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def died_at_its_point(self) -> bool:
        """The central killed itself at `crash_at` (nothing else SIGKILLs it unseen)."""
        return self.proc is not None and self.proc.poll() == -signal.SIGKILL

    def kill(self) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)
        self.proc = None

    def stop(self) -> None:
        if self.up:
            assert self.proc is not None
            self.proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=20)
        self.kill()

    def cli(self, *args: str) -> str:
        out = subprocess.run(
            [*CENTRAL, *args, "--db", str(self.db)],
            capture_output=True,
            text=True,
            env={**_env(), **self.cli_env},
            check=False,
        )
        if out.returncode:
            raise SystemExit(f"soak: kiosk-central {args[0]} failed: {out.stderr[-2000:]}")
        return out.stdout.strip()


@dataclass
class Run:
    """One kiosk process of a trial: what it printed and how it ended."""

    kind: str
    returncode: int | None
    stdout: str
    killed: bool
    seconds: float
    outcome: dict[str, Any] | None = None


@dataclass
class World:
    base: Path
    central: CentralProcess
    config: Path = field(init=False)
    home: Path = field(init=False)
    logs: Path = field(init=False)
    inputs: Path = field(init=False)
    #: more environment for the kiosk processes (bench/power_loss.py: the power-cut shim)
    extra_env: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.config = self.base / "terminal" / "etc" / "kiosk.toml"
        self.home = self.base / "terminal" / "data"
        self.logs = self.base / "logs"
        self.inputs = self.base / "inputs"
        for d in (self.logs, self.inputs, self.home):
            d.mkdir(parents=True, exist_ok=True)

    @property
    def journal(self) -> Path:
        return self.home / "journal.sqlite"

    def provision(self) -> None:
        from sync.provision import provision

        code = self.central.cli("enrolment-code", "--store", STORE)
        provision(
            url=self.central.url,
            code=code,
            config_path=self.config,
            store=STORE,
            terminal_id=TERMINAL,
            printer_uri=f"preview://{self.base / 'terminal' / 'slips'}",
            paper=80,
            env={**os.environ, "KIOSK_HOME": str(self.home)},
        )

    def slots(self, limit: int = 60) -> list[str]:
        """Slots from tomorrow on, spread over the sites, as the terminal's cache knows them."""
        from kiosk import config
        from sync.terminal import Terminal

        t = Terminal(config.load(self.config, env={"KIOSK_HOME": str(self.home)}))
        try:
            today = t.now().date().isoformat()
            found = [
                s.id
                for site in t.cache.sites()
                for s in t.cache.slots(site.id)
                if s.date > today and not s.full
            ]
        finally:
            t.close()
        return found[:: max(1, len(found) // limit)][:limit]

    def lease_slots(self) -> list[str]:
        """Slots of the leases the journal holds with a seat not yet spent."""
        uri = f"file:{self.journal}?mode=ro"  # leaves the WAL as it is (bench/_soak_state.py)
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=30)) as db:
            rows = db.execute(
                "SELECT DISTINCT l.slot_id FROM leases l JOIN lease_seats s USING (lease_id) "
                "WHERE l.released = 0 AND s.booking_id IS NULL"
            ).fetchall()
        return [r[0] for r in rows]

    def _popen(self, args: list[str], crash_at: str | None, log_name: str) -> subprocess.Popen:
        env = {**_env(), "KIOSK_HOME": str(self.home), **self.extra_env}
        if crash_at:
            env["KIOSK_TEST_CRASH_AT"] = crash_at
        log = self.logs / "kiosk.log"
        err = (self.logs / log_name).open("ab")
        try:
            return subprocess.Popen(
                [*KIOSK, "-vv", "--log-file", str(log), *args],
                env=env,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
                start_new_session=True,
            )
        finally:
            err.close()

    def book_process(self, citizen: Citizen, slot: str, crash_at: str | None) -> subprocess.Popen:
        card = self.inputs / f"card-{citizen.n}.json"
        answers = self.inputs / "answers.json"
        card.write_text(json.dumps(citizen.card(), ensure_ascii=False), encoding="utf-8")
        answers.write_text('{"conditions": []}', encoding="utf-8")
        return self._popen(
            [
                *("book", "--config", str(self.config), "--card", str(card)),
                *("--answers", str(answers), "--slot", slot, "--phone", citizen.phone),
                *("--occupation", "company-employee", "--json", "--no-print"),
            ],
            crash_at,
            "kiosk-book.stderr.log",
        )

    def sync_process(self, crash_at: str | None, timeout: float) -> subprocess.Popen:
        return self._popen(
            [
                "sync",
                "run",
                "--config",
                str(self.config),
                "--until-empty",
                "--timeout",
                str(timeout),
            ],
            crash_at,
            "kiosk-sync.stderr.log",
        )

    def finish(
        self, proc: subprocess.Popen, kind: str, kill_after: float | None, started: float
    ) -> Run:
        """Wait for `proc`; with `kill_after`, SIGKILL it that many seconds after its start."""
        killed = False
        try:
            out, _ = proc.communicate(timeout=kill_after if kill_after is not None else 180)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            killed = True
            out, _ = proc.communicate(timeout=30)
        for f in self.inputs.glob("card-*.json"):
            f.unlink()
        run = Run(kind, proc.returncode, out or "", killed, time.monotonic() - started)
        if kind == "book":
            for line in run.stdout.splitlines():
                with contextlib.suppress(ValueError):
                    parsed = json.loads(line)
                    if isinstance(parsed, dict) and "status" in parsed:
                        run.outcome = parsed
        return run
