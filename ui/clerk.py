"""The clerk screen: what a store clerk does at the terminal without a technician (DESIGN §14).

Reached like the technician's (ui/technician.py), but by holding the bottom-RIGHT corner of a
resting screen (welcome, closed, paused, out of service) for 3 s and then the clerk PIN
(`[clerk] pin_hash`, kiosk/clerk.py: three wrong PINs lock the pad for a minute, doubling up to
fifteen). The two corners never overlap and neither holds a control on a resting screen.

What it offers, from the attendant modes of self-checkouts and library kiosks
(reference/fleet-clerk-speech.md §B1): answer a customer's call; pause and resume service
("temporarily closed" for customers; a customer mid-session finishes first); the printer's
state and paper, and a guided paper change ending in a test slip (ui/paper_guide.py); today's
counts; the queue and seat leases with "send now". What it does not offer: anything of the
technician's (exit, configuration, sync internals), and anything about a person: it shows no
name, citizen ID or phone, only counts, and a reprint still needs the customer's own card.

The panel renders from the session (call, pause) and from a status snapshot the controller
gathers off the UI thread (`clerk_status`): printer, counts, queue, leases.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from kiosk.dates import BANGKOK
from kiosk.session import Session
from kiosk.session.machine import RESTING_SCREENS
from ui.overlays import Overlay
from ui.strings import tr
from ui.theme import Metrics
from ui.widgets import Button, Icon, Panel, Text, row

COUNTS = ("confirmed", "confirmed_offline", "queued", "refused", "info_slips", "staff_calls")
PRINTER_STATES = ("ready", "near-end", "paper-out", "cover-open", "offline", "missing", "preview")


def _line(m: Metrics, kind: str, icon: str, text: Text, button: Button) -> Panel:
    panel = Panel(kind, m)
    lay = QHBoxLayout()
    lay.setSpacing(m.gap)
    lay.addWidget(Icon(icon, round(m.body * 1.6)))
    lay.addWidget(text, 1)
    lay.addWidget(button)
    panel.box.addLayout(lay)
    return panel


class ClerkPanel(Overlay):
    closed = Signal()

    def __init__(self, parent: QWidget, m: Metrics) -> None:
        super().__init__(parent, m, "clerk-panel", wide=True)
        self.lang = "th"
        self.status: Mapping[str, Any] = {}
        self.heading = Text("", "heading")
        self.panel.box.addLayout(
            row(Icon("person", round(m.body * 1.6)), self.heading, spacing=m.gap)
        )
        columns = QHBoxLayout()
        columns.setSpacing(m.gap)
        columns.addLayout(self._build_left(m), 1)
        columns.addLayout(self._build_right(m), 1)
        self.panel.box.addLayout(columns, 1)
        self._build_bottom(m)

    def _build_left(self, m: Metrics) -> QVBoxLayout:
        """The call, the service, the printer: each a line with its one action."""
        wide = round(m.target * 2.6)
        self.call_text = Text("", "strong")
        self.call_text.setObjectName("clerk-call")
        self.answer = Button(m, icon="check", role="primary", name="clerk-answer", min_width=wide)
        self.call_panel = _line(m, "plain", "bell", self.call_text, self.answer)
        self.service_text = Text("", "strong")
        self.service_text.setObjectName("clerk-service")
        self.pause = Button(m, icon="pause", name="clerk-pause", min_width=wide)
        self.service_panel = _line(m, "plain", "clock", self.service_text, self.pause)
        self.printer_text = Text("", "strong")
        self.printer_text.setObjectName("clerk-printer")
        self.paper = Button(m, icon="paper-roll", name="clerk-paper", min_width=wide)
        self.printer_panel = _line(m, "plain", "printer", self.printer_text, self.paper)
        left = QVBoxLayout()
        left.setSpacing(m.gap)
        for w in (self.call_panel, self.service_panel, self.printer_panel):
            left.addWidget(w)
        left.addStretch(1)
        return left

    def _build_right(self, m: Metrics) -> QVBoxLayout:
        """Today's counts, the queue and leases with "send now", the reprint rule."""
        wide = round(m.target * 2.6)
        self.today = Text("", "strong")
        counts = Panel("plain", m)
        counts.box.addWidget(self.today)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(m.margin)
        self.grid.setVerticalSpacing(0)
        self.counts: dict[str, tuple[Text, Text]] = {}
        for key in COUNTS:
            label, value = Text("", "body"), Text("", "strong")
            value.setObjectName(f"clerk-count-{key}")
            self.counts[key] = (label, value)
        self.grid.setColumnStretch(0, 1)
        self.grid.setColumnStretch(2, 1)
        counts.box.addLayout(self.grid)
        self._place_counts(COUNTS)
        self.queue_text = Text("", "strong")
        self.queue_text.setObjectName("clerk-queue")
        self.lease_text = Text("", "body")
        self.lease_text.setObjectName("clerk-leases")
        self.send = Button(m, icon="send", name="clerk-send", min_width=wide)
        queue = Panel("plain", m)
        qline = QHBoxLayout()
        qline.setSpacing(m.gap)
        qcol = QVBoxLayout()
        qcol.setSpacing(0)
        qcol.addWidget(self.queue_text)
        qcol.addWidget(self.lease_text)
        qline.addLayout(qcol, 1)
        qline.addWidget(self.send)
        queue.box.addLayout(qline)
        self.reprint = Text("", "small")
        right = QVBoxLayout()
        right.setSpacing(m.gap)
        right.addWidget(counts)
        right.addWidget(queue)
        right.addWidget(self.reprint)
        right.addStretch(1)
        return right

    def _build_bottom(self, m: Metrics) -> None:
        """What an action did, and back to customers (bottom right, the primary action)."""
        wide = round(m.target * 2.6)
        self.said = Text("", "body")
        self.said.setObjectName("clerk-said")
        self.back = Button(m, icon="back", role="primary", name="clerk-close", min_width=wide)
        self.back.clicked.connect(self._close)
        self.back.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        bottom = QHBoxLayout()
        bottom.setSpacing(m.gap)
        bottom.addWidget(self.said, 3)
        bottom.addStretch(1)  # Back to customers stays bottom right when nothing was said
        bottom.addWidget(self.back)
        self.panel.box.addLayout(bottom)

    def _place_counts(self, keys: tuple[str, ...]) -> None:
        """Two columns of the counts shown, in order, with no hole where one is left out."""
        for key, (label, value) in self.counts.items():
            self.grid.removeWidget(label)
            self.grid.removeWidget(value)
            label.setVisible(key in keys)
            value.setVisible(key in keys)
        for i, key in enumerate(keys):
            label, value = self.counts[key]
            self.grid.addWidget(label, i // 2, (i % 2) * 2)
            self.grid.addWidget(value, i // 2, (i % 2) * 2 + 1)

    def _close(self) -> None:
        self.hide()
        self.closed.emit()

    def open_panel(self, lang: str) -> None:
        self.lang = lang
        self.status = {}
        self.said.set("")
        self.open()

    def say(self, text: str) -> None:
        self.said.set(text)

    def set_status(self, status: Mapping[str, Any]) -> None:
        self.status = dict(status)

    def render(self, s: Session) -> None:
        lang, st = self.lang, self.status
        self.heading.set(tr("clerk.title", lang))
        call = s.staff_call
        if call is None:
            self.call_text.set(tr("clerk.call.none", lang))
            self.call_panel.set_kind("plain")
        else:
            at = call.opened.astimezone(BANGKOK)
            now = st.get("now") or datetime.now(BANGKOK)
            ago = max(0, int((now - call.opened).total_seconds() // 60))
            self.call_text.set(tr("clerk.call.open", lang, at=at.strftime("%H:%M"), ago=ago))
            self.call_panel.set_kind("warn")
        self.answer.setText(tr("clerk.answer", lang))
        self.answer.setVisible(call is not None)
        mid_session = s.screen not in RESTING_SCREENS
        if s.paused:
            words = tr("clerk.service.paused", lang)
            if mid_session:
                words += "\n" + tr("clerk.service.finishing", lang)
        else:
            words = tr("clerk.service.open", lang)
        self.service_text.set(words)
        self.service_panel.set_kind("warn" if s.paused else "plain")
        self.pause.setText(tr("clerk.resume" if s.paused else "clerk.pause", lang))
        self.pause.set_icon("play" if s.paused else "pause")
        self.pause.set_role("primary" if s.paused else "secondary")
        printer = st.get("printer")
        key = printer if printer in PRINTER_STATES else "unknown"
        self.printer_text.set(f"{tr('clerk.printer', lang)}: {tr(f'clerk.printer.{key}', lang)}")
        self.printer_panel.set_kind(
            "warn" if printer not in (None, "ready", "preview") else "plain"
        )
        self.paper.setText(tr("clerk.paper", lang))
        self.today.set(tr("clerk.today", lang))
        counts = st.get("counts") or {}
        leases = st.get("leases") or {}
        # "confirmed offline" only where it can happen: the terminal holds or held leases
        offline = bool(leases.get("held") or counts.get("confirmed_offline"))
        for key, (label, value) in self.counts.items():
            label.set(tr(f"clerk.count.{key}", lang))
            value.set(str(counts[key]) if key in counts else "…")
        # after the texts: setting a text shows its label again
        self._place_counts(tuple(k for k in COUNTS if offline or k != "confirmed_offline"))
        queue = st.get("queue")
        if queue is None:
            self.queue_text.set(f"{tr('clerk.queue', lang)}: …")
        elif queue["waiting"]:
            self.queue_text.set(
                tr("clerk.queue.waiting", lang, n=queue["waiting"], age=queue["age"])
            )
        else:
            self.queue_text.set(tr("clerk.queue.empty", lang))
        self.lease_text.set(
            tr("clerk.leases", lang, n=leases.get("seats_left", 0)) if leases else ""
        )
        self.send.setText(tr("clerk.send", lang))
        self.reprint.set(tr("clerk.reprint", lang))
        self.back.setText(tr("clerk.close", lang))
