"""The demo's people: emulated cards for every path through the kiosk.

Birth dates are computed from the day the demo runs, so the 17-year-old stays 17 and the
62-year-old stays 62 whatever year it is. Citizen IDs carry correct check digits but are made up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from kiosk.card import cid as cidlib
from kiosk.card.model import BE_OFFSET


@dataclass(frozen=True)
class DemoPerson:
    key: str
    label_th: str
    label_en: str
    card: dict[str, Any]
    #: What the person would answer if asked (the card cannot tell).
    answers: dict[str, Any]


def _cid(first12: str) -> str:
    return first12 + str(cidlib.check_digit(first12))


def _be(d: date) -> str:
    return f"{d.year + BE_OFFSET:04d}{d.month:02d}{d.day:02d}"


def _name(prefix: str, first: str, last: str, middle: str = "") -> dict[str, str]:
    return {"prefix": prefix, "first": first, "middle": middle, "last": last}


def _addr(
    house: str,
    sub: str,
    dist: str,
    prov: str,
    *,
    moo: str = "",
    trok: str = "",
    soi: str = "",
    road: str = "",
) -> dict[str, str]:
    return {
        "house_no": house,
        "moo": moo,
        "trok": trok,
        "soi": soi,
        "road": road,
        "subdistrict": sub,
        "district": dist,
        "province": prov,
    }


def _card(
    today: date,
    cid12: str,
    th: dict,
    en: dict,
    age: int,
    gender: str,
    address: dict,
    *,
    birth_raw: str | None = None,
    lifetime: bool = False,
) -> dict[str, Any]:
    born = today - relativedelta(years=age, months=4, days=11)
    issued = today - relativedelta(years=2, months=1, days=3)
    return {
        "cid": _cid(cid12),
        "name_th": th,
        "name_en": en,
        "birth_date_be": birth_raw or _be(born),
        "gender": gender,
        "issuer": "ที่ว่าการอำเภอ/สำนักงานเขต",
        "issue_date_be": _be(issued),
        "expiry_date_be": "99999999" if lifetime else _be(issued + timedelta(days=8 * 365)),
        "address": address,
    }


def demo_people(today: date) -> list[DemoPerson]:
    bkk = "กรุงเทพมหานคร"
    return [
        DemoPerson(
            "bangkok",
            "ผู้พักอาศัยในกรุงเทพฯ",
            "Bangkok resident",
            _card(
                today,
                "110370012345",
                _name("นาย", "สมชาย", "ใจดี"),
                _name("Mr.", "Somchai", "Jaidee"),
                34,
                "male",
                _addr(
                    "99/123 หมู่บ้านเสนานิเวศน์ โครงการ 2",
                    "แขวงคลองจั่น",
                    "เขตบางกะปิ",
                    bkk,
                    moo="หมู่ที่ 8",
                    soi="ซอยลาดพร้าว 101 แยก 42",
                    road="ถนนลาดพร้าว",
                ),
            ),
            {"conditions": []},
        ),
        DemoPerson(
            "nonthaburi",
            "อยู่นนทบุรี ทำงานในกรุงเทพฯ",
            "Lives in Nonthaburi, works in Bangkok",
            _card(
                today,
                "112040056789",
                _name("นางสาว", "มาลี", "ศรีสุข"),
                _name("Miss", "Malee", "Srisuk"),
                29,
                "female",
                _addr(
                    "45/6",
                    "ตำบลบางกระสอ",
                    "อำเภอเมืองนนทบุรี",
                    "จังหวัดนนทบุรี",
                    moo="หมู่ที่ 3",
                    road="ถนนงามวงศ์วาน",
                ),
            ),
            {"conditions": [], "works_in_bangkok": True},
        ),
        DemoPerson(
            "senior",
            "อายุ 62 ปี",
            "Aged 62",
            _card(
                today,
                "310050011223",
                _name("นาย", "ประเสริฐ", "วงศ์ไทย"),
                _name("Mr.", "Prasert", "Wongthai"),
                62,
                "male",
                _addr("12", "แขวงบางยี่เรือ", "เขตธนบุรี", bkk, soi="ซอยเทอดไท 33"),
            ),
            {"conditions": []},
        ),
        DemoPerson(
            "teen",
            "อายุ 17 ปี",
            "Aged 17",
            _card(
                today,
                "120990034567",
                _name("นาย", "ธนกฤต", "มั่นคง"),
                _name("Mr.", "Thanakrit", "Mankhong"),
                17,
                "male",
                _addr("8/1", "แขวงสามเสนใน", "เขตพญาไท", bkk),
            ),
            {"conditions": []},
        ),
        DemoPerson(
            "diabetes",
            "เป็นโรคเบาหวาน",
            "Has diabetes",
            _card(
                today,
                "310200078901",
                _name("นาง", "วันเพ็ญ", "รักษ์ดี"),
                _name("Mrs.", "Wanphen", "Rakdee"),
                51,
                "female",
                _addr("300", "แขวงบางนาเหนือ", "เขตบางนา", bkk, road="ถนนสรรพาวุธ"),
            ),
            {"conditions": ["diabetes"]},
        ),
        DemoPerson(
            "foreign",
            "ชาวต่างชาติที่มีถิ่นที่อยู่",
            "Foreign resident",
            _card(
                today,
                "610010012312",
                _name("นาย", "จอห์น", "สมิธ", "โรเบิร์ต"),
                _name("Mr.", "John", "Smith", "Robert"),
                41,
                "male",
                _addr("77 อาคารสาทรซิตี้ ชั้น 12", "แขวงทุ่งมหาเมฆ", "เขตสาทร", bkk, road="ถนนสาทรใต้"),
            ),
            {"conditions": []},
        ),
        DemoPerson(
            "booked",
            "มีการจองอยู่แล้ว",
            "Already has a booking",
            _card(
                today,
                "110140098765",
                _name("นางสาว", "กาญจนา", "ทองคำ"),
                _name("Miss", "Kanchana", "Thongkham"),
                40,
                "female",
                _addr("5", "แขวงลุมพินี", "เขตปทุมวัน", bkk, soi="ซอยร่วมฤดี"),
            ),
            {"conditions": []},
        ),
        DemoPerson(
            "offline",
            "จองขณะระบบกลางขัดข้อง",
            "Books while the central is down",
            _card(
                today,
                "110290067890",
                _name("นางสาว", "ปรียา", "แก้วใส"),
                _name("Miss", "Preeya", "Kaewsai"),
                27,
                "female",
                _addr("88/9", "แขวงดินแดง", "เขตดินแดง", bkk, soi="ซอยประชาสงเคราะห์ 2"),
            ),
            {"conditions": []},
        ),
        DemoPerson(
            "elder-unknown-day",
            "อายุ 74 ปี ไม่ทราบวันเดือนเกิด",
            "Aged 74, birth day and month unknown",
            _card(
                today,
                "370060044556",
                _name("นาง", "บุญมี", "ดีใจ"),
                _name("Mrs.", "Boonmee", "Deejai"),
                74,
                "female",
                _addr("1", "ตำบลบางเมือง", "อำเภอเมืองสมุทรปราการ", "จังหวัดสมุทรปราการ", moo="หมู่ที่ 2"),
                birth_raw=f"{today.year - 74 + BE_OFFSET:04d}0000",
                lifetime=True,
            ),
            {"conditions": []},
        ),
    ]


def demo_person(key: str, today: date) -> DemoPerson:
    for person in demo_people(today):
        if person.key == key:
            return person
    raise KeyError(key)
