"""Words for things the session holds (a booking, answers, an occupation), shared by the screens.

Phone numbers are shown masked (081-XXX-5678) anywhere but on the screen where they are typed:
enough for the customer to recognise, nothing for the next person in the queue to copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from kiosk.booking.errors import CentralRejected, CentralUnavailable, JournalError
from kiosk.booking.model import Occupation, Site, Slot
from kiosk.booking.phone import masked
from kiosk.errors import KioskError
from kiosk.session import Session
from ui.screens.site import district, site_name
from ui.strings import date_line, pick, time_range, tr


def when(day: str, start: str, end: str, lang: str, sep: str = "\n") -> str:
    try:
        d = date.fromisoformat(day)
    except ValueError:
        return time_range(start, end, lang)
    return f"{date_line(d, lang)}{sep}{time_range(start[:5], end[:5], lang)}"


def slot_when(slot: Slot, lang: str, sep: str = "\n") -> str:
    return when(slot.date, slot.start, slot.end, lang, sep)


def site_where(site: Site, lang: str, sep: str = "\n") -> str:
    parts = [site_name(site, lang), district(site, lang)]
    return sep.join(p for p in parts if p)


def booking_site(booking: Mapping[str, Any]) -> Site:
    data = booking.get("site") or {"id": booking.get("site_id", "")}
    return Site.from_json(data)


def booking_where(
    booking: Mapping[str, Any], lang: str, sites: Iterable[Site] = (), sep: str = "\n"
) -> str:
    site = booking_site(booking)
    if not site.name_th:
        site = next((s for s in sites if s.id == site.id), site)
    return site_where(site, lang, sep) if site.name_th else site.id


def booking_when(booking: Mapping[str, Any], lang: str, sep: str = "\n") -> str:
    return when(
        str(booking.get("date") or ""),
        str(booking.get("start") or ""),
        str(booking.get("end") or ""),
        lang,
        sep,
    )


def booking_status(booking: Mapping[str, Any], source: str | None, lang: str) -> str:
    status = "queued" if source == "journal" and booking.get("status") == "queued" else None
    status = status or str(booking.get("status") or "confirmed")
    key = f"status.{status}"
    return tr(key, lang) if key in _STATUS_KEYS else status


_STATUS_KEYS = {
    "status.confirmed",
    "status.pending-verification",
    "status.cancelled",
    "status.queued",
}


def conditions(s: Session, lang: str) -> str:
    chosen = s.answers.conditions
    if not chosen:
        return tr("review.answers.none", lang)
    question = s.rule_set.questions.get("conditions")
    labels = {o.code: pick(o.label, lang) for o in question.options} if question else {}
    return "\n".join(labels.get(c, c) for c in sorted(chosen))


def occupation(occ: Occupation | None, options: Iterable[Mapping[str, Any]], lang: str) -> str:
    if occ is None:
        return ""
    label = next((pick(o, lang) for o in options if o.get("code") == occ.code), occ.code)
    if occ.other:
        label = f"{label.split('(')[0].strip()}: {occ.other}"
    return label


def phone(s: Session) -> str:
    digits = "".join(ch for ch in s.phone if ch.isdigit())
    return masked(digits) if digits else ""


def booking_phone(booking: Mapping[str, Any] | None) -> str:
    """A booking's phone as a person may see it: the central sends it masked; mask anyway."""
    phone = str((booking or {}).get("phone") or "")
    return masked(phone) if phone.isdigit() else phone


def error_text(error: KioskError | None, lang: str) -> str:
    """A typed error's message, in words for the customer.

    The central's refusals carry their own Thai and English; the journal's and the network's
    English is written for a technician (it names files and exceptions), so the customer is
    told what it means instead.
    """
    if error is None:
        return ""
    if isinstance(error, CentralRejected):
        own = error.problem.get(lang)
        if isinstance(own, str) and own.strip():
            return own
    if isinstance(error, JournalError):
        return tr("error.journal", lang)
    if isinstance(error, CentralUnavailable):
        return tr("error.central", lang)
    return error.message(lang)
