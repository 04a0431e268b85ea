"""Power loss: the shim keeps only what was fsync'ed (shown on SQLite itself, with a setting
that syncs and one that does not), and bench/power_loss.py at a small size: the journal's and
the SQLite central's power cut at random, nothing acknowledged lost. About a minute."""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
import subprocess
import sys

import power_loss
import pytest
from _powercut import Watched, build

WRITER = """
import os, signal, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA journal_mode = WAL")
db.execute(f"PRAGMA synchronous = {sys.argv[2]}")
db.execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)")
for i in range(20):
    db.execute("INSERT INTO t VALUES (?)", (i,))
print(db.execute("SELECT COUNT(*) FROM t").fetchone()[0], flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.fixture(scope="module")
def shim(tmp_path_factory):
    return build(tmp_path_factory.mktemp("shim"))


def _cut_after_commits(shim, tmp_path, synchronous: str) -> tuple[int, int | None, bool]:
    """Commit 20 rows in a process under the shim, SIGKILL it, cut the power: (rows the
    process saw committed, rows the file holds after the cut or None without the table,
    whether the cut changed the files)."""
    db = tmp_path / "t.db"
    watched = Watched(db, shim, tmp_path / "shadow")
    watched.arm()
    proc = subprocess.run(
        [sys.executable, "-c", WRITER, str(db), synchronous],
        env=watched.env(),
        capture_output=True,
        text=True,
        check=False,
    )
    committed = int(proc.stdout)
    changed = watched.cut()
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        try:
            return committed, conn.execute("SELECT COUNT(*) FROM t").fetchone()[0], changed
        except sqlite3.OperationalError:
            return committed, None, changed


def test_under_wal_full_every_commit_survives_the_cut(shim, tmp_path) -> None:
    assert _cut_after_commits(shim, tmp_path, "FULL") == (20, 20, False)


def test_under_wal_normal_the_cut_takes_commits_away(shim, tmp_path) -> None:
    committed, kept, changed = _cut_after_commits(shim, tmp_path, "NORMAL")
    assert committed == 20 and (kept or 0) < 20 and changed  # a weak setting is caught


def _run(*argv: str) -> tuple[int, dict]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        status = power_loss.main([*argv, "--json"])
    return status, json.loads(buf.getvalue())


def test_power_cuts_on_the_terminal_and_the_central_lose_nothing_acknowledged() -> None:
    status, f = _run("--trials", "12", "--seed", "5")
    assert status == 0, f
    assert f["trials"] == 12 and f["lost"] == 0 and f["integrity_failures"] == 0
    assert f["power_cuts"]["journal power cuts"] == 6
    assert f["power_cuts"]["central power cuts"] >= 6
    assert f["acknowledged_by_terminal"] >= 1 and f["acknowledged_by_central"] >= 20


def test_the_bench_catches_a_central_that_does_not_sync_its_commits() -> None:
    status, f = _run("--trials", "2", "--seed", "5", "--central-synchronous", "NORMAL")
    assert status == 1 and f["lost"] > 0, f
