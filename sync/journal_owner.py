"""Who holds a claim on a journal row: this process, named so that a later one can prove it dead.

A sender's claim (`sending`) names its owner as host:pid:process-start-time. A restarted kiosk need
not wait out the claim of a process that is provably gone (the pid alone is not enough: pids are
reused, so the start time from /proc tells the dead owner from a new process with its pid).
"""

from __future__ import annotations

import os
import socket
from pathlib import Path


def _process_start(pid: int) -> str | None:
    """The start time of a process (Linux /proc), to tell it from a later one with its pid."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[19]


def _owner_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{_process_start(os.getpid()) or '?'}"


def owner_alive(owner: str) -> bool:
    """False only when we can prove the lease's owner process is gone; True when unsure."""
    try:
        host, pid_text, start = owner.rsplit(":", 2)
        pid = int(pid_text)
    except ValueError:
        return True
    if host != socket.gethostname() or start == "?":
        return True
    return _process_start(pid) == start


#: This process, as a lease owner. Computed per process (forks get their own).
OWNER = _owner_id()
