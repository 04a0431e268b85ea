"""A terminal's state as the console shows it, computed when the page is read: it reports
through the real API, the central's clock moves on, a reload shows it stale then offline, and
the overview's counts move with it. A store name full of HTML is shown as text."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from selenium.webdriver.common.by import By

from tests.browser.fleet_seed import HTML_STORE
from tests.browser.pages import login, open_page
from tests.browser.served_console import OPERATOR

TERMINAL = "T-9001"


def counts(browser, console) -> dict[str, int]:
    open_page(browser, console, "/console/")
    found = {}
    for state in ("online", "stale", "offline", "never-seen"):
        link = browser.find_element(By.CSS_SELECTOR, f'[data-testid="count-state-{state}"]')
        found[state] = int(link.find_element(By.CSS_SELECTOR, ".n").text)
    return found


def row(browser, terminal: str):
    """The terminals list's row of `terminal` (the row holding the link named after it)."""
    return browser.find_element(
        By.XPATH, f"//table//a[normalize-space()='{terminal}']/ancestor::tr[1]"
    )


def listed_state(browser, console, terminal: str, store: str) -> str:
    open_page(browser, console, f"/console/terminals?store={quote(store)}")
    return (
        row(browser, terminal)
        .find_element(By.CSS_SELECTOR, "[data-state]")
        .get_attribute("data-state")
    )


def page_state(browser, console, terminal: str) -> str:
    open_page(browser, console, f"/console/terminals/{terminal}")
    return browser.find_element(By.CSS_SELECTOR, "main [data-state]").get_attribute("data-state")


def test_a_terminal_goes_online_stale_offline_as_the_clock_moves(browser, console):
    store = "7-Eleven สาขาทดสอบ"
    console.enrol(TERMINAL, store)
    login(browser, console, OPERATOR)
    before = counts(browser, console)
    assert listed_state(browser, console, TERMINAL, store) == "never-seen"
    r = console.report(TERMINAL)
    assert r.status_code == 204, r.text
    online = counts(browser, console)
    assert online["online"] == before["online"] + 1
    assert online["never-seen"] == before["never-seen"] - 1
    assert listed_state(browser, console, TERMINAL, store) == "online"
    assert page_state(browser, console, TERMINAL) == "online"
    start = console.now
    with console.at(start + timedelta(minutes=5)):
        assert listed_state(browser, console, TERMINAL, store) == "stale"
        assert counts(browser, console)["stale"] == online["stale"] + 1
    with console.at(start + timedelta(minutes=20)):
        assert listed_state(browser, console, TERMINAL, store) == "offline"
        assert page_state(browser, console, TERMINAL) == "offline"
        offline = counts(browser, console)
        assert offline["offline"] == online["offline"] + 1
        assert offline["online"] == online["online"] - 1
        reason = browser.find_element(By.CSS_SELECTOR, '[data-testid^="count-reason-offline"]')
        assert int(reason.text) >= 1
        r = console.report(TERMINAL)  # it comes back
        assert r.status_code == 204, r.text
        assert listed_state(browser, console, TERMINAL, store) == "online"
        assert counts(browser, console)["online"] == online["online"]


def test_html_in_a_store_name_is_shown_as_text(browser, console):
    console.enrol("T-9002", HTML_STORE)
    console.report("T-9002")
    login(browser, console, OPERATOR)
    for target in (f"/console/terminals?store={quote(HTML_STORE)}", "/console/terminals/T-9002"):
        open_page(browser, console, target)
        assert HTML_STORE in browser.find_element(By.TAG_NAME, "main").text, target
        assert browser.execute_script("return window.__pwned === undefined"), target
        assert browser.find_elements(By.CSS_SELECTOR, "main img[src=x]") == [], target
        assert browser.find_elements(By.XPATH, "//main//b[text()='ร้าน']") == [], target


def test_each_overview_count_links_to_as_many_terminals(browser, console):
    """Every number on the overview is a link; following it shows that many rows."""
    console.enrol("T-9003", "7-Eleven สาขาทดสอบ")
    console.report("T-9003", printer={"state": "ok", "paper": "out"})
    login(browser, console, OPERATOR)
    open_page(browser, console, "/console/")
    links = [
        (a.get_attribute("data-testid"), a.get_attribute("href"), a.text)
        for a in browser.find_elements(By.CSS_SELECTOR, '[data-testid^="count-"]')
    ]
    assert {t for t, _, _ in links} >= {
        "count-all", "count-state-online", "count-state-never-seen",
        "count-reason-printer-out-of-paper-fail",
    }  # fmt: skip
    for name, href, label in links:
        shown = int("".join(ch for ch in label.split()[0] if ch.isdigit()))
        browser.get(href + ("&" if "?" in href else "?") + "per_page=200")
        total = browser.find_element(By.CSS_SELECTOR, '[data-testid="terminal-count"]')
        assert int(total.get_attribute("data-total")) == shown, name
        rows = browser.find_elements(By.CSS_SELECTOR, "#terminal-table tbody tr[data-terminal]")
        assert len(rows) == shown, name
