"""What the stats pages compute from the store's counts (central/console/stats.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from central.console.stats import (
    MAX_DAYS,
    BadDate,
    fill_chart,
    fill_rows,
    hour_chart,
    hour_rows,
    lease_summary,
    parse_day,
    parse_range,
    site_summaries,
)
from central.store.records import Site
from central.store.stats import HourCount, SiteDay, SiteLeases, TerminalLeases

TODAY = date(2021, 6, 1)


@pytest.mark.parametrize(
    "text",
    [
        "2021-6-1",
        "01/06/2021",
        "2021-06-31",
        "yesterday",
        "2564-13-01",
        "2021-06-01x",
        "20210601",
        "2021-W22-2",
        "２０２１-06-01",
    ],
)
def test_a_bad_date_is_refused_in_thai_and_english(text):
    with pytest.raises(BadDate) as err:
        parse_day(text, TODAY)
    assert err.value.status == 400 and err.value.code == "bad-date"
    assert "YYYY-MM-DD" in err.value.en and "ปปปป-ดด-วว" in err.value.th


def test_the_default_range_is_yesterday_to_13_days_ahead():
    assert parse_range(None, None, TODAY) == (date(2021, 5, 31), date(2021, 6, 14))
    assert parse_range("", "", TODAY) == (date(2021, 5, 31), date(2021, 6, 14))
    assert parse_range("2021-06-03", None, TODAY) == (date(2021, 6, 3), date(2021, 6, 17))


@given(st.dates(date(2020, 1, 1), date(2023, 1, 1)), st.integers(-5, MAX_DAYS + 5))
def test_a_range_is_forward_and_at_most_max_days(first, span):
    last = first + timedelta(days=span - 1)
    if 1 <= span <= MAX_DAYS:
        assert parse_range(first.isoformat(), last.isoformat(), TODAY) == (first, last)
    else:
        with pytest.raises(BadDate):
            parse_range(first.isoformat(), last.isoformat(), TODAY)


def test_fill_rows_have_every_day_and_sum_the_sites():
    days = [
        SiteDay("a", "2021-06-01", 9, 90, 45, 9),
        SiteDay("b", "2021-06-01", 9, 10, 10, 0),
        SiteDay("a", "2021-06-03", 9, 0, 0, 0),
    ]
    rows = fill_rows(days, date(2021, 5, 31), date(2021, 6, 3))
    assert [r.day["iso"] for r in rows] == ["2021-05-31", "2021-06-01", "2021-06-02", "2021-06-03"]
    assert (rows[1].capacity, rows[1].booked, rows[1].held, rows[1].slots) == (100, 55, 9, 18)
    assert rows[1].fill == 55.0 and rows[1].held_share == 9.0
    assert rows[0].fill is None and rows[3].fill is None  # no capacity: no percentage
    assert rows[1].day["th"] == "1 มิ.ย. 2564" and rows[1].day["en"].startswith("1 Jun")
    chart = fill_chart(rows, "title", "en")
    assert chart.id == "chart-site-fill" and chart.time
    assert [b - a for a, b in zip(chart.x, chart.x[1:], strict=False)] == [86400] * 3
    assert chart.x[0] == 1622394000  # 2021-05-31 00:00 Bangkok
    assert chart.x_labels == [r.day["en"] for r in rows]
    assert chart.series[0].values == [None, 55.0, None, None]
    assert fill_chart(rows, "t", "th").x_labels[1] == "1 มิ.ย. 2564"


def test_site_summaries_give_today_and_the_range_per_site():
    sites = [
        Site("a", "เอ", "A", "-", "-", "เขต", "D", 0),
        Site("z", "แซด", "Z", "-", "-", "-", "-", 1),
    ]
    days = [SiteDay("a", "2021-06-01", 2, 20, 5, 1), SiteDay("a", "2021-06-02", 2, 20, 15, 0)]
    a, z = site_summaries(sites, days, days[:1], TODAY, TODAY, date(2021, 6, 2))
    assert (a.today.capacity, a.today.booked, a.today.fill) == (20, 5, 25.0)
    assert (a.period.capacity, a.period.booked, a.period.held, a.period.fill) == (40, 20, 1, 50.0)
    assert z.today.capacity == 0 and z.today.fill is None


def test_hour_rows_keep_cancelled_apart_and_unknown_channels_visible():
    counts = [
        HourCount(9, "kiosk-online", False, 3),
        HourCount(9, "web", True, 2),
        HourCount(9, "web", False, 1),
        HourCount(23, "kiosk-replayed", False, 4),
        HourCount(12, "line", False, 1),
    ]
    series, rows, total = hour_rows(counts)
    assert series == ["kiosk-online", "kiosk-replayed", "web", "app", "line"]
    assert len(rows) == 24 and rows[9].total == 4 and rows[9].cancelled == 2
    assert rows[23].counts["kiosk-replayed"] == 4 and rows[12].counts["line"] == 1
    assert total.total == 9 and total.cancelled == 2
    assert total.counts == {"kiosk-online": 3, "kiosk-replayed": 4, "web": 1, "app": 0, "line": 1}
    chart = hour_chart(series, rows, "title", "en")
    assert chart.id == "chart-bookings-hour" and chart.x == list(range(24))
    assert [s.label for s in chart.series][:2] == ["Kiosk, online", "Kiosk, replayed from queue"]
    assert chart.series[-1].label == "line"
    assert sum(sum(s.values) for s in chart.series) == total.total


def test_the_lease_summary_says_whether_the_held_share_is_within_the_budget():
    terminals = [
        TerminalLeases("k1", "s1", None, 2, 3, 1, 1, 0, "2021-06-02T10:00:00+07:00"),
        TerminalLeases("k2", "s2", "2021-06-01T11:00:00+07:00", 1, 2, 0, 0, 1, "x"),
    ]
    sites = [SiteLeases("a", 2, 40, 4, 0.1), SiteLeases("b", 1, 20, 2, 0.1)]
    s = lease_summary(terminals, sites)
    assert (s.terminals, s.revoked_terminals, s.leases, s.held, s.spent) == (2, 1, 3, 5, 1)
    assert (s.expired, s.expiring, s.capacity, s.share, s.max_slot_share) == (1, 1, 60, 10.0, 10.0)
    assert not s.within_budget  # 10 % is not under 10 %
    assert lease_summary([], []).within_budget and lease_summary([], []).share is None
