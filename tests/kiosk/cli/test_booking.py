"""`kiosk book`, `kiosk sync run|status` and `kiosk journal list`, as a technician runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.central.conftest import citizen
from tests.kiosk.cli.conftest import assert_clean_failure
from tests.sync.conftest import central, proxy, write_config  # noqa: F401  (fixtures)


@pytest.fixture
def setup(tmp_path, central, run_kiosk):  # noqa: F811
    home = tmp_path / "home"
    cfg = write_config(home, central.base_url, central.tokens["kiosk-1"])
    env = {"KIOSK_HOME": str(home / "data")}

    def kiosk(*args: str, **kw):
        return run_kiosk(*args, "--config", str(cfg), env=env, **kw)

    assert kiosk("sync", "run", "--until-empty").returncode == 0  # fills the cache
    cards = tmp_path / "cards"
    cards.mkdir()
    slots = json.loads((home / "data" / "cache" / "slots-scg-bang-sue.json").read_text())["data"]
    slot = next(s["slot_id"] for s in slots if s["date"] > "2021-06-01")

    def card(n: int, like: str = "bangkok") -> str:
        path = cards / f"{like}-{n}.json"
        path.write_text(json.dumps(citizen(n, like).card, ensure_ascii=False))
        return str(path)

    answers = cards / "answers.json"
    answers.write_text('{"conditions": []}')
    return kiosk, card, str(answers), slot, home


def test_book_prints_the_outcome_and_the_slip(setup):
    kiosk, card, answers, slot, home = setup
    proc = kiosk(
        "book",
        "--card",
        card(1),
        "--answers",
        answers,
        "--slot",
        slot,
        "--phone",
        "081-234-5678",
        "--occupation",
        "student",
        "--json",
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["status"] == "confirmed" and out["reference"].startswith("TRJ-")
    assert set(out) == {"status", "booking_id", "reference", "code"}
    slips = list((home / "slips").glob("*.png"))
    assert len(slips) == 1 and "confirmed" in slips[0].name


def test_book_refusals(setup):
    kiosk, card, answers, slot, _ = setup
    proc = kiosk(
        "book",
        "--card",
        card(2),
        "--answers",
        answers,
        "--slot",
        slot,
        "--phone",
        "12345",
        "--occupation",
        "student",
    )
    assert_clean_failure(proc, 2, "bad-phone")
    proc = kiosk(
        "book",
        "--card",
        card(2),
        "--answers",
        answers,
        "--slot",
        "nope",
        "--phone",
        "0812345678",
        "--occupation",
        "student",
    )
    assert_clean_failure(proc, 2, "bad-input")
    proc = kiosk(
        "book",
        "--card",
        card(2),
        "--answers",
        answers,
        "--slot",
        slot,
        "--phone",
        "0812345678",
        "--occupation",
        "astronaut",
    )
    assert_clean_failure(proc, 2, "bad-input")
    assert "company-employee" in proc.stderr
    proc = kiosk(
        "book",
        "--card",
        card(2, "senior"),
        "--answers",
        answers,
        "--slot",
        slot,
        "--phone",
        "0812345678",
        "--occupation",
        "student",
        "--json",
        "--no-print",
    )
    assert proc.returncode == 7 and json.loads(proc.stdout)["code"] == "over-age-limit"


def test_queue_offline_then_sync_then_status(setup, tmp_path, central):  # noqa: F811
    kiosk, card, answers, slot, home = setup
    dead = write_config(tmp_path / "dead", "http://127.0.0.1:9", central.tokens["kiosk-1"])
    env = {"KIOSK_HOME": str(home / "data")}

    def offline(*args):
        return subprocess.run(
            [sys.executable, "-m", "kiosk", *args, "--config", str(dead)],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
            check=False,
            timeout=60,
        )

    for n in (3, 4):
        proc = offline(
            "book",
            "--card",
            card(n),
            "--answers",
            answers,
            "--slot",
            slot,
            "--phone",
            "0812345678",
            "--occupation",
            "student",
            "--json",
            "--no-print",
        )
        assert json.loads(proc.stdout)["status"] == "queued", proc.stderr
    status = json.loads(kiosk("sync", "status", "--json").stdout)
    assert status["counts"]["queued"] == 2 and status["last_error"] == "central-unreachable"
    listing = kiosk("journal", "list").stdout
    assert "queued" in listing and citizen(3).card["cid"] not in listing
    assert kiosk("sync", "run", "--until-empty").returncode == 0
    status = json.loads(kiosk("sync", "status", "--json").stdout)
    assert status["counts"]["queued"] == 0 and status["counts"]["confirmed"] == 2


def test_a_missing_config_names_the_fix(run_kiosk, tmp_path):
    proc = run_kiosk("sync", "status", "--config", str(tmp_path / "none.toml"))
    assert_clean_failure(proc, 3, "bad-config")
    assert "kiosk provision" in proc.stderr
