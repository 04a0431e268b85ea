"""Screenshots of every screen and overlay, in Thai and in English, for review (docs/screens/).

    python -m ui.screenshots [--out docs/screens] [--size 1280x800@149.5] [--size 1920x1080@141.2]

Each shot drives a real session through events, exactly as the controller would, with demo
people and a handful of real Bangkok sites; nothing is faked in the views. The clock is fixed at
1 June 2021, 10:00, Bangkok. Runs offscreen; the sizes give the physical DPI so the metrics are
those of the real panel (a 15.6" 1920x1080 kiosk, a 10.1" 1280x800 counter tablet).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QBuffer, QIODevice
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QApplication

from kiosk.booking.errors import AlreadyQueued, JournalError
from kiosk.booking.model import BookingOutcome, Occupation, Site, Slot
from kiosk.card.errors import CardUnresponsive, NoReader
from kiosk.card.model import Card
from kiosk.dates import BANGKOK
from kiosk.demo_people import demo_person
from kiosk.eligibility import load_bundled
from kiosk.session import Session
from kiosk.session import events as ev
from kiosk.technician import hash_pin
from printer.errors import PaperOut
from ui.binding import SessionBinding
from ui.theme import load_fonts, metrics_for
from ui.window import MainWindow

NOW = datetime(2021, 6, 1, 10, 0, tzinfo=BANGKOK)
LATE = NOW.replace(hour=17, minute=30)
TERMINAL = {"id": "T-0001", "store": "7-Eleven ลาดพร้าว 101"}
HOURS = {"opens": "09:00", "closes": "18:00"}

SITES = (
    Site("scg-bang-sue", "เอสซีจี สำนักงานใหญ่ บางซื่อ", "SCG Head Office, Bang Sue",
         district_th="บางซื่อ", district_en="Bang Sue"),
    Site("central-ladprao", "เซ็นทรัลพลาซา ลาดพร้าว", "CentralPlaza Lardprao",
         district_th="จตุจักร", district_en="Chatuchak"),
    Site("the-mall-bangkapi", "เดอะมอลล์ บางกะปิ", "The Mall Bangkapi",
         district_th="บางกะปิ", district_en="Bang Kapi"),
    Site("samyan-mitrtown", "สามย่านมิตรทาวน์", "Samyan Mitrtown",
         district_th="ปทุมวัน", district_en="Pathum Wan"),
    Site("true-digital-park", "ทรู ดิจิทัล พาร์ค", "True Digital Park",
         district_th="พระโขนง", district_en="Phra Khanong"),
    Site("utcc", "มหาวิทยาลัยหอการค้าไทย", "University of the Thai Chamber of Commerce",
         district_th="ดินแดง", district_en="Din Daeng"),
    Site("iconsiam", "ไอคอนสยาม", "ICONSIAM", district_th="คลองสาน", district_en="Khlong San"),
)  # fmt: skip
REMAINING = {
    "scg-bang-sue": 312,
    "central-ladprao": 0,
    "the-mall-bangkapi": 1204,
    "samyan-mitrtown": 85,
    "true-digital-park": 640,
    "utcc": 27,
    "iconsiam": 990,
}
OCCUPATIONS = (
    {"code": "government", "th": "ข้าราชการ/เจ้าหน้าที่รัฐ", "en": "Government officer"},
    {"code": "state-enterprise", "th": "พนักงานรัฐวิสาหกิจ", "en": "State enterprise employee"},
    {"code": "company-employee", "th": "พนักงานบริษัทเอกชน", "en": "Private company employee"},
    {"code": "self-employed", "th": "ค้าขาย/ธุรกิจส่วนตัว", "en": "Trader or own business"},
    {"code": "service", "th": "พนักงานบริการ/ร้านอาหาร", "en": "Service or restaurant worker"},
    {"code": "transport", "th": "ผู้ขับขี่รถสาธารณะ/ขนส่ง", "en": "Public transport or delivery driver"},
    {"code": "labourer", "th": "ผู้ใช้แรงงาน/ก่อสร้าง", "en": "Labourer or construction worker"},
    {"code": "freelance", "th": "อาชีพอิสระ", "en": "Freelance"},
    {"code": "student", "th": "นักเรียน/นักศึกษา", "en": "Student"},
    {"code": "not-working", "th": "ไม่ได้ประกอบอาชีพ", "en": "Not working"},
    {"code": "other", "th": "อื่นๆ (โปรดระบุ)", "en": "Other (please specify)", "free_text": True},
)  # fmt: skip


def slots(site: Site, days: int = 14) -> tuple[Slot, ...]:
    out = []
    for n in range(days):
        d = NOW.date() + timedelta(days=n)
        for hour in range(9, 16):
            left = 0 if (n == 2 or hour == 11) else (50 - (hour * 7 + n * 3) % 50)
            out.append(
                Slot(
                    f"{site.id}-{d:%Y%m%d}-{hour:02d}00",
                    site.id,
                    d.isoformat(),
                    f"{hour:02d}:00",
                    f"{hour + 1:02d}:00",
                    50,
                    left,
                )
            )
    return tuple(out)


def card(key: str) -> Card:
    return Card.from_json(demo_person(key, NOW.date()).card)


def session(now: datetime = NOW) -> Session:
    s = Session(load_bundled(), terminal=TERMINAL, today=now.date, now=lambda: now)
    s.handle(ev.ServiceChanged(**HOURS))
    return s


# the shots: each drives a fresh session --------------------------------------------------------

Step = Callable[[Session], None]


def run(*events: object) -> Step:
    def step(s: Session) -> None:
        for e in events:
            s.handle(e)

    return step


def then(*steps: Step) -> Step:
    def step(s: Session) -> None:
        for st in steps:
            st(s)

    return step


def consent(key: str = "bangkok") -> Step:
    return run(ev.CardInserted(), ev.CardRead(card(key)))


def question(key: str = "bangkok") -> Step:
    return then(consent(key), run(ev.ConsentGiven(), ev.NothingFound()))


def decision(key: str = "bangkok", *answers: object) -> Step:
    return then(question(key), run(*answers))


def contact(phone: str = "", occupation: Occupation | None = None) -> Step:
    evs: list[object] = [ev.NoneOfThese(), ev.Next(), ev.Next()]
    if phone:
        evs.append(ev.PhoneEntered(phone))
    if occupation:
        evs.append(ev.OccupationChosen(occupation))
    return then(question(), run(*evs))


def site(chosen: Site | None = None, *, offline: bool = False) -> Step:
    evs: list[object] = []
    if offline:
        evs.append(
            ev.ServiceChanged(online=False, availability_age=14 * 60, **HOURS)  # type: ignore[arg-type]
        )
    age = 14 * 60.0 if offline else None
    evs += [ev.Next(), ev.SitesLoaded(SITES, age_seconds=age, remaining=REMAINING)]
    if chosen:
        evs.append(ev.SiteChosen(chosen))
    return then(contact("0812345678", Occupation("company-employee")), run(*evs))


#: Offline, the slots this terminal holds lease seats for (DESIGN §11): on 2 June at 09:00,
#: 10:00, 11:00 (which the cache shows full: it never counts leased seats) and 14:00.
LEASED = frozenset(f"{SITES[0].id}-20210602-{h}00" for h in ("09", "10", "11", "14"))
LEASED_PICK, UNLEASED_PICK = 8, 11  # 2 June 10:00 (leased), 2 June 13:00 (not)


def slot(
    chosen: bool = False, *, offline: bool = False, leased: bool = False, pick: int = 8
) -> Step:
    loaded = (
        ev.SlotsLoaded(SITES[0].id, slots(SITES[0]), offline=True, confirmable=LEASED)
        if leased
        else ev.SlotsLoaded(SITES[0].id, slots(SITES[0]), offline=offline)
    )
    evs: list[object] = [ev.Next(), loaded]
    if chosen:
        chosen_slot = slots(SITES[0])[pick]
        evs += [ev.DayChosen(chosen_slot.date), ev.SlotChosen(chosen_slot)]
    elif leased:  # the day with the leased slots
        evs.append(ev.DayChosen(slots(SITES[0])[pick].date))
    return then(site(SITES[0], offline=offline or leased), run(*evs))


def review(*, offline: bool = False, leased: bool = False, pick: int = 8) -> Step:
    return then(slot(True, offline=offline, leased=leased, pick=pick), run(ev.Next()))


def booked(
    outcome: BookingOutcome, *more: object, offline: bool = False, leased: bool = False
) -> Step:
    return then(review(offline=offline, leased=leased), run(ev.Next(), ev.Booked(outcome), *more))


EXISTING = {
    "reference": "TRJ-7K3M-Q9XD",
    "status": "confirmed",
    "booking_id": "b0",
    "site_id": SITES[2].id,
    "slot_id": f"{SITES[2].id}-20210603-1300",
    "date": "2021-06-03",
    "start": "13:00",
    "end": "14:00",
    "version": 1,
    "site": SITES[2].to_json(),
    "phone": "081-XXX-5678",  # as the central sends it: masked
    "occupation": {"code": "company-employee", "other": None},
}


def existing(booking: dict | None = None, source: str = "central", **kw: object) -> Step:
    return then(
        consent("booked"), run(ev.ConsentGiven(), ev.ExistingFound(booking or EXISTING, source))
    )


def _paper_out() -> PaperOut:
    return PaperOut("tcp://192.168.1.50:9100")


@dataclass(frozen=True)
class Shot:
    name: str
    step: Step
    overlay: str | None = None  # "idle", "start-over", "pin", "technician", "keyboard"
    now: datetime = NOW  # the session's clock (late in the day: every slot of today has ended)


CONFIRMED = BookingOutcome("confirmed", "b1", "TRJ-4F7K-2MXD", central_status="confirmed")
QUEUED = BookingOutcome("queued", "b1", code="central-offline")
#: What the screens of an offline-confirmed booking show does not depend on the code's
#: signature; a well-formed one keeps the slip data honest all the same.
SLIP_CODE = (
    f"TRJ1;TRJ-5W2P-H8RC;{SITES[0].id}-20210602-1000;3f6b8a2e-1c4d-4e9a-b7f0-5d2c8e1a9b46;"
    "2021-06-01T10:00:00+07:00;56475aa75463474c;c2lnbmF0dXJl"
)
OFFLINE_CONFIRMED = BookingOutcome(
    "confirmed",
    "b1",
    "TRJ-5W2P-H8RC",
    confirmed_by="terminal",
    lease_id="3f6b8a2e-1c4d-4e9a-b7f0-5d2c8e1a9b46",
    slip_code=SLIP_CODE,
)
EXISTING_OFFLINE = {
    "reference": "TRJ-5W2P-H8RC",
    "status": "confirmed",
    "confirmed_by": "terminal",
    "slip_code": SLIP_CODE,
    "booking_id": "b0",
    "site_id": SITES[0].id,
    "slot_id": f"{SITES[0].id}-20210602-1000",
    "date": "2021-06-02",
    "start": "10:00",
    "end": "11:00",
    "site": SITES[0].to_json(),
}


def lease_notice(code: str, booking: dict | None = None, winner: str | None = None) -> Step:
    notice = {
        "booking_id": "q1",
        "state": "conflict" if code == "already-booked" else "rejected",
        "code": code,
        "lease": True,
        "winner": winner,
    }
    evs: list[object] = [ev.ConsentGiven(), ev.NoticeFound(notice)]
    if booking is not None:
        evs.append(ev.ExistingFound(booking, "central"))
    return then(consent("booked"), run(*evs))


SHOTS = (
    Shot("01-welcome", run()),
    Shot("02-reading", run(ev.CardInserted())),
    Shot("03-card-error", run(ev.CardInserted(), ev.CardFailed(CardUnresponsive()))),
    Shot("04-consent", consent()),
    Shot("05-lookup", then(consent(), run(ev.ConsentGiven()))),
    Shot("06-existing", existing()),
    Shot("07-existing-queued", existing(
        {**EXISTING, "status": "queued", "reference": None}, "journal")),
    Shot("08-existing-notice", then(consent(), run(ev.ConsentGiven(), ev.NoticeFound(
        {"booking_id": "q1", "state": "rejected", "code": "slot-full"})))),
    Shot("09-cancel-confirm", then(existing(), run(ev.CancelExisting()))),
    Shot("10-changing", then(existing(), run(ev.CancelExisting(), ev.Next()))),
    Shot("11-existing-cancelled", then(existing(), run(
        ev.CancelExisting(), ev.Next(), ev.ChangeDone(None)))),
    Shot("12-question-conditions", question()),
    Shot("13-question-chosen", then(question(), run(
        ev.ConditionToggled("diabetes"), ev.ConditionToggled("obesity")))),
    Shot("14-question-none", then(question(), run(ev.NoneOfThese()))),
    Shot("15-question-works", decision("nonthaburi", ev.NoneOfThese(), ev.Next())),
    Shot("16-decision-book", decision("bangkok", ev.NoneOfThese(), ev.Next())),
    Shot("17-decision-hospital", decision("senior")),
    Shot("18-decision-ineligible", decision("teen")),
    Shot("19-decision-foreign", decision("foreign")),
    Shot("20-contact-empty", contact()),
    Shot("21-contact-bad-phone", contact("0712")),
    Shot("22-contact-filled", contact("0812345678", Occupation("company-employee"))),
    Shot("23-contact-other-keyboard", contact("0812345678", Occupation("other", "ช่างภาพอิสระ")),
         overlay="keyboard"),
    Shot("24-site-none-chosen", site()),
    Shot("25-site-chosen", site(SITES[0])),
    Shot("26-slot", slot()),
    Shot("27-slot-chosen", slot(True)),
    Shot("28-review", review()),
    Shot("29-booking", then(review(), run(ev.Next()))),
    Shot("30-result-confirmed-printing", booked(CONFIRMED)),
    Shot("31-result-queued", booked(QUEUED, offline=True)),
    Shot("32-result-rejected", booked(BookingOutcome(
        "rejected", "b1", code="slot-full", detail="The slot is full."))),
    Shot("33-result-print-failed", booked(CONFIRMED, ev.PrintFailed(_paper_out()))),
    Shot("34-result-journal-failed", then(review(), run(ev.Next(), ev.BookingFailed(
        JournalError("disk full", code="journal-full"))))),
    Shot("35-result-already-queued", then(review(), run(ev.Next(), ev.BookingFailed(
        AlreadyQueued("b0"))))),
    Shot("36-printing", booked(CONFIRMED, ev.Printed())),
    Shot("37-goodbye", then(booked(CONFIRMED, ev.Printed()), run(ev.Next()))),
    Shot("38-closed", run(ev.ServiceChanged(open_now=False, **HOURS))),  # type: ignore[arg-type]
    Shot("39-out-of-service", run(ev.ServiceChanged(
        reader_ok=False, problem=NoReader("ACS ACR39U"), **HOURS))),  # type: ignore[arg-type]
    Shot("40-offline-site", site(SITES[0], offline=True)),
    Shot("41-review-change", then(existing(), run(
        ev.ChangeSlot(), ev.SitesLoaded(SITES, remaining=REMAINING), ev.SiteChosen(SITES[0]),
        ev.Next(), ev.SlotsLoaded(SITES[0].id, slots(SITES[0])),
        ev.SlotChosen(slots(SITES[0])[8]), ev.Next()))),
    Shot("42-idle-countdown", contact("08123"), overlay="idle"),
    Shot("43-start-over", contact("0812345678"), overlay="start-over"),
    Shot("44-technician-pin", run(), overlay="pin"),
    Shot("45-technician", run(), overlay="technician"),
    # seat leases (issue 11): offline, some slots confirmed at once, the others queued
    Shot("46-slot-offline-leases", slot(leased=True)),
    Shot("47-slot-offline-leased-chosen", slot(True, leased=True, pick=LEASED_PICK)),
    Shot("48-review-offline-confirm-now", review(leased=True, pick=LEASED_PICK)),
    Shot("49-review-offline-queue", review(leased=True, pick=UNLEASED_PICK)),
    Shot("50-result-offline-confirmed", booked(OFFLINE_CONFIRMED, leased=True)),
    Shot("51-existing-offline-confirmed", existing(EXISTING_OFFLINE, "journal")),
    Shot("52-notice-lease-conflict", lease_notice(
        "already-booked", {**EXISTING, "reference": "TRJ-9H3D-7QXA"}, winner="TRJ-9H3D-7QXA")),
    Shot("53-notice-lease-expired", lease_notice("lease-expired")),
    Shot("54-slot-offline-no-lease", slot(offline=True)),
    # ended is not full: at 17:30 every slot of today (09:00-16:00) has ended
    Shot("81-slot-today-ended", then(slot(), run(ev.DayChosen(NOW.date().isoformat()))), now=LATE),
)  # fmt: skip


TECHNICIAN_SAMPLE = {
    "terminal": "T-0001 · 7-Eleven ลาดพร้าว 101 · https://central.example.go.th",
    "central": "reachable · 38 ms · breaker closed",
    "queue": "queued 3 · sending 0 · confirmed 118 · rejected 1 · conflict 0",
    "oldest": "12 min",
    "last_sync": "2021-06-01 09:58:12",
    "last_error": "central-timeout at 09:46:03",
    "availability": "2 min old",
    "rule_set": "bkk-thairuamjai-2021-05-27",
    "printer": "tcp://192.168.1.50:9100 · online, paper ok",
    "reader": "ACS ACR39U ICC Reader 00 00 · present",
    "journal": "ok · /var/lib/thairuamjai-kiosk/journal.sqlite",
}


def take(out: Path, sizes: list[tuple[int, int, float]], only: str | None = None) -> list[Path]:
    app = QApplication.instance() or QApplication([sys.argv[0]])
    family = load_fonts()
    saved: list[Path] = []
    pin_hash = hash_pin("24681357")
    for width, height, dpi in sizes:
        m = metrics_for(width, height, dpi)
        for lang in ("th", "en"):
            folder = (
                out / lang if (width, height) == (1280, 800) else out / lang / f"{width}x{height}"
            )
            folder.mkdir(parents=True, exist_ok=True)
            for shot in all_shots():
                if only and only not in shot.name:
                    continue
                s = session(shot.now)
                if lang == "en":
                    s.handle(ev.LanguageToggled())
                shot.step(s)
                binding = SessionBinding(
                    s, occupations=OCCUPATIONS, pin_hash=pin_hash, clerk_pin_hash=pin_hash
                )
                window = MainWindow(binding, m, family=family)
                window.resize(width, height)
                window.show()
                _overlay(window, shot.overlay, s.language)
                app.processEvents()
                app.processEvents()
                path = folder / f"{shot.name}.png"
                save_small(window.grab(), path)
                saved.append(path)
                window.close()
                window.deleteLater()
                app.processEvents()
    return saved


def save_small(pixmap: QPixmap, path: Path) -> None:
    """A 64-colour PNG: a flat UI loses nothing visible and the repository a third the size."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pixmap.save(buffer, "PNG")
    image = Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGB")
    image.quantize(colors=64, dither=Image.Dither.NONE).save(path, optimize=True)


def _overlay(window, overlay: str | None, lang: str) -> None:
    if overlay == "idle":
        window.idle_overlay.render(lang, 17)
        window.idle_overlay.open()
    elif overlay == "start-over":
        window._ask_start_over()
    elif overlay == "pin":
        window.pin.open_pad(lang)
        for key in "2468":
            window.pin._key(key)
    elif overlay == "technician":
        window.technician.open_panel(lang)
        window.technician.render(TECHNICIAN_SAMPLE)
    elif overlay == "keyboard":
        contact_view = window.views[window.b.session.screen]
        contact_view.typing = True
        window.render()
    elif overlay is not None:
        from ui import screenshots_clerk  # noqa: PLC0415 - it imports this module

        assert screenshots_clerk.overlay(window, overlay, lang), overlay


def all_shots() -> tuple[Shot, ...]:
    """01-54 here; 55-75, the store staff's, in ui/screenshots_clerk.py; 82-90, changing the
    phone or occupation, in ui/screenshots_change.py."""
    from ui import screenshots_change, screenshots_clerk  # noqa: PLC0415 - they import this

    return SHOTS + screenshots_clerk.SHOTS + screenshots_change.SHOTS


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screens"))
    parser.add_argument("--size", action="append", help="WIDTHxHEIGHT@DPI")
    parser.add_argument("--only", help="only shots whose name contains this")
    args = parser.parse_args(argv)
    sizes = []
    for text in args.size or ["1280x800@149.5", "1920x1080@141.2"]:
        dims, _, dpi = text.partition("@")
        w, h = dims.split("x")
        sizes.append((int(w), int(h), float(dpi or 141.2)))
    saved = take(args.out, sizes, args.only)
    print(f"{len(saved)} screenshots under {args.out}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
