"""Screenshots of console pages, to be looked at: docs/screenshots/console/NAME.png holds the
set kept in the repository.

Every test run takes them (a blank page, one colour only, fails the test), into a directory of
the run's own; `KIOSK_CONSOLE_SHOTS=docs/screenshots/console` (any directory) writes them
there instead, as KIOSK_UPDATE_GOLDEN does for the slips. Not by default, because some pictures
differ on every run (a fresh enrolment code) or with the tests that ran before (the audit log),
and a test run must not leave the work tree changed. A picture is rewritten only when its
pixels changed (PNG encoders differ byte for byte). The text caret is hidden so a focused field
does not blink into the picture.
"""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageChops

from tests.browser.driver import HEIGHT, WIDTH

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

ROOT = Path(__file__).resolve().parents[2]
KEPT_DIR = ROOT / "docs" / "screenshots" / "console"
ENV_DIR = "KIOSK_CONSOLE_SHOTS"
_run_dir: Path | None = None

NO_CARET = """
const style = document.createElement('style');
style.textContent = '* { caret-color: transparent !important; }';
document.head.appendChild(style);
"""


def shots_dir() -> Path:
    """KIOSK_CONSOLE_SHOTS, or a directory of this run's own."""
    global _run_dir  # noqa: PLW0603 - one directory for the whole run
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR])
    if _run_dir is None:
        _run_dir = Path(tempfile.mkdtemp(prefix="console-shots-"))
    return _run_dir


def capture(driver: WebDriver, *, full_page: bool = False) -> Image.Image:
    """The viewport (1366x900), or the whole page's height when `full_page`."""
    driver.execute_script(NO_CARET)
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
