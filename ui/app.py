"""`kiosk run`: the touchscreen, full screen, from the terminal configuration.

`build()` puts the pieces together (fonts, terminal, controller, window) without showing
anything, so the tests and the benchmark start exactly what `kiosk run` starts.
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from kiosk.config import TerminalConfig
from printer.fonts import require_raqm
from sync.terminal import Terminal
from ui.chime import Chime
from ui.controller import Controller, Options
from ui.theme import load_fonts, metrics_for_screen
from ui.window import MainWindow

log = logging.getLogger(__name__)

WINDOWED = (1280, 800)


@dataclass
class Kiosk:
    app: QApplication
    terminal: Terminal
    controller: Controller
    window: MainWindow
    closed: bool = field(default=False)
    #: The health reporter (DESIGN §13) `kiosk run` starts; its `stop()` sends the last report.
    reporter: Any = None

    def close(self) -> None:
        """Stop the controller's threads and timers and close the window; safe to call twice."""
        if self.closed:
            return
        self.closed = True
        self.window.remove_filters(self.app)
        self.controller.stop()
        self.window.close()
        if self.reporter is not None:
            self.reporter.stop()


def build(
    config: TerminalConfig,
    *,
    options: Options | None = None,
    size: tuple[int, int] | None = None,
    terminal: Terminal | None = None,
    chime: Chime | None = None,
    **window: Any,
) -> Kiosk:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    family = load_fonts()
    terminal = terminal or Terminal(config)
    controller = Controller(terminal, options, chime)
    screen = app.primaryScreen()
    if size is None:
        geometry = screen.geometry()
        size = (geometry.width(), geometry.height())
    metrics = metrics_for_screen(screen, *size)
    main = MainWindow(controller, metrics, family=family, **window)
    main.resize(*size)
    main.install_filters(app)
    return Kiosk(app, terminal, controller, main)


def run(
    config: TerminalConfig,
    *,
    windowed: bool = False,
    reporter: Callable[[Terminal], Any] | None = None,
) -> int:
    """`reporter(terminal)`, if given, makes the health reporter started with the kiosk and
    stopped (one last report) when it closes: on SIGTERM, SIGINT or the technician's exit."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    require_raqm()  # a slip without raqm has colliding Thai marks: refuse to start instead
    kiosk = build(config, size=WINDOWED if windowed else None)
    w = kiosk.window
    if windowed:
        w.show()
    else:
        w.setWindowFlags(Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
        w.setCursor(Qt.CursorShape.BlankCursor)
        w.showFullScreen()
    kiosk.controller.exit_requested.connect(app.quit)
    app.aboutToQuit.connect(kiosk.close)
    _quit_on_signals(app)
    kiosk.controller.start()
    if reporter is not None:
        kiosk.reporter = reporter(kiosk.terminal).start()
    log.info("kiosk running: %dx%d, %.0f dpi, targets %d px (%.1f mm)", *_describe(w))
    return app.exec()


def _quit_on_signals(app: QApplication) -> None:
    """SIGTERM (systemd stopping the kiosk) and SIGINT end the event loop cleanly: threads
    joined, journal closed. Python runs signal handlers only between bytecodes, so a timer
    wakes the interpreter while Qt waits."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: app.quit())
    waker = QTimer(app)
    waker.timeout.connect(lambda: None)
    waker.start(250)


def _describe(w: MainWindow) -> tuple[int, int, float, int, float]:
    m = w.m
    return m.width, m.height, m.dpi, m.target, m.target_mm
