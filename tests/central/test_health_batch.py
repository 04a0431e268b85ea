"""`put_health_batch` (the group commit of central/health_endpoint.py) at the store, on both
stores: the same outcome as the reports written one by one (`put_health_for_token`), a token
twice in a batch included, a dead token storing nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from central.fleet_reads import TerminalQuery, terminals
from tests.central.fleet_fixtures import NOW, fresh_store, report


def _state(store):
    at = NOW + timedelta(minutes=21)
    classified = [
        (r.terminal_id, r.state, r.attention, r.queued, r.oldest_age_s)
        for r in terminals(store, at, TerminalQuery(per_page=500)).rows
    ]
    assert any(r[2] for r in classified)
    latest = {r.terminal_id: r.report for r in store.fleet(NOW)}
    history = {
        tid: [h[1]["leases"]["held"] for h in store.health_history(tid, NOW - timedelta(days=1))]
        for tid in latest
    }
    return latest, history, classified


def test_a_batch_is_the_reports_one_by_one(new_db: Callable[[], str | None]):
    url = new_db()
    outcomes = []
    for batched in (False, True):
        with fresh_store(url) as store:
            tokens = [store.issue_token(f"k-{i}", "s", "kiosk", NOW) for i in range(4)]
            dead = store.issue_token("k-dead", "s", "kiosk", NOW)
            store.revoke("k-dead", NOW)
            store.put_health("k-1", report(leases={"held": 1, "spent": 0}), NOW)
            store.put_health("k-2", report(leases={"held": 2, "spent": 0}), NOW)
            at = NOW + timedelta(minutes=20)
            skewed = report(
                leases={"held": 3, "spent": 0},
                clock_offset_s=-400.25,
                printer={"state": "fail", "paper": "out"},
                queue={"queued": 2, "sending": 0, "oldest_age_s": 1000},
                rule_set=None,
            )
            items = [
                (tokens[0], report(leases={"held": 10, "spent": 0}), at),
                (tokens[1], report(leases={"held": 1, "spent": 0}), at),  # unchanged, 20 min on
                (dead, report(), at),
                (tokens[2], report(leases={"held": 2, "spent": 0}), NOW + timedelta(minutes=5)),
                (tokens[0], report(leases={"held": 11, "spent": 0}), at + timedelta(seconds=1)),
                (tokens[3], skewed, at),
                (tokens[3], skewed, at + timedelta(seconds=1)),
            ]
            if batched:
                got = store.put_health_batch(items)
            else:
                got = [store.put_health_for_token(t, r, now) for t, r, now in items]
            assert got == ["k-0", "k-1", None, "k-2", "k-0", "k-3", "k-3"]
            outcomes.append(_state(store))
    assert outcomes[0] == outcomes[1]
    latest, history, _ = outcomes[1]
    assert "k-dead" not in latest
    assert latest["k-0"]["leases"]["held"] == 11
    # k-1: unchanged but 20 min after the last kept; k-2: unchanged 5 min on (not kept);
    # k-3: the same report twice within a second (kept once)
    assert history == {"k-0": [10, 11], "k-1": [1, 1], "k-2": [2], "k-3": [3]}
