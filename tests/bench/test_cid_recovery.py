"""bench/cid_recovery.py, short: the real script against a journal a kiosk made (schema 4: no
digit in the clear, scrypt) and against one the schema-3 kiosk made (masked CID, HMAC)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kiosk.booking import cid_hash
from kiosk.card import cid as cidlib
from kiosk.card import cid_space
from tests.sync.legacy_journal import write_schema_3_journal

ROOT = Path(__file__).resolve().parents[2]
YEAR = 365.25 * 86400


def run(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "cid_recovery.py"), *args, "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return json.loads(out.stdout)


def test_the_attack_on_todays_journal_costs_over_a_year_per_id():
    report = run("--bookings", "1", "--min-cpu", "0.3", "--recover-under", "60")
    assert report["hash"].startswith("scrypt N=2^13 r=8 p=1, 8 MiB")
    [item] = report["attacked"]
    assert item["clear_pattern"] == "X" * 13 and item["candidates"] == 10**12
    assert item["candidates_timed"] >= 16
    assert item["expected_seconds_one_core"] >= YEAR
    assert item["recovered"] is None  # not even tried: far beyond the bench's minute
    assert report["kiosk_lookup_ms"] > 0


def test_the_same_attack_recovers_an_id_from_a_schema_3_journal(tmp_path):
    secret = os.urandom(32)
    first12 = "110370000001"  # low unknown digits: found among the first candidates
    cid = first12 + str(cidlib.check_digit(first12))
    journal = tmp_path / "journal.sqlite"
    row = {
        "booking_id": "b-old-0001",
        "masked_cid": cidlib.mask(cid),
        "cid_key": cid_hash.legacy_cid_key(secret, cid),
        "sealed": {"v": 1, "ct": "opaque"},
    }
    write_schema_3_journal(tmp_path, journal, [row])
    key = tmp_path / "cid-hash.key"
    key.write_text(secret.hex())
    report = run("--journal", str(journal), "--key", str(key), "--min-cpu", "0.2")
    assert report["hash"].startswith("hmac-sha256")
    [item] = report["attacked"]
    assert item["clear_pattern"] == cidlib.mask(cid).replace("-", "")
    assert item["candidates"] in (909_091, 1_818_182)  # check digit 1 has two residues
    assert item["expected_seconds_one_core"] < 60  # seconds, not years
    position = next(
        n for n, c in enumerate(cid_space.candidates(item["clear_pattern"]), 1) if c == cid
    )
    assert item["recovered"]["tried"] == position  # stopped at exactly this ID's hash
    assert item["recovered"]["masked"] == cidlib.mask(cid)
    assert cid not in json.dumps(report)  # the bench never prints the full ID
