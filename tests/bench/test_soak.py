"""bench/soak.py at a small size, so the soak cannot rot unseen: real `kiosk book` and `kiosk
sync run` processes SIGKILLed at named points and at random, a real central SIGKILLed and
started again, and the invariants checked at the end; then the personal-data audit on every
file it left. About a minute."""

from __future__ import annotations

import json
from pathlib import Path

import pii_audit
import pytest
import soak

TRIALS = 40


@pytest.fixture(scope="module")
def soaked(tmp_path_factory) -> tuple[int, dict, Path]:
    base = tmp_path_factory.mktemp("soak")
    out = base / "figures.json"
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        status = soak.main(
            ["--trials", str(TRIALS), "--seed", "11", "--json", "--no-audit", "--keep", str(base)]
        )
    out.write_text(buf.getvalue())
    return status, json.loads(buf.getvalue()), base


def test_the_soak_kills_in_every_phase_and_loses_or_doubles_nothing(soaked) -> None:
    status, f, _ = soaked
    assert status == 0, f
    assert f["trials"] == TRIALS and f["drained"]
    assert f["kills"] >= TRIALS // 3, f["kills_per_phase"]
    phases = {name.split(" ", 1)[0] for name in f["kills_per_phase"]}
    assert len(phases & {"1", "2", "3", "4", "5"}) >= 4, f["kills_per_phase"]
    assert any("[" in name for name in f["kills_per_phase"]), "no kill at a named point"
    assert any("(timer)" in name or "timer)" in name for name in f["kills_per_phase"])
    assert f["central_restarts"] >= 1
    assert f["reported"] >= 5
    assert f["at_central_once"] + f["still_queued"] == f["reported"]
    assert f["lost"] == f["duplicated"] == f["reference_mismatch"] == 0
    assert f["citizens_with_two_active"] == f["overbooked_slots"] == 0
    assert f["slots_whose_count_differs_from_bookings"] == 0
    assert f["integrity_failures"] == 0 and f["journal_pending_after_final_sync"] == 0


def _people(base: Path) -> list[str]:
    return ["--people", str(base / "inputs" / "people.json")]


def test_no_citizen_id_name_or_phone_in_the_terminals_files_or_any_log(soaked, capsys) -> None:
    _, _, base = soaked
    wal = sorted(str(p) for p in (base / "snapshots").glob("*/journal.sqlite-*"))
    assert any(p.endswith("-wal") for p in wal), "no journal WAL kept to read"
    dirs = [str(base / "terminal"), str(base / "logs"), str(base / "central" / "central.log")]
    assert pii_audit.main([*dirs, *wal, *_people(base), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["files"] >= 5 and figures["bytes"] > 100_000
    assert figures["findings"] == 0, figures["by_file"]


def test_no_citizen_id_name_or_phone_in_the_centrals_files(soaked, capsys) -> None:
    """The central seals each booking's card and phone and each SMS's phone at rest
    (central/sealed_fields.py): its database, WAL copies taken after kills, and log hold none."""
    _, f, base = soaked
    wal = [str(p) for p in (base / "snapshots").glob("*/central.db-*")]
    assert any(p.endswith("-wal") for p in wal), "no central WAL kept to read"
    assert f["reported"] >= 5  # bookings were made, so there was personal data to find
    assert pii_audit.main([str(base / "central"), *wal, *_people(base), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["files"] >= 3 and figures["bytes"] > 50_000, figures
    assert figures["findings"] == 0, figures["by_file"]
