"""The README's first command, headless, as CI runs it: every person, online and offline."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from PIL import Image

pytestmark = pytest.mark.pcsc


def test_the_headless_demo_books_queues_syncs_and_prints(tmp_path, pcscd):
    env = {**os.environ}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    out = tmp_path / "demo"
    proc = subprocess.run(
        [sys.executable, "-m", "kiosk", "demo", "--out", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=400,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # every booking of the walk-through is made at the counter (online, or from a lease):
    # the slip is in the customer's hand, so the demo's gateway is asked for none
    assert "SMS:         0 sent through the demo's SMS gateway (http://127.0.0.1:" in proc.stdout
    summary = json.loads((out / "demo.json").read_text())
    outcomes = {p["person"]: p["outcome"] for p in summary["people"]}
    assert outcomes["bangkok"].startswith("confirmed TRJ-")
    assert outcomes["nonthaburi"].startswith("confirmed TRJ-")  # the registry knew her
    assert outcomes["senior"] == "hospital (over-age-limit)"
    assert outcomes["teen"] == "ineligible (under-18)"
    assert outcomes["diabetes"] == "hospital (chronic-condition)"
    assert outcomes["foreign"] == "await-guidance (foreign-national)"
    assert outcomes["booked"].startswith("existing booking TRJ-")
    # the demo central grants the demo terminal seat leases: unplugged, it confirms at once
    offline = outcomes["offline"]
    assert offline.startswith("confirmed at the terminal offline TRJ-"), offline
    assert "check-slip valid" in offline and "honoured by the central" in offline
    slips = sorted((out / "slips").glob("*.png"))
    kinds = [p.stem.split("-", 2)[2] for p in slips]
    assert kinds.count("confirmed") == 4 and kinds.count("queued") == 0
    assert {"hospital", "ineligible", "await-guidance"} <= set(kinds)
    for slip in slips:
        with Image.open(slip) as img:
            assert img.mode == "1" and img.width == 576
    screens = sorted((out / "screens").glob("*.png"))
    assert len(screens) >= 40
    with Image.open(screens[0]) as img:
        assert img.size == (1280, 800)
    assert str(out / "screens") in proc.stdout and str(out / "slips") in proc.stdout
    # nothing personal in what the demo printed to the console
    from kiosk.dates import today_bangkok
    from kiosk.demo_people import demo_people

    for person in demo_people(today_bangkok()):
        assert person.card["cid"] not in proc.stdout + proc.stderr
