"""Choosing the day and the time: only open slots can be chosen; full ones say "full".

The day strip is a filter (the session shows the first day with a free slot first); the time
still needs a tap. A full or ended slot is drawn disabled with a cross and the word, never by
colour alone. Ended is not full: a day whose slots have all ended says the booking is over for
it (kiosk/session/availability.py), not "full all day".

Offline (DESIGN §11), a slot this terminal holds a lease seat for says "Confirmed now" with a
ticked circle, and a line under the times says what happens to the others: they are saved and
sent once the connection is back. Its seat count is left out there: the cached count is stale
and excludes the terminal's own seat, and "confirmed now" is what the customer needs to know.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QScrollArea, QScroller, QWidget

from kiosk.session import Session
from kiosk.session import events as ev
from kiosk.session.availability import DayState, SlotState
from ui.binding import SessionBinding
from ui.screens.base import ScreenView
from ui.screens.site import site_name
from ui.strings import date_line, day_label, time_range, tr
from ui.theme import Metrics
from ui.widgets import Button, Icon, Spinner, Text, row

COLUMNS = 4
#: What a day button adds under the date when nothing can be booked that day; ended is not full.
DAY_STATE_WORDS = {
    DayState.FULL: "slot.day_full",
    DayState.ENDED: "slot.day_ended",
    DayState.NONE_LEFT: "slot.day_none_left",
}
#: The line under the times of a day with nothing left to book.
DAY_OVER_WORDS = {
    DayState.FULL: "slot.day_over.full",
    DayState.NONE_LEFT: "slot.day_over.full",
    DayState.ENDED: "slot.day_over.ended",
}


class DayStrip(QWidget):
    """A row of day buttons that scrolls sideways, with arrows at both ends.

    The buttons are sized so that a whole number of them fills the strip, and the arrows and a
    swipe move by whole buttons: a button cut at the edge ("ส. 5 มิ.ย" with its last letters
    gone, on a 1280x800 tablet) reads as a different day or none.
    """

    def __init__(self, m: Metrics) -> None:
        super().__init__()
        self.m = m
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        self.area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.inner = QWidget()
        self.row = QHBoxLayout(self.inner)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(m.gap // 2)
        self.row.addStretch(1)
        self.area.setWidget(self.inner)
        QScroller.grabGesture(
            self.area.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture
        )
        self.left = Button(m, icon="back", name="days-left")
        self.right = Button(m, icon="next", name="days-right")
        self.left.clicked.connect(lambda: self.page(-1))
        self.right.clicked.connect(lambda: self.page(1))
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(m.gap // 2)
        lay.addWidget(self.left)
        lay.addWidget(self.area, 1)
        lay.addWidget(self.right)
        bar = self.area.horizontalScrollBar()
        bar.valueChanged.connect(self._arrows)
        bar.rangeChanged.connect(self._arrows)
        self.buttons: dict[str, Button] = {}
        self.min_width = round(m.target * 2.3)
        #: Buttons that fit the strip side by side, and the distance from one to the next.
        self.per_page = 1
        self.pitch = self.min_width + self.row.spacing()
        self.setFixedHeight(round(m.target * 1.25))
        self.area.viewport().installEventFilter(self)

    def eventFilter(self, watched: object, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def _fit(self) -> None:
        """Size every button so that `per_page` of them fill the viewport exactly."""
        width = self.area.viewport().width()
        gap = self.row.spacing()
        self.per_page = max(1, (width + gap) // (self.min_width + gap))
        each = max(self.min_width, (width - gap * (self.per_page - 1)) // self.per_page)
        self.pitch = each + gap
        for b in self.buttons.values():
            b.setFixedWidth(each)
        QScroller.scroller(self.area.viewport()).setSnapPositionsX(0.0, float(self.pitch))

    def first_visible(self) -> int:
        """The index of the leftmost button shown (whole buttons only)."""
        return round(self.area.horizontalScrollBar().value() / self.pitch)

    def scroll_to(self, index: int) -> None:
        """Show the button at `index` leftmost, or as far left as the row allows."""
        bar = self.area.horizontalScrollBar()
        last = max(0, len(self.buttons) - self.per_page)
        bar.setValue(min(max(0, index), last) * self.pitch)

    def page(self, direction: int) -> None:
        self.scroll_to(self.first_visible() + direction * self.per_page)

    def _arrows(self, *args: object) -> None:
        bar = self.area.horizontalScrollBar()
        self.left.setEnabled(bar.value() > bar.minimum())
        self.right.setEnabled(bar.value() < bar.maximum())

    def set_days(self, days: list[str], on_tap) -> None:
        if list(self.buttons) == days:
            return
        for b in self.buttons.values():
            b.setParent(None)
            b.deleteLater()
        self.buttons = {}
        for i, day in enumerate(days):
            b = Button(self.m, role="choice", name=f"day-{day}", min_width=self.min_width)
            b.clicked.connect(lambda _=False, d=day: on_tap(d))
            self.row.insertWidget(i, b)
            self.buttons[day] = b
        self._fit()
        self._arrows()

    def show_day(self, day: str | None) -> None:
        """Bring `day` into view, moving by whole buttons and only when it is not shown."""
        days = list(self.buttons)
        if (day or "") not in days:
            return
        index = days.index(day)
        first = self.first_visible()
        if index < first:
            self.scroll_to(index)
        elif index >= first + self.per_page:
            self.scroll_to(index - self.per_page + 1)


class SlotView(ScreenView):
    def __init__(self, binding: SessionBinding, m: Metrics) -> None:
        super().__init__(binding, m)
        self.where = Text("", "strong")
        self.body.addWidget(self.where)
        self.days = DayStrip(m)
        self.body.addWidget(self.days)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(m.gap // 2)
        self.body.addWidget(self.grid_host)
        self.offline_icon = Icon(None, round(m.body * 1.4))
        self.offline_line = Text("", "body")
        self.offline_line.setObjectName("slot-offline")
        self.body.addLayout(row(self.offline_icon, self.offline_line, spacing=m.gap // 2))
        self.spinner = Spinner(m.target)
        self.waiting = Text("", "heading")
        self.body.addLayout(row(self.spinner, self.waiting, spacing=m.gap))
        self.body.addStretch(1)
        self.chosen_icon = Icon(None, round(m.body * 1.4))
        self.chosen = Text("", "strong")
        self.chosen.setObjectName("slot-chosen")
        self.body.addLayout(row(self.chosen_icon, self.chosen, spacing=m.gap // 2))
        self.slot_buttons: list[Button] = []
        self._day: str | None = None

    def title(self, s: Session, lang: str) -> str:
        return tr("slot.title", lang)

    def _slot_buttons(self, count: int) -> None:
        while len(self.slot_buttons) < count:
            i = len(self.slot_buttons)
            b = Button(self.m, role="choice", name=f"slot-{i}")
            b.clicked.connect(lambda _=False, k=i: self._tap(k))
            self.grid.addWidget(b, i // COLUMNS, i % COLUMNS)
            self.slot_buttons.append(b)
        for i, b in enumerate(self.slot_buttons):
            b.setVisible(i < count)

    def _tap(self, index: int) -> None:
        s = self.b.session
        slots = s.slots_on(s.slot_day)
        if index < len(slots):
            self.send(ev.SlotChosen(slots[index]))

    def render(self, s: Session, lang: str) -> None:
        self.where.set(tr("slot.at", lang, site=site_name(s.site, lang)) if s.site else "")
        days = s.slot_days()
        self.days.set_days(days, lambda d: self.send(ev.DayChosen(d)))
        self.days.left.setText("")
        self.days.right.setText("")
        for day, b in self.days.buttons.items():
            label = day_label(date.fromisoformat(day), lang)
            state = DAY_STATE_WORDS.get(s.day_state(day))
            if state:
                label += f"\n{tr(state, lang)}"
            b.setText(label)
            b.set_selected(day == s.slot_day)
        if s.slot_day != self._day:
            self._day = s.slot_day
            self.days.show_day(s.slot_day)
        self.days.setVisible(bool(days))
        slots = s.slots_on(s.slot_day)
        self._render_slots(s, lang, slots)
        loading = s.slots_pending and not slots
        self.spinner.setVisible(loading)
        if loading:
            self.waiting.set(tr("slot.loading", lang))
        elif not slots:
            self.waiting.set(tr("slot.empty", lang))
        elif (over := DAY_OVER_WORDS.get(s.day_state(s.slot_day or ""))) is not None:
            self.waiting.set(tr(over, lang))
        else:
            self.waiting.set("")
        if s.slot is None:
            self.chosen_icon.set("info")
            self.chosen.set(tr("slot.none_yet", lang))
        else:
            self.chosen_icon.set("check")
            when = date_line(date.fromisoformat(s.slot.date), lang)
            self.chosen.set(
                f"{tr('selected', lang)}: {when} {time_range(s.slot.start, s.slot.end, lang)}"
            )
        self.nav.configure(lang, primary="next", enabled=s.can_go_next())

    def _render_slots(self, s: Session, lang: str, slots: list) -> None:
        self._slot_buttons(len(slots))
        for b, slot in zip(self.slot_buttons, slots, strict=False):
            kind = s.slot_state(slot)
            icon = None
            if kind is SlotState.CONFIRM_NOW:
                state, icon = tr("slot.confirm_now", lang), "confirm-now"
            elif kind is SlotState.OPEN:
                state = tr("slot.remaining", lang, n=slot.remaining)
            elif kind is SlotState.FULL:
                state, icon = tr("slot.full", lang), "cross"
            else:  # ended, full or not: the time is over
                state, icon = tr("slot.past", lang), "cross"
            b.setText(f"{time_range(slot.start, slot.end, lang)}\n{state}")
            b.set_icon(icon)
            b.setEnabled(kind.bookable)
            b.set_selected(s.slot is not None and s.slot.id == slot.id)
        if s.slots_offline and slots:
            some = s.any_confirmable()
            self.offline_icon.set("confirm-now" if some else "clock")
            self.offline_line.set(tr("slot.offline.some" if some else "slot.offline.none", lang))
        else:
            self.offline_icon.set(None)
            self.offline_line.set("")
