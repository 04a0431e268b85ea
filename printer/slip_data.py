"""The slip data: what a booking (or a decision not to book) hands to the printer.

This is the contract between the booking flow (`kiosk book --json`, the session state machine)
and the slip. It is JSON so that a reprint can be made from what the journal keeps in clear
(DESIGN §6: no sealed personal data is needed to reprint), and so that `kiosk slip render` can
turn any saved booking into a picture. Unknown keys are ignored, so the producer can add fields
before the slip uses them.

A booking slip (``kind`` absent or ``"booking"``)::

    {"status": "confirmed" | "queued" | "rejected",
     "booking_id": "8f0c2b9e-...",              # the terminal's booking UUID (idempotency key)
     "reference": "TRJ-7K3M-Q9XD" | null,       # required when confirmed; null while queued
     "code": null | "slot-full" | "already-booked" | "not-in-registry" | "outside-hours" | ...,
     "citizen": {"masked_cid": "1-1037-XXXXX-XX-8",     # masked, never the full ID
                 "name_th": "นายสมชาย ใจดี", "name_en": "Mr. Somchai Jaidee"},
     "site": {"id": "bkk-01", "name_th": "...", "name_en": "...", "address_th": "...",
              "address_en": "...", "district_th": "...", "district_en": "..."},
     "slot": {"id": "bkk-01-2021-06-07-0900", "date": "2021-06-07",
              "start": "09:00", "end": "10:00"},
     "terminal": {"id": "T-0001", "store": "7-Eleven สาขาลาดพร้าว 101"},
     "central_status": "confirmed" | "pending-verification",  # optional; the registry check
                                                # (social security) is still to come
     "confirmed_by": "central" | "terminal" | null,   # optional; who confirmed it
     "slip_code": "TRJ1;TRJ-7K3M-Q9XD;..." | null,     # with confirmed_by "terminal" only
     "confirmed_at": "2021-05-28T10:15:00+07:00",   # optional; when the customer confirmed
     "printed_at": "2021-05-28T10:15:07+07:00"}     # optional; default: now, Asia/Bangkok

A booking confirmed at the terminal from a seat lease (DESIGN §11, docs/leases.md) has
`"confirmed_by": "terminal"` and its `slip_code` (kiosk.leases.SlipCode text), which the QR code
then carries instead of the bare reference, so a site can check the slip with `kiosk-central
check-slip` before the terminal has reconnected. The code is required there (a slip without it
could not be checked) and must name the slip's own reference and slot; it is refused anywhere
else, so a QR code never says more than its booking.

`site` and `slot` are required for confirmed and queued bookings and optional for rejected ones
(then the slip shows what was asked for). Of the site only `id` is required; the other site
fields may be empty or absent (a reprint from the journal may know only the id). The citizen's
`name_th` and `name_en` may be empty strings (a card may lack one), but not both.

An information slip, for the routes that do not book here (DESIGN §4)::

    {"kind": "decision",
     "decision": {"route": "hospital" | "await-guidance" | "ineligible",
                  "code": "over-age-limit",
                  "message": {"th": "...", "en": "..."},
                  "rule_set": "bkk-thairuamjai-2021-05-27"},
     "citizen": {...as above...},
     "terminal": {...as above...},
     "printed_at": optional, as above}

Times must carry a UTC offset; dates are ISO `YYYY-MM-DD` (Gregorian), times `HH:MM`.

A bad file raises `SlipDataError` naming the dotted field path (``slot.date``); a personal
field's value is never quoted in the message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Literal, TypeVar

from kiosk.dates import BANGKOK
from kiosk.leases import LeaseError, parse_slip_code
from printer.errors import SlipDataError

BookingStatus = Literal["confirmed", "queued", "rejected"]
Route = Literal["hospital", "await-guidance", "ineligible"]
ConfirmedBy = Literal["central", "terminal"]
SlipKind = Literal["confirmed", "queued", "rejected", "hospital", "await-guidance", "ineligible"]

BOOKING_STATUSES: tuple[BookingStatus, ...] = ("confirmed", "queued", "rejected")
ROUTES: tuple[Route, ...] = ("hospital", "await-guidance", "ineligible")
CONFIRMERS: tuple[ConfirmedBy, ...] = ("central", "terminal")

_MASKED_CID = re.compile(r"^[0-9X]-[0-9X]{4}-XXXXX-XX-[0-9X]$")
#: A booking reference goes into a QR code and is read aloud on the phone: short, plain ASCII.
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 $%*+\-./:]{0,39}$")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_MAX_TEXT = 500
_T = TypeVar("_T", bound=str)


@dataclass(frozen=True, slots=True)
class Citizen:
    masked_cid: str
    name_th: str
    name_en: str

    def __repr__(self) -> str:
        return f"Citizen(masked_cid={self.masked_cid!r}, <names hidden>)"


@dataclass(frozen=True, slots=True)
class Site:
    id: str
    name_th: str
    name_en: str
    address_th: str
    address_en: str
    district_th: str
    district_en: str


@dataclass(frozen=True, slots=True)
class Slot:
    id: str
    date: date
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class Terminal:
    id: str
    store: str


@dataclass(frozen=True, slots=True)
class BookingSlip:
    status: BookingStatus
    booking_id: str
    reference: str | None
    code: str | None
    citizen: Citizen
    site: Site | None
    slot: Slot | None
    terminal: Terminal
    confirmed_at: datetime | None
    printed_at: datetime
    #: Confirmed by the central, but the registry check (social security) is still to come.
    pending_verification: bool = False
    #: Who confirmed it: the central, or this terminal from a seat lease while offline.
    confirmed_by: ConfirmedBy | None = None
    #: The signed text of an offline-confirmed slip's QR code (kiosk.leases.SlipCode).
    slip_code: str | None = None

    @property
    def kind(self) -> SlipKind:
        return self.status

    @property
    def offline_confirmed(self) -> bool:
        return self.status == "confirmed" and self.confirmed_by == "terminal"

    @property
    def qr_payload(self) -> str | None:
        """What the QR code carries: the slip code of an offline-confirmed booking, else the
        reference (None: no QR code, the booking is not confirmed)."""
        if self.status != "confirmed":
            return None
        return self.slip_code if self.offline_confirmed else self.reference


@dataclass(frozen=True, slots=True)
class Decision:
    route: Route
    code: str
    message_th: str
    message_en: str
    rule_set: str


@dataclass(frozen=True, slots=True)
class DecisionSlip:
    decision: Decision
    citizen: Citizen
    terminal: Terminal
    printed_at: datetime

    @property
    def kind(self) -> SlipKind:
        return self.decision.route


SlipData = BookingSlip | DecisionSlip


def parse_slip(data: object, *, now: datetime) -> SlipData:
    """Validate slip JSON and turn it into frozen dataclasses.

    `now` (aware) stands in for a missing `printed_at`: the clock is the caller's, so a render
    with fixed inputs is the same picture every time.
    """
    root = _object(data, "(top level)")
    printed_at = _opt_datetime(root, "printed_at", "") or now
    if printed_at.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    printed_at = printed_at.astimezone(BANGKOK)
    kind = root.get("kind", "booking")
    if kind == "decision":
        return _decision_slip(root, printed_at)
    if kind != "booking":
        raise SlipDataError("kind", f"expected 'booking' or 'decision', got {kind!r}")
    return _booking_slip(root, printed_at)


def _booking_slip(root: Mapping[str, object], printed_at: datetime) -> BookingSlip:
    status = _choice(root, "status", "", BOOKING_STATUSES)
    reference = _opt_str(root, "reference", "")
    if reference is not None and not _REFERENCE.match(reference):
        raise SlipDataError(
            "reference", f"expected up to 40 ASCII letters, digits and -./:, got {reference!r}"
        )
    if status == "confirmed" and reference is None:
        raise SlipDataError("reference", "a confirmed booking must have a reference")
    if status == "queued" and reference is not None:
        raise SlipDataError("reference", "must be null while the booking is queued")
    site_data = root.get("site")
    slot_data = root.get("slot")
    if status != "rejected":
        for key, value in (("site", site_data), ("slot", slot_data)):
            if value is None:
                raise SlipDataError(key, f"is required for a {status} booking")
    slot = None if slot_data is None else _slot(slot_data, "slot")
    confirmed_by = (
        None if root.get("confirmed_by") is None else _choice(root, "confirmed_by", "", CONFIRMERS)
    )
    if confirmed_by is not None and status != "confirmed":
        raise SlipDataError("confirmed_by", f"only a confirmed booking has one, not a {status} one")
    slip_code = _slip_code(root, confirmed_by, reference, slot)
    return BookingSlip(
        status=status,
        booking_id=_str(root, "booking_id", ""),
        reference=reference,
        code=_opt_str(root, "code", ""),
        citizen=_citizen(root.get("citizen"), "citizen"),
        site=None if site_data is None else _site(site_data, "site"),
        slot=slot,
        terminal=_terminal(root.get("terminal"), "terminal"),
        confirmed_at=_opt_datetime(root, "confirmed_at", ""),
        printed_at=printed_at,
        pending_verification=status == "confirmed"
        and _opt_str(root, "central_status", "") == "pending-verification",
        confirmed_by=confirmed_by,
        slip_code=slip_code,
    )


def _slip_code(
    root: Mapping[str, object],
    confirmed_by: ConfirmedBy | None,
    reference: str | None,
    slot: Slot | None,
) -> str | None:
    """The slip code, checked against the slip it is printed on (not its signature: that is
    the central's to check, with the terminal's registered key)."""
    text = _opt_str(root, "slip_code", "")
    if confirmed_by != "terminal":
        if text is not None:
            raise SlipDataError("slip_code", 'only a booking with confirmed_by "terminal" has one')
        return None
    if text is None:
        raise SlipDataError(
            "slip_code", "a booking confirmed at the terminal must carry its slip code"
        )
    try:
        code = parse_slip_code(text)
    except LeaseError as exc:
        raise SlipDataError("slip_code", exc.en) from None
    if code.reference != reference:
        raise SlipDataError("slip_code", f"names reference {code.reference!r}, not {reference!r}")
    if slot is not None and code.slot_id != slot.id:
        raise SlipDataError("slip_code", f"names slot {code.slot_id!r}, not {slot.id!r}")
    return text


def _decision_slip(root: Mapping[str, object], printed_at: datetime) -> DecisionSlip:
    d = _object(root.get("decision"), "decision")
    message = _object(d.get("message"), "decision.message")
    decision = Decision(
        route=_choice(d, "route", "decision", ROUTES),
        code=_str(d, "code", "decision"),
        message_th=_str(message, "th", "decision.message"),
        message_en=_str(message, "en", "decision.message"),
        rule_set=_str(d, "rule_set", "decision"),
    )
    return DecisionSlip(
        decision=decision,
        citizen=_citizen(root.get("citizen"), "citizen"),
        terminal=_terminal(root.get("terminal"), "terminal"),
        printed_at=printed_at,
    )


def _citizen(value: object, path: str) -> Citizen:
    d = _object(value, path)
    masked = _str(d, "masked_cid", path, personal=True)
    if sum(ch.isdigit() for ch in masked) > 6 or not _MASKED_CID.match(masked):
        raise SlipDataError(
            f"{path}.masked_cid",
            "must be a masked citizen ID like 1-2345-XXXXX-XX-3 "
            "(a full citizen ID must never reach the printer)",
        )
    name_th = _str(d, "name_th", path, personal=True, allow_empty=True)
    name_en = _str(d, "name_en", path, personal=True, allow_empty=True)
    if not (name_th or name_en):
        raise SlipDataError(f"{path}.name_th", "name_th and name_en cannot both be empty")
    return Citizen(masked, name_th, name_en)


def _site(value: object, path: str) -> Site:
    d = _object(value, path)
    # Only the id is required: a reprint from the journal may know nothing else about the site,
    # and a slip that shows the site id is better than no slip.
    return Site(
        id=_str(d, "id", path),
        **{
            key: _opt_str(d, key, path) or ""
            for key in (
                "name_th",
                "name_en",
                "address_th",
                "address_en",
                "district_th",
                "district_en",
            )
        },
    )


def _slot(value: object, path: str) -> Slot:
    d = _object(value, path)
    raw_date = _str(d, "date", path)
    try:
        day = date.fromisoformat(raw_date)
    except ValueError:
        raise SlipDataError(f"{path}.date", f"expected YYYY-MM-DD, got {raw_date!r}") from None
    start, end = _hhmm(d, "start", path), _hhmm(d, "end", path)
    if end <= start:
        raise SlipDataError(f"{path}.end", f"must be after start ({start:%H:%M}), got {end:%H:%M}")
    return Slot(id=_str(d, "id", path), date=day, start=start, end=end)


def _terminal(value: object, path: str) -> Terminal:
    d = _object(value, path)
    return Terminal(id=_str(d, "id", path), store=_str(d, "store", path))


def _object(value: object, path: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        what = "missing" if value is None else f"a {type(value).__name__}"
        raise SlipDataError(path, f"expected an object, got {what}")
    return value


def _field(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _str(
    d: Mapping[str, object],
    key: str,
    path: str,
    *,
    personal: bool = False,
    allow_empty: bool = False,
) -> str:
    name = _field(path, key)
    if key not in d or d[key] is None:
        raise SlipDataError(name, "is missing")
    value = d[key]
    if not isinstance(value, str):
        raise SlipDataError(name, f"expected a string, got a {type(value).__name__}")
    value = value.strip()
    if not value and not allow_empty:
        raise SlipDataError(name, "is empty")
    if len(value) > _MAX_TEXT or any(ch < " " for ch in value):
        shown = "" if personal else f": {value[:40]!r}"
        raise SlipDataError(name, f"too long or has control characters{shown}")
    return value


def _opt_str(d: Mapping[str, object], key: str, path: str) -> str | None:
    if d.get(key) is None:
        return None
    return _str(d, key, path, allow_empty=True) or None


def _choice(d: Mapping[str, object], key: str, path: str, allowed: tuple[_T, ...]) -> _T:
    value = d.get(key)
    for option in allowed:
        if value == option:
            return option
    expected = " | ".join(allowed)
    raise SlipDataError(_field(path, key), f"expected {expected}, got {value!r}")


def _hhmm(d: Mapping[str, object], key: str, path: str) -> time:
    raw = _str(d, key, path)
    if not _HHMM.match(raw):
        raise SlipDataError(_field(path, key), f"expected a time HH:MM, got {raw!r}")
    return time.fromisoformat(raw)


def _opt_datetime(d: Mapping[str, object], key: str, path: str) -> datetime | None:
    if d.get(key) is None:
        return None
    raw = _str(d, key, path)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise SlipDataError(
            _field(path, key), f"expected an ISO 8601 date and time, got {raw!r}"
        ) from None
    if value.tzinfo is None:
        raise SlipDataError(_field(path, key), f"needs a UTC offset (+07:00), got {raw!r}")
    return value
