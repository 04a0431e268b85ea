"""`kiosk run` full screen under cage, as the appliance's unit starts it, seen through the
compositor's own screenshot (grim): the welcome screen, at the output's size.

The reference is the offscreen render of the same screen (`python -m ui.screenshots --only
01-welcome`) at the size and DPI the kiosk reported under cage; the compositor's pixels must be
that picture, and not the out-of-service screen, which a kiosk without reader, printer or
central would show instead. KIOSK_KEEP_COMPOSITOR_SHOT=FILE keeps the picture
(docs/screens/th/1280x720/80-appliance-cage-welcome.png is one); KIOSK_KEEP_WORK=1 keeps the
working directory under /var/tmp (config, logs, shots) for a look after a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from sync.provision import write_terminal
from tests.deploy.compositor import (
    ROOT,
    cage_kiosk,
    check_tools,
    kiosk_user,
    staged_python,
)

pytestmark = [pytest.mark.compositor, pytest.mark.pcsc]

RUNNING = re.compile(r"kiosk running: (\d+)x(\d+), (\d+) dpi")
#: wlroots' headless backend makes one output with this mode (cage has no flag to change it)
HEADLESS_MODE = (1280, 720)
#: where to keep the picture (docs/screens/th/1280x720/80-appliance-cage-welcome.png is one)
KEEP_ENV = "KIOSK_KEEP_COMPOSITOR_SHOT"


def reference(name: str, size: tuple[int, int], dpi: int, out: Path) -> Image.Image:
    """The offscreen render of one screenshot shot at this size and DPI."""
    done = subprocess.run(
        [
            sys.executable, "-m", "ui.screenshots", "--out", str(out), "--only", name,
            "--size", f"{size[0]}x{size[1]}@{dpi}",
        ],
        capture_output=True, text=True, timeout=120, check=False, cwd=ROOT,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    folder = out / "th" if size == (1280, 800) else out / "th" / f"{size[0]}x{size[1]}"
    return Image.open(folder / f"{name}.png").convert("RGB")


def difference(a: Image.Image, b: Image.Image) -> float:
    """Share of pixels that differ visibly (any channel by more than 48 of 255)."""
    diff = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > 48 else 0)
    return ImageStat.Stat(diff).mean[0] / 255


def test_kiosk_run_under_cage_as_the_kiosk_user_shows_the_welcome_screen(central, reader):
    check_tools()
    user = kiosk_user()
    work = Path(tempfile.mkdtemp(prefix="kiosk-cage-", dir="/var/tmp"))
    try:
        work.chmod(0o755)
        home = user.own(work / "home", 0o700)
        slips = user.own(work / "slips", 0o700)
        config = write_terminal(
            user.own(work / "etc", 0o755) / "kiosk.toml",
            central.tokens["kiosk-1"],
            {
                "central": {"url": central.base_url},
                "terminal": {"id": "T-0001", "store": "test"},
                "printer": {"uri": f"preview://{slips}", "paper": 80},
                "reader": {"name": reader},
            },
            owner=user.name,
        )
        with (
            staged_python() as (python, src),
            cage_kiosk(user, python, src, config, home, work) as appliance,
        ):
            log = appliance.wait_for("kiosk running", timeout=60)
            width, height, dpi = (int(g) for g in RUNNING.search(log).groups())
            assert (width, height) == HEADLESS_MODE, log
            welcome = reference("01-welcome", (width, height), dpi, work / "ref")
            closed = reference("39-out-of-service", (width, height), dpi, work / "ref")
            assert difference(welcome, closed) > 0.02  # the two are told apart by this measure

            # the first frames may still show the start-up state: look until the service
            # check has run, then judge the last picture
            deadline = time.monotonic() + 30
            while True:
                shot = Image.open(appliance.screenshot(work / "shots" / "cage.png"))
                picture = shot.convert("RGB")
                off = difference(picture, welcome)
                if off < 0.005 or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
            log = appliance.log()
        assert shot.size == (width, height), "grim's picture is the output's mode"
        extrema = picture.convert("L").getextrema()
        assert extrema[1] - extrema[0] > 200, "not a blank output"
        assert off < 0.005, f"{off:.1%} of the pixels differ from the welcome screen\n{log}"
        assert difference(picture, closed) > 0.02, "the out-of-service screen, not the welcome"
        assert "Traceback" not in log, log
        if keep := os.environ.get(KEEP_ENV):
            picture.quantize(colors=64, dither=Image.Dither.NONE).save(keep, optimize=True)
    finally:
        if os.environ.get("KIOSK_KEEP_WORK") != "1":
            shutil.rmtree(work, ignore_errors=True)
