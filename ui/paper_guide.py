"""The guided paper change: four steps with a picture each, ending in a test slip.

Modelled on the library kiosks' "loading roll paper" procedure (reference/fleet-clerk-speech.md
§B1): open the cover, put the roll in the right way round, close the cover, then the terminal
checks the printer itself. The last step asks the printer (DLE EOT, as the service check does):
still no paper or the cover still open sends the clerk back with the reason; ready prints the
test slip (printer/testslip.py) and the guide ends there. The guide never says "done" on the
clerk's word alone: only the printer's answer and a printed slip end it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from ui.overlays import Overlay
from ui.strings import tr
from ui.theme import Metrics
from ui.widgets import Button, Icon, Panel, Text, hbox, row

STEPS = ("paper-open", "paper-roll", "paper-close", "printer")
DONE = len(STEPS) + 1


class PaperGuide(Overlay):
    #: The clerk tapped "Check" on the last step: the controller checks and prints.
    check = Signal()
    finished = Signal()

    def __init__(self, parent: QWidget, m: Metrics) -> None:
        super().__init__(parent, m, "paper-guide")
        self.lang = "th"
        self.step = 1
        self.checking = False
        self.outcome: Mapping[str, Any] = {}
        self.heading = Text("", "heading")
        self.count = Text("", "small")
        self.count.setObjectName("paper-step")
        self.picture = Icon(STEPS[0], round(m.target * 2.2))
        self.picture.setObjectName("paper-picture")
        self.text = Text("", "heading")
        self.text.setObjectName("paper-text")
        self.more = Text("", "body")
        self.result = Panel("warn", m)
        self.result_text = Text("", "strong")
        self.result_text.setObjectName("paper-result")
        self.result.box.addWidget(self.result_text)
        self.back = Button(m, icon="back", name="paper-back", min_width=round(m.target * 2.2))
        self.next = Button(m, icon="next", role="primary", name="paper-next",
                           min_width=round(m.target * 2.6))  # fmt: skip
        self.back.clicked.connect(self._back)
        self.next.clicked.connect(self._next)
        self.panel.box.addWidget(self.heading)
        self.panel.box.addWidget(self.count)
        words = Panel("plain", m)
        words.box.addWidget(self.text)
        words.box.addWidget(self.more)
        self.panel.box.addLayout(row(self.picture, words, spacing=m.margin))
        self.panel.box.addWidget(self.result)
        self.panel.box.addLayout(hbox(self.back, self.next, spacing=m.gap, stretch_at=1))
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def start(self, lang: str) -> None:
        self.lang = lang
        self.step = 1
        self.checking = False
        self.outcome = {}
        self.render()
        self.open()

    def _back(self) -> None:
        if self.step in (1, DONE):
            self.hide()
            self.finished.emit()
            return
        self.step -= 1
        self.outcome = {}
        self.render()

    def _next(self) -> None:
        if self.step == DONE:
            self.hide()
            self.finished.emit()
        elif self.step == len(STEPS):
            if not self.checking:
                self.checking = True
                self.outcome = {}
                self.render()
                self.check.emit()
        else:
            self.step += 1
            self.render()

    def show_result(self, outcome: Mapping[str, Any]) -> None:
        """The controller's answer: {"state": "done" | "paper-out" | "cover-open" | "failed",
        "why": text}."""
        self.checking = False
        self.outcome = dict(outcome)
        state = outcome.get("state")
        if state == "done":
            self.step = DONE
        elif state == "paper-out":
            self.step = 2  # back to the roll
        elif state == "cover-open":
            self.step = 3  # back to the cover
        self.render()

    def render(self) -> None:
        lang, step = self.lang, self.step
        self.heading.set(tr("paper.title", lang))
        state = self.outcome.get("state")
        if step == DONE:
            self.count.set("")
            self.picture.set("check")
            self.text.set(tr("paper.done", lang))
            self.more.set(tr("paper.done.more", lang))
        else:
            self.count.set(tr("paper.step", lang, n=step))
            self.picture.set(STEPS[step - 1])
            self.text.set(tr(f"paper.{step}", lang))
            self.more.set(tr(f"paper.{step}.more", lang))
        if self.checking:
            self.result.set_kind("info")
            self.result_text.set(tr("paper.checking", lang))
        elif state == "paper-out":
            self.result.set_kind("warn")
            self.result_text.set(tr("paper.still-out", lang))
        elif state == "cover-open":
            self.result.set_kind("warn")
            self.result_text.set(tr("paper.still-open", lang))
        elif state == "failed":
            self.result.set_kind("error")
            self.result_text.set(tr("paper.failed", lang, why=self.outcome.get("why", "")))
        self.result.setVisible(self.checking or state in ("paper-out", "cover-open", "failed"))
        self.back.setText(tr("paper.back", lang))
        self.back.setVisible(step != DONE)
        last = step == len(STEPS)
        self.next.setText(
            tr("paper.finish" if step == DONE else "paper.check" if last else "paper.next", lang)
        )
        self.next.set_icon("check" if step == DONE else "printer" if last else "next")
        self.next.setEnabled(not self.checking)
