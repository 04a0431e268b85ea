"""Screenshots of console pages into docs/screenshots/console/NAME.png, to be looked at.

A picture is rewritten only when its pixels changed (PNG encoders differ byte for byte), so a
test run leaves the tree clean unless a page looks different. KIOSK_CONSOLE_SHOTS=DIR writes
them elsewhere. Every picture must be more than one colour: a blank page is a failure, not a
screenshot.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageChops

from tests.browser.driver import HEIGHT, WIDTH

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DIR = ROOT / "docs" / "screenshots" / "console"
ENV_DIR = "KIOSK_CONSOLE_SHOTS"


def shots_dir() -> Path:
    return Path(os.environ.get(ENV_DIR) or DEFAULT_DIR)


def capture(driver: WebDriver, *, full_page: bool = False) -> Image.Image:
    """The viewport (1366x900), or the whole page's height when `full_page`."""
    if not full_page:
        return Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    height = int(driver.execute_script("return document.documentElement.scrollHeight"))
    metrics = {"width": WIDTH, "deviceScaleFactor": 1, "mobile": False}
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {**metrics, "height": max(height, HEIGHT)}
    )
    try:
        return Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    finally:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {**metrics, "height": HEIGHT})


def save(driver: WebDriver, name: str, *, full_page: bool = False) -> Path:
    """Take the picture, check it is not blank, write it as NAME.png if its pixels changed."""
    picture = capture(driver, full_page=full_page)
    colours = picture.getcolors(maxcolors=4)
    assert colours is None or len(colours) > 1, f"screenshot {name} is blank: {driver.current_url}"
    path = shots_dir() / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        with Image.open(path) as old:
            same = (
                old.size == picture.size
                and not ImageChops.difference(old.convert("RGB"), picture).getbbox()
            )
        if same:
            return path
    picture.save(path, optimize=True)
    return path
