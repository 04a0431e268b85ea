"""The harness itself, on a tiny site of its own: Debian's Chromium at the fixed size, a Thai
page drawn in a served font, screenshots that refuse a blank page, and axe-core that does find
what a bad page gets wrong (so that a console page passing it means something)."""

from __future__ import annotations

import subprocess

import pytest
from PIL import Image
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import axe, charts, driver, shots, thai
from tests.browser.tiny_site import serving

THAI = """<!doctype html><html lang="th"><head><meta charset="utf-8"><title>ทดสอบ</title>
<style>@font-face {font-family: Sarabun; src: url(/font.ttf);}
body {font-family: Sarabun; font-size: 32px; color: #111; background: #fff; margin: 2rem}</style>
</head><body><main><h1>สถานะตู้ทั้งหมด / Fleet</h1><p>ออนไลน์ 12 · ออฟไลน์ 3</p></main></body></html>
"""
BAD = """<!doctype html><html><head><title>bad</title></head><body>
<img src="/font.ttf"><form><input name="username"></form>
<p style="color:#bbb;background:#fff">faint text</p></body></html>
"""
BLANK = "<!doctype html><html><head><title>x</title></head><body></body></html>"


def test_the_browser_is_debians_chromium_with_a_1366x900_viewport(browser):
    version = subprocess.run(
        [str(driver.CHROMIUM), "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert browser.capabilities["browserVersion"] in version
    assert browser.capabilities["chrome"]["chromedriverVersion"].split()[0] in (
        subprocess.run([str(driver.CHROMEDRIVER), "--version"], capture_output=True, text=True,
                       check=True).stdout
    )  # fmt: skip
    with serving({"/": THAI}) as base:
        browser.get(base + "/")
        size = browser.execute_script("return [innerWidth, innerHeight, devicePixelRatio]")
    assert size == [driver.WIDTH, driver.HEIGHT, 1]


def test_a_thai_page_in_a_served_font_is_saved_and_a_blank_one_refused(
    browser, tmp_path, monkeypatch
):
    monkeypatch.setenv(shots.ENV_DIR, str(tmp_path))
    with serving({"/": THAI, "/blank": BLANK}) as base:
        browser.get(base + "/")
        loaded = browser.execute_async_script(
            "const done = arguments[0];"
            "document.fonts.ready.then(() => done([...document.fonts].map(f => f.status)))"
        )
        assert loaded == ["loaded"]  # the h1 was drawn in Sarabun, fetched from the page's site
        path = shots.save(browser, "thai")
        with Image.open(path) as picture:
            assert picture.size == (driver.WIDTH, driver.HEIGHT)
            assert len(picture.convert("L").getcolors(256 * 256)) > 10  # anti-aliased glyphs
        before = path.stat().st_mtime_ns
        assert shots.save(browser, "thai").stat().st_mtime_ns == before  # same pixels: kept
        browser.get(base + "/blank")
        with pytest.raises(AssertionError, match="blank"):
            shots.save(browser, "blank")
    assert not (tmp_path / "blank.png").exists()


def test_axe_finds_the_faults_of_a_bad_page_and_none_on_a_good_one(browser):
    with serving({"/": THAI, "/bad": BAD}) as base:
        browser.get(base + "/bad")
        found = {v.rule: v.impact for v in axe.audit(browser)}
        with pytest.raises(AssertionError, match="image-alt"):
            axe.assert_accessible(browser, "bad")
        browser.get(base + "/")
        assert axe.assert_accessible(browser, "thai") == []
    assert found["image-alt"] == "critical"
    assert found["label"] == "critical"
    assert found["color-contrast"] == "serious"


def test_a_missing_browser_skips_here_and_fails_under_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(driver, "CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.delenv(driver.ENV_REQUIRE, raising=False)
    with pytest.raises(pytest.skip.Exception, match="no-chromium"):
        driver.check_browser()
    monkeypatch.setenv(driver.ENV_REQUIRE, "1")
    with pytest.raises(pytest.fail.Exception, match="KIOSK_REQUIRE_BROWSER=1"):
        driver.check_browser()


CANVAS = """<!doctype html><html lang="en"><head><title>c</title></head><body><main>
<canvas id="grey" width="200" height="100"></canvas><canvas id="blue" width="200" height="100">
</canvas><script>
for (const [id, colour] of [["grey", "#808080"], ["blue", "#0a3a82"]]) {
  const g = document.getElementById(id).getContext("2d");
  g.strokeStyle = "#1a1a1a"; g.strokeRect(10, 10, 180, 80);
  g.strokeStyle = colour; g.lineWidth = 2; g.beginPath(); g.moveTo(10, 90); g.lineTo(190, 20);
  g.stroke();
}
</script></main></body></html>"""


def test_the_chart_check_tells_a_plotted_series_from_axes_alone(browser):
    with serving({"/": CANVAS}) as base:
        browser.get(base + "/")
        grey = charts.coloured_pixels(browser, "#grey")
        blue = charts.coloured_pixels(browser, "#blue")
    assert grey == 0
    assert blue >= charts.MIN_COLOURED


MIXED = """<!doctype html><html lang="th"><head><meta charset="utf-8"><title>t</title>
<style>@font-face {font-family: Sarabun; src: url(/font.ttf);} body {font-family: Sarabun}
.lib {font-family: system-ui, sans-serif}</style></head><body><main>
<p>ไทยในฟอนต์ที่ถูก</p><p class="lib">ไทยในฟอนต์อื่น</p><p hidden class="lib">ซ่อนอยู่</p>
<canvas id="c" width="300" height="60"></canvas><script>
const g = document.getElementById("c").getContext("2d");
g.font = "12px Sarabun"; g.fillText("ก่อนโหลด", 5, 10);
g.font = "12px system-ui"; g.fillText("สถานะ", 5, 40); g.fillText("12:00", 5, 55);
document.fonts.load("12px Sarabun").then(() => {
  g.font = "12px Sarabun"; g.fillText("แกนเวลา", 5, 20); document.title = "drawn";
});
</script></main></body></html>"""


def test_thai_in_another_font_is_found_in_the_dom_and_on_canvases(browser):
    with serving({"/": MIXED}) as base:
        browser.get(base + "/")
        WebDriverWait(browser, 10).until(lambda d: d.title == "drawn")
        found = thai.wrong_fonts(browser)
    assert found == [
        ("ไทยในฟอนต์อื่น", "system-ui, sans-serif"),
        ("ก่อนโหลด", "12px Sarabun (drawn before it loaded)"),
        ("สถานะ", "12px system-ui"),
    ]


def test_the_browser_starts_without_selenium_manager(monkeypatch):
    """Selenium Manager is what would look up and download a driver and a browser: starting
    the browser as the tests do must never call it."""
    from selenium.webdriver.common.selenium_manager import SeleniumManager

    driver.check_browser()

    def refuse(*args, **kwargs):
        raise AssertionError("Selenium Manager was asked for a driver")

    monkeypatch.setattr(SeleniumManager, "binary_paths", refuse)
    profile = driver.new_profile()
    try:
        started = driver.start_chromium(profile)
        try:
            assert started.capabilities["browserName"] in ("chrome", "chromium")
        finally:
            started.quit()
    finally:
        driver.remove_profile(profile)
