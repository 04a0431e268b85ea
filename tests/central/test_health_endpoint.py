"""The health report's own ASGI endpoint (central/health_endpoint.py) and its FastAPI fallback
route, over real HTTP on both stores: the same refusals in the same order, nothing stored by a
refused report, the history rule of health.py kept by PostgreSQL's one statement."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

import requests
import uvicorn
from fastapi import FastAPI

from central import problems, routes_health
from tests.central.test_health_api import put, report

BAD = {"Authorization": "Bearer not-a-token"}


def _latest(central, terminal="kiosk-1"):
    rows = central.central.store.fleet(central.clock.now)
    return {r.terminal_id: r for r in rows}[terminal].report


def test_a_dead_token_is_401_whatever_the_body(central):
    store = central.central.store
    store.revoke("kiosk-2", central.clock.now)
    for body in (b"{not json", json.dumps(report(reader="sideways")), b"x" * 2000):
        for headers in (BAD, central.auth("kiosk-2")):
            r = put(central, body, **headers)
            assert r.status_code == 401, (body[:20], r.text)
            assert r.json()["code"] == "unauthorized" and r.json()["th"]
            assert r.headers["www-authenticate"].startswith("Bearer")
    assert _latest(central, "kiosk-1") is None


def test_refusals_of_a_live_terminal_are_problems_and_store_nothing(central):
    r = put(central, json.dumps(report(reader="sideways")))
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    doc = r.json()
    assert doc["code"] == "invalid-request" and doc["th"] and "reader" in doc["en"]
    assert all("input" not in e for e in doc["errors"])
    r = put(central, json.dumps(report(software="x" * 1100)))
    assert r.status_code == 413 and r.json()["code"] == "health-report-too-large"
    assert _latest(central) is None
    assert put(central, report()).status_code == 204
    assert _latest(central)["reader"] == "ok"


def test_the_scheme_is_read_as_fastapi_reads_it(central):
    token = central.tokens["kiosk-1"]
    url = central.url("/v1/terminals/me/health")
    body = json.dumps(report())
    for header, status in (
        (f"bearer {token}", 204),
        (f"BEARER {token}", 204),
        (f"Basic {token}", 401),
        ("Bearer", 401),
        (token, 401),
    ):
        r = requests.put(url, data=body, headers={"Authorization": header}, timeout=10)
        assert r.status_code == status, header
    r = requests.put(url, data=body, timeout=10)
    assert r.status_code == 401
    # other methods on the path still go to the router
    assert requests.get(url, headers=central.auth(), timeout=10).status_code == 405


def test_identical_reports_in_one_second_keep_one_history_row(central):
    store = central.central.store
    central.clock.now = central.clock.now.replace(microsecond=100)
    assert put(central, report()).status_code == 204
    central.clock.now += timedelta(microseconds=500_000)
    assert put(central, report()).status_code == 204
    assert put(central, report(leases={"held": 1, "spent": 0})).status_code == 204
    since = central.clock.now - timedelta(minutes=1)
    assert [h[1]["leases"]["held"] for h in store.health_history("kiosk-1", since)] == [3, 1]


def test_the_fastapi_route_serves_the_same_contract_without_the_endpoint(central):
    """A bare app of the router alone (no HealthEndpoint in front): the fallback route."""
    app = FastAPI()
    app.state.central = central.central
    problems.install(app)
    app.include_router(routes_health.router)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive()
        time.sleep(0.01)
    try:
        port = server.servers[0].sockets[0].getsockname()[1]
        url = f"http://127.0.0.1:{port}/v1/terminals/me/health"
        auth = central.auth()
        assert requests.put(url, data=b"{", headers=BAD, timeout=10).status_code == 401
        r = requests.put(url, data=b"{", headers=auth, timeout=10)
        assert r.status_code == 422 and r.json()["code"] == "invalid-request"
        r = requests.put(url, data=b"x" * 2000, headers=auth, timeout=10)
        assert r.status_code == 413
        assert _latest(central) is None
        r = requests.put(url, data=json.dumps(report(reader="fail")), headers=auth, timeout=10)
        assert r.status_code == 204
        assert _latest(central)["reader"] == "fail"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_concurrent_reports_are_written_together_and_each_answered(central):
    """30 terminals (and a revoked one) report at once, released by a barrier: the batch is
    written in one go, every live terminal gets 204 with its own report stored, the revoked
    one 401 with nothing stored."""
    store = central.central.store
    now = central.clock.now
    tokens = {
        f"t-{i:02d}": store.issue_token(f"t-{i:02d}", "store-9", "kiosk", now) for i in range(30)
    }
    tokens["t-gone"] = store.issue_token("t-gone", "store-9", "kiosk", now)
    store.revoke("t-gone", now)
    barrier = threading.Barrier(len(tokens))
    statuses: dict[str, int] = {}

    def send(tid: str) -> None:
        body = json.dumps(
            report(leases={"held": int(tid[2:]) if tid != "t-gone" else 0, "spent": 0})
        )
        barrier.wait()
        r = requests.put(
            central.url("/v1/terminals/me/health"),
            data=body,
            headers={"Authorization": f"Bearer {tokens[tid]}"},
            timeout=30,
        )
        statuses[tid] = r.status_code

    threads = [threading.Thread(target=send, args=(tid,)) for tid in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses.pop("t-gone") == 401
    assert set(statuses.values()) == {204}
    rows = {r.terminal_id: r for r in store.fleet(now)}
    assert "t-gone" not in rows
    for i in range(30):
        assert rows[f"t-{i:02d}"].report["leases"]["held"] == i
    assert store.health_history("t-gone", now - timedelta(days=1)) == []
