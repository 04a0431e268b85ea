"""bench/fuzz.py in short: every fuzz target runs (atheris, coverage-guided) and finds nothing.

The long runs are in docs/faults.md; here each target gets a few seconds from its seed corpus,
which is enough to prove that the harness starts, the seeds load, atheris reports coverage and
the property holds on thousands of inputs. The crash report is checked on atheris' real output
for the first finding (a `]` in [central] url, fixed in kiosk/config.py).
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# bench/fuzz.py by its path: the name `fuzz` is the package of fuzz targets (fuzz/)
_spec = importlib.util.spec_from_file_location("bench_fuzz", ROOT / "bench" / "fuzz.py")
bench_fuzz = sys.modules["bench_fuzz"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_fuzz)
SECONDS = 4


def test_every_target_runs_with_coverage_and_finds_nothing(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "fuzz.py"), "--target", "all",
         "--seconds", str(SECONDS), "--corpus", str(tmp_path), "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    results = {r["target"]: r for r in map(json.loads, proc.stdout.splitlines())}
    print("\n".join(proc.stdout.splitlines()))
    assert set(results) == set(bench_fuzz.TARGETS), proc.stdout + proc.stderr
    for name, r in results.items():
        assert r["crashes"] == [], (name, r, (tmp_path / "artifacts").iterdir())
        assert r["executions"] > 50, (name, r)
        assert r["cov"] > 20 and r["ft"] >= r["cov"], (name, r)
        assert r["corpus"] > 0, (name, r)
        seeds = [p for p in (tmp_path / name).iterdir() if p.name.startswith("seed-")]
        assert seeds, f"{name}: no seed corpus written"
    assert proc.returncode == 0


def test_a_crash_is_reported_where_our_code_raised():
    text = (Path(__file__).parent / "fixtures" / "atheris-crash.txt").read_text("utf-8")
    stdlib = str(Path(json.__file__).parents[1])
    figures = bench_fuzz.parse_output(text.replace("{ROOT}", str(ROOT)).replace("{STDLIB}", stdlib))
    assert figures["crash"] == "ValueError at kiosk/config.py:232 in _check_url"


def test_the_figures_are_read_from_atheris_status_lines():
    text = (
        "#2\tINITED cov: 35 ft: 36 corp: 1/1b exec/s: 0 rss: 37Mb\n"
        "#16384\tpulse  cov: 235 ft: 627 corp: 78/52Kb lim: 5725 exec/s: 3276 rss: 52Mb\n"
        "#17521\tDONE   cov: 236 ft: 628 corp: 79/52Kb lim: 5725 exec/s: 2920 rss: 52Mb\n"
        "Done 17521 runs in 6 second(s)\n"
    )
    assert bench_fuzz.parse_output(text) == {
        "executions": 17521, "cov": 236, "ft": 628, "corpus": 79, "crash": None
    }  # fmt: skip
