"""Screenshots 82-90: changing a booking's phone number or occupation at the kiosk.

Driven like the others (ui/screenshots.py): a real session through events, the real window. The
booking is the screenshots' EXISTING one (its phone masked, as the central sends it).
"""

from __future__ import annotations

from kiosk.booking.contact_change import ChangedElsewhere, ChangeNeedsConnection
from kiosk.booking.model import Occupation
from kiosk.session import contact_change as cc
from kiosk.session import events as ev
from ui.screenshots import EXISTING, Shot, existing, run, then

NEW = "0898765432"
START = then(existing(), run(cc.ChangeContact()))
TYPED = then(START, run(ev.PhoneEntered(NEW)))
AGAIN = then(TYPED, run(ev.Next()))
MATCHED = then(AGAIN, run(cc.PhoneAgainEntered(NEW)))
OTHER = Occupation("other", "ช่างตัดผม")
REVIEW = then(
    START,
    run(ev.PhoneEntered(NEW), ev.OccupationChosen(OTHER), ev.Next(), cc.PhoneAgainEntered(NEW)),
    run(ev.Next()),
)
CHANGED = {
    **EXISTING,
    "version": 2,
    "phone": "089-XXX-5432",
    "occupation": {"code": "other", "other": "ช่างตัดผม"},
}
ELSEWHERE = {**EXISTING, "version": 2, "start": "15:00", "end": "16:00",
             "slot_id": f"{EXISTING['site_id']}-20210603-1500"}  # fmt: skip

SHOTS = (
    Shot("82-change-contact", START),
    Shot("83-change-contact-typed", TYPED),
    Shot("84-change-phone-again-mismatch", then(AGAIN, run(cc.PhoneAgainEntered("08912")))),
    Shot("85-change-phone-again-match", MATCHED),
    Shot("86-change-review", REVIEW),
    Shot("87-change-sending", then(REVIEW, run(ev.Next()))),
    Shot("88-existing-contact-changed", then(REVIEW, run(ev.Next(), cc.ContactChanged(CHANGED)))),
    Shot("89-existing-changed-elsewhere", then(REVIEW, run(ev.Next(), cc.ContactChangeFailed(
        ChangedElsewhere(ELSEWHERE), "conflict", ELSEWHERE)))),
    Shot("90-existing-change-offline", then(REVIEW, run(ev.Next(), cc.ContactChangeFailed(
        ChangeNeedsConnection(), "offline")))),
)  # fmt: skip
