"""A real central on loopback, a fault-injecting proxy in front of it, and terminals to book with.

The terminal is the one the kiosk runs (`sync.terminal.Terminal`): its own config file, token
file (mode 0600), KIOSK_HOME with the journal and cache, all in the test's temporary directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk import config
from kiosk.booking.model import Occupation
from kiosk.card.model import Card
from kiosk.eligibility import Answers
from sync.provision import write_terminal
from sync.terminal import Terminal
from tests.central.conftest import RunningCentral, citizen, start_central
from tests.faultproxy import FaultProxy


@pytest.fixture
def central(tmp_path: Path) -> Iterator[RunningCentral]:
    path = tmp_path / "central"
    path.mkdir()
    running = start_central(path)
    yield running
    running.stop()


@pytest.fixture
def proxy(central: RunningCentral) -> Iterator[FaultProxy]:
    fp = FaultProxy(int(central.base_url.rsplit(":", 1)[1]))
    yield fp
    fp.close()


def write_config(
    home: Path, url: str, token: str, terminal_id: str = "kiosk-1", **central_keys: Any
) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    return write_terminal(
        home / "kiosk.toml",
        token,
        {
            "central": {"url": url, **central_keys},
            "terminal": {"id": terminal_id, "store": "store-1"},
            "printer": {"uri": f"preview://{home / 'slips'}", "paper": 80},
        },
    )


@pytest.fixture
def make_terminal(tmp_path: Path, central: RunningCentral) -> Iterator[Callable[..., Terminal]]:
    made: list[Terminal] = []

    def make(
        url: str | None = None,
        *,
        name: str = "t1",
        refresh: bool = True,
        terminal_id: str = "kiosk-1",
        **central_keys: Any,
    ) -> Terminal:
        home = tmp_path / name
        path = write_config(
            home, url or central.base_url, central.tokens[terminal_id], terminal_id, **central_keys
        )
        cfg = config.load(path, env={"KIOSK_HOME": str(home / "data")})
        terminal = Terminal(cfg)
        made.append(terminal)
        if refresh:
            report = terminal.cache.refresh(terminal.client)
            assert report.ok, report.errors
        return terminal

    yield make
    for t in made:
        t.close()


def booking_args(terminal: Terminal, n: int = 1, *, slot_index: int = 3) -> dict[str, Any]:
    """Everything `BookingService.book` needs for made-up Bangkok resident number `n`."""
    card = Card.from_json(citizen(n).card)
    answers = Answers(frozenset(), None)
    decision = terminal.decide(card, answers)
    site = terminal.cache.sites()[0]
    tomorrow = (terminal.now() + timedelta(days=1)).date().isoformat()
    slot = [s for s in terminal.cache.slots(site.id) if not s.full and s.date >= tomorrow][
        slot_index
    ]
    return {
        "card": card,
        "answers": answers,
        "decision": decision,
        "site": site,
        "slot": slot,
        "phone": "0812345678",
        "occupation": Occupation("company-employee"),
    }


def run_sync(cfg, home, *, crash_at: str | None = None, timeout: float = 60) -> subprocess.Popen:
    """A real `kiosk sync run --until-empty` process for crash tests; `crash_at` names the moment
    (sync/crash.py) at which it SIGKILLs itself."""
    env = {**os.environ, "KIOSK_HOME": str(home)}
    env.pop("KIOSK_TEST_CRASH_AT", None)
    if crash_at:
        env["KIOSK_TEST_CRASH_AT"] = crash_at
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "sync",
            "run",
            "--config",
            str(cfg),
            "--until-empty",
            "--timeout",
            str(timeout),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
