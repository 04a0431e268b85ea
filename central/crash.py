"""Test hook: SIGKILL the central's own process at a named point (KIOSK_TEST_CRASH_AT=name).

The soak (bench/soak.py) needs the central to die at the instants chance rarely hits: with a
booking's transaction written but not committed, and committed but not yet answered. The
terminal's hooks are sync/crash.py (the central may not import the terminal's packages).
Unset, it costs one dict lookup.
"""

from __future__ import annotations

import os
import signal


def crash_point(name: str) -> None:
    if os.environ.get("KIOSK_TEST_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
