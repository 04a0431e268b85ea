"""Icons of the staff call and the clerk screen, in the style of ui/icons.py (a few strokes).

The paper-change guide draws each step (cover open, roll going in, cover closed, test slip), so a
clerk who reads neither language well still sees what to do.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPainter, QPainterPath

from ui.icons import _icon, _pen


@_icon("bell")
def _bell(p: QPainter, s: float, c: QColor) -> None:
    _pen(p, c, s, 0.08)
    path = QPainterPath(QPointF(s * 0.18, s * 0.74))
    path.lineTo(s * 0.82, s * 0.74)
    path.cubicTo(s * 0.72, s * 0.62, s * 0.74, s * 0.5, s * 0.74, s * 0.42)
    path.cubicTo(s * 0.74, s * 0.22, s * 0.62, s * 0.14, s * 0.5, s * 0.14)
    path.cubicTo(s * 0.38, s * 0.14, s * 0.26, s * 0.22, s * 0.26, s * 0.42)
    path.cubicTo(s * 0.26, s * 0.5, s * 0.28, s * 0.62, s * 0.18, s * 0.74)
    p.drawPath(path)
    p.drawArc(QRectF(s * 0.4, s * 0.72, s * 0.2, s * 0.16), 180 * 16, 180 * 16)
    p.drawLine(QPointF(s * 0.5, s * 0.06), QPointF(s * 0.5, s * 0.14))


@_icon("pause")
def _pause(p: QPainter, s: float, c: QColor) -> None:
    _pen(p, c, s, 0.07)
    p.drawEllipse(QRectF(s * 0.1, s * 0.1, s * 0.8, s * 0.8))
    _pen(p, c, s, 0.11)
    p.drawLine(QPointF(s * 0.4, s * 0.32), QPointF(s * 0.4, s * 0.68))
    p.drawLine(QPointF(s * 0.6, s * 0.32), QPointF(s * 0.6, s * 0.68))


@_icon("play")
def _play(p: QPainter, s: float, c: QColor) -> None:
    _pen(p, c, s, 0.07)
    p.drawEllipse(QRectF(s * 0.1, s * 0.1, s * 0.8, s * 0.8))
    path = QPainterPath(QPointF(s * 0.4, s * 0.3))
    path.lineTo(s * 0.7, s * 0.5)
    path.lineTo(s * 0.4, s * 0.7)
    path.closeSubpath()
    p.drawPath(path)


@_icon("send")
def _send(p: QPainter, s: float, c: QColor) -> None:
    _pen(p, c, s, 0.07)
    path = QPainterPath(QPointF(s * 0.1, s * 0.46))
    path.lineTo(s * 0.9, s * 0.12)
    path.lineTo(s * 0.62, s * 0.88)
    path.lineTo(s * 0.46, s * 0.56)
    path.closeSubpath()
    p.drawPath(path)
    p.drawLine(QPointF(s * 0.46, s * 0.56), QPointF(s * 0.9, s * 0.12))


def _body(p: QPainter, s: float) -> None:
    """The printer's body seen from the side, its paper bay open at the top."""
    p.drawRoundedRect(QRectF(s * 0.1, s * 0.46, s * 0.8, s * 0.42), s * 0.05, s * 0.05)
    p.drawLine(QPointF(s * 0.2, s * 0.76), QPointF(s * 0.4, s * 0.76))


@_icon("paper-open")
def _paper_open(p: QPainter, s: float, c: QColor) -> None:
    """Step 1: the cover lifted on its hinge, an arrow showing the lift."""
    _pen(p, c, s, 0.06)
    _body(p, s)
    p.drawLine(QPointF(s * 0.86, s * 0.46), QPointF(s * 0.5, s * 0.12))  # the lifted cover
    _pen(p, c, s, 0.05)
    p.drawArc(QRectF(s * 0.1, s * 0.1, s * 0.5, s * 0.5), 100 * 16, 60 * 16)
    p.drawLine(QPointF(s * 0.2, s * 0.16), QPointF(s * 0.26, s * 0.1))
    p.drawLine(QPointF(s * 0.2, s * 0.16), QPointF(s * 0.28, s * 0.2))


@_icon("paper-roll")
def _paper_roll(p: QPainter, s: float, c: QColor) -> None:
    """Step 2: a roll going down into the open bay, its loose end towards the front."""
    _pen(p, c, s, 0.06)
    _body(p, s)
    p.drawEllipse(QRectF(s * 0.34, s * 0.18, s * 0.3, s * 0.3))
    p.drawEllipse(QRectF(s * 0.45, s * 0.29, s * 0.08, s * 0.08))
    p.drawLine(QPointF(s * 0.34, s * 0.33), QPointF(s * 0.12, s * 0.4))  # the loose end
    _pen(p, c, s, 0.05)
    p.drawLine(QPointF(s * 0.8, s * 0.08), QPointF(s * 0.8, s * 0.34))
    p.drawLine(QPointF(s * 0.8, s * 0.34), QPointF(s * 0.74, s * 0.28))
    p.drawLine(QPointF(s * 0.8, s * 0.34), QPointF(s * 0.86, s * 0.28))


@_icon("paper-close")
def _paper_close(p: QPainter, s: float, c: QColor) -> None:
    """Step 3: the cover shut, a little paper sticking out at the front, a press arrow."""
    _pen(p, c, s, 0.06)
    _body(p, s)
    p.drawLine(QPointF(s * 0.1, s * 0.46), QPointF(s * 0.9, s * 0.46))
    p.drawLine(QPointF(s * 0.1, s * 0.5), QPointF(s * 0.02, s * 0.6))  # paper out at the front
    _pen(p, c, s, 0.05)
    p.drawLine(QPointF(s * 0.5, s * 0.08), QPointF(s * 0.5, s * 0.36))
    p.drawLine(QPointF(s * 0.5, s * 0.36), QPointF(s * 0.44, s * 0.3))
    p.drawLine(QPointF(s * 0.5, s * 0.36), QPointF(s * 0.56, s * 0.3))
