"""A real central on 127.0.0.1 for the browser: the in-process server of tests/central (SQLite
file, the demo data, a settable clock), operators made by the real `kiosk-central operator add`
with the password on standard input, terminals enrolled and reporting their health.

One per test module (a start and the operators' scrypt hashes cost about a second); a test that
moves the clock moves it for the module, so such tests put it back (`at`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

from central.models_health import HealthIn
from tests.central.conftest import T0, RunningCentral, start_central
from tests.central.test_health_api import report

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-c", "from central.cli import main; raise SystemExit(main())"]
RULE_SET = "bkk-thairuamjai-2021-05-27"
#: the operators every console central has: (name, role, password)
OPERATOR = ("somchai", "operator", "correct horse battery staple")
TECHNICIAN = ("malee", "technician", "ช่างเทคนิค-2021-rama9")


def health(**changes: Any) -> dict[str, Any]:
    """A healthy terminal's report (DESIGN §13), with `changes`: the central's tests' own."""
    return report(**changes)


@dataclass
class ConsoleCentral:
    running: RunningCentral
    db: Path
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return self.running.base_url

    def url(self, path: str) -> str:
        return self.running.base_url + path

    @property
    def store(self) -> Any:
        return self.running.central.store

    @property
    def now(self) -> datetime:
        return self.running.clock.now

    @contextmanager
    def at(self, when: datetime) -> Iterator[None]:
        """The central's clock at `when` inside the block, back where it was after."""
        before = self.running.clock.now
        self.running.clock.now = when
        try:
            yield
        finally:
            self.running.clock.now = before

    def cli(self, *argv: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        """`kiosk-central ARGV` on this central's database, at its clock."""
        return subprocess.run(
            [*CLI, *argv, "--db", str(self.db), "--now", self.now.isoformat()],
            input=stdin, capture_output=True, text=True, timeout=60, check=False,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip

    def add_operator(self, name: str, role: str, password: str) -> None:
        done = self.cli("operator", "add", "--name", name, "--role", role, "--password-stdin",
                        stdin=password + "\n")  # fmt: skip
        assert done.returncode == 0, done.stderr

    def enrol(self, terminal: str, store: str) -> str:
        """A kiosk terminal of `store` with a token (as `kiosk-central enrol` would)."""
        self.tokens[terminal] = self.store.issue_token(terminal, store, "kiosk", self.now)
        return self.tokens[terminal]

    def report(self, terminal: str, **changes: Any) -> requests.Response:
        """The terminal's health report through the real API, with its own token."""
        return requests.put(
            self.url("/v1/terminals/me/health"),
            json=health(**changes),
            headers={"Authorization": f"Bearer {self.tokens[terminal]}"},
            timeout=10,
        )

    def seed(self, terminal: str, **changes: Any) -> None:
        """A report stored straight in the store, as the API would keep it (for many)."""
        data = HealthIn.model_validate(health(**changes)).model_dump(mode="json")
        self.store.put_health(terminal, data, self.now)

    def stop(self) -> None:
        self.running.stop()


def start(tmp_path: Path) -> ConsoleCentral:
    running = start_central(tmp_path, now=T0)
    served = ConsoleCentral(running, tmp_path / "central.db", dict(running.tokens))
    try:  # two CLI processes at once: each costs a Python start and a scrypt hash
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda who: served.add_operator(*who), (OPERATOR, TECHNICIAN)))
    except BaseException:
        served.stop()
        raise
    return served
