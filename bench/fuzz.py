"""Coverage-guided fuzzing of the five inputs nobody writes by hand, each for a fixed time.

    .venv/bin/python bench/fuzz.py --target NAME|all --seconds S [--corpus DIR] [--json]

Targets (fuzz/<name>.py, atheris with libFuzzer): `card` (APDU replies to a card record), `rules`
(signed rule sets, loader and engine), `booking` (the booking JSON the central accepts: the fast
path's parse and the route over ASGI), `printer_status` (DLE EOT replies) and `config` (the
terminal's kiosk.toml). Each runs in its own process (a crash or a hang takes down only that
run), niced, from a seed corpus of real inputs; after a crash the target is started again on
the same corpus for the time left, so one finding does not end the run. Prints per target:
seconds fuzzed, executions, coverage (atheris' `cov:` edges and `ft:` features, at the end),
corpus size, and crashes (distinct by where they were raised; the inputs are kept in
DIR/artifacts). Exit status 1 if any target crashed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = ("card", "rules", "booking", "printer_status", "config")
#: libFuzzer's own hang detector: one input running this long is a finding (a "timeout-" file).
HANG_SECONDS = 10
#: Restarts after crashes within one target's time, so a target that crashes at once cannot loop.
MAX_RESTARTS = 20

_STATUS = re.compile(r"^#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)/")
_DONE = re.compile(r"^Done (\d+) runs in (\d+) second")
_UNITS = re.compile(r"^stat::number_of_executed_units: (\d+)")
_WHERE = re.compile(r'^\s*File "([^"]+)", line (\d+), in (\S+)')


@dataclass
class TargetResult:
    target: str
    seconds: float = 0.0
    executions: int = 0
    cov: int = 0
    ft: int = 0
    corpus: int = 0
    runs: int = 0
    crashes: list[str] = field(default_factory=list)
    artifacts: list[str] = field(default_factory=list)


def parse_output(text: str) -> dict[str, object]:
    """The figures of one atheris run: last status line, `Done` line, and the crash if any."""
    out: dict[str, object] = {"executions": 0, "cov": 0, "ft": 0, "corpus": 0, "crash": None}
    where = None
    exception = None
    in_trace = False
    for line in text.splitlines():
        m = _STATUS.match(line)
        if m:
            out["executions"] = max(int(out["executions"]), int(m[1]))  # type: ignore[call-overload]
            out["cov"], out["ft"], out["corpus"] = int(m[2]), int(m[3]), int(m[4])
            continue
        m = _DONE.match(line) or _UNITS.match(line)
        if m:
            out["executions"] = max(int(out["executions"]), int(m[1]))  # type: ignore[call-overload]
            continue
        if "Uncaught Python exception" in line:
            in_trace, exception = True, None
            continue
        if in_trace:
            if exception is None and line.strip():
                # atheris prints it first, then the traceback; a Finding says what failed
                exception = line[:160] if line.startswith("Finding") else line.split(":", 1)[0]
            w = _WHERE.match(line)
            if w and _ours(w[1]):
                where = f"{Path(w[1]).relative_to(ROOT)}:{w[2]} in {w[3]}"
            elif line.startswith(f"{exception.split(':')[0]}:") and where:
                in_trace = False
        if "ERROR: libFuzzer: timeout" in line or "ALARM: working on the last Unit" in line:
            out["crash"] = f"hang (over {HANG_SECONDS} s on one input)"
        elif "ERROR: libFuzzer: deadly signal" in line or "out-of-memory" in line:
            out["crash"] = out["crash"] or line.split("ERROR: libFuzzer: ")[-1].strip()
    if exception:
        out["crash"] = f"{exception} at {where}" if where else str(exception)
    return out


def _ours(path: str) -> bool:
    """A frame in the project's code under test (not the harness, not a library)."""
    p = Path(path)
    return p.is_relative_to(ROOT) and not p.is_relative_to(ROOT / "fuzz") and ".venv" not in p.parts


def run_target(name: str, seconds: float, corpus: Path, artifacts: Path) -> TargetResult:
    result = TargetResult(name)
    corpus.mkdir(parents=True, exist_ok=True)
    artifacts.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    deadline = time.monotonic() + seconds
    while result.runs <= MAX_RESTARTS:
        left = deadline - time.monotonic()
        if left < 1:
            break
        before = set(artifacts.iterdir())
        started = time.monotonic()
        cmd = [
            "nice", "-n", "10", sys.executable, "-m", f"fuzz.{name}",
            f"-max_total_time={max(1, int(left))}", f"-timeout={HANG_SECONDS}",
            "-rss_limit_mb=2048", f"-artifact_prefix={artifacts}/{name}-",
            "-print_final_stats=1", str(corpus),
        ]  # fmt: skip
        proc = subprocess.run(
            cmd, cwd=ROOT, env=env, capture_output=True, text=True, errors="replace",
            timeout=left + 120, check=False,
        )  # fmt: skip
        result.runs += 1
        result.seconds += time.monotonic() - started
        figures = parse_output(proc.stderr + proc.stdout)
        result.executions += int(figures["executions"])  # type: ignore[call-overload]
        if int(figures["cov"]):  # type: ignore[call-overload]
            result.cov, result.ft = int(figures["cov"]), int(figures["ft"])  # type: ignore[call-overload]
            result.corpus = int(figures["corpus"])  # type: ignore[call-overload]
        new = sorted(str(p) for p in set(artifacts.iterdir()) - before)
        if proc.returncode == 0 and not new:
            break
        crash = figures["crash"] or f"exit status {proc.returncode}"
        if crash not in result.crashes:
            result.crashes.append(str(crash))
        result.artifacts += new
        log = artifacts / f"{name}-run{result.runs}.log"
        log.write_text(proc.stdout[-20000:] + proc.stderr[-20000:])
    result.seconds = round(result.seconds, 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--target", default="all", choices=(*TARGETS, "all"), help="one target, or all in turn"
    )
    parser.add_argument("--seconds", type=float, default=60, help="fuzzing time per target")
    parser.add_argument(
        "--corpus",
        type=Path,
        default=None,
        help="keep corpora and crash inputs under DIR (default: a temporary directory)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object per target")
    args = parser.parse_args(argv)
    base = args.corpus or Path(tempfile.mkdtemp(prefix="kiosk-fuzz-"))
    names = TARGETS if args.target == "all" else (args.target,)
    crashed = False
    if not args.json:
        print(f"{'target':16} {'seconds':>8} {'executions':>11} {'cov':>6} {'ft':>6} crashes")
    for name in names:
        r = run_target(name, args.seconds, base / name, base / "artifacts")
        crashed |= bool(r.crashes)
        if args.json:
            print(json.dumps(asdict(r)), flush=True)
        else:
            print(
                f"{name:16} {r.seconds:8.1f} {r.executions:11d} {r.cov:6d} {r.ft:6d} "
                f"{len(r.crashes)}" + "".join(f"\n    crash: {c}" for c in r.crashes),
                flush=True,
            )
    if not args.json:
        print(f"corpora and crash inputs: {base}")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
