"""The power-cut shim's Python side (bench/power_loss.py): build bench/powercut.c, run a process
under it, and cut the power: the watched files are replaced by their durable image.

The shim (read its header) keeps, in a shadow directory, each watched file as it would be after
a power cut: only what was fsync'ed. `Watched.arm()` makes the shadow equal to the files (the
start of a trial: what is on disk now is durable, as after the last cut); `Watched.cut()` kills
nothing itself: the caller SIGKILLs the process first (the instant of the cut), then `cut()`
copies the shadow over the files and deletes the -shm (SQLite's wal-index, rebuilt from the WAL
by the first connection after a crash), as a reboot would find them.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

SOURCE = Path(__file__).resolve().parent / "powercut.c"
SUFFIXES = ("", "-wal", "-shm")


def build(into: Path | None = None) -> Path:
    """Compile the shim with gcc (SystemExit with the compiler's words if it cannot)."""
    if shutil.which("gcc") is None:
        raise SystemExit("power_loss: gcc is needed to build the power-cut shim (apt install gcc)")
    out = (into or Path(tempfile.mkdtemp(prefix="powercut-"))) / "powercut.so"
    done = subprocess.run(
        [
            "gcc",
            "-O2",
            "-Wall",
            "-Wno-format-truncation",
            "-shared",
            "-fPIC",
            "-o",
            str(out),
            str(SOURCE),
            "-ldl",
            "-lpthread",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"power_loss: the shim did not build:\n{done.stderr}")
    return out


class Watched:
    """One SQLite file (and its -wal/-shm) watched by the shim, with its shadow directory."""

    def __init__(self, db: Path, shim: Path, shadow: Path) -> None:
        self.db = db
        self.shim = shim
        self.shadow = shadow
        shadow.mkdir(parents=True, exist_ok=True)

    def env(self, base: dict[str, str] | None = None, cut_at: int | None = None) -> dict[str, str]:
        """`cut_at`: the process cuts its own power at its Nth fsync of the watched file,
        before that fsync makes anything durable."""
        env = dict(base if base is not None else os.environ)
        env["LD_PRELOAD"] = str(self.shim)
        env["POWERCUT_WATCH"] = str(self.db)
        env["POWERCUT_SHADOW"] = str(self.shadow)
        if cut_at:
            env["POWERCUT_AT_FSYNC"] = str(cut_at)
        return env

    def _pairs(self) -> list[tuple[Path, Path]]:
        return [
            (self.db.with_name(self.db.name + s), self.shadow / (self.db.name + s))
            for s in SUFFIXES
        ]

    def arm(self) -> None:
        """What is on disk now is durable: the shadow starts as a copy of it."""
        for real, shade in self._pairs():
            if real.exists():
                shutil.copyfile(real, shade)
            else:
                shade.unlink(missing_ok=True)

    def cut(self) -> bool:
        """Replace the files by their durable image; True when that image differed from what
        the process had written (the cut lost writes that were never fsync'ed)."""
        differed = False
        for real, shade in self._pairs():
            if real.name.endswith("-shm"):
                real.unlink(missing_ok=True)
                shade.unlink(missing_ok=True)
                continue
            if shade.exists():
                differed |= not (real.exists() and filecmp.cmp(real, shade, shallow=False))
                shutil.copyfile(shade, real)
            elif real.exists():
                differed = True
                real.unlink()
        return differed
