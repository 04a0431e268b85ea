"""The idle timeout: 60 s without a touch, then a 20 s countdown with "more time", then a wipe.

An event filter on the application sees every touch, click and key, whatever widget gets it;
one tap arrives as several events (TouchBegin, then a synthesised MouseButtonPress), so each only
restarts the timer, which is harmless to do twice. The filter never consumes anything.

The watcher only runs while a customer is on the screen; on the resting screens there is nothing
to wipe, and while a booking is in flight the session would refuse the timeout anyway, so the
countdown is not shown then (it would frighten someone who is only waiting for the answer).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal

from kiosk.session import IDLE_SCREENS, Screen
from kiosk.session.machine import BUSY_SCREENS
from ui.overlays import Countdown

ACTIVITY = frozenset(
    {
        QEvent.Type.TouchBegin,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.KeyPress,
    }
)


class IdleWatcher(QObject):
    #: The idle time ran out: show the warning (with the seconds left).
    warn = Signal(int)
    #: A second of the countdown passed.
    tick = Signal(int)
    #: Activity (or "more time") while the warning was shown: hide it.
    resumed = Signal()
    #: The countdown ran out: the session must be wiped.
    timed_out = Signal()

    def __init__(
        self, idle_seconds: float = 60.0, countdown_seconds: float = 20.0, parent=None
    ) -> None:
        super().__init__(parent)
        self.idle_seconds = idle_seconds
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(max(1, int(idle_seconds * 1000)))
        self._idle.timeout.connect(self._idle_over)
        self.countdown = Countdown(countdown_seconds, self)
        self.countdown.tick.connect(self.tick)
        self.countdown.expired.connect(self._expired)
        self._screen: Screen = Screen.WELCOME
        self.extensions = 0

    @property
    def warning(self) -> bool:
        return self.countdown.running

    def watching(self) -> bool:
        return self._screen not in IDLE_SCREENS

    def screen_changed(self, screen: Screen) -> None:
        """The session moved: a new screen is activity too; resting screens stop the watch."""
        changed = screen != self._screen
        self._screen = screen
        if not self.watching():
            self._idle.stop()
            if self.countdown.running:
                self.countdown.stop()
                self.resumed.emit()
            return
        if changed or (not self._idle.isActive() and not self.countdown.running):
            self.activity()

    def activity(self) -> None:
        if self.countdown.running:
            return  # only "more time" (or a tap on the warning) ends the warning
        if self.watching():
            self._idle.start()

    def more_time(self) -> None:
        if self.countdown.running:
            self.countdown.stop()
            self.extensions += 1
            self.resumed.emit()
        self.activity()

    def _idle_over(self) -> None:
        if not self.watching():
            return
        if self._screen in BUSY_SCREENS:
            self._idle.start()  # waiting for an answer is not idleness
            return
        self.countdown.start()
        self.warn.emit(self.countdown.left)

    def _expired(self) -> None:
        self.resumed.emit()
        self.timed_out.emit()

    def stop(self) -> None:
        self._idle.stop()
        self.countdown.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY:
            self.activity()
        return False
