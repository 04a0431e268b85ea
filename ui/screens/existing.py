"""A booking the central (or this terminal's journal) already holds: show, reprint, change, cancel.

People in 2021 could not see or change what they had registered; here the card is the key. A
booking still queued on this terminal can be shown and reprinted but not changed (the central
does not know it yet). A notice about an earlier queued booking that was refused is shown once,
with the way forward (book again).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout

from kiosk.booking.contact_change import ChangedElsewhere, ChangeNeedsConnection
from kiosk.session import Session
from kiosk.session import contact_change as cc
from kiosk.session import events as ev
from ui.binding import SessionBinding
from ui.screens import describe
from ui.screens.base import ScreenView
from ui.screens.result import PrintStatus
from ui.strings import T, tr
from ui.theme import Metrics
from ui.widgets import Button, Icon, Panel, Text, row

LEFT = Qt.AlignmentFlag.AlignLeft


def _reason(code: str, lang: str) -> str:
    key = f"reason.{code}"
    return tr(key, lang) if key in T else ""


def _queued_notice(n, lang: str) -> list[str]:
    """A queued booking the central refused: why, in the central's words where we have them."""
    state = str(n.get("state") or "rejected")
    lines = [tr("notice.conflict" if state == "conflict" else "notice.rejected", lang)]
    reason = _reason(str(n.get("code") or ""), lang)
    if reason:
        lines.append(reason)
    return lines


def _lease_notice(n, lang: str) -> list[str]:
    """A booking confirmed here from a seat lease that the central could not keep. The
    customer was told "confirmed", so this says plainly what stands instead: the booking they
    already had (already-booked), or nothing (lease-expired, lease-invalid: book again)."""
    if n.get("state") == "conflict":
        ref = n.get("winner")
        return [tr("notice.lease.conflict", lang, ref=ref) if ref else
                tr("notice.lease.conflict.other", lang)]  # fmt: skip
    return [tr("notice.lease.lost", lang)]


class ExistingView(ScreenView):
    def __init__(self, binding: SessionBinding, m: Metrics) -> None:
        super().__init__(binding, m)
        # a notice about an earlier queued booking
        self.notice = Panel("warn", m)
        self.notice_head = Text("", "strong")
        self.notice_text = Text("", "body")
        self.notice.box.addLayout(
            row(Icon("warn", round(m.body * 1.6)), self.notice_head, spacing=m.gap)
        )
        self.notice.box.addWidget(self.notice_text)
        self.body.addWidget(self.notice)
        # the booking
        self.booking = Panel("ok", m)
        self.status_icon = Icon("check", round(m.body * 1.6))
        self.status = Text("", "heading")
        self.booking.box.addLayout(row(self.status_icon, self.status, spacing=m.gap))
        self.reference = Text("", "big", wrap=False)
        self.reference.setObjectName("existing-reference")
        self.where = Text("", "strong")
        self.when = Text("", "body")
        self.note = Text("", "body")
        for w in (self.reference, self.where, self.when, self.note):
            self.booking.box.addWidget(w)
        self.body.addWidget(self.booking)
        # a change of phone or occupation that could not be made: why, and what stands
        # (one line of icon and words: the booking above must keep its room on the tablet)
        self.change_notice = Panel("warn", m)
        self.change_text = Text("", "body")
        self.change_text.setObjectName("change-notice")
        self.change_notice.box.addLayout(
            row(Icon("warn", round(m.body * 1.6)), self.change_text, spacing=m.gap)
        )
        self.body.addWidget(self.change_notice)
        # the slip of a changed booking, printing at once
        self.printing = PrintStatus(m, self.send)
        self.body.addWidget(self.printing)
        # a failed change
        self.failure = Panel("error", m)
        self.failure_text = Text("", "body")
        self.failure.box.addWidget(self.failure_text)
        self.body.addWidget(self.failure)
        self.body.addStretch(1)
        self.actions = actions = QGridLayout()
        actions.setSpacing(m.gap)
        self.reprint = Button(m, icon="printer", name="reprint")
        self.change = Button(m, icon="calendar", name="change")
        self.change_contact = Button(m, icon="phone", name="change-contact")
        self.cancel = Button(m, icon="cross", name="cancel-booking")
        self.reprint.clicked.connect(lambda: self.send(ev.Reprint()))
        self.change.clicked.connect(lambda: self.send(ev.ChangeSlot()))
        self.change_contact.clicked.connect(lambda: self.send(cc.ChangeContact()))
        self.cancel.clicked.connect(lambda: self.send(ev.CancelExisting()))
        for i, b in enumerate((self.reprint, self.change, self.change_contact, self.cancel)):
            actions.addWidget(b, i // 2, i % 2)
        self.body.addLayout(actions)
        self.finish = Button(m, icon="check", name="finish")
        self.finish.clicked.connect(lambda: self.send(ev.Finish()))
        self.nav.extras.addWidget(self.finish)

    def title(self, s: Session, lang: str) -> str:
        return tr("existing.title", lang)

    def render(self, s: Session, lang: str) -> None:
        b = s.existing
        n = s.notice
        self._render_notice(s, lang)
        self._render_booking(s, lang)
        active = b is not None and b.get("status") != "cancelled"
        central = s.existing_source == "central"
        self.reprint.setVisible(active)
        # after a change of phone or occupation, the ways forward from it only (one row, so
        # the booking keeps its room on the tablet): done, or changed elsewhere, the reprint
        # and changing again; offline, the reprint (every change needs the connection)
        after = s.change_notice is not None or s.last_change == "contact"
        self.change.setVisible(active and central and not after)
        self.cancel.setVisible(active and central and not after)
        self.change_contact.setVisible(active and central and s.change_notice != "offline")
        self._flow_actions(one_row=s.notice is not None)
        self.reprint.setText(tr("existing.reprint", lang))
        self.change.setText(tr("existing.change", lang))
        self.change_contact.setText(tr("existing.change_contact", lang))
        self.cancel.setText(tr("existing.cancel", lang))
        self.finish.setText(tr("finish", lang))
        book_again = (b is None and n is not None) or (b is not None and not active)
        self.finish.setVisible(book_again)
        if book_again:
            self.nav.configure(lang, back=None, primary="existing.book_again")
        else:
            self.nav.configure(lang, back=None, primary="finish", icon="check")

    def _flow_actions(self, *, one_row: bool) -> None:
        """The shown actions, two to a row (four make two rows; one or two, one row), or all
        in one row under a notice, which takes the room of the second."""
        buttons = (self.reprint, self.change, self.change_contact, self.cancel)
        shown = [b for b in buttons if not b.isHidden()]
        for b in buttons:
            self.actions.removeWidget(b)
        per_row = max(len(shown), 1) if one_row else 2
        for i, b in enumerate(shown):
            self.actions.addWidget(b, i // per_row, i % per_row)

    def _render_change(self, s: Session, lang: str) -> None:
        kind = s.change_notice
        self.change_notice.setVisible(kind is not None)
        if kind == "offline":
            self.change_text.set(ChangeNeedsConnection().message(lang))
        elif kind == "conflict":
            gone = (s.existing or {}).get("status") == "cancelled"
            self.change_text.set(
                tr("change.conflict.gone", lang) if gone else ChangedElsewhere(None).message(lang)
            )
        else:
            self.change_text.set("")
        if s.last_change == "contact":
            self.printing.render(s, lang, booked=False)
        else:
            self.printing.hide()

    def _render_notice(self, s: Session, lang: str) -> None:
        self._render_change(s, lang)
        n, b = s.notice, s.existing
        self.notice.setVisible(n is not None)
        if n is not None:
            self.notice_head.set(tr("notice.title", lang))
            lines = _lease_notice(n, lang) if n.get("lease") else _queued_notice(n, lang)
            if b is None and not (n.get("lease") and n.get("state") != "conflict"):
                lines.append(tr("notice.again", lang))
            self.notice_text.set("\n".join(lines))
        self.failure.setVisible(s.error is not None)
        self.failure_text.set(
            f"{tr('existing.failed', lang)}: {describe.error_text(s.error, lang)}"
            if s.error is not None
            else ""
        )

    def _render_booking(self, s: Session, lang: str) -> None:
        b = s.existing
        self.booking.setVisible(b is not None)
        active = b is not None and b.get("status") != "cancelled"
        if b is None:  # wiped: nothing of the last customer's booking stays in a label
            for w in (self.status, self.reference, self.where, self.when, self.note):
                w.set("")
        if b is not None:
            cancelled = not active
            queued = s.existing_source == "journal" and b.get("status") == "queued"
            self.booking.set_kind("warn" if cancelled or queued else "ok")
            self.status_icon.set("cross" if cancelled else ("clock" if queued else "check"))
            head = describe.booking_status(b, s.existing_source, lang)
            if s.last_change == "changed":
                head = tr("existing.changed", lang)
            elif s.last_change == "contact":
                head = tr("existing.contact_changed", lang)
            elif cancelled:
                head = tr("existing.cancelled", lang)
            self.status.set(head)
            ref = str(b.get("reference") or "")
            self.reference.set(f"{tr('result.reference', lang)} {ref}" if ref else "")
            # under a notice, one line each, so both fit on the counter tablet
            crowded = s.notice or s.change_notice or s.last_change == "contact"
            sep = " · " if crowded else "\n"
            self.where.set(describe.booking_where(b, lang, s.sites, sep))
            self.when.set(describe.booking_when(b, lang, sep))
            note = ""
            if queued:
                note = tr("existing.queued", lang) + "\n" + tr("existing.queued.no_change", lang)
            elif s.existing_source == "journal" and b.get("confirmed_by") == "terminal":
                note = tr("existing.offline", lang) + "\n" + tr("existing.queued.no_change", lang)
            elif b.get("status") == "pending-verification":
                note = tr("result.pending", lang)
            if s.last_change == "contact":
                occ = describe.occupation(cc.current_occupation(b), self.b.occupations, lang)
                phone = describe.booking_phone(b)
                note = tr("existing.contact_now", lang, phone=phone, occupation=occ)
            self.note.set(note)


class CancelConfirmView(ScreenView):
    def __init__(self, binding: SessionBinding, m: Metrics) -> None:
        super().__init__(binding, m)
        self.panel = Panel("warn", m)
        self.heading = Text("", "heading")
        self.panel.box.addLayout(row(Icon("warn", round(m.body * 2)), self.heading, spacing=m.gap))
        self.what = Text("", "strong")
        self.words = Text("", "body")
        self.panel.box.addWidget(self.what)
        self.panel.box.addWidget(self.words)
        self.body.addWidget(self.panel)
        self.body.addStretch(1)

    def title(self, s: Session, lang: str) -> str:
        return tr("cancel.title", lang)

    def render(self, s: Session, lang: str) -> None:
        b = s.existing or {}
        self.heading.set(tr("cancel.title", lang))
        ref = str(b.get("reference") or "")
        self.what.set(
            f"{ref}\n{describe.booking_where(b, lang, s.sites)}\n{describe.booking_when(b, lang)}"
            if b
            else ""
        )
        self.words.set(tr("cancel.body", lang))
        self.nav.configure(
            lang, back="cancel.keep", primary="cancel.yes", icon="cross", role="danger"
        )
