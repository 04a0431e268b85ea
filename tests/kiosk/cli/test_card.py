"""`kiosk card read` and `kiosk card emulate` as a technician runs them."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from kiosk.card import layout, pcsc
from kiosk.card.emulator import CardFaults, ThaiIdApplet
from tests.cards import card, fixture, with_check_digit
from tests.conftest import wait_for_presence
from tests.kiosk.cli.conftest import assert_clean_failure

pytestmark = pytest.mark.pcsc


def test_read_json_is_exactly_the_card_json(insert_card, run_kiosk, pcscd):
    insert_card(fixture("long_address"), "3b67")
    proc = run_kiosk("card", "read", "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == fixture("long_address")


def test_summary_masks_the_citizen_id(insert_card, run_kiosk, pcscd):
    data = fixture("bangkok")
    insert_card(data)
    proc = run_kiosk("card", "read", "--reader", pcscd)
    assert proc.returncode == 0, proc.stderr
    assert data["cid"] not in proc.stdout
    assert "1-1037-XXXXX-XX-" in proc.stdout
    assert "กรุงเทพมหานคร" in proc.stdout
    assert "7 exchanges" in proc.stdout


def test_photo_is_written_when_asked(insert_card, run_kiosk, pcscd, tmp_path):
    insert_card(fixture("bangkok"))
    out = tmp_path / "photo.jpg"
    proc = run_kiosk("card", "read", "--photo", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(b"\xff\xd8")


def test_no_card(run_kiosk, pcscd):
    assert_clean_failure(run_kiosk("card", "read"), 4, "no-card")


def test_unknown_reader(run_kiosk, pcscd):
    assert_clean_failure(run_kiosk("card", "read", "--reader", "Nonexistent"), 3, "no-reader")


def test_no_pcscd(run_kiosk):
    proc = run_kiosk("card", "read", env={"PCSCLITE_CSOCK_NAME": "/nonexistent/pcscd.comm"})
    assert_clean_failure(proc, 3, "pcsc-unavailable")
    assert "pcscd" in proc.stderr


def test_failed_check_digit(insert_card, run_kiosk, pcscd):
    good = with_check_digit("110370012345")
    bad = good[:12] + str((int(good[12]) + 1) % 10)
    insert_card(card(cid=bad))
    proc = run_kiosk("card", "read", "--json")
    assert_clean_failure(proc, 5, "invalid-cid")
    assert proc.stdout == ""


def test_impossible_birth_date(insert_card, run_kiosk, pcscd):
    insert_card(card(birth_date_be="25300231"))
    proc = run_kiosk("card", "read")
    assert_clean_failure(proc, 5, "card-data")
    assert "birth date" in proc.stderr and "วันเกิด" in proc.stderr


def test_undecodable_bytes(insert_card, run_kiosk, pcscd):
    applet = ThaiIdApplet.from_json(
        card(), faults=CardFaults(patches={layout.NAME_EN.offset + 4: b"\xfc"})
    )
    insert_card(applet)
    proc = run_kiosk("card", "read")
    assert_clean_failure(proc, 5, "card-data")
    assert "English name" in proc.stderr


def test_error_status_word(insert_card, run_kiosk, pcscd):
    insert_card(ThaiIdApplet.from_json(card(), faults=CardFaults(read_sw=b"\x6f\x00")))
    proc = run_kiosk("card", "read")
    assert_clean_failure(proc, 5, "card-status")
    assert "6F00" in proc.stderr


def test_emulate_presents_until_interrupted(tmp_path, pcscd):
    path = tmp_path / "card.json"
    path.write_text(json.dumps(fixture("naturalised"), ensure_ascii=False), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "card", "emulate", str(path), "--atr", "3b67"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_presence(pcscd, True)
        result = pcsc.read_card(pcscd)
        assert result.card.to_json() == fixture("naturalised")
        assert result.atr[:2] == b"\x3b\x67"
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0, err
    assert "8-1002-XXXXX-XX-" in err and fixture("naturalised")["cid"] not in err
    wait_for_presence(pcscd, False)


@pytest.mark.parametrize(
    ("content", "needle"),
    [("{not json", "not valid JSON"), (None, "does not exist"), ("[1, 2]", "JSON object")],
)
def test_emulate_bad_input(run_kiosk, tmp_path, content, needle):
    path = tmp_path / "card.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    proc = run_kiosk("card", "emulate", str(path))
    assert_clean_failure(proc, 2, "bad-input")
    assert needle in proc.stderr


def test_emulate_text_that_cannot_go_on_a_card(run_kiosk, tmp_path):
    path = tmp_path / "card.json"
    path.write_text(json.dumps(card(name_en={"first": "Zoë"})), encoding="utf-8")
    proc = run_kiosk("card", "emulate", str(path))
    assert_clean_failure(proc, 2, "bad-input")
    assert "TIS-620" in proc.stderr


def test_demo_cards_reads_every_demo_person(run_kiosk, pcscd):
    start = time.monotonic()
    proc = run_kiosk("demo", "--cards")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("Read through pcscd") == 9
    assert "กรุงเทพมหานคร" in proc.stdout
    assert time.monotonic() - start < 30
