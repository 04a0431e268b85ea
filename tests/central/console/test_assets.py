"""The console's assets: served by the central itself, nothing from the internet, the vendored
files as the committed sha256 list says, and the stylesheet's colours at 7:1 or more."""

from __future__ import annotations

import hashlib
import re

import requests

from central.console.web import HERE
from tests.central.conftest import RunningCentral

STATIC = HERE / "static"
VENDOR = STATIC / "vendor"
URL = re.compile(r"\b(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE)
#: The one URL in a vendored file: uPlot's licence banner comment, not something loaded.
BANNERS = {"//github.com"}


def test_no_template_or_static_file_names_a_url_elsewhere() -> None:
    files = [*(HERE / "templates").glob("*.html"), *STATIC.glob("*.*"), *VENDOR.glob("*.js")]
    files += [*VENDOR.glob("*.css")]
    assert len(files) >= 8
    found = {}
    for path in files:
        hits = {
            m.group(0).lower().removeprefix("https:").removeprefix("http:")
            for m in URL.finditer(path.read_text(errors="replace"))
        }
        hits -= BANNERS
        if hits:
            found[path.name] = hits
    assert found == {}


def test_the_vendored_files_are_those_of_the_sha256_list() -> None:
    lines = (VENDOR / "SHA256SUMS.txt").read_text().splitlines()
    assert len(lines) == 6
    for line in lines:
        digest, name = line.split()
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
    versions = (VENDOR / "VERSIONS.txt").read_text()
    assert re.search(r"^htmx\.org 2\.\d+\.\d+$", versions, re.MULTILINE)  # htmx 2.x, pinned
    assert re.search(r"^uplot 1\.\d+\.\d+$", versions, re.MULTILINE)


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_every_text_colour_on_its_background_is_at_least_7_to_1() -> None:
    css = (STATIC / "console.css").read_text()
    var = dict(re.findall(r"--([a-z0-9-]+):\s*(#[0-9a-f]{6})", css))
    pairs = [
        ("text", "bg"),
        ("muted", "bg"),
        ("link", "bg"),
        ("text", "panel"),
        ("link", "panel"),
        ("muted", "panel"),
        ("ok-fg", "ok-bg"),
        ("warn-fg", "warn-bg"),
        ("fail-fg", "fail-bg"),
        ("off-fg", "off-bg"),
    ]
    low = {
        f"{a}/{b}": round(contrast(var[a], var[b]), 2)
        for a, b in pairs
        if contrast(var[a], var[b]) < 7
    }
    assert low == {}
    assert contrast("#000000", "#ffffff") > 20  # the formula itself
    assert ":focus-visible" in css and "outline" in css


def test_the_central_serves_the_assets_and_the_thai_font(central: RunningCentral) -> None:
    for path, kind in [
        ("/console/static/vendor/htmx.min.js", "javascript"),
        ("/console/static/vendor/uPlot.iife.min.js", "javascript"),
        ("/console/static/vendor/uPlot.min.css", "css"),
        ("/console/static/console.css", "css"),
        ("/console/static/charts.js", "javascript"),
        ("/console/fonts/Sarabun-Regular.ttf", "font"),
    ]:
        r = requests.get(central.url(path), timeout=30)
        assert r.status_code == 200, path
        assert kind in r.headers["content-type"] or (
            kind == "font" and r.content[:4] == b"\0\1\0\0"
        )
