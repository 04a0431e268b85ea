"""Enrolment and bearer tokens: one-time codes, 401 for unknown and revoked tokens."""

from __future__ import annotations

from datetime import timedelta

import requests

from central.cli import main
from central.store.connection import hash_secret
from tests.central.test_bookings_create import _problem

#: Also run against `serve --workers 2` on PostgreSQL (tests/central/conftest.py).
CONTRACT_ON_WORKERS = True


def _enrol(c, code, terminal="kiosk-9", store="store-9"):
    return requests.post(
        c.url("/v1/terminals"),
        json={"enrolment_code": code, "terminal_id": terminal, "store": store},
        timeout=10,
    )


def test_an_enrolment_code_gives_a_working_token_once(central):
    code = central.central.store.new_enrolment_code(
        "store-9", central.clock.now, timedelta(hours=1)
    )
    r = _enrol(central, code.lower())  # a technician may type it in lower case
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["terminal_id"] == "kiosk-9" and body["store"] == "store-9" and body["token"]
    ok = requests.get(
        central.url("/v1/config"), headers={"Authorization": f"Bearer {body['token']}"}, timeout=10
    )
    assert ok.status_code == 200
    _problem(_enrol(central, code, terminal="kiosk-10"), 403, "enrolment-code-used")


def test_expired_unknown_and_other_store_codes_are_refused(central):
    store = central.central.store
    code = store.new_enrolment_code("store-9", central.clock.now, timedelta(hours=1))
    _problem(_enrol(central, code, store="store-x"), 403, "enrolment-store-mismatch")
    central.clock.advance(hours=1, seconds=1)
    _problem(_enrol(central, code), 403, "enrolment-code-expired")
    _problem(_enrol(central, "AAAA-BBBB-CCCC"), 403, "enrolment-code-unknown")


def test_tokens_are_stored_hashed(central, backend):
    token = central.tokens["kiosk-1"]
    rows = central.central.store._conn().execute("SELECT * FROM terminals").fetchall()
    stored = [str(r[i]) for r in rows for i in range(len(r))]
    assert hash_secret(token) in stored
    assert not any(token in value for value in stored)
    if backend == "sqlite":  # nor anywhere in the file, its WAL or its shared memory
        db = central.central.settings.db
        for path in db.parent.glob(db.name + "*"):
            if path.is_file():
                assert token.encode() not in path.read_bytes()


def test_unknown_token_and_no_token_are_401(central):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic a2lvc2s="}):
        r = requests.get(central.url("/v1/config"), headers=headers, timeout=10)
        _problem(r, 401, "unauthorized")
        assert r.headers["www-authenticate"].startswith("Bearer")


def test_a_revoked_token_is_401_at_once(central, capsys):
    assert requests.get(central.url("/v1/sites"), headers=central.auth(), timeout=10).ok
    db = str(central.central.settings.db)
    assert main(["revoke", "--db", db, "--terminal", "kiosk-1"]) == 0
    r = requests.get(central.url("/v1/sites"), headers=central.auth(), timeout=10)
    _problem(r, 401, "unauthorized")
    assert main(["revoke", "--db", db, "--terminal", "kiosk-1"]) == 2
    err = capsys.readouterr().err
    assert "error [bad-input]" in err and "ไม่พบเครื่องที่ระบุ" in err


def test_a_token_from_the_command_line_works(central, capsys):
    db = str(central.central.settings.db)
    assert main(["token", "--db", db, "--terminal", "staging-1"]) == 0
    token = capsys.readouterr().out.strip()
    r = requests.get(
        central.url("/v1/sites"), headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert r.status_code == 200


def test_an_enrolment_code_from_the_command_line_works(central, capsys):
    db = str(central.central.settings.db)
    assert main(["enrolment-code", "--db", db, "--store", "store-9"]) == 0
    code = capsys.readouterr().out.strip()
    # made with the real clock, so it expires a day from today: still valid at the server's 2021
    r = _enrol(central, code)
    assert r.status_code == 201, r.text
    assert _enrol(central, code, terminal="kiosk-10").status_code == 403
