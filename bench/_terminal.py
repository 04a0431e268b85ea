"""Shared set-up for the sync benchmarks: a real `kiosk-central serve` and a provisioned terminal.

Not a benchmark itself (the leading underscore keeps it apart).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

from kiosk import config
from kiosk.booking.model import Occupation
from kiosk.card.cid import check_digit
from kiosk.card.model import Card
from kiosk.dates import today_bangkok
from kiosk.demo_people import demo_person
from kiosk.eligibility import Answers
from sync.provision import write_terminal
from sync.terminal import Terminal

CENTRAL = [sys.executable, "-c", "from central.cli import main; raise SystemExit(main())"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_central(tmp: Path, capacity: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            *CENTRAL,
            "serve",
            "--db",
            str(tmp / "central.db"),
            "--port",
            str(port),
            "--demo",
            "--always-open",
            "--capacity",
            str(capacity),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the central did not start")


def token(tmp: Path, name: str = "T-BENCH") -> str:
    out = subprocess.run(
        [*CENTRAL, "token", "--db", str(tmp / "central.db"), "--terminal", name],
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def terminal(tmp: Path, url: str, tok: str) -> Terminal:
    home = tmp / "terminal"
    home.mkdir(exist_ok=True)
    path = write_terminal(
        home / "kiosk.toml",
        tok,
        {
            "central": {"url": url},
            "terminal": {"id": "T-BENCH", "store": "bench"},
            "printer": {"uri": f"preview://{home / 'slips'}"},
        },
    )
    return Terminal(config.load(path, env={"KIOSK_HOME": str(home / "data")}))


def citizen_card(n: int) -> Card:
    data = dict(demo_person("bangkok", today_bangkok()).card)
    first12 = f"3{n:011d}"
    data["cid"] = first12 + str(check_digit(first12))
    return Card.from_json(data)


def book_args(t: Terminal, n: int, slots: list) -> dict:
    card = citizen_card(n)
    answers = Answers(frozenset(), None)
    decision = t.decide(card, answers)
    site, slot = slots[n % len(slots)]
    return {
        "card": card,
        "answers": answers,
        "decision": decision,
        "site": site,
        "slot": slot,
        "phone": "0812345678",
        "occupation": Occupation("company-employee"),
    }


def open_slots(t: Terminal) -> list:
    tomorrow = t.now().date().isoformat()
    return [
        (site, slot)
        for site in t.cache.sites()
        for slot in t.cache.slots(site.id)
        if slot.date > tomorrow and not slot.full
    ]
