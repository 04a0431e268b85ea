"""Debian's Chromium driven by Selenium through Debian's chromedriver: nothing is downloaded.

The driver path is given to Selenium's `Service` explicitly, which makes Selenium skip Selenium
Manager (the tool that would otherwise look up and fetch a driver and a browser build); the
browser is `/usr/bin/chromium`. Without them the browser tests skip with the reason, or fail
when KIOSK_REQUIRE_BROWSER=1 (`.ci/run` sets it), the same rule as KIOSK_REQUIRE_PCSCD.

The flags are those a closed network needs: without --disable-background-networking and
--disable-component-update Chromium keeps trying to reach Google's hosts at every start.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

ENV_REQUIRE = "KIOSK_REQUIRE_BROWSER"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
#: the window and the page's viewport (CSS pixels, device scale 1): screenshots are this size
WIDTH, HEIGHT = 1366, 900
FLAGS = (
    "--headless=new",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--hide-scrollbars",
    "--force-color-profile=srgb",
    "--lang=th-TH",
    f"--window-size={WIDTH},{HEIGHT}",
)


def unavailable(reason: str) -> None:
    if os.environ.get(ENV_REQUIRE) == "1":
        pytest.fail(f"the browser tests must run here ({ENV_REQUIRE}=1): {reason}")
    pytest.skip(reason)


def check_browser() -> None:
    """Skip (or fail under CI) unless Selenium, Chromium and chromedriver are all here."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        unavailable("selenium is not installed (pip install -e '.[dev]')")
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        unavailable(f"missing {', '.join(missing)} (apt-get install chromium chromium-driver)")


def start_chromium(profile: Path) -> WebDriver:
    """A headless Chromium with a fresh profile in `profile`, viewport exactly WIDTH x HEIGHT."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    if os.geteuid() == 0:  # Chromium's sandbox refuses to run as root (CI and this machine)
        options.add_argument("--no-sandbox")
    # the performance log carries the DevTools network events: the HTTP status of a page
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    service = Service(executable_path=str(CHROMEDRIVER), log_output=os.devnull)
    driver = webdriver.Chrome(options=options, service=service)
    # headless=new keeps room for a window frame: the viewport is set on its own, so that a
    # screenshot is the page at 1366x900 and not at the window's inner size
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
    )
    from tests.browser import thai

    thai.install(driver)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


def new_profile() -> Path:
    return Path(tempfile.mkdtemp(prefix="kiosk-chromium-"))


def remove_profile(profile: Path) -> None:
    shutil.rmtree(profile, ignore_errors=True)
