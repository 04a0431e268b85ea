"""Structural rules of DESIGN §2, enforced: imports point one way.

    ui -> {kiosk, sync, printer};  sync -> kiosk;  printer -> kiosk;  kiosk -> nothing of ours;
    central -> the pure domain of kiosk only.

The `kiosk` command (`kiosk.cli`) is the composition root: it may reach every package, but only
lazily inside the subcommand that needs it, so `kiosk card read` never loads Qt.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {"kiosk", "ui", "sync", "printer", "central"}
ALLOWED = {
    "kiosk": set(),
    "sync": {"kiosk"},
    "printer": {"kiosk"},
    "ui": {"kiosk", "sync", "printer"},
    "central": {"kiosk"},
}
#: The parts of kiosk that central may use to re-check decisions: pure domain, no devices.
CENTRAL_MAY_USE = (
    "kiosk.errors",
    "kiosk.card.cid",
    "kiosk.card.model",
    "kiosk.card.errors",
    "kiosk.keys",
    "kiosk.signing",
    "kiosk.sealing",
    "kiosk.demo_people",
    "kiosk.eligibility",
    "kiosk.dates",
    "kiosk.booking.phone",
    "kiosk.leases",
)
#: Third-party packages the domain core must never import.
CORE_BANNED = {
    "PySide6",
    "shiboken6",
    "requests",
    "sqlite_utils",
    "escpos",
    "fastapi",
    "uvicorn",
    "starlette",
    "httpx",
}


def _modules():
    for package in sorted(OURS):
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            name = ".".join(p for p in rel.parts if p != "__init__")
            yield name, path


def _imports(path: Path, *, top_level_only: bool = False):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


MODULES = list(_modules())


def test_there_are_modules_to_check():
    assert any(name.startswith("kiosk.card") for name, _ in MODULES)


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_import_direction(module, path):
    package = module.split(".")[0]
    is_root = module == "kiosk.cli" or module.startswith("kiosk.cli.")
    problems = []
    for line, target in _imports(path):
        top = target.split(".")[0]
        if top in OURS and top != package and not is_root and top not in ALLOWED[package]:
            problems.append(f"line {line}: {package} must not import {target}")
        if package == "central" and top == "kiosk" and not target.startswith(CENTRAL_MAY_USE):
            problems.append(f"line {line}: central may use only the pure domain, not {target}")
        if package == "kiosk" and not is_root and top in CORE_BANNED:
            problems.append(f"line {line}: the domain core must not import {target}")
    if is_root:
        for line, target in _imports(path, top_level_only=True):
            top = target.split(".")[0]
            if (top in OURS - {"kiosk"}) or top in CORE_BANNED:
                problems.append(f"line {line}: the kiosk command must import {target} lazily")
    assert not problems, "\n".join(problems)


def test_the_command_line_loads_no_qt_and_no_other_package():
    code = (
        "import sys; from kiosk.cli import build_parser; build_parser(); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'PySide6', 'ui', 'sync', 'printer', 'central', 'fastapi', 'requests'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
