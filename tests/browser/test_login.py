"""Signing in and out of the console in the browser: the form, a wrong password, the redirect
of a page without a session and back, logout, and the language switch."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from selenium.webdriver.common.by import By

from central.console import sessions
from central.console.i18n import MESSAGES
from tests.browser.pages import (
    follow,
    login,
    logout,
    marked,
    open_page,
    path,
    statuses,
    submit_login,
)
from tests.browser.served_console import OPERATOR


def session_cookies(browser) -> list[dict]:
    return [c for c in browser.get_cookies() if c["path"].startswith("/console")]


def test_an_operator_signs_in_and_lands_on_the_overview(browser, console):
    open_page(browser, console, "/console/login")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "th"
    assert browser.find_element(By.CSS_SELECTOR, "input[name=csrf_token]").get_attribute("value")
    login(browser, console, OPERATOR)
    assert path(browser) == "/console/"
    assert browser.find_element(By.TAG_NAME, "h1").text
    assert browser.find_element(*marked("nav-terminals")).get_attribute("href")
    cookies = session_cookies(browser)
    assert cookies and all(c["httpOnly"] for c in cookies)
    names = {c["name"] for c in cookies}
    script_sees = browser.execute_script("return document.cookie")
    assert not any(name in script_sees for name in names)  # HttpOnly: no script reads it


def test_a_wrong_password_shows_the_message_and_stays_on_the_login_page(browser, console):
    name, _role, password = OPERATOR
    submit_login(browser, console, name, password + "x")
    assert path(browser).startswith("/console/login")
    error = browser.find_element(*marked("login-error"))
    assert error.is_displayed() and error.get_attribute("role") == "alert"
    assert "ชื่อผู้ใช้" in error.text or "รหัสผ่าน" in error.text, error.text
    form = browser.find_element(By.ID, "login-form")
    assert form.find_element(By.NAME, "username").get_attribute("value") == name
    assert form.find_element(By.NAME, "password").get_attribute("value") == ""
    open_page(browser, console, "/console/")
    assert path(browser).startswith("/console/login")  # no session was made


def test_a_page_without_a_session_redirects_to_login_and_back_after(browser, console):
    open_page(browser, console, "/console/terminals?state=offline")
    assert urlsplit(browser.current_url).path == "/console/login"
    assert parse_qs(urlsplit(browser.current_url).query)["next"] == [
        "/console/terminals?state=offline"
    ]
    login(browser, console, OPERATOR)
    assert path(browser) == "/console/terminals?state=offline"


def test_logout_ends_the_session_and_its_cookie_is_dead_after(browser, console):
    login(browser, console, OPERATOR)
    kept = session_cookies(browser)
    logout(browser)
    assert urlsplit(browser.current_url).path == "/console/login"
    assert browser.find_element(*marked("login-notice")).is_displayed()
    open_page(browser, console, "/console/")
    assert path(browser).startswith("/console/login")
    for cookie in kept:  # the old cookie, put back by hand, opens nothing
        browser.add_cookie({k: cookie[k] for k in ("name", "value", "path")})
    open_page(browser, console, "/console/")
    assert path(browser).startswith("/console/login")


def test_the_language_switch_changes_the_page_and_is_remembered(browser, console):
    open_page(browser, console, "/console/login")
    thai_title = browser.find_element(By.TAG_NAME, "h1").text
    follow(browser, browser.find_element(*marked("lang-en")))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    english_title = browser.find_element(By.TAG_NAME, "h1").text
    assert english_title != thai_title and english_title.isascii()
    login(browser, console, OPERATOR)
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert browser.find_element(*marked("nav-terminals")).text.isascii()
    follow(browser, browser.find_element(*marked("lang-th")))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "th"
    assert not browser.find_element(*marked("nav-terminals")).text.isascii()
    open_page(browser, console, "/console/terminals?state=never-seen")
    follow(browser, browser.find_element(*marked("lang-en")))  # the list stays filtered
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert parse_qs(urlsplit(browser.current_url).query)["state"] == ["never-seen"]


def test_wrong_passwords_lock_the_name_until_the_central_clock_moves_on(browser, console):
    """The FREE_PER_NAME-th failure locks the name: then even the right password is refused
    (429, the wait in Thai) until the lock has passed on the central's clock."""
    who = ("prasert", "operator", "another long password 42")
    console.add_operator(*who)
    failed = MESSAGES["login.failed"]["th"]
    locked_start = MESSAGES["login.locked"]["th"].split("{")[0].strip()
    statuses(browser)
    for attempt in range(sessions.FREE_PER_NAME):
        submit_login(browser, console, who[0], f"not the password {attempt}")
        assert browser.find_element(*marked("login-error")).text.endswith(failed)
    assert [s for url, s in statuses(browser) if "/console/login" in url][-5:] == [401] * 5
    submit_login(browser, console, who[0], who[2])  # the right one, while locked
    message = browser.find_element(*marked("login-error")).text
    assert locked_start in message and "15" in message, message
    assert path(browser).startswith("/console/login")
    assert statuses(browser)[-1][1] == 429
    with console.at(console.now + sessions.FIRST_LOCK + timedelta(seconds=1)):
        login(browser, console, who)
