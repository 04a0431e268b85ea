"""How the console writes instants: Bangkok time, and "x min ago" from the page's instant."""

from __future__ import annotations

from datetime import datetime

from kiosk.dates import BANGKOK


def bangkok(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    return moment.astimezone(BANGKOK).strftime("%Y-%m-%d %H:%M:%S")


def ago(now: datetime, moment: datetime | None, lang: str) -> str:
    """How long before `now` `moment` was, in whole minutes, hours or days."""
    if moment is None:
        return "-"
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 60:
        return "เมื่อครู่" if lang == "th" else "just now"
    minutes = seconds // 60
    if minutes < 120:
        return f"{minutes} นาทีที่แล้ว" if lang == "th" else f"{minutes} min ago"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} ชั่วโมงที่แล้ว" if lang == "th" else f"{hours} h ago"
    days = hours // 24
    return f"{days} วันที่แล้ว" if lang == "th" else f"{days} days ago"
