"""The customer's "เรียกพนักงาน / Call staff": a button in the top bar and a banner while called.

The button sits in the top bar, so it is on every customer screen in the same place (beside the
language toggle), and never on the clerk's or technician's screens, which cover the whole window.
Once tapped it stays pressed-looking ("Staff called") and a banner under the bar says help is
on its way; the customer can carry on meanwhile or take the call back. The banner and the
button render from the session alone (`session.staff_call`), like every view.
"""

from __future__ import annotations

from kiosk.session import Session
from ui.strings import tr
from ui.theme import Metrics
from ui.widgets import Banner, Button


def call_button(m: Metrics) -> Button:
    return Button(m, icon="bell", name="call-staff", min_width=round(m.target * 2.2))


def render_call_button(button: Button, s: Session, lang: str) -> None:
    called = s.staff_call is not None
    button.setText(tr("call.called" if called else "call", lang))
    button.set_role("choice" if called else "secondary")
    # stays enabled (a disabled button would grey out the words that say help is coming); a
    # second tap is a no-op in the session, and the banner offers to take the call back
    button.set_selected(called)


class StaffBanner(Banner):
    def __init__(self, m: Metrics) -> None:
        super().__init__(m, name="staff-banner", icon="bell", text_name="staff-coming")
        self.cancel = Button(m, icon="cross", name="call-cancel", min_width=round(m.target * 2.2))
        self.row.addWidget(self.cancel)
        self.hide()

    def render(self, s: Session, lang: str) -> None:
        self.setVisible(s.staff_call is not None)
        self.text.set(tr("call.coming", lang))
        self.more.set(tr("call.coming.more", lang))
        self.cancel.setText(tr("call.cancel", lang))
