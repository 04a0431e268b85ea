"""The outcome of a booking, and the slip.

Confirmed: the reference, big, and the slip printing at once (never waiting on an SMS); one
confirmed at this terminal from a seat lease while offline looks the same, with one line saying
the SMS follows once the connection is back. Queued:
what happens next, in plain words, because "queued" means nothing to a customer. Refused: why,
and the way forward (another time, another place, the booking they already have). A printer
failure never hides the booking: it stands, the screen says so and offers to print again.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout

from kiosk.session import Session
from kiosk.session import events as ev
from ui.binding import SessionBinding
from ui.screens import describe
from ui.screens.base import ScreenView
from ui.strings import T, tr
from ui.theme import Metrics
from ui.widgets import Button, Icon, Panel, Spinner, Text, hbox, row

SLOT_REASONS = {"slot-full", "slot-passed", "unknown-slot"}


class PrintStatus(Panel):
    """Printing… / the printer failed, the booking stands, print again."""

    def __init__(self, m: Metrics, send) -> None:
        super().__init__("info", m)
        self.spinner = Spinner(round(m.body * 1.6))
        self.icon = Icon(None, round(m.body * 1.6))
        self.head = Text("", "strong")
        self.text = Text("", "body")
        words = QVBoxLayout()
        words.setSpacing(0)
        words.addWidget(self.head)
        words.addWidget(self.text)
        self.reprint = Button(m, icon="printer", name="reprint", role="primary")
        self.reprint.clicked.connect(lambda: send(ev.Reprint()))
        line = QHBoxLayout()
        line.setSpacing(m.gap)
        line.addWidget(self.spinner, 0, Qt.AlignmentFlag.AlignTop)
        line.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        line.addLayout(words, 1)
        line.addWidget(self.reprint, 0, Qt.AlignmentFlag.AlignVCenter)
        self.box.addLayout(line)

    def render(self, s: Session, lang: str, *, booked: bool) -> None:
        error = s.print_error
        self.reprint.setText(tr("result.reprint", lang))
        if error is not None:
            self.set_kind("error")
            self.spinner.hide()
            self.icon.set("warn")
            self.head.set(tr("result.print_failed", lang))
            # printer errors say so themselves; anything else gets it said here
            says_so = getattr(error, "reprint", False)
            stands = tr("result.booking_stands", lang) if booked and not says_so else ""
            self.text.set("\n".join(x for x in (describe.error_text(error, lang), stands) if x))
            self.reprint.show()
        elif not s.printed:
            self.set_kind("info")
            self.spinner.show()
            self.icon.set(None)
            self.head.set(tr("result.printing", lang))
            self.text.set("")
            self.reprint.hide()
        else:
            self.hide()
            return
        self.show()


class ResultView(ScreenView):
    def __init__(self, binding: SessionBinding, m: Metrics) -> None:
        super().__init__(binding, m)
        self.panel = Panel("ok", m)
        self.icon = Icon("check", round(m.target * 0.8))
        self.heading = Text("", "heading")
        self.panel.box.addLayout(row(self.icon, self.heading, spacing=m.gap))
        self.reference = Text("", "big", wrap=False)
        self.reference.setObjectName("reference")
        self.reference.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.details = Text("", "strong")
        self.words = Text("", "body")
        for w in (self.reference, self.details, self.words):
            self.panel.box.addWidget(w)
        self.body.addWidget(self.panel)
        self.printing = PrintStatus(m, self.send)
        self.body.addWidget(self.printing)
        self.body.addStretch(1)
        ways = QHBoxLayout()
        ways.setSpacing(m.gap)
        self.other_slot = Button(m, icon="calendar", name="other-slot")
        self.other_site = Button(m, icon="pin", name="other-site")
        self.show_existing = Button(m, icon="info", name="show-existing")
        self.other_slot.clicked.connect(lambda: self.send(ev.Edit("slot")))
        self.other_site.clicked.connect(lambda: self.send(ev.Edit("site")))
        self.show_existing.clicked.connect(lambda: self.send(ev.ShowExisting()))
        for b in (self.other_slot, self.other_site, self.show_existing):
            ways.addWidget(b)
        ways.addStretch(1)
        self.body.addLayout(ways)

    def title(self, s: Session, lang: str) -> str:
        return tr("result.title", lang)

    def primary(self) -> None:
        self.send(ev.Finish())

    def render(self, s: Session, lang: str) -> None:
        o = s.outcome
        for b in (self.other_slot, self.other_site, self.show_existing):
            b.hide()
        self.other_slot.setText(tr("result.other_slot", lang))
        self.other_site.setText(tr("result.other_site", lang))
        self.show_existing.setText(tr("result.show_existing", lang))
        where = describe.site_where(s.site, lang, " · ") if s.site else ""
        when = describe.slot_when(s.slot, lang, " · ") if s.slot else ""
        if o is None:  # nothing booked: the journal or a local check said no
            self._panel("error", "warn", tr("result.failed", lang))
            self.reference.set("")
            self.details.set(describe.error_text(s.error, lang))
            self.words.set("")
            self.printing.hide()
            self.nav.configure(lang, back=None, primary="finish", icon="check")
            return
        if o.status == "confirmed":
            self._panel("ok", "check", tr("result.confirmed", lang))
            self.reference.set(f"{tr('result.reference', lang)} {o.reference or ''}")
            self.details.set(f"{where}\n{when}")
            pending = o.central_status == "pending-verification"
            lines = [tr("result.pending", lang)] if pending else []
            if o.offline_confirmed:  # confirmed like any other; only the SMS waits
                lines.append(tr("result.offline_sms", lang, phone=describe.phone(s)))
            self.words.set("\n".join(lines))
        elif o.status == "queued":
            self._panel("warn", "clock", tr("result.queued", lang))
            self.reference.set("")
            self.details.set(f"{where}\n{when}")
            self.words.set(
                tr("result.queued.next", lang, phone=describe.phone(s))
                + "\n"
                + tr("result.queued.slip", lang)
            )
        else:
            self._panel("error", "cross", tr("result.rejected", lang))
            self.reference.set("")
            code = o.code or ""
            key = f"reason.{code}" if f"reason.{code}" in T else "reason.other"
            self.details.set(tr(key, lang))
            if code in SLOT_REASONS:
                self.words.set(f"{where}\n{when}")
            else:
                self.words.set((o.detail or "") if key == "reason.other" else "")
            if code in SLOT_REASONS:
                self.other_slot.show()
                self.other_site.show()
            if code == "already-booked" and o.extra.get("booking"):
                self.show_existing.show()
        if s.booked:
            self.printing.render(s, lang, booked=True)
        else:
            self.printing.hide()
        busy = s.booked and not s.printed and s.print_error is None
        self.nav.configure(lang, back=None, primary=None if busy else "finish", icon="check")

    def _panel(self, kind: str, icon: str, heading: str) -> None:
        self.panel.set_kind(kind)
        self.icon.set(icon)
        self.heading.set(heading)


class PrintingView(ScreenView):
    """ "Take your slip, remove your card": the slip of a booking, a reprint, or information."""

    def __init__(self, binding: SessionBinding, m: Metrics) -> None:
        super().__init__(binding, m)
        self.icons = hbox(Icon("slip", m.target * 2), Icon("card", m.target * 2), spacing=m.margin)
        self.icons.insertStretch(0, 1)
        self.icons.addStretch(1)
        self.heading = Text("", "title")
        self.card = Text("", "title")
        self.bring = Text("", "heading")
        for w in (self.heading, self.card, self.bring):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.body.addStretch(1)
        self.body.addLayout(self.icons)
        self.body.addWidget(self.heading)
        self.body.addWidget(self.card)
        self.body.addWidget(self.bring)
        self.printing = PrintStatus(m, self.send)
        self.body.addWidget(self.printing)
        self.body.addStretch(2)

    def render(self, s: Session, lang: str) -> None:
        done = s.printed and s.print_error is None
        self.heading.set(tr("printing.title", lang) if done else "")
        self.card.set(tr("printing.card", lang) if done else "")
        self.bring.set(tr("printing.bring", lang) if done and s.booked else "")
        self.printing.render(s, lang, booked=s.booked)
        self.nav.configure(
            lang,
            back=None,
            primary="finish" if done or s.print_error is not None else None,
            icon="check",
        )
