"""PUT /v1/terminals/me/health over real HTTP, on both stores: stored, limited, authenticated;
then `kiosk-central fleet` reading the states at the instant it is asked (DESIGN §13)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import requests

from central.cli import main
from central.fleet_view import fleet_entries

RULE_SET = "bkk-thairuamjai-2021-05-27"


def report(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "software": "0.14.0",
        "rule_set": RULE_SET,
        "interval_s": 60,
        "checks": [{"name": "printer", "status": "ok", "detail": "paper ok"}],
        "queue": {"queued": 0, "sending": 0, "oldest_age_s": None},
        "leases": {"held": 3, "spent": 0},
        "printer": {"state": "ok", "paper": "ok"},
        "reader": "ok",
        "clock_offset_s": 0.4,
        "last_sync": "2021-06-01T09:59:00+07:00",
        "staff": {"requested": False, "paused": False},
    }
    body.update(changes)
    return body


def put(central, body: Any, terminal: str = "kiosk-1", **kw: Any) -> requests.Response:
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    headers = {**central.auth(terminal), "Content-Type": "application/json", **kw}
    return requests.put(
        central.url("/v1/terminals/me/health"), data=data, headers=headers, timeout=10
    )


def fleet(central, *argv: str) -> list[dict[str, Any]]:
    import contextlib
    import io

    out = io.StringIO()
    db = str(central.central.settings.db)
    now = central.clock.now.isoformat()
    with contextlib.redirect_stdout(out):
        assert main(["fleet", "--db", db, "--now", now, "--json", *argv]) == 0
    return json.loads(out.getvalue())


def _by_id(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {e["terminal_id"]: e for e in entries}


def test_a_report_is_kept_and_the_state_moves_with_the_clock(central):
    assert _by_id(fleet(central))["kiosk-1"]["state"] == "never-seen"
    r = put(central, report())
    assert r.status_code == 204, r.text
    seen = _by_id(fleet(central))
    assert seen["kiosk-1"]["state"] == "online" and seen["kiosk-1"]["attention"] == []
    assert seen["kiosk-1"]["last_seen"] == central.clock.now.isoformat()
    assert seen["kiosk-2"]["state"] == "never-seen"
    assert "web-1" not in seen  # a web channel token is not a terminal of the fleet
    central.clock.advance(seconds=179)  # 2 × 60 s + 60 s is the edge (the CLI clock runs on)
    assert _by_id(fleet(central))["kiosk-1"]["state"] == "online"
    central.clock.advance(seconds=2)
    assert _by_id(fleet(central, "--state", "stale"))["kiosk-1"]["state"] == "stale"
    central.clock.advance(minutes=15)
    offline = _by_id(fleet(central, "--state", "offline"))["kiosk-1"]
    assert offline["attention"] == [{"reason": "offline", "level": "fail"}]
    assert set(_by_id(fleet(central, "--state", "never-seen"))) == {"kiosk-2"}
    assert fleet(central, "--state", "online") == []


def test_attention_reasons_from_the_report(central):
    bad = report(
        printer={"state": "fail", "paper": "out"},
        queue={"queued": 4, "sending": 1, "oldest_age_s": 16 * 60},
        clock_offset_s=-400.0,
        rule_set="an-old-rule-set",
        staff={"requested": True, "paused": False},
    )
    assert put(central, bad).status_code == 204
    assert put(central, report(), terminal="kiosk-2").status_code == 204
    flagged = fleet(central, "--attention")
    assert [e["terminal_id"] for e in flagged] == ["kiosk-1"]
    assert flagged[0]["attention"] == [
        {"reason": "printer-out-of-paper", "level": "fail"},
        {"reason": "clock-skew", "level": "fail"},
        {"reason": "queue-old", "level": "warn"},
        {"reason": "rule-set-not-current", "level": "warn"},
        {"reason": "staff-requested", "level": "warn"},
    ]
    # the next report replaces the latest; the history keeps both
    assert put(central, report()).status_code == 204
    assert fleet(central, "--attention") == []
    store = central.central.store
    history = store.health_history("kiosk-1", central.clock.now - timedelta(hours=1))
    assert [h[1]["printer"]["paper"] for h in history] == ["out", "ok"]


def test_oversized_and_malformed_reports_store_nothing(central):
    huge = report(
        checks=[{"name": f"c{i}", "status": "warn", "detail": "x" * 150} for i in range(8)]
    )
    assert len(json.dumps(huge)) > 1024
    r = put(central, huge)
    assert r.status_code == 413, r.text
    problem = r.json()
    assert problem["code"] == "health-report-too-large" and problem["th"] and problem["en"]
    for body in (
        b"{not json",
        report(reader="splendid"),
        report(queue={"queued": -1, "sending": 0}),
        report(citizen_id="1101700203451"),  # unknown members refused: no personal data slips in
        {"software": "x"},
    ):
        r = put(central, body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["code"] == "invalid-request" and r.json()["th"]
        assert "1101700203451" not in r.text
    assert _by_id(fleet(central))["kiosk-1"]["state"] == "never-seen"
    assert central.central.store.health_history("kiosk-1", central.clock.now - timedelta(1)) == []


def test_a_chunked_body_over_the_limit_is_413(central):
    def chunks():
        yield json.dumps(report())[:-1].encode()
        yield b', "pad": "' + b"y" * 2000 + b'"}'

    r = requests.put(
        central.url("/v1/terminals/me/health"),
        data=chunks(),
        headers={**central.auth(), "Content-Type": "application/json"},
        timeout=10,
    )
    assert r.request.headers.get("Transfer-Encoding") == "chunked"  # no Content-Length to trust
    assert r.status_code == 413, r.text
    assert _by_id(fleet(central))["kiosk-1"]["state"] == "never-seen"


def test_a_revoked_or_missing_token_is_401_and_stores_nothing(central):
    db = str(central.central.settings.db)
    assert main(["revoke", "--db", db, "--terminal", "kiosk-1"]) == 0
    r = put(central, report())
    assert r.status_code == 401 and r.json()["code"] == "unauthorized"
    r = requests.put(central.url("/v1/terminals/me/health"), json=report(), timeout=10)
    assert r.status_code == 401
    store = central.central.store
    assert store.health_history("kiosk-1", central.clock.now - timedelta(days=1)) == []


def test_history_is_pruned_after_seven_days(central):
    store = central.central.store
    assert put(central, report(leases={"held": 1, "spent": 0})).status_code == 204
    assert put(central, report(), terminal="kiosk-2").status_code == 204
    central.clock.advance(days=7, seconds=1)
    assert put(central, report(leases={"held": 2, "spent": 0})).status_code == 204
    since = central.clock.now - timedelta(days=30)
    assert [h[1]["leases"]["held"] for h in store.health_history("kiosk-1", since)] == [2]
    # kiosk-2 stopped reporting: its old rows go by the hourly sweep
    central.clock.advance(hours=1)
    assert put(central, report()).status_code == 204
    assert store.health_history("kiosk-2", since) == []


def test_pages_and_filters_of_the_read_side(central):
    store = central.central.store
    now = central.clock.now
    for i in range(7):
        store.issue_token(f"t-{i:02d}", "store-7" if i % 2 else "store-8", "kiosk", now)
    ids, after = [], None
    while True:
        page = store.fleet_page(now, after=after, limit=3)
        ids += [r.terminal_id for r in page]
        if len(page) < 3:
            break
        after = page[-1].terminal_id
    assert ids == sorted(ids) and len(ids) == len(set(ids)) == 9
    odd = fleet_entries(store, now, store_name="store-7")
    assert [e.terminal_id for e in odd] == ["t-01", "t-03", "t-05"]
    assert {e.state for e in odd} == {"never-seen"}


def test_history_keeps_changes_and_an_unchanged_report_every_15_minutes(central):
    store = central.central.store
    for _ in range(3):
        assert put(central, report()).status_code == 204
        central.clock.advance(minutes=1)
    assert put(central, report(leases={"held": 9, "spent": 0})).status_code == 204
    central.clock.advance(minutes=14)
    assert put(central, report(leases={"held": 9, "spent": 0})).status_code == 204  # 14 min
    central.clock.advance(minutes=1)
    assert put(central, report(leases={"held": 9, "spent": 0})).status_code == 204  # 15 min
    since = central.clock.now - timedelta(hours=1)
    assert [h[1]["leases"]["held"] for h in store.health_history("kiosk-1", since)] == [3, 9, 9]
    # the latest is always the last one, kept in the history or not
    assert _by_id(fleet(central))["kiosk-1"]["last_seen"] == central.clock.now.isoformat()
