"""The customer session: a pure state machine that the touchscreen binds to (DESIGN §10)."""

from kiosk.session import events
from kiosk.session.machine import IDLE_SCREENS, Screen, Session

__all__ = ["IDLE_SCREENS", "Screen", "Session", "events"]
