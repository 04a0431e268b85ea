"""The fleet's SQL classification equals `central.fleet`'s pure one (hypothesis, both stores).

Random reports (every attention input near its thresholds), received at random instants with
random intervals, read at a random instant (microseconds included, deadlines hit exactly):
the state and attention list of every terminal from the database (`fleet_reads.terminals`)
must be what `central.fleet.state_at` / `attention` say of the same stored report, and the
overview's counts what counting those gives.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from central.fleet_reads import REASON_LEVELS, UNKNOWN_DISTRICT, TerminalQuery, overview, terminals
from central.fleet_view import current_rule_set, entry
from tests.central.fleet_fixtures import CURRENT, NOW, STORES, TERMINAL_STORES, fresh_store, report

ages = st.integers(min_value=0, max_value=15_000)
around = [899, 900, 901, 3599, 3600, 3601]
skews = [60.0, 300.0, math.nextafter(60.0, 99), math.nextafter(300.0, 999), 59.999999]
reports = st.fixed_dictionaries(
    {
        "interval_s": st.integers(min_value=10, max_value=600),
        "printer": st.fixed_dictionaries(
            {
                "state": st.sampled_from(["ok", "warn", "fail", "unknown"]),
                "paper": st.sampled_from(["ok", "near-end", "out", "unknown"]),
            }
        ),
        "queue": st.fixed_dictionaries(
            {
                "queued": st.integers(min_value=0, max_value=50),
                "sending": st.just(0),
                "oldest_age_s": st.none() | st.sampled_from(around) | ages,
            }
        ),
        "clock_offset_s": st.none()
        | st.sampled_from(skews + [-s for s in skews])
        | st.floats(min_value=-1000, max_value=1000, allow_nan=False),
        "rule_set": st.sampled_from([CURRENT, "bkk-older", None]),
        "staff": st.fixed_dictionaries({"requested": st.booleans(), "paused": st.booleans()}),
    }
)
terminal = st.tuples(
    st.none() | st.tuples(st.integers(0, 7200), st.integers(0, 999_999)),  # received before NOW
    reports,
    st.sampled_from(TERMINAL_STORES),
)
micros = st.sampled_from([0, 1, 500_000, 999_999]) | st.integers(0, 999_999)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    fleet_=st.lists(terminal, min_size=1, max_size=8),
    later=st.integers(min_value=0, max_value=3600),
    micro=micros,
    rule_set=st.sampled_from([CURRENT, "bkk-older", None]),
)
def test_sql_states_and_reasons_are_the_pure_ones(
    new_db: Callable[[], str | None], fleet_, later, micro, rule_set
):
    url = _url(new_db)
    with fresh_store(url) as store:
        if rule_set is not None:
            store.set_meta("rule_set", rule_set)
        store.put_stores(STORES)
        for i, (received, changes, shop) in enumerate(fleet_):
            store.issue_token(f"k-{i}", shop, "kiosk", NOW)
            if received is not None:
                at = NOW - timedelta(seconds=received[0], microseconds=received[1])
                store.put_health(f"k-{i}", report(**changes), at)
        # read at a random instant, or exactly at one terminal's deadline (and just after)
        now = NOW + timedelta(seconds=later, microseconds=micro)
        current = current_rule_set(store)
        pure = {e.terminal_id: e for e in (entry(r, now, current) for r in store.fleet(now))}
        got = terminals(store, now, TerminalQuery(per_page=500))
        assert got.total == len(pure) == len(fleet_)
        for row in got.rows:
            want = pure[row.terminal_id]
            assert row.state == want.state, (row, want)
            assert row.attention == [(r.reason, r.level) for r in want.attention], (row, want)
        ov = overview(store, now)
        assert ov.states == {s: sum(e.state == s for e in pure.values()) for s in ov.states}
        counted = Counter((r.reason, r.level) for e in pure.values() for r in e.attention)
        assert ov.reasons == {pair: counted[pair] for pair in REASON_LEVELS}
        listed = {s.store_id for s in STORES}
        assert ov.districts.get(UNKNOWN_DISTRICT, 0) == sum(
            shop not in listed for _, _, shop in fleet_
        )


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(interval=st.integers(min_value=10, max_value=600), received_micro=micros, step=micros)
def test_the_sql_edges_are_the_pure_edges(new_db, interval, received_micro, step):
    """At the online and stale deadlines to the microsecond either side."""
    url = _url(new_db)
    with fresh_store(url) as store:
        store.issue_token("k-0", "s-unlisted", "kiosk", NOW)
        store.put_health(
            "k-0",
            report(interval_s=interval),
            NOW + timedelta(microseconds=received_micro),
        )
        (row,) = store.fleet(NOW)
        for edge in (row.last.online_until, row.last.stale_until):
            for now in (
                edge,
                edge + timedelta(microseconds=1),
                edge + timedelta(microseconds=step),
            ):
                (got,) = terminals(store, now).rows
                assert got.state == entry(row, now, CURRENT).state, (edge, now)


_urls: dict[int, str | None] = {}


def _url(new_db: Callable[[], str | None]) -> str | None:
    """One database per test (not per example): `fresh_store` empties it between examples."""
    key = id(new_db)
    if key not in _urls:
        _urls.clear()
        _urls[key] = new_db()
    return _urls[key]
