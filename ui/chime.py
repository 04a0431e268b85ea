"""The staff-call chime: one seam (`Chime`), a real player and a recording fake.

The appliance is a kiosk under `cage` with no desktop sound server, so the chime goes straight
to ALSA through `aplay` (alsa-utils), falling back to PipeWire's `pw-play` or PulseAudio's
`paplay` where a sound server does run. The sound is a two-tone "ding-dong" WAV generated here
(no sound file to ship or license), written once to a temporary file. QtMultimedia is not used: the
PySide6 installed here has no QtMultimedia module, and its Linux backend would want a
PulseAudio/PipeWire server, which the appliance does not run.

A missing player, a missing sound device, or a player that fails breaks nothing: the call is
still shown on the screen, recorded in the journal and carried by the health report; the
failure is logged once. The player runs as its own process and is never waited for, so a
stuck sound device cannot freeze the screen.
"""

from __future__ import annotations

import io
import logging
import math
import shutil
import struct
import subprocess
import tempfile
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

PLAYERS = (("aplay", ["-q"]), ("pw-play", []), ("paplay", []))
RATE = 22050


class Chime(Protocol):
    def ring(self) -> None: ...


def ding_dong(rate: int = RATE) -> bytes:
    """A 16-bit mono WAV: E5 then C5, each with a soft attack and an exponential decay."""
    samples: list[int] = []
    for freq, seconds in ((659.25, 0.45), (523.25, 0.7)):
        n = int(rate * seconds)
        for i in range(n):
            t = i / rate
            envelope = min(1.0, t / 0.01) * math.exp(-4.0 * t)
            value = envelope * (
                math.sin(2 * math.pi * freq * t) + 0.3 * math.sin(4 * math.pi * freq * t)
            )
            samples.append(int(max(-1.0, min(1.0, value * 0.6)) * 32767))
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return out.getvalue()


class SystemChime:
    """Plays the chime with the first player found on PATH; silent (and says so once) if none."""

    def __init__(self, which: Callable[[str], str | None] = shutil.which) -> None:
        self._which = which
        self._file: Path | None = None
        self._warned = False
        self._last: subprocess.Popen | None = None
        self.player: list[str] | None = None
        for name, args in PLAYERS:
            found = which(name)
            if found:
                self.player = [found, *args]
                break

    def _wav(self) -> Path:
        if self._file is None:
            folder = Path(tempfile.mkdtemp(prefix="kiosk-chime-"))
            self._file = folder / "ding-dong.wav"
            self._file.write_bytes(ding_dong())
        return self._file

    def ring(self) -> None:
        if self.player is None:
            self._warn(
                "no sound player (aplay, pw-play, paplay) on this terminal: the staff "
                "call is shown but not heard"
            )
            return
        if self._last is not None and self._last.poll() is None:
            return  # the last chime is still playing: never pile players up
        if self._last is not None and self._last.returncode:
            self._warn(f"the chime player failed (exit {self._last.returncode}): no sound device?")
        try:
            self._last = subprocess.Popen(  # noqa: S603 - a fixed player and our own file
                [*self.player, str(self._wav())],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            self._warn(f"the chime player could not start: {exc.strerror}")

    def _warn(self, text: str) -> None:
        if not self._warned:
            self._warned = True
            log.warning(text)


class RecordingChime:
    """The fake: records when it rang (tests, screenshots, the demo without sound)."""

    def __init__(self) -> None:
        self.rings: list[float] = []

    def ring(self) -> None:
        self.rings.append(time.monotonic())


class StaffAlarm(QObject):
    """Rings at once when a call opens, then every `interval` seconds until it is closed."""

    def __init__(self, chime: Chime, interval: float = 15.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.chime = chime
        self._timer = QTimer(self)
        self._timer.setInterval(max(1, int(interval * 1000)))
        self._timer.timeout.connect(self._ring)

    @property
    def ringing(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        if not self._timer.isActive():
            self._ring()
            self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _ring(self) -> None:
        try:
            self.chime.ring()
        except Exception:  # a chime must never take the screen down with it
            log.exception("the chime failed")
