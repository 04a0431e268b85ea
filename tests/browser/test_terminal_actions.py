"""What a technician does to one terminal from its page, in the browser: revoke its token (the
terminal's next call is refused) and the same form with its CSRF token taken out (403, nothing
done), and issue an enrolment code for its store (shown once; it enrols one terminal)."""

from __future__ import annotations

import requests
from selenium.webdriver.common.by import By

from tests.browser.pages import follow, login, marked, open_page, path, statuses
from tests.browser.served_console import TECHNICIAN

STORE = "Tops สาขาสีลม"


def revoke_form(browser):
    return browser.find_element(By.XPATH, "//main//form[contains(@action, '/revoke')]")


def start_revoke(browser, console, terminal: str) -> None:
    """From the terminal's page, through its revoke link, to the confirmation with the form."""
    open_page(browser, console, f"/console/terminals/{terminal}")
    follow(browser, browser.find_element(*marked("revoke-link")))


def test_revoke_with_the_csrf_token_ends_the_terminals_token(browser, console):
    console.enrol("T-7001", STORE)
    assert console.report("T-7001").status_code == 204
    login(browser, console, TECHNICIAN)
    start_revoke(browser, console, "T-7001")
    form = revoke_form(browser)
    assert form.get_attribute("method").lower() == "post"
    assert form.find_element(By.NAME, "csrf_token").get_attribute("value")
    statuses(browser)
    follow(browser, form.find_element(By.CSS_SELECTOR, "[type=submit]"))
    assert [s for _, s in statuses(browser)] == [200]  # (after a 303, the page it leads to)
    assert console.report("T-7001").status_code == 401
    open_page(browser, console, "/console/audit")
    assert "T-7001" in browser.find_element(By.TAG_NAME, "main").text


def test_revoke_without_the_csrf_token_is_refused_and_the_token_still_works(browser, console):
    console.enrol("T-7002", STORE)
    login(browser, console, TECHNICIAN)
    start_revoke(browser, console, "T-7002")
    form = revoke_form(browser)
    browser.execute_script("arguments[0].querySelector('input[name=csrf_token]').remove()", form)
    statuses(browser)
    follow(browser, form.find_element(By.CSS_SELECTOR, "[type=submit]"))
    assert [s for _, s in statuses(browser)] == [403]
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "th"
    assert console.report("T-7002").status_code == 204
    # a wrong token is refused the same way
    start_revoke(browser, console, "T-7002")
    form = revoke_form(browser)
    browser.execute_script(
        "arguments[0].querySelector('input[name=csrf_token]').value = 'x' + "
        "arguments[0].querySelector('input[name=csrf_token]').value", form
    )  # fmt: skip
    statuses(browser)
    follow(browser, form.find_element(By.CSS_SELECTOR, "[type=submit]"))
    assert [s for _, s in statuses(browser)] == [403]
    assert console.report("T-7002").status_code == 204


def test_an_enrolment_code_for_the_terminals_store_enrols_one_terminal(browser, console):
    console.enrol("T-7003", STORE)
    login(browser, console, TECHNICIAN)
    open_page(browser, console, "/console/terminals/T-7003")
    form = browser.find_element(By.XPATH, "//main//form[contains(@action, 'enrol')]")
    follow(browser, form.find_element(By.CSS_SELECTOR, "[type=submit]"))
    code = browser.find_element(*marked("enrolment-code")).text.strip()
    assert code, path(browser)
    body = {"enrolment_code": code, "terminal_id": "T-7004", "store": STORE}
    first = requests.post(console.url("/v1/terminals"), json=body, timeout=10)
    assert first.status_code == 201, first.text
    assert first.json()["store"] == STORE
    again = requests.post(console.url("/v1/terminals"), json={**body, "terminal_id": "T-7005"},
                          timeout=10)  # fmt: skip
    assert again.status_code == 403
    for later in ("/console/terminals/T-7003", "/console/audit"):  # shown once, kept nowhere
        open_page(browser, console, later)
        assert code not in browser.page_source, later
