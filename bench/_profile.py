"""py-spy on the central's server processes during a bench run, and a top table of its samples.

Not a benchmark itself (the leading underscore keeps it apart): `central_load.py --profile DIR`
uses it. py-spy (from PyPI, `pip install py-spy`) samples the running workers from outside, so
the server runs the code it always runs; `--gil` keeps only samples holding the GIL, i.e. CPU
spent in Python, not waits. The raw output (collapsed stacks) also makes a flame graph with
`flamegraph.pl` or speedscope.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path


def start(pid: int, out: Path, seconds: float) -> subprocess.Popen | None:
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        print("py-spy is not installed (pip install py-spy): no profile", file=sys.stderr)
        return None
    return subprocess.Popen(
        [
            spy,
            "record",
            "--pid",
            str(pid),
            "--subprocesses",
            "--gil",
            "--nonblocking",
            "-r",
            "200",
            "-d",
            str(int(seconds)),
            "-f",
            "raw",
            "-o",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _frame(text: str) -> str:
    # "function (path/to/module.py:line)" -> "function (module.py)"
    name, _, where = text.partition(" (")
    file = where.rsplit(":", 1)[0].rsplit("/", 1)[-1]
    return f"{name} ({file})"


def top(raw: Path, n: int = 25) -> str:
    """The functions with most samples of their own, and the route-level ones inclusive."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [_frame(f) for f in stack.split(";") if "(" in f]
        if not frames:
            continue
        k = int(count)
        total += k
        own[frames[-1]] += k
        for f in set(frames):
            inclusive[f] += k
    out = [f"{total} samples holding the GIL"]
    out.append("own time:")
    out += [f"  {v / total:6.1%}  {f}" for f, v in own.most_common(n)]
    out.append("inclusive (central/ and kiosk/ frames):")
    ours = [
        (f, v)
        for f, v in inclusive.most_common()
        if any(
            m in f
            for m in (
                "routes_",
                "store",
                "auth.py",
                "bookings.py",
                "seats.py",
                "eligibility",
                "keys.py",
                "service.py",
                "postgres.py",
                "connection.py",
                "model",
                "pool.py",
                "fastapi",
                "routing.py",
            )
        )
    ]
    out += [f"  {v / total:6.1%}  {f}" for f, v in ours[:n]]
    return "\n".join(out)
