from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.fixture
def run_kiosk():
    """Run the real `kiosk` command in a child process; returns the CompletedProcess."""

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 60):
        import os

        full_env = {**os.environ, **(env or {})}
        return subprocess.run(
            [sys.executable, "-m", "kiosk", *args],
            capture_output=True,
            text=True,
            env=full_env,
            timeout=timeout,
            check=False,
        )

    return run


def assert_clean_failure(proc, status: int, code: str) -> None:
    """Exited with `status`, said it in Thai and English with `code`, and showed no traceback."""
    assert proc.returncode == status, proc.stderr
    assert f"[{code}]" in proc.stderr
    assert any("\u0e00" <= ch <= "\u0e7f" for ch in proc.stderr), "no Thai message"
    assert "Traceback" not in proc.stderr + proc.stdout
