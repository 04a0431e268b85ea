"""The kiosk's one window: a top bar, the offline banner, the current screen, and the overlays.

The top bar has Start over on the left, the screen's name in the middle and the language toggle
on the right, on every screen (Start over is hidden only where there is nothing to start over, or
a request is in flight). The window renders from the session on every change; when the session
wipes, every screen is rendered from the empty session, so no widget anywhere keeps a customer's
name, ID or phone number.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QRect, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLayout,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.session import Screen
from kiosk.session import events as ev
from kiosk.session.machine import BUSY_SCREENS
from ui.binding import SessionBinding
from ui.clerk import ClerkPanel
from ui.idle import IdleWatcher
from ui.overlays import ConfirmOverlay, IdleOverlay
from ui.paper_guide import PaperGuide
from ui.screens.base import ScreenView
from ui.screens.consent import ConsentView
from ui.screens.contact import ContactView
from ui.screens.contact_change import ChangeReviewView, PhoneAgainView
from ui.screens.decision import DecisionView
from ui.screens.existing import CancelConfirmView, ExistingView
from ui.screens.progress import CardErrorView, ProgressView
from ui.screens.questions import QuestionView
from ui.screens.resting import GoodbyeView, ServiceView, WelcomeView
from ui.screens.result import PrintingView, ResultView
from ui.screens.review import ReviewView
from ui.screens.site import SiteView
from ui.screens.slot import SlotView
from ui.staff_call import StaffBanner, call_button, render_call_button
from ui.strings import age_text, tr
from ui.technician import RESTING, CornerHold, PinOverlay, TechnicianPanel
from ui.theme import Metrics, style_sheet
from ui.widgets import Banner, Button, Text

NO_START_OVER = frozenset(RESTING | {Screen.GOODBYE} | BUSY_SCREENS)


class TopBar(QWidget):
    def __init__(self, m: Metrics) -> None:
        super().__init__()
        self.setObjectName("topbar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.start_over = Button(m, icon="restart", name="start-over", min_width=m.target * 2)
        self.title = Text("", "bar")
        self.title.setObjectName("screen-title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.language = Button(m, icon="globe", name="language", min_width=m.target * 2)
        self.call = call_button(m)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(m.margin, m.gap // 2, m.margin, m.gap // 2)
        lay.setSpacing(m.gap)
        lay.addWidget(self.start_over)
        lay.addWidget(self.title, 1)
        lay.addWidget(self.call)
        lay.addWidget(self.language)


class OfflineBanner(Banner):
    def __init__(self, m: Metrics) -> None:
        super().__init__(
            m, name="banner", icon="offline", text_name="offline-text", more_name="offline-age"
        )
        self.age = self.more


class MainWindow(QWidget):
    def __init__(
        self,
        binding: SessionBinding,
        metrics: Metrics,
        *,
        family: str = "Sarabun",
        idle_seconds: float = 60.0,
        countdown_seconds: float = 20.0,
        goodbye_seconds: float = 6.0,
        hold_seconds: float = 3.0,
    ) -> None:
        super().__init__()
        self.b = binding
        self.m = metrics
        self.setObjectName("window")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setWindowTitle("ไทยร่วมใจ – Thai Ruam Jai")
        self.setStyleSheet(style_sheet(metrics, family))
        self.top = TopBar(metrics)
        self.banner = OfflineBanner(metrics)
        self.staff_banner = StaffBanner(metrics)
        self.stack = QStackedWidget()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        # the screen's size is the screen's: never let a page's minimum grow the window past it
        lay.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        lay.addWidget(self.top)
        lay.addWidget(self.banner)
        lay.addWidget(self.staff_banner)
        lay.addWidget(self.stack, 1)
        self._build_views(binding, metrics)
        self._build_overlays(
            metrics, idle_seconds, countdown_seconds, goodbye_seconds, hold_seconds
        )
        self._wire()
        self._rendered: Screen | None = None
        self.render_all()

    def _build_views(self, binding: SessionBinding, metrics: Metrics) -> None:
        self.views: dict[Screen, ScreenView] = {}
        progress = ProgressView(binding, metrics)
        service = ServiceView(binding, metrics)
        for screens, view in (
            ((Screen.WELCOME,), WelcomeView(binding, metrics)),
            ((Screen.READING, Screen.LOOKUP, Screen.BOOKING, Screen.CHANGING), progress),
            ((Screen.CARD_ERROR,), CardErrorView(binding, metrics)),
            ((Screen.CONSENT,), ConsentView(binding, metrics)),
            ((Screen.EXISTING,), ExistingView(binding, metrics)),
            ((Screen.CANCEL_CONFIRM,), CancelConfirmView(binding, metrics)),
            ((Screen.QUESTION,), QuestionView(binding, metrics)),
            ((Screen.DECISION,), DecisionView(binding, metrics)),
            ((Screen.CONTACT,), ContactView(binding, metrics)),
            ((Screen.PHONE_AGAIN,), PhoneAgainView(binding, metrics)),
            ((Screen.CHANGE_REVIEW,), ChangeReviewView(binding, metrics)),
            ((Screen.SITE,), SiteView(binding, metrics)),
            ((Screen.SLOT,), SlotView(binding, metrics)),
            ((Screen.REVIEW,), ReviewView(binding, metrics)),
            ((Screen.RESULT,), ResultView(binding, metrics)),
            ((Screen.PRINTING,), PrintingView(binding, metrics)),
            ((Screen.GOODBYE,), GoodbyeView(binding, metrics)),
            ((Screen.CLOSED, Screen.OUT_OF_SERVICE, Screen.PAUSED), service),
        ):
            self.stack.addWidget(view)
            for screen in screens:
                self.views[screen] = view
        missing = set(Screen) - set(self.views)
        assert not missing, f"no view for {missing}"

    def _build_overlays(
        self,
        metrics: Metrics,
        idle_seconds: float,
        countdown_seconds: float,
        goodbye_seconds: float,
        hold_seconds: float,
    ) -> None:
        self.idle_overlay = IdleOverlay(self, metrics)
        self.confirm = ConfirmOverlay(self, metrics)
        self.pin = PinOverlay(
            self,
            metrics,
            lambda: self.b.pin_hash,
            guard=self.b.pin_guards["technician"],
            on_try=lambda: self.b.pin_tried("technician"),
        )
        self.technician = TechnicianPanel(self, metrics)
        # idle timeout
        self.idle = IdleWatcher(idle_seconds, countdown_seconds, self)
        self.idle.warn.connect(self._idle_warn)
        self.idle.tick.connect(self._idle_tick)
        self.idle.resumed.connect(self.idle_overlay.hide)
        self.idle.timed_out.connect(lambda: self.b.send(ev.IdleTimeout()))
        self.idle_overlay.more_time.connect(self.idle.more_time)
        # the goodbye screen returns to the welcome screen by itself
        self.goodbye = QTimer(self)
        self.goodbye.setSingleShot(True)
        self.goodbye.setInterval(max(1, int(goodbye_seconds * 1000)))
        self.goodbye.timeout.connect(self._goodbye_over)
        self.corner = CornerHold(
            self,
            metrics.target,
            lambda: self._screen() in RESTING and not self._overlaid(),
            hold_seconds,
        )
        # the clerk's way in: the other bottom corner, its own PIN and lockout (kiosk/clerk.py)
        self.clerk_pin = PinOverlay(
            self,
            metrics,
            lambda: self.b.clerk_pin_hash,
            name="clerk-pin",
            words="clerk",
            guard=self.b.pin_guards["clerk"],
            on_try=lambda: self.b.pin_tried("clerk"),
        )
        self.clerk = ClerkPanel(self, metrics)
        self.paper_guide = PaperGuide(self, metrics)
        self.clerk_corner = CornerHold(
            self,
            metrics.target,
            lambda: self._screen() in RESTING and not self._overlaid(),
            hold_seconds,
            right=True,
        )
        # a clerk answering a call finds a customer mid-session, where that corner holds Next:
        # while a call is open, holding the call banner (not its button) opens the PIN pad too
        self.call_hold = CornerHold(
            self,
            0,
            lambda: self.b.session.staff_call is not None and not self._overlaid(),
            hold_seconds,
            area=self._banner_area,
        )

    def _wire(self) -> None:
        self.corner.held.connect(lambda: self.pin.open_pad(self.b.session.language))
        self.pin.accepted.connect(self._technician_in)
        self.technician.closed.connect(self._technician_out)
        self.technician.refresh.clicked.connect(self.b.refresh_technician)
        self.technician.sync.clicked.connect(self.b.sync_now)
        self.technician.print_test.clicked.connect(self.b.print_test)
        self.technician.exit.clicked.connect(self.b.request_exit)
        self.b.technician_status.connect(self.technician.render)
        self.b.technician_said.connect(self.technician.say)
        self._wire_staff()
        # wiring
        self.top.start_over.clicked.connect(self._ask_start_over)
        self.confirm.yes.clicked.connect(self._start_over)
        self.top.language.clicked.connect(lambda: self.b.send(ev.LanguageToggled()))
        self.b.changed.connect(self.render)
        self.b.wiped.connect(self.render_all)

    # input filters belong to the application, so they see every widget's events --------------

    def install_filters(self, app: QApplication) -> None:
        app.installEventFilter(self.idle)
        app.installEventFilter(self.corner)
        app.installEventFilter(self.clerk_corner)
        app.installEventFilter(self.call_hold)

    def remove_filters(self, app: QApplication) -> None:
        app.removeEventFilter(self.idle)
        app.removeEventFilter(self.corner)
        app.removeEventFilter(self.clerk_corner)
        app.removeEventFilter(self.call_hold)
        self.idle.stop()
        self.goodbye.stop()

    # rendering ----------------------------------------------------------------------------------

    def _screen(self) -> Screen:
        return self.b.session.screen

    def _overlaid(self) -> bool:
        staff = (self.clerk_pin, self.clerk, self.paper_guide)
        return any(o.isVisible() for o in (self.pin, self.technician, self.confirm, *staff))

    def render_all(self) -> None:
        """Render every view from the session: after a wipe, that blanks them all."""
        s = self.b.session
        for view in dict.fromkeys(self.views.values()):
            view.render(s, s.language)
        self.render()

    def render(self) -> None:
        s = self.b.session
        lang = s.language
        view = self.views[s.screen]
        view.render(s, lang)
        if self.stack.currentWidget() is not view:
            self.stack.setCurrentWidget(view)
        self.top.title.set(view.title(s, lang))
        self.top.title.setVisible(True)
        self.top.start_over.setText(tr("start_over", lang))
        self.top.start_over.setVisible(s.screen not in NO_START_OVER)
        self.top.language.setText(tr("language", lang))
        render_call_button(self.top.call, s, lang)
        self.staff_banner.render(s, lang)
        if self.clerk.isVisible():
            self.clerk.render(s)
        offline = not s.status.online and s.screen not in (
            Screen.CLOSED,
            Screen.OUT_OF_SERVICE,
            Screen.PAUSED,
        )
        self.banner.setVisible(offline)
        if offline:
            # with lease seats loaded, "sent later" is no longer true of every booking
            self.banner.text.set(tr("offline.leases" if s.any_confirmable() else "offline", lang))
            self.banner.age.set(age_text(s.availability_age, lang))
        if s.screen in NO_START_OVER and self.confirm.isVisible():
            self.confirm.hide()
        if self.confirm.isVisible():
            self.confirm.render(lang)
        if self.idle_overlay.isVisible():
            self.idle_overlay.render(lang, self.idle.countdown.left)
        self.idle.screen_changed(s.screen)
        if s.screen == Screen.GOODBYE and self._rendered != Screen.GOODBYE:
            self.goodbye.start()
        elif s.screen != Screen.GOODBYE:
            self.goodbye.stop()
        self._rendered = s.screen
        settle_layouts()

    # actions ------------------------------------------------------------------------------------

    def _ask_start_over(self) -> None:
        self.confirm.render(self.b.session.language)
        self.confirm.open()

    def _start_over(self) -> None:
        self.confirm.hide()
        self.b.send(ev.StartOver())

    def _goodbye_over(self) -> None:
        if self._screen() == Screen.GOODBYE:
            self.b.send(ev.Finish())

    def _idle_warn(self, seconds: int) -> None:
        self.confirm.hide()
        self.idle_overlay.render(self.b.session.language, seconds)
        self.idle_overlay.open()

    def _idle_tick(self, seconds: int) -> None:
        self.idle_overlay.render(self.b.session.language, seconds)

    def _technician_in(self) -> None:
        self.b.suspended = True
        self.technician.open_panel(self.b.session.language)
        self.b.refresh_technician()

    def _technician_out(self) -> None:
        self.b.suspended = False
        self.render()

    # store staff --------------------------------------------------------------------------------

    def _wire_staff(self) -> None:
        b = self.b
        self.top.call.clicked.connect(lambda: b.send(ev.StaffCalled()))
        self.staff_banner.cancel.clicked.connect(lambda: b.send(ev.StaffCallCancelled()))
        self.clerk_corner.held.connect(lambda: self.clerk_pin.open_pad(b.session.language))
        self.call_hold.held.connect(lambda: self.clerk_pin.open_pad(b.session.language))
        self.clerk_pin.accepted.connect(self._clerk_in)
        self.clerk.closed.connect(self._technician_out)
        self.clerk.answer.clicked.connect(b.answer_call)
        self.clerk.answer.clicked.connect(b.refresh_clerk)  # the count of calls moves on
        self.clerk.pause.clicked.connect(lambda: b.set_paused(not b.session.paused))
        self.clerk.send.clicked.connect(b.clerk_send_now)
        self.clerk.paper.clicked.connect(lambda: self.paper_guide.start(self.clerk.lang))
        self.paper_guide.check.connect(b.paper_check)
        self.paper_guide.finished.connect(b.refresh_clerk)
        b.paper_result.connect(self.paper_guide.show_result)
        b.clerk_status.connect(self._clerk_status)
        b.clerk_said.connect(self.clerk.say)

    def _banner_area(self) -> QRect:
        """The call banner left of its button, in global coordinates (empty when hidden)."""
        banner = self.staff_banner
        if not banner.isVisible():
            return QRect()
        top_left = banner.mapToGlobal(banner.rect().topLeft())
        return QRect(top_left.x(), top_left.y(), banner.cancel.x(), banner.height())

    def _clerk_in(self) -> None:
        self.b.suspended = True
        self.clerk.open_panel(self.b.session.language)
        self.clerk.render(self.b.session)
        self.b.refresh_clerk()

    def _clerk_status(self, status: object) -> None:
        self.clerk.set_status(status)  # type: ignore[arg-type]
        self.clerk.render(self.b.session)


def settle_layouts() -> None:
    """Lay out now what this render changed, before anything can paint it.

    A label whose text or weight changes only asks for a new layout (a posted LayoutRequest);
    until the event loop gets to it, its old geometry stands. Slot buttons are created empty
    while the slots load and filled when they arrive: a paint (or the demo's screenshot, taken
    right after a tap) in between drew their labels 13 px wide, ":C" and "น." of their times;
    and a button just selected turns bold inside the width measured for regular type, so
    "09:00–10:00 น." wrapped with "น." alone. Sending the posted layout requests here (Qt
    handles the ones they post in turn) makes every rendered frame a settled one.
    """
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
