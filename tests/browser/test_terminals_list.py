"""The terminals list over a fleet of 300 (seeded through the store, for speed): filters by
state, reason, store and district in the URL and through the form, sorting by the column
headers, and paging; every row it shows is one the filter asks for."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.browser.pages import WAIT, follow, login, marked, open_page, wait_loaded
from tests.browser.served_console import OPERATOR, ConsoleCentral

COUNT = 300
STORES = tuple(f"bkk-{n:02d}" for n in range(10))
#: (Thai, English) district of each store; the last store is not in the stores list
DISTRICTS = (("เขตบางซื่อ", "Bang Sue"), ("เขตจตุจักร", "Chatuchak"), ("เขตบางกะปิ", "Bang Kapi"))


def district_of(n: int) -> str | None:
    """The English district of store n (None: store 9, not imported)."""
    return None if n == 9 else DISTRICTS[n % 3][1]


PER_PAGE = 50


def state_of(n: int) -> str:
    return ("online", "online", "stale", "offline", "never-seen")[(n // 3) % 5]


@pytest.fixture(scope="module")
def fleet(console: ConsoleCentral, tmp_path_factory) -> dict[str, dict]:
    """COUNT terminals T-0001..: store n % 10, state (n // 3) % 5 (so every store has every
    state), paper out on every 7th that reports; stores 0-8 imported with their districts
    through `kiosk-central stores import`, store 9 left out."""
    now = console.now
    ago = {"online": timedelta(seconds=30), "stale": timedelta(minutes=5),
           "offline": timedelta(hours=2)}  # fmt: skip
    rows = ["store_id,name_th,name_en,district_th,district_en"]
    rows += [f"{STORES[n]},ร้านที่ {n},Store {n},{DISTRICTS[n % 3][0]},{DISTRICTS[n % 3][1]}"
             for n in range(9)]  # fmt: skip
    listing = tmp_path_factory.mktemp("stores") / "stores.csv"
    listing.write_text("\n".join(rows) + "\n", encoding="utf-8")
    done = console.cli("stores", "import", str(listing))
    assert done.returncode == 0, done.stderr
    made = {}
    for n in range(1, COUNT + 1):
        terminal, store, state = f"T-{n:04d}", STORES[n % 10], state_of(n)
        console.enrol(terminal, store)
        paper_out = state != "never-seen" and n % 7 == 0
        if state != "never-seen":
            with console.at(now - ago[state]):
                paper = "out" if paper_out else "ok"
                console.seed(terminal, printer={"state": "ok", "paper": paper})
        made[terminal] = {"store": store, "state": state, "paper_out": paper_out,
                          "district": district_of(n % 10)}  # fmt: skip
    listed_stores = json.loads(console.cli("stores", "list", "--json").stdout)
    districts = {s["store_id"]: s["district_en"] for s in listed_stores}
    for terminal in ("kiosk-1", "kiosk-2"):  # the central's own two, never seen
        store = console.store.console_terminal(terminal)[0].store
        made[terminal] = {"store": store, "state": "never-seen", "paper_out": False,
                          "district": districts.get(store)}  # fmt: skip
    return made


def listed(browser) -> list[str]:
    """The terminal ids of the rows shown, in order (read in one script: htmx may swap the
    table between two WebDriver calls)."""
    return browser.execute_script(
        "return [...document.querySelectorAll('main table tbody tr > :first-child a')]"
        ".filter(a => a.getAttribute('href').startsWith('/console/terminals/'))"
        ".map(a => a.textContent.trim())"
    )


def shown_states(browser) -> set[str]:
    return {
        e.get_attribute("data-state")
        for e in browser.find_elements(By.CSS_SELECTOR, "main table tbody [data-state]")
    }


def every_page(browser, console, query: str) -> list[str]:
    """All rows of a filtered list, following its page links to the end."""
    open_page(browser, console, f"/console/terminals?{query}")
    rows = listed(browser)
    while nexts := browser.find_elements(By.CSS_SELECTOR, "a[rel=next]"):
        follow(browser, nexts[0])
        rows += listed(browser)
    return rows


def expect(fleet, **match) -> list[str]:
    return sorted(t for t, info in fleet.items() if all(info[k] == v for k, v in match.items()))


@pytest.fixture
def signed_in(browser, console, fleet):
    login(browser, console, OPERATOR)
    return browser


def test_filters_in_the_url(signed_in, console, fleet):
    browser = signed_in
    assert every_page(browser, console, "state=offline") == expect(fleet, state="offline")
    assert shown_states(browser) == {"offline"}
    assert every_page(browser, console, f"store={STORES[3]}") == expect(fleet, store=STORES[3])
    paper = every_page(browser, console, "reason=printer-out-of-paper")
    assert paper == expect(fleet, paper_out=True)
    chatuchak = expect(fleet, district="Chatuchak")
    assert every_page(browser, console, "district=Chatuchak") == chatuchak
    assert every_page(browser, console, "district=เขตจตุจักร") == chatuchak  # either language
    both = every_page(browser, console, f"state=online&store={STORES[5]}")
    assert both == expect(fleet, state="online", store=STORES[5]) and both


def test_filters_through_the_form_land_in_the_url(signed_in, console, fleet):
    """The form filters in place (htmx swaps the results and pushes the URL): the rows and
    the address bar both follow it."""
    browser = signed_in
    open_page(browser, console, "/console/terminals")
    form = browser.find_element(By.ID, "terminal-filters")
    Select(form.find_element(By.NAME, "state")).select_by_value("stale")
    wanted = expect(fleet, state="stale")
    WebDriverWait(browser, WAIT).until(lambda d: listed(d) == wanted[:PER_PAGE])
    district = form.find_element(By.NAME, "district")
    district.clear()
    district.send_keys("เขตบางกะปิ")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wanted = expect(fleet, state="stale", district="Bang Kapi")
    WebDriverWait(browser, WAIT).until(lambda d: listed(d) == wanted[:PER_PAGE])
    store = form.find_element(By.NAME, "store")
    store.clear()
    store.send_keys(STORES[2])
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wanted = expect(fleet, state="stale", district="Bang Kapi", store=STORES[2])
    WebDriverWait(browser, WAIT).until(lambda d: listed(d) == wanted)
    query = parse_qs(urlsplit(browser.current_url).query)
    assert query["state"] == ["stale"] and query["store"] == [STORES[2]]
    assert query["district"] == ["เขตบางกะปิ"]
    assert shown_states(browser) == {"stale"}
    browser.refresh()  # the pushed URL is the same list when loaded afresh
    wait_loaded(browser)
    assert listed(browser) == wanted


def sort_by(browser, column: str) -> str:
    """Click the column's header; the aria-sort it then says."""
    follow(browser, browser.find_element(*marked(f"sort-{column}")))
    header = browser.find_element(*marked(f"sort-{column}")).find_element(By.XPATH, "..")
    return header.get_attribute("aria-sort")


def test_sorting_by_the_column_headers(signed_in, console, fleet):
    browser = signed_in
    open_page(browser, console, f"/console/terminals?store={STORES[1]}")
    ids = expect(fleet, store=STORES[1])
    assert listed(browser) == ids  # by terminal id, ascending, to begin with
    assert sort_by(browser, "terminal_id") == "descending"
    assert listed(browser) == ids[::-1]
    assert sort_by(browser, "terminal_id") == "ascending"
    assert listed(browser) == ids
    assert sort_by(browser, "state") == "ascending"
    order = ("online", "stale", "offline", "never-seen")
    states = [fleet[t]["state"] for t in listed(browser)]
    assert [order.index(s) for s in states] == sorted(order.index(s) for s in states)
    assert len(set(states)) > 1, states
    assert sort_by(browser, "state") == "descending"
    assert fleet[listed(browser)[0]]["state"] == states[-1]
    assert sort_by(browser, "last_seen") == "ascending"
    assert fleet[listed(browser)[0]]["state"] == "offline"  # seen longest ago
    open_page(browser, console, "/console/terminals?state=offline&per_page=100")
    assert sort_by(browser, "district") == "ascending"
    districts = [fleet[t]["district"] for t in listed(browser)]
    named = [d for d in districts if d is not None]
    assert len(set(named)) == 3 and None in districts, districts


def test_paging_over_300_terminals(signed_in, console, fleet):
    browser = signed_in
    open_page(browser, console, "/console/terminals")
    everyone = sorted(fleet)
    first = listed(browser)
    assert first == everyone[:PER_PAGE]
    assert str(len(everyone)) in browser.find_element(By.TAG_NAME, "main").text
    follow(browser, browser.find_element(By.CSS_SELECTOR, "a[rel=next]"))
    assert parse_qs(urlsplit(browser.current_url).query)["page"] == ["2"]
    assert listed(browser) == everyone[PER_PAGE : 2 * PER_PAGE]
    assert every_page(browser, console, "") == everyone
    last = -(-len(everyone) // PER_PAGE)
    open_page(browser, console, f"/console/terminals?page={last}")
    assert listed(browser) == everyone[(last - 1) * PER_PAGE :]
    assert browser.find_elements(By.CSS_SELECTOR, "a[rel=next]") == []
    follow(browser, browser.find_element(By.CSS_SELECTOR, "a[rel=prev]"))
    assert listed(browser) == everyone[(last - 2) * PER_PAGE : (last - 1) * PER_PAGE]
