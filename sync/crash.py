"""Test hook: SIGKILL this very process at a named point (KIOSK_TEST_CRASH_AT=name).

The crash tests need the deaths that matter most to happen for real (after the central committed
a booking and before the journal recorded it; after a lease seat is marked spent and before that
transaction commits); chance alone rarely hits those instants. Unset, it costs one dict lookup.
"""

from __future__ import annotations

import os
import signal


def crash_point(name: str) -> None:
    if os.environ.get("KIOSK_TEST_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
