"""What a person does on the console, as Selenium calls: sign in, read a page, wait for it.

Elements are found by the names the console's templates give them (`data-testid`, form field
names), never by their text, so the same steps run in Thai and in English.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement

    from tests.browser.served_console import ConsoleCentral

WAIT = 10


def marked(name: str) -> tuple[str, str]:
    return (By.CSS_SELECTOR, f'[data-testid="{name}"]')


def path(driver: WebDriver) -> str:
    """The path (and query) the browser shows now."""
    url = urlsplit(driver.current_url)
    return url.path + (f"?{url.query}" if url.query else "")


def wait_for(driver: WebDriver, locator: tuple[str, str], timeout: float = WAIT) -> WebElement:
    return WebDriverWait(driver, timeout).until(ec.visibility_of_element_located(locator))


def wait_loaded(driver: WebDriver) -> None:
    """The document loaded and its fonts drawn (a screenshot before that shows fallbacks)."""
    WebDriverWait(driver, WAIT).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
    )
    driver.execute_async_script("document.fonts.ready.then(() => arguments[0]())")


def open_page(driver: WebDriver, console: ConsoleCentral, page: str) -> None:
    driver.get(console.url(page))
    wait_loaded(driver)


def submit_login(driver: WebDriver, console: ConsoleCentral, username: str, password: str) -> None:
    if not path(driver).startswith("/console/login"):
        open_page(driver, console, "/console/login")
    form = driver.find_element(By.ID, "login-form")
    name = form.find_element(By.NAME, "username")
    name.clear()
    name.send_keys(username)
    form.find_element(By.NAME, "password").send_keys(password)
    follow(driver, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def login(driver: WebDriver, console: ConsoleCentral, who: tuple[str, str, str]) -> None:
    """Sign in as `who` (name, role, password) through the login form; on the console after."""
    name, _role, password = who
    submit_login(driver, console, name, password)
    assert not path(driver).startswith("/console/login"), driver.page_source[:2000]
    assert name in driver.find_element(*marked("operator")).text


def logout(driver: WebDriver) -> None:
    follow(driver, driver.find_element(*marked("logout")))


def follow(driver: WebDriver, element: WebElement) -> None:
    """Click a link or a submit button and wait for the page it leads to."""
    old = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, WAIT).until(ec.staleness_of(old))
    wait_loaded(driver)


def text(driver: WebDriver, name: str) -> str:
    return driver.find_element(*marked(name)).text


def statuses(driver: WebDriver) -> list[tuple[str, int]]:
    """(URL, HTTP status) of every document the browser received since the last call, from the
    DevTools network events of the performance log (WebDriver itself never tells a status)."""
    out = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] != "Network.responseReceived":
            continue
        params = message["params"]
        if params.get("type") == "Document":
            out.append((params["response"]["url"], int(params["response"]["status"])))
    return out
