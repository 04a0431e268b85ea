"""Each chart drawn in the browser: uPlot's canvas exists and holds the series in colour, and
the text table beside it has the rows the seeded data says (one terminal's 7 days, a site's
fill by day, bookings per hour by channel); the leases table lists the terminal holding seats."""

from __future__ import annotations

from datetime import timedelta

import pytest
from selenium.webdriver.common.by import By

from tests.browser import charts
from tests.browser.fleet_seed import SITES, Bookings, Fleet, seed_bookings, seed_fleet
from tests.browser.pages import login, open_page
from tests.browser.served_console import OPERATOR, ConsoleCentral


@pytest.fixture(scope="module")
def fleet(console: ConsoleCentral) -> Fleet:
    return seed_fleet(console)


@pytest.fixture(scope="module")
def bookings(console: ConsoleCentral) -> Bookings:
    return seed_bookings(console)


@pytest.fixture
def signed_in(browser, console):
    login(browser, console, OPERATOR)
    return browser


def test_a_terminals_state_and_queue_over_7_days(signed_in, console, fleet):
    open_page(signed_in, console, f"/console/terminals/{fleet.charted}")
    seen = charts.assert_drawn(signed_in, "terminal-history")
    queued = [row[1] for row in seen.rows if row[1] != "-"]
    assert queued == [str(q) for _, q in fleet.history]  # every report kept, oldest first
    states = [row[2] for row in seen.rows]
    assert 1 in seen.data["series"][1]["values"]  # the 6 silent hours on day 3: offline
    assert len(set(states)) >= 3  # online, then stale and offline in the silence


def test_a_sites_fill_by_day(signed_in, console, bookings):
    site = SITES[0]
    open_page(signed_in, console, f"/console/sites/{site}")
    seen = charts.assert_drawn(signed_in, "chart-site-fill", "table-site-fill")
    tomorrow = (console.now + timedelta(days=1)).date().isoformat()
    row = signed_in.find_element(By.CSS_SELECTOR, f'#table-site-fill tr[data-day="{tomorrow}"]')
    booked = int(row.find_elements(By.CSS_SELECTOR, "td")[2].get_attribute("textContent"))
    assert booked == bookings.per_site[site]
    assert len(seen.rows) == 15  # yesterday to 13 days ahead


def test_all_sites_fill_by_day(signed_in, console, bookings):
    open_page(signed_in, console, "/console/sites")
    charts.assert_drawn(signed_in, "chart-site-fill", "table-site-fill")
    for site in SITES:
        assert signed_in.find_elements(By.CSS_SELECTOR, f'a[href^="/console/sites/{site}"]')


def test_bookings_per_hour_by_channel(signed_in, console, bookings):
    day = console.now.date().isoformat()
    open_page(signed_in, console, f"/console/bookings?day={day}")
    seen = charts.assert_drawn(signed_in, "chart-bookings-hour", "table-bookings-hour")
    assert len(seen.rows) == 24
    for hour in range(24):
        row = signed_in.find_element(
            By.CSS_SELECTOR, f'#table-bookings-hour tr[data-hour="{hour}"]'
        )
        cell = row.find_element(By.CSS_SELECTOR, 'td[data-series="total"]')
        total = sum(n for (h, _c), n in bookings.per_hour.items() if h == hour)
        assert int(cell.get_attribute("textContent")) == total, hour
        web = row.find_element(By.CSS_SELECTOR, 'td[data-series="web"]')
        assert int(web.get_attribute("textContent")) == bookings.per_hour.get((hour, "web"), 0)


def test_leases_list_the_terminal_holding_seats(signed_in, console, bookings):
    open_page(signed_in, console, "/console/leases")
    table = signed_in.find_element(By.ID, "table-leases")
    assert "kiosk-1" in table.text
