"""Slip render and encode figures (DESIGN §9: under 200 ms and under 80 KB on 80 mm paper).

For each paper width and slip kind: the time to lay out the slip (data to 1-bit image) and to
encode it (image to ESC/POS bytes on python-escpos's Dummy), as medians and p95 over warm runs,
and the bytes a printer receives. The imports, the first render of a process (it opens the fonts)
and PyThaiNLP's dictionary load (`warm_up()`, which the kiosk should call once at start-up; a
slip that needs no wrapping never triggers it) are shown separately.

    .venv/bin/python bench/slip.py [--rounds 30]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import datetime
from pathlib import Path

_t0 = time.perf_counter()
from kiosk.dates import BANGKOK  # noqa: E402 - imports are timed
from printer.output import encode_job  # noqa: E402
from printer.paper import paper  # noqa: E402
from printer.slip import render_slip  # noqa: E402
from printer.slip_data import parse_slip  # noqa: E402
from printer.thai_text import warm_up  # noqa: E402

IMPORTED_MS = (time.perf_counter() - _t0) * 1000

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "printer" / "fixtures"
KINDS = ("confirmed", "queued", "rejected", "hospital", "await-guidance", "ineligible")
NOW = datetime(2021, 5, 28, 10, 15, 7, tzinfo=BANGKOK)
BUDGET_MS, BUDGET_BYTES = 200, 80_000


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def load(kind: str):
    return parse_slip(json.loads((FIXTURES / f"{kind}.json").read_text(encoding="utf-8")), now=NOW)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    started = time.perf_counter()
    first = render_slip(load("confirmed"), paper(80))
    encode_job(first, paper(80))
    cold = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    warm_up()
    dictionary = (time.perf_counter() - started) * 1000
    print(f"imports (Pillow, python-escpos, printer): {IMPORTED_MS:.0f} ms")
    print(f"first slip of the process (fonts load; it needs no wrapping): {cold:.0f} ms")
    print(
        f"warm_up(): PyThaiNLP dictionary, once per process, before any wrap: {dictionary:.0f} ms"
    )
    print()
    print(
        f"{'paper':>5}  {'kind':<15}{'dots':>10}  {'render ms':>15}  {'encode ms':>15}  "
        f"{'total p95':>9}  {'bytes':>7}"
    )
    worst_80 = (0.0, 0)
    for mm in (80, 58):
        sheet = paper(mm)
        for kind in KINDS:
            slip = load(kind)
            render_ms, encode_ms, total_ms = [], [], []
            size = 0
            for _ in range(args.rounds):
                t0 = time.perf_counter()
                image = render_slip(slip, sheet)
                t1 = time.perf_counter()
                job = encode_job(image, sheet)
                t2 = time.perf_counter()
                render_ms.append((t1 - t0) * 1000)
                encode_ms.append((t2 - t1) * 1000)
                total_ms.append((t2 - t0) * 1000)
                size = len(job)
            p95 = pct(total_ms, 0.95)
            if mm == 80:
                worst_80 = (max(worst_80[0], p95), max(worst_80[1], size))
            print(
                f"{mm:>3}mm  {kind:<15}{image.width:>4}x{image.height:<5}  "
                f"{statistics.median(render_ms):6.1f} p95 {pct(render_ms, 0.95):5.1f}  "
                f"{statistics.median(encode_ms):6.1f} p95 {pct(encode_ms, 0.95):5.1f}  "
                f"{p95:9.1f}  {size:>7}"
            )
    print()
    ms, size = worst_80
    verdict = "within" if ms < BUDGET_MS and size < BUDGET_BYTES else "OVER"
    print(
        f"80 mm worst case: {ms:.1f} ms p95 render+encode, {size} bytes "
        f"({verdict} budget: {BUDGET_MS} ms, {BUDGET_BYTES} bytes)"
    )


if __name__ == "__main__":
    main()
