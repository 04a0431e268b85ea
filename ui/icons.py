"""Icons drawn with QPainter, so they exist on a terminal with no icon theme and no symbol font.

The bundled Thai font has no ✓ ✗ ⚠ arrows; a system font that has them may not be installed on
the kiosk. Every icon here is a few strokes, in the colour of the text beside it, so an icon never
carries meaning by colour and is always paired with words.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen, QPixmap

Draw = Callable[[QPainter, float, QColor], None]
_ICONS: dict[str, Draw] = {}


def _icon(name: str) -> Callable[[Draw], Draw]:
    def register(fn: Draw) -> Draw:
        _ICONS[name] = fn
        return fn

    return register


def names() -> list[str]:
    return sorted(_ICONS)


def pixmap(name: str, size: int, colour: str = "#111111") -> QPixmap:
    """The icon `name` as a `size` x `size` pixmap."""
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    c = QColor(colour)
    _ICONS[name](p, float(size), c)
    p.end()
    return pm


def _pen(p: QPainter, c: QColor, s: float, width: float = 0.09) -> None:
    pen = QPen(c, max(2.0, s * width))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)


@_icon("check")
def _check(p: QPainter, s: float, c: QColor) -> None:
    _pen(p, c, s, 0.12)
    path = QPainterPath(QPointF(s * 0.18, s * 0.52))
    path.lineTo(s * 0.42, s * 0.76)
    path.lineTo(s * 0.84, s * 0.26)
    p.drawPath(path)


@_icon("confirm-now")
def _confirm_now(p: QPainter, s: float, c: QColor) -> None:
    """A tick in a circle: a slot this terminal can confirm at once while offline (issue 11).
    Distinct from the bare tick of a selected choice, and always shown with its words."""
    _pen(p, c, s, 0.08)
    p.drawEllipse(QRectF(s * 0.08, s * 0.08, s * 0.84, s * 0.84))
    _pen(p, c, s, 0.1)
    path = QPainterPath(QPointF(s * 0.28, s * 0.52))
    path.lineTo(s * 0.44, s * 0.68)
    path.lineTo(s * 0.73, s * 0.35)
    p.drawPath(path)


@_icon("box")
def _box(p: QPainter, s: float, c: QColor) -> None:
    _pen(p, c, s, 0.08)
    p.drawRoundedRect(QRectF(s * 0.12, s * 0.12, s * 0.76, s * 0.76), s * 0.1, s * 0.1)


@_icon("checked-box")
def _checked_box(p: QPainter, s: float, c: QColor) -> None:
    _box(p, s, c)
    _pen(p, c, s, 0.11)
    path = QPainterPath(QPointF(s * 0.27, s * 0.52))
    path.lineTo(s * 0.44, s * 0.68)
    path.lineTo(s * 0.74, s * 0.32)
    p.drawPath(path)


@_icon("cross")
def _cross(p: QPainter, s: float, c: QColor) -> None:
    _pen(p, c, s, 0.12)
    p.drawLine(QPointF(s * 0.24, s * 0.24), QPointF(s * 0.76, s * 0.76))
    p.drawLine(QPointF(s * 0.76, s * 0.24), QPointF(s * 0.24, s * 0.76))


@_icon("warn")
def _warn(p: QPainter, s: float, c: QColor) -> None:
    _pen(p, c, s, 0.08)
    path = QPainterPath(QPointF(s * 0.5, s * 0.1))
    path.lineTo(s * 0.93, s * 0.88)
    path.lineTo(s * 0.07, s * 0.88)
    path.closeSubpath()
    p.drawPath(path)
    _pen(p, c, s, 0.1)
    p.drawLine(QPointF(s * 0.5, s * 0.38), QPointF(s * 0.5, s * 0.62))
    p.drawPoint(QPointF(s * 0.5, s * 0.76))


@_icon("clock")
def _clock(p: QPainter, s: float, c: QColor) -> None:
    _pen(p, c, s, 0.08)
    p.drawEllipse(QRectF(s * 0.1, s * 0.1, s * 0.8, s * 0.8))
    p.drawLine(QPointF(s * 0.5, s * 0.5), QPointF(s * 0.5, s * 0.24))
    p.drawLine(QPointF(s * 0.5, s * 0.5), QPointF(s * 0.68, s * 0.62))


@_icon("info")
def _info(p: QPainter, s: float, c: QColor) -> None:
    _pen(p, c, s, 0.08)
    p.drawEllipse(QRectF(s * 0.1, s * 0.1, s * 0.8, s * 0.8))
    _pen(p, c, s, 0.1)
    p.drawPoint(QPointF(s * 0.5, s * 0.3))
    p.drawLine(QPointF(s * 0.5, s * 0.45), QPointF(s * 0.5, s * 0.72))


@_icon("card")
def _card(p: QPainter, s: float, c: QColor) -> None:
    """An ID card going into a slot, chip side up."""
    _pen(p, c, s, 0.06)
    p.drawRoundedRect(QRectF(s * 0.22, s * 0.06, s * 0.56, s * 0.62), s * 0.05, s * 0.05)
    p.setBrush(QBrush(c))
    p.drawRoundedRect(QRectF(s * 0.32, s * 0.16, s * 0.16, s * 0.13), s * 0.02, s * 0.02)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawLine(QPointF(s * 0.32, s * 0.4), QPointF(s * 0.68, s * 0.4))
    p.drawLine(QPointF(s * 0.32, s * 0.5), QPointF(s * 0.6, s * 0.5))
    _pen(p, c, s, 0.09)
    p.drawLine(QPointF(s * 0.08, s * 0.8), QPointF(s * 0.92, s * 0.8))
    path = QPainterPath(QPointF(s * 0.38, s * 0.86))
    path.lineTo(s * 0.5, s * 0.96)
    path.lineTo(s * 0.62, s * 0.86)
    p.drawPath(path)


@_icon("printer")
def _printer(p: QPainter, s: float, c: QColor) -> None:
    _pen(p, c, s, 0.07)
    p.drawRect(QRectF(s * 0.28, s * 0.1, s * 0.44, s * 0.22))
    p.drawRoundedRect(QRectF(s * 0.1, s * 0.32, s * 0.8, s * 0.36), s * 0.05, s * 0.05)
    p.drawRect(QRectF(s * 0.28, s * 0.56, s * 0.44, s * 0.34))
    p.drawLine(QPointF(s * 0.36, s * 0.68), QPointF(s * 0.64, s * 0.68))
    p.drawLine(QPointF(s * 0.36, s * 0.78), QPointF(s * 0.64, s * 0.78))


def _arrow(p: QPainter, s: float, c: QColor, angle: float) -> None:
    _pen(p, c, s, 0.11)
    p.save()
    p.translate(s / 2, s / 2)
    p.rotate(angle)
    p.drawLine(QPointF(-s * 0.32, 0), QPointF(s * 0.32, 0))
    path = QPainterPath(QPointF(s * 0.06, -s * 0.26))
    path.lineTo(s * 0.32, 0)
    path.lineTo(s * 0.06, s * 0.26)
    p.drawPath(path)
    p.restore()


@_icon("next")
def _next(p: QPainter, s: float, c: QColor) -> None:
    _arrow(p, s, c, 0)


@_icon("back")
def _back(p: QPainter, s: float, c: QColor) -> None:
    _arrow(p, s, c, 180)


@_icon("up")
def _up(p: QPainter, s: float, c: QColor) -> None:
    _arrow(p, s, c, -90)


@_icon("down")
def _down(p: QPainter, s: float, c: QColor) -> None:
    _arrow(p, s, c, 90)


@_icon("restart")
def _restart(p: QPainter, s: float, c: QColor) -> None:
    _pen(p, c, s, 0.09)
    rect = QRectF(s * 0.16, s * 0.16, s * 0.68, s * 0.68)
    p.drawArc(rect, 100 * 16, 290 * 16)
    a = math.radians(100)
    tip = QPointF(s * 0.5 + s * 0.34 * math.cos(a), s * 0.5 - s * 0.34 * math.sin(a))
    path = QPainterPath(QPointF(tip.x() - s * 0.02, tip.y() - s * 0.14))
    path.lineTo(tip)
    path.lineTo(tip.x() + s * 0.14, tip.y() + s * 0.04)
    p.drawPath(path)


@_icon("globe")
def _globe(p: QPainter, s: float, c: QColor) -> None:
    _pen(p, c, s, 0.06)
    p.drawEllipse(QRectF(s * 0.1, s * 0.1, s * 0.8, s * 0.8))
    p.drawEllipse(QRectF(s * 0.32, s * 0.1, s * 0.36, s * 0.8))
    p.drawLine(QPointF(s * 0.1, s * 0.5), QPointF(s * 0.9, s * 0.5))
    p.drawLine(QPointF(s * 0.5, s * 0.1), QPointF(s * 0.5, s * 0.9))


@_icon("hospital")
def _hospital(p: QPainter, s: float, c: QColor) -> None:
    _pen(p, c, s, 0.07)
    p.drawRoundedRect(QRectF(s * 0.1, s * 0.1, s * 0.8, s * 0.8), s * 0.1, s * 0.1)
    _pen(p, c, s, 0.14)
    p.drawLine(QPointF(s * 0.5, s * 0.28), QPointF(s * 0.5, s * 0.72))
    p.drawLine(QPointF(s * 0.28, s * 0.5), QPointF(s * 0.72, s * 0.5))


@_icon("offline")
def _offline(p: QPainter, s: float, c: QColor) -> None:
    _pen(p, c, s, 0.08)
    for k, r in enumerate((0.38, 0.26, 0.14)):
        rect = QRectF(s * (0.5 - r), s * (0.72 - r), s * 2 * r, s * 2 * r)
        if k < 3:
            p.drawArc(rect, 45 * 16, 90 * 16)
    p.setBrush(QBrush(c))
    p.drawEllipse(QRectF(s * 0.45, s * 0.67, s * 0.1, s * 0.1))
    _pen(p, c, s, 0.09)
    p.drawLine(QPointF(s * 0.12, s * 0.12), QPointF(s * 0.88, s * 0.88))


@_icon("lock")
def _lock(p: QPainter, s: float, c: QColor) -> None:
    _pen(p, c, s, 0.08)
    p.drawRoundedRect(QRectF(s * 0.2, s * 0.44, s * 0.6, s * 0.46), s * 0.06, s * 0.06)
    p.drawArc(QRectF(s * 0.3, s * 0.12, s * 0.4, s * 0.5), 0, 180 * 16)
    p.drawLine(QPointF(s * 0.3, s * 0.37), QPointF(s * 0.3, s * 0.44))
    p.drawLine(QPointF(s * 0.7, s * 0.37), QPointF(s * 0.7, s * 0.44))


@_icon("slip")
def _slip(p: QPainter, s: float, c: QColor) -> None:
    _pen(p, c, s, 0.07)
    path = QPainterPath(QPointF(s * 0.24, s * 0.08))
    path.lineTo(s * 0.76, s * 0.08)
    path.lineTo(s * 0.76, s * 0.86)
    for k in range(4):
        x = 0.76 - (k + 0.5) * 0.13
        path.lineTo(s * x, s * 0.92)
        path.lineTo(s * (x - 0.065), s * 0.86)
    path.lineTo(s * 0.24, s * 0.86)
    path.closeSubpath()
    p.drawPath(path)
    for y in (0.26, 0.4, 0.54):
        p.drawLine(QPointF(s * 0.34, s * y), QPointF(s * 0.66, s * y))


@_icon("calendar")
def _calendar(p: QPainter, s: float, c: QColor) -> None:
    _pen(p, c, s, 0.07)
    p.drawRoundedRect(QRectF(s * 0.12, s * 0.18, s * 0.76, s * 0.7), s * 0.06, s * 0.06)
    p.drawLine(QPointF(s * 0.12, s * 0.38), QPointF(s * 0.88, s * 0.38))
    p.drawLine(QPointF(s * 0.32, s * 0.1), QPointF(s * 0.32, s * 0.26))
    p.drawLine(QPointF(s * 0.68, s * 0.1), QPointF(s * 0.68, s * 0.26))


@_icon("pin")
def _pin(p: QPainter, s: float, c: QColor) -> None:
    """A map pin: a site."""
    _pen(p, c, s, 0.08)
    path = QPainterPath(QPointF(s * 0.5, s * 0.92))
    path.cubicTo(s * 0.1, s * 0.5, s * 0.2, s * 0.08, s * 0.5, s * 0.08)
    path.cubicTo(s * 0.8, s * 0.08, s * 0.9, s * 0.5, s * 0.5, s * 0.92)
    p.drawPath(path)
    p.drawEllipse(QRectF(s * 0.38, s * 0.26, s * 0.24, s * 0.24))


@_icon("person")
def _person(p: QPainter, s: float, c: QColor) -> None:
    _pen(p, c, s, 0.08)
    p.drawEllipse(QRectF(s * 0.34, s * 0.1, s * 0.32, s * 0.32))
    path = QPainterPath(QPointF(s * 0.14, s * 0.9))
    path.cubicTo(s * 0.14, s * 0.5, s * 0.86, s * 0.5, s * 0.86, s * 0.9)
    p.drawPath(path)


@_icon("phone")
def _phone(p: QPainter, s: float, c: QColor) -> None:
    _pen(p, c, s, 0.07)
    p.drawRoundedRect(QRectF(s * 0.28, s * 0.08, s * 0.44, s * 0.84), s * 0.08, s * 0.08)
    p.drawLine(QPointF(s * 0.44, s * 0.8), QPointF(s * 0.56, s * 0.8))


@_icon("backspace")
def _backspace(p: QPainter, s: float, c: QColor) -> None:
    _pen(p, c, s, 0.07)
    path = QPainterPath(QPointF(s * 0.3, s * 0.22))
    path.lineTo(s * 0.9, s * 0.22)
    path.lineTo(s * 0.9, s * 0.78)
    path.lineTo(s * 0.3, s * 0.78)
    path.lineTo(s * 0.08, s * 0.5)
    path.closeSubpath()
    p.drawPath(path)
    p.drawLine(QPointF(s * 0.46, s * 0.36), QPointF(s * 0.72, s * 0.64))
    p.drawLine(QPointF(s * 0.72, s * 0.36), QPointF(s * 0.46, s * 0.64))


@_icon("tools")
def _tools(p: QPainter, s: float, c: QColor) -> None:
    _pen(p, c, s, 0.1)
    p.drawLine(QPointF(s * 0.2, s * 0.8), QPointF(s * 0.62, s * 0.38))
    p.drawEllipse(QRectF(s * 0.56, s * 0.14, s * 0.3, s * 0.3))


import ui.icons_staff  # noqa: E402, F401 - registers the staff icons in _ICONS
