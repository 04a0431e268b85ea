"""The console in a real browser: one headless Chromium for the whole session (a start costs
about a second), fresh cookies for each test, and the pictures of tests/browser/shots.py.

Every test here is marked `browser`. See tests/browser/driver.py for how the browser is found
(and why nothing is downloaded) and tests/browser/axe.py for the accessibility check.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser import driver as chromium
from tests.browser import served_console, shots
from tests.browser.served_console import ConsoleCentral

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_session() -> Iterator[WebDriver]:
    chromium.check_browser()
    profile = chromium.new_profile()
    driver = chromium.start_chromium(profile)
    try:
        yield driver
    finally:
        driver.quit()
        chromium.remove_profile(profile)


@pytest.fixture
def browser(browser_session: WebDriver) -> Iterator[WebDriver]:
    """The session's browser on a blank page with no cookies: each test signs in itself."""
    forget(browser_session)
    yield browser_session
    forget(browser_session)


def forget(driver: WebDriver) -> None:
    """Every cookie of every site (WebDriver's own delete_all_cookies forgets only the page's
    site), then a blank page."""
    driver.get("about:blank")
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})


@pytest.fixture
def screenshot(browser: WebDriver) -> Callable[..., Path]:
    """`screenshot(name, full_page=False)`: NAME.png of the page now (tests/browser/shots.py)."""

    def take(name: str, *, full_page: bool = False) -> Path:
        return shots.save(browser, name, full_page=full_page)

    return take


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleCentral]:
    """The module's central with the console and its two operators (served_console.OPERATOR,
    served_console.TECHNICIAN), on 127.0.0.1 at T0."""
    served = served_console.start(tmp_path_factory.mktemp("console"))
    yield served
    served.stop()
