"""The console behind `serve --workers 2` on PostgreSQL: sessions and the sign-in lockout are in
the database, so whichever worker a request reaches (each request on a new connection here, the
kernel choosing the worker) sees the same session and the same failures."""

from __future__ import annotations

import re

import pytest
import requests

from central.console import sessions
from central.console.passwords import hash_password
from central.store.postgres import PostgresStore
from tests.central.conftest import T0
from tests.central.served import serve
from tests.pg_cluster import Databases

pytestmark = pytest.mark.postgres
CLOSE = {"Connection": "close"}


def _csrf(text: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)


def _login(base: str, jar: requests.Session, name: str, password: str) -> int:
    page = jar.get(base + "/console/login", headers=CLOSE, timeout=30)
    data = {"csrf_token": _csrf(page.text), "username": name, "password": password}
    r = jar.post(
        base + "/console/login", data=data, headers=CLOSE, allow_redirects=False, timeout=30
    )
    return r.status_code


def test_sessions_and_lockout_hold_across_workers(pg_databases: Databases, tmp_path) -> None:
    url = pg_databases.new()
    try:
        db = PostgresStore(url, max_size=1)
        db.add_operator("alice", "technician", hash_password("a long password"), T0)
        db.close()
        served = serve(url, tmp_path, workers=2)
        try:
            assert len(served.wait_for_workers()) == 2
            jar = requests.Session()
            assert _login(served.base, jar, "alice", "a long password") == 303
            for _ in range(12):  # new connections: both workers take some
                r = jar.get(
                    served.base + "/console/", headers=CLOSE, allow_redirects=False, timeout=30
                )
                assert r.status_code == 200
            attacker = requests.Session()
            for _ in range(sessions.FREE_PER_NAME):
                assert _login(served.base, attacker, "alice", "guess") == 401
            for _ in range(6):
                assert _login(served.base, requests.Session(), "alice", "a long password") == 429
        finally:
            served.stop()
    finally:
        pg_databases.drop(url)
