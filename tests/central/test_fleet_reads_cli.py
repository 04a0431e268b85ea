"""`kiosk-central fleet --reason R --district D`: the console's reads from the command line, on
both stores (the CLI's own `main`, the mixed fleet of fleet_fixtures)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from central.cli import main
from central.store import PostgresStore, SqliteStore
from tests.central.fleet_fixtures import NOW, seed_fleet


@pytest.fixture
def db(new_db: Callable[[], str | None], tmp_path) -> str:
    url = new_db()
    target = url or str(tmp_path / "c.db")
    store = PostgresStore(target) if url else SqliteStore(target)
    try:
        seed_fleet(store, 40)
    finally:
        store.close()
    return target


def fleet(db, capsys, *argv):
    assert main(["fleet", "--db", db, "--now", NOW.isoformat(), "--json", *argv]) == 0
    return json.loads(capsys.readouterr().out)


def test_reason_and_district_filters(db, capsys):
    every = fleet(db, capsys)
    assert len(every) == 40
    out = fleet(db, capsys, "--reason", "printer-out-of-paper")
    assert out and all(
        {"reason": "printer-out-of-paper", "level": "fail"} in e["attention"] for e in out
    )
    assert len(out) == sum(
        any(a["reason"] == "printer-out-of-paper" for a in e["attention"]) for e in every
    )
    warn = fleet(db, capsys, "--reason", "clock-skew:warn")
    fail = fleet(db, capsys, "--reason", "clock-skew:fail")
    both = fleet(db, capsys, "--reason", "clock-skew")
    assert len(both) == len(warn) + len(fail) and warn and fail
    bang_sue = fleet(db, capsys, "--district", "Bang Sue")
    assert {e["store"] for e in bang_sue} == {"s-bangsue", "s-bangsue-2"}
    assert fleet(db, capsys, "--district", "เขตบางซื่อ") == bang_sue
    unlisted = fleet(db, capsys, "--district", "—")
    assert {e["store"] for e in unlisted} == {"s-unlisted"}
    assert all(e["district_en"] is None for e in unlisted)
    combined = fleet(db, capsys, "--district", "Bang Sue", "--state", "offline", "--attention")
    assert combined and all(
        e["state"] == "offline" and e["district_en"] == "Bang Sue" for e in combined
    )


def test_a_bad_reason_is_a_bilingual_usage_error(db, capsys):
    assert main(["fleet", "--db", db, "--reason", "on-fire"]) == 2
    err = capsys.readouterr().err
    assert "unknown attention reason 'on-fire'" in err and "ไม่รู้จัก" in err


def test_the_table_shows_the_district(db, capsys):
    assert main(["fleet", "--db", db, "--now", NOW.isoformat(), "--store", "s-unlisted"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 10 and all(line.split()[2] == "—" for line in lines)
    assert "10 terminal(s)" in captured.err
