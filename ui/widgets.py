"""The few building blocks every screen uses: text, big buttons, panels, a list that scrolls safely.

Qt's own QPushButton cannot wrap its text, and Thai labels here are long (a condition label runs
to 75 characters); so `Button` lays out an icon and a wrapping label inside a push button and
tells its parent layout how tall that makes it. A `TapCard` in a `TouchList` is selected only by
a tap that neither moved nor landed during a scroll: flicking through the site list must never
choose a site (the 2021 launch's bug was the reverse: a default nobody tapped).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QScrollerProperties,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui import icons, theme
from ui.theme import Metrics

_MISSING = object()


def set_prop(w: QWidget, name: str, value: object) -> bool:
    """Set a style property, remembering it on the Python side; True if it changed.

    Reading a property back through Qt is avoided on purpose: PySide6 6.12's `property()` of a
    property that is not set returns None without a reference, and enough such calls crash the
    interpreter ("deallocating None").
    """
    cache = w.__dict__.setdefault("_kiosk_props", {})
    if cache.get(name, _MISSING) == value:
        return False
    cache[name] = value
    w.setProperty(name, value)
    return True


def get_prop(w: QWidget, name: str, default: object = None) -> object:
    return w.__dict__.get("_kiosk_props", {}).get(name, default)


def set_tone(label: QLabel, tone: str) -> None:
    """ "light" on a dark fill, "dark" on paper, "disabled"."""
    if set_prop(label, "tone", tone):
        label.style().unpolish(label)
        label.style().polish(label)


def repolish(w: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property changed."""
    w.style().unpolish(w)
    w.style().polish(w)
    for child in w.findChildren(QLabel):
        child.style().unpolish(child)
        child.style().polish(child)
    w.update()


class Text(QLabel):
    """A label in one of the theme's text roles; wraps by default."""

    def __init__(
        self,
        text: str = "",
        role: str = "body",
        *,
        wrap: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(text, parent)
        set_prop(self, "text_role", role)
        self.setWordWrap(wrap)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def set(self, text: str) -> None:
        if self.text() != text:
            self.setText(text)
        self.setVisible(bool(text))


class Icon(QLabel):
    def __init__(self, name: str | None, size: int, colour: str = theme.INK) -> None:
        super().__init__()
        self._size = size
        self.setFixedSize(size, size)
        self.set(name, colour)

    def set(self, name: str | None, colour: str = theme.INK) -> None:
        if name is None:
            self.clear()
            self.setVisible(False)
            return
        self.setPixmap(icons.pixmap(name, self._size, colour))
        self.setVisible(True)


class Button(QPushButton):
    """A push button at least one touch target in size, with an optional icon and wrapping text.

    `role`: "secondary" (outlined), "primary" (filled), "danger", "choice" (a selectable option,
    drawn filled with a tick when selected; `boxed` for one of several that can all be chosen,
    with an empty box when not), "key" (a keypad key).
    """

    def __init__(
        self,
        m: Metrics,
        text: str = "",
        *,
        icon: str | None = None,
        role: str = "secondary",
        name: str | None = None,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter,
        min_width: int | None = None,
        min_height: int | None = None,
        boxed: bool = False,
    ) -> None:
        super().__init__()
        self.m = m
        self._icon_name = icon
        self._boxed = boxed
        self._selected = False
        set_prop(self, "role", role)
        set_prop(self, "selected", "false")
        if name:
            self.setObjectName(name)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self._min_width = min_width or m.target
        self._min_height = min_height or m.target
        # explicit: a layout asks a widget that has a layout for that layout's height-for-width,
        # never the widget's own, and only clamps it to the widget's explicit minimum
        self.setMinimumSize(self._min_width, self._min_height)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(m.gap, m.gap // 2, m.gap, m.gap // 2)
        lay.setSpacing(m.gap)
        self._icon = Icon(None, round(m.body * 1.6))
        self._label = QLabel()
        self._label.setWordWrap(True)
        self._label.setTextFormat(Qt.TextFormat.PlainText)
        self._label.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
        for w in (self._icon, self._label):
            w.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        if align & Qt.AlignmentFlag.AlignLeft:
            lay.addWidget(self._icon)
            lay.addWidget(self._label, 1)
        else:
            lay.addStretch(1)
            lay.addWidget(self._icon)
            lay.addWidget(self._label)
            lay.addStretch(1)
        self.setText(text)
        self._paint_icon()

    # text and icon ---------------------------------------------------------------------------

    def setText(self, text: str) -> None:
        if self._label.text() != text:
            self._label.setText(text)
            self.setAccessibleName(text)
            self.updateGeometry()

    def text(self) -> str:
        return self._label.text()

    def label(self) -> QLabel:
        return self._label

    def set_icon(self, name: str | None) -> None:
        self._icon_name = name
        self._paint_icon()

    def set_role(self, role: str) -> None:
        if set_prop(self, "role", role):
            repolish(self)
            self._paint_icon()

    def set_selected(self, selected: bool) -> None:
        if selected != self._selected:
            self._selected = selected
            set_prop(self, "selected", "true" if selected else "false")
            repolish(self)
            self._paint_icon()

    @property
    def selected(self) -> bool:
        return self._selected

    def _on_dark(self) -> bool:
        role = get_prop(self, "role")
        return self.isEnabled() and (
            role in ("primary", "danger") or (role == "choice" and self._selected)
        )

    def _paint_icon(self) -> None:
        """Icon and text colour follow the button's state (a style sheet cannot see it)."""
        name = self._icon_name
        role = get_prop(self, "role")
        if role == "choice" and self._boxed:
            name = "checked-box" if self._selected else "box"
        elif role == "choice" and self._selected:
            name = "check"
        if not self.isEnabled():
            colour, tone = theme.DISABLED_INK, "disabled"
        elif self._on_dark():
            colour, tone = theme.ON_PRIMARY, "light"
        else:
            colour, tone = theme.INK, "dark"
        self._icon.set(name, colour)
        set_tone(self._label, tone)
        bold = role in ("primary", "danger") or self._selected
        if set_prop(self._label, "weight", "bold" if bold else "normal"):
            repolish(self._label)
        if set_prop(self._label, "keycap", "true" if role == "key" else "false"):
            repolish(self._label)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.EnabledChange:
            self._paint_icon()

    # size ------------------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        hint = self.layout().sizeHint()
        return QSize(max(self._min_width, hint.width()), max(self._min_height, hint.height()))

    def minimumSizeHint(self) -> QSize:
        return QSize(self._min_width, self._min_height)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(self._min_height, self.layout().totalHeightForWidth(width))


class Banner(QWidget):
    """A strip under the top bar: an icon, a strong line and a second line, then whatever the
    banner adds on the right (the offline banner nothing, the staff call its cancel button)."""

    def __init__(self, m: Metrics, *, name: str, icon: str, text_name: str, more_name: str = ""):
        super().__init__()
        self.setObjectName(name)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.icon = Icon(icon, round(m.body * 1.5))
        self.text = Text("", "strong")
        self.text.setObjectName(text_name)
        self.more = Text("", "body")
        if more_name:
            self.more.setObjectName(more_name)
        col = QVBoxLayout()
        col.setSpacing(0)
        col.addWidget(self.text)
        col.addWidget(self.more)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(m.margin, m.gap // 2, m.margin, m.gap // 2)
        self.row.setSpacing(m.gap)
        self.row.addWidget(self.icon)
        self.row.addLayout(col, 1)


class Panel(QFrame):
    """A framed box: "info", "ok", "warn", "error", "plain" or "overlay"."""

    def __init__(self, kind: str = "info", m: Metrics | None = None) -> None:
        super().__init__()
        set_prop(self, "panel", kind)
        self.box = QVBoxLayout(self)
        if m is not None:
            self.box.setContentsMargins(m.margin, m.gap, m.margin, m.gap)
            self.box.setSpacing(m.gap // 2)

    def set_kind(self, kind: str) -> None:
        if set_prop(self, "panel", kind):
            repolish(self)


class Spinner(QWidget):
    """Something moving while the kiosk works, so a wait never looks like a freeze.

    Its timer runs only while it is shown.
    """

    def __init__(self, size: int) -> None:
        super().__init__()
        self.setFixedSize(size, size)
        self._angle = 0
        self._timer = QTimer(self)
        self._timer.setInterval(80)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        self._angle = (self._angle + 30) % 360
        self.update()

    def showEvent(self, event: QEvent) -> None:
        self._timer.start()
        super().showEvent(event)

    def hideEvent(self, event: QEvent) -> None:
        self._timer.stop()
        super().hideEvent(event)

    def paintEvent(self, event: QEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        s = self.width()
        pen = QPen(Qt.GlobalColor.lightGray, s * 0.1)
        p.setPen(pen)
        rect = QRectF(s * 0.1, s * 0.1, s * 0.8, s * 0.8)
        p.drawEllipse(rect)
        pen.setColor(Qt.GlobalColor.black)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        p.drawArc(rect, -self._angle * 16, 100 * 16)
        p.end()


class TapCard(QFrame):
    """A selectable item in a scrolling list; `tapped` only for a real tap.

    A press starts a candidate tap; moving further than the slop, or the list scrolling at any
    point in between, cancels it; and a flick that the scroller takes over never delivers its
    release to the card at all. A release without its press is never a tap.
    """

    tapped = Signal()

    def __init__(self, m: Metrics, scroller_of: QWidget | None = None) -> None:
        super().__init__()
        self.m = m
        self._scroller_of = scroller_of
        self._press: QPointF | None = None
        self._cancelled = False
        self._selected = False
        set_prop(self, "role", "card")
        set_prop(self, "selected", "false")
        set_prop(self, "enabled", "true")
        self.setMinimumHeight(m.target)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.box = QHBoxLayout(self)
        self.box.setContentsMargins(m.gap, m.gap // 2, m.gap, m.gap // 2)
        self.box.setSpacing(m.gap)

    def set_selected(self, selected: bool) -> None:
        if selected != self._selected:
            self._selected = selected
            set_prop(self, "selected", "true" if selected else "false")
            repolish(self)
        self._tones()

    def set_available(self, available: bool) -> None:
        value = "true" if available else "false"
        if set_prop(self, "enabled", value):
            repolish(self)
        self._tones()

    def _tones(self) -> None:
        if self._selected:
            tone = "light"
        elif get_prop(self, "enabled") == "false":
            tone = "disabled"
        else:
            tone = None
        for label in self.findChildren(QLabel):
            if tone is None:
                set_tone(label, "")
            elif not isinstance(label, Icon):
                set_tone(label, tone)

    @property
    def selected(self) -> bool:
        return self._selected

    def _scrolling(self) -> bool:
        if self._scroller_of is None:
            return False
        return QScroller.scroller(self._scroller_of).state() in (
            QScroller.State.Dragging,
            QScroller.State.Scrolling,
        )

    def mousePressEvent(self, event) -> None:
        self._press = event.globalPosition()
        self._cancelled = self._scrolling()
        event.accept()

    def mouseMoveEvent(self, event) -> None:
        if self._press is not None:
            moved = (event.globalPosition() - self._press).manhattanLength()
            if moved > self.m.target * 0.15 or self._scrolling():
                self._cancelled = True
        event.accept()

    def mouseReleaseEvent(self, event) -> None:
        press, self._press = self._press, None
        if press is None or self._cancelled or self._scrolling():
            return
        if (event.globalPosition() - press).manhattanLength() > self.m.target * 0.15:
            return
        if self.rect().contains(event.position().toPoint()):
            self.tapped.emit()


class TouchList(QWidget):
    """A vertical list that scrolls by flicking (kinetic) or with big Up/Down buttons.

    Many first-time touchscreen users do not know to flick; the buttons say where more is.
    """

    def __init__(self, m: Metrics, up_text: str = "", down_text: str = "") -> None:
        super().__init__()
        self.m = m
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        self.area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.inner = QWidget()
        self.inner.setObjectName("listInner")
        self.rows = QVBoxLayout(self.inner)
        self.rows.setContentsMargins(0, 0, m.gap, 0)
        self.rows.setSpacing(m.gap)
        self.rows.addStretch(1)
        self.area.setWidget(self.inner)
        viewport = self.area.viewport()
        QScroller.grabGesture(viewport, QScroller.ScrollerGestureType.LeftMouseButtonGesture)
        scroller = QScroller.scroller(viewport)
        props = scroller.scrollerProperties()
        props.setScrollMetric(QScrollerProperties.ScrollMetric.OvershootDragResistanceFactor, 0.2)
        # the press goes to the card at once: a quick tap released within the scroller's usual
        # hold-back time otherwise reaches the card as a release without its press, and is lost.
        # The card itself decides what is a tap (see TapCard).
        props.setScrollMetric(QScrollerProperties.ScrollMetric.MousePressEventDelay, 0.0)
        props.setScrollMetric(
            QScrollerProperties.ScrollMetric.HorizontalOvershootPolicy,
            QScrollerProperties.OvershootPolicy.OvershootAlwaysOff,
        )
        scroller.setScrollerProperties(props)
        self.up = Button(m, up_text, icon="up", name="listUp")
        self.down = Button(m, down_text, icon="down", name="listDown")
        self.up.clicked.connect(lambda: self.page(-1))
        self.down.clicked.connect(lambda: self.page(1))
        side = QVBoxLayout()
        side.setSpacing(m.gap)
        side.addWidget(self.up)
        side.addStretch(1)
        side.addWidget(self.down)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(m.gap)
        lay.addWidget(self.area, 1)
        lay.addLayout(side)
        bar = self.area.verticalScrollBar()
        bar.valueChanged.connect(self._arrows)
        bar.rangeChanged.connect(self._arrows)
        self._arrows()

    @property
    def viewport(self) -> QWidget:
        return self.area.viewport()

    def set_rows(self, widgets: Sequence[QWidget]) -> None:
        while self.rows.count() > 1:
            item = self.rows.takeAt(0)
            w = item.widget()
            if w is not None:
                w.hide()
                w.setParent(None)
                w.deleteLater()
        for i, w in enumerate(widgets):
            self.rows.insertWidget(i, w)
        self.area.verticalScrollBar().setValue(0)

    def page(self, direction: int) -> None:
        bar = self.area.verticalScrollBar()
        bar.setValue(bar.value() + direction * max(1, int(self.area.viewport().height() * 0.8)))

    def _arrows(self, *args: object) -> None:
        bar = self.area.verticalScrollBar()
        self.up.setEnabled(bar.value() > bar.minimum())
        self.down.setEnabled(bar.value() < bar.maximum())


def hbox(*widgets: QWidget | None, spacing: int = 0, stretch_at: int | None = None) -> QHBoxLayout:
    lay = QHBoxLayout()
    lay.setSpacing(spacing)
    lay.setContentsMargins(0, 0, 0, 0)
    for i, w in enumerate(widgets):
        if stretch_at == i:
            lay.addStretch(1)
        if w is not None:
            lay.addWidget(w)
    if stretch_at == len(widgets):
        lay.addStretch(1)
    return lay


def row(*widgets: QWidget, spacing: int = 0, grow: int = -1) -> QHBoxLayout:
    """Widgets side by side, one of them (the last, by default: the text) taking the width."""
    lay = QHBoxLayout()
    lay.setSpacing(spacing)
    lay.setContentsMargins(0, 0, 0, 0)
    grow = grow % len(widgets)
    for i, w in enumerate(widgets):
        lay.addWidget(w, 1 if i == grow else 0)
    return lay
