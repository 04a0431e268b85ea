"""The README's command tables are generated from the parsers (docs/cli_reference.py)."""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _generator():
    spec = importlib.util.spec_from_file_location("cli_reference", ROOT / "docs/cli_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_tables_match_the_parsers():
    result = subprocess.run(
        [sys.executable, str(ROOT / "docs/cli_reference.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr + " (run: .venv/bin/python docs/cli_reference.py)"


def test_a_row_shows_required_optional_choices_and_groups():
    gen = _generator()
    parser = argparse.ArgumentParser(prog="x")
    parser.add_argument("--db", required=True, metavar="FILE|URL")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--paper", choices=("58", "80"))
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--secret", help=argparse.SUPPRESS)
    parser.add_argument("--now", metavar="T")
    parser.add_argument("text")
    group = parser.add_argument_group("seat leases")
    group.add_argument("--lease-share", type=float, default=0.1, help="share leased")
    parser.description = "Does | things."
    gen.COMMON["x"] = {"--now"}
    row = gen.row("x", ["serve"], parser, None)
    assert row == (
        "| `x serve --db FILE\\|URL [--port 8080] [--paper 58\\|80] [--json] TEXT "
        "[seat leases options]` | Does \\| things. Seat leases options: "
        "`--lease-share 0.1` share leased. |"
    )


def test_a_stale_table_is_found(tmp_path, monkeypatch):
    gen = _generator()
    readme = tmp_path / "README.md"
    readme.write_text(
        gen.render((ROOT / "README.md").read_text(encoding="utf-8")).replace(
            "kiosk-central migrate", "kiosk-central migrate-old"
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(gen, "README", readme)
    assert gen.main(["--check"]) == 1
    assert gen.main([]) == 0
    assert gen.main(["--check"]) == 0
