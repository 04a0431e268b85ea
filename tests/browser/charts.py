"""Is a chart drawn? uPlot draws on a <canvas>; its pixels are read back from the page
(`toDataURL`) and the coloured ones counted. Axes, grid and labels are grey or black, so a
chart whose series drew nothing has no coloured pixel: the count says the data was plotted.

The data table beside each chart (templates/charts.html) is read from the DOM: its rows must be
the chart's points, one for each x of the embedded JSON.
"""

from __future__ import annotations

import base64
import io
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageChops
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.pages import WAIT

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

#: a pixel is coloured when its channels spread by more than this (grey has none)
SATURATION = 40
#: fewer coloured pixels than this is not a plotted series
MIN_COLOURED = 40


def coloured_pixels(driver: WebDriver, css: str) -> int:
    """How many opaque, coloured pixels the canvas matching `css` holds."""
    url = driver.execute_script(
        "const c = document.querySelector(arguments[0]); return c && c.toDataURL('image/png')",
        css,
    )
    assert url, f"no canvas {css!r} on {driver.current_url}"
    picture = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1]))).convert("RGBA")
    r, g, b, a = picture.split()
    spread = ImageChops.subtract(
        ImageChops.lighter(ImageChops.lighter(r, g), b),
        ImageChops.darker(ImageChops.darker(r, g), b),
    )
    coloured = ImageChops.multiply(
        spread.point(lambda v: 255 if v > SATURATION else 0),
        a.point(lambda v: 255 if v > 128 else 0),
    )
    return coloured.histogram()[255]


@dataclass(frozen=True)
class ChartSeen:
    data: dict[str, Any]
    coloured: int
    rows: list[list[str]]


def chart(driver: WebDriver, chart_id: str, table_id: str | None = None) -> ChartSeen:
    """The chart `chart_id` once charts.js drew it: its JSON, coloured pixels, and the body
    rows of its table (`table_id`, default CHART-table as templates/charts.html names it)."""
    WebDriverWait(driver, WAIT).until(
        lambda d: d.execute_script(
            "const e = document.getElementById(arguments[0]);"
            "return !!(e && e.getAttribute('data-drawn') === 'true' && e.querySelector('canvas'))",
            chart_id,
        ),
        f"chart {chart_id} was not drawn",
    )
    source = driver.find_element(By.ID, f"{chart_id}-data").get_attribute("textContent")
    rows = driver.execute_script(
        "return [...document.querySelectorAll('#' + arguments[0] + ' tbody tr')]"
        ".map(tr => [...tr.children].map(c => c.textContent.trim()))",
        table_id or f"{chart_id}-table",
    )
    return ChartSeen(json.loads(source), coloured_pixels(driver, f"#{chart_id} canvas"), rows)


def assert_drawn(driver: WebDriver, chart_id: str, table_id: str | None = None) -> ChartSeen:
    """Drawn with its series in colour, and a table row for every point."""
    seen = chart(driver, chart_id, table_id)
    assert seen.coloured >= MIN_COLOURED, f"chart {chart_id}: only {seen.coloured} coloured px"
    assert len(seen.rows) == len(seen.data["x"]), (chart_id, len(seen.rows), len(seen.data["x"]))
    return seen
