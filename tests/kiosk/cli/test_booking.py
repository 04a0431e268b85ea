"""`kiosk book`, `kiosk sync run|status` and `kiosk journal list`, as a technician runs them."""

from __future__ import annotations

import json

import pytest

from tests.central.conftest import citizen
from tests.kiosk.cli.conftest import assert_clean_failure
from tests.sync.conftest import central, proxy, write_config  # noqa: F401  (fixtures)


@pytest.fixture
def setup(tmp_path, central, run_kiosk):  # noqa: F811
    home = tmp_path / "home"
    cfg = write_config(home, central.base_url, central.tokens["kiosk-1"])
    env = {"KIOSK_HOME": str(home / "data")}

    def kiosk(*args: str, config=cfg):
        return run_kiosk(*args, "--config", str(config), env=env)

    assert kiosk("sync", "run", "--until-empty").returncode == 0  # fills the cache
    cards = tmp_path / "cards"
    cards.mkdir()
    slots = json.loads((home / "data" / "cache" / "slots-scg-bang-sue.json").read_text())["data"]
    first_slot = next(s["slot_id"] for s in slots if s["date"] > "2021-06-01")
    answers = cards / "answers.json"
    answers.write_text('{"conditions": []}')

    def card(n: int, like: str = "bangkok") -> str:
        path = cards / f"{like}-{n}.json"
        path.write_text(json.dumps(citizen(n, like).card, ensure_ascii=False))
        return str(path)

    def book(
        card_path: str,
        *extra: str,
        slot: str = first_slot,
        phone: str = "0812345678",
        occupation: str = "student",
        config=cfg,
    ):
        """`kiosk book` for a card, with the usual answers, slot, phone and occupation."""
        return kiosk(
            "book",
            "--card",
            card_path,
            "--answers",
            str(answers),
            "--slot",
            slot,
            "--phone",
            phone,
            "--occupation",
            occupation,
            *extra,
            config=config,
        )

    return kiosk, card, book, home


def test_book_prints_the_outcome_and_the_slip(setup):
    _, card, book, home = setup
    proc = book(card(1), "--json", phone="081-234-5678")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["status"] == "confirmed" and out["reference"].startswith("TRJ-")
    assert set(out) == {"status", "confirmed_by", "booking_id", "reference", "code"}
    assert out["confirmed_by"] == "central"
    slips = list((home / "slips").glob("*.png"))
    assert len(slips) == 1 and "confirmed" in slips[0].name


def test_book_refusals(setup):
    _, card, book, _ = setup
    assert_clean_failure(book(card(2), phone="12345"), 2, "bad-phone")
    assert_clean_failure(book(card(2), slot="nope"), 2, "bad-input")
    proc = book(card(2), occupation="astronaut")
    assert_clean_failure(proc, 2, "bad-input")
    assert "company-employee" in proc.stderr
    proc = book(card(2, "senior"), "--json", "--no-print")
    assert proc.returncode == 7 and json.loads(proc.stdout)["code"] == "over-age-limit"


def test_queue_offline_then_sync_then_status(setup, tmp_path, central):  # noqa: F811
    kiosk, card, book, _ = setup
    dead = write_config(tmp_path / "dead", "http://127.0.0.1:9", central.tokens["kiosk-1"])
    for n in (3, 4):
        proc = book(card(n), "--json", "--no-print", config=dead)
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
