"""`central.fleet`: the state and attention rules at each of their boundaries (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from central import fleet

T = datetime(2021, 6, 1, 3, 0, tzinfo=UTC)
CURRENT = "bkk-thairuamjai-2021-05-27"
seconds = st.integers(min_value=0, max_value=3 * 3600)
intervals = st.integers(min_value=10, max_value=600)


def healthy(**changes):
    r = {
        "rule_set": CURRENT,
        "printer": {"state": "ok", "paper": "ok"},
        "queue": {"queued": 0, "sending": 0, "oldest_age_s": None},
        "clock_offset_s": 0.0,
        "staff": {"requested": False, "paused": False},
    }
    r.update(changes)
    return r


def reasons(state="online", **changes):
    return [r.to_json() for r in fleet.attention(state, healthy(**changes), CURRENT)]


@given(age=seconds, interval=intervals)
def test_state_by_age_of_the_last_report(age, interval):
    last = fleet.deadlines(T, interval)
    got = fleet.state_at(T + timedelta(seconds=age), last)
    online_for = 2 * interval + 60
    if age <= online_for:
        assert got == "online"
    elif age <= max(online_for, 15 * 60):
        assert got == "stale"
    else:
        assert got == "offline"


@given(interval=intervals)
def test_the_online_edge_is_two_intervals_and_a_minute(interval):
    last = fleet.deadlines(T, interval)
    edge = T + timedelta(seconds=2 * interval + 60)
    assert fleet.state_at(edge, last) == "online"
    after = fleet.state_at(edge + timedelta(microseconds=1), last)
    assert after == ("stale" if 2 * interval + 60 < 15 * 60 else "offline")
    stale_edge = T + timedelta(minutes=15)
    if edge < stale_edge:
        assert fleet.state_at(stale_edge, last) == "stale"
        assert fleet.state_at(stale_edge + timedelta(microseconds=1), last) == "offline"


def test_never_seen_and_the_default_interval():
    assert fleet.state_at(T, None) == "never-seen"
    assert fleet.attention("never-seen", None, CURRENT) == []
    assert fleet.deadlines(T, None) == fleet.deadlines(T, 60)


@given(age=st.integers(min_value=0, max_value=10_000))
def test_queue_age_boundaries(age):
    got = reasons(queue={"queued": 1, "sending": 0, "oldest_age_s": age})
    if age > 3600:
        assert got == [{"reason": "queue-old", "level": "fail"}]
    elif age > 900:
        assert got == [{"reason": "queue-old", "level": "warn"}]
    else:
        assert got == []


@given(offset=st.floats(min_value=-1000, max_value=1000, allow_nan=False))
def test_clock_skew_boundaries_either_way(offset):
    got = reasons(clock_offset_s=offset)
    if abs(offset) > 300:
        assert got == [{"reason": "clock-skew", "level": "fail"}]
    elif abs(offset) > 60:
        assert got == [{"reason": "clock-skew", "level": "warn"}]
    else:
        assert got == []


def test_exact_edges_are_not_yet_over():
    assert (
        reasons(clock_offset_s=60.0) == [] and reasons(clock_offset_s=-300.0)[0]["level"] == "warn"
    )
    assert reasons(queue={"queued": 1, "sending": 0, "oldest_age_s": 900}) == []
    assert reasons(queue={"queued": 1, "sending": 0, "oldest_age_s": 3600})[0]["level"] == "warn"


@given(
    paper=st.sampled_from(["ok", "near-end", "out", "unknown"]),
    requested=st.booleans(),
    rule_set=st.sampled_from([CURRENT, "bkk-older", None]),
    state=st.sampled_from(["online", "stale", "offline"]),
)
def test_each_reason_and_the_order_fails_first(paper, requested, rule_set, state):
    got = reasons(
        state,
        printer={"state": "ok", "paper": paper},
        staff={"requested": requested, "paused": False},
        rule_set=rule_set,
    )
    names = {r["reason"]: r["level"] for r in got}
    assert ("offline" in names) == (state == "offline")
    assert names.get("printer-out-of-paper") == ("fail" if paper == "out" else None)
    assert names.get("printer-paper-near-end") == ("warn" if paper == "near-end" else None)
    assert names.get("staff-requested") == ("warn" if requested else None)
    assert names.get("rule-set-not-current") == (None if rule_set == CURRENT else "warn")
    levels = [r["level"] for r in got]
    assert levels == sorted(levels, key=lambda lvl: lvl != "fail")
    assert set(names) <= set(fleet.REASONS)
    assert fleet.worst(fleet.attention(state, healthy(), CURRENT)) == (
        "fail" if state == "offline" else None
    )
