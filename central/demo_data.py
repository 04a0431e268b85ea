"""Demo data: the 25 off-hospital vaccination sites of Bangkok, slots, occupations, a registry.

The eighteen named sites are the real ones of the 2021 programme (BMA and the Thai Chamber of
Commerce); their addresses here are plain approximations for the demo, not an official list. The
remaining seven are filled in plainly as demo sites. Slots are hourly, 09:00-16:00 Asia/Bangkok,
for the 14 days from the seeding day, so a demo started on any day has something to book.

The demo people of `kiosk.demo_people` are wired in so every path of the kiosk can be shown: the
person "booked" already has a booking (made on the website), and "nonthaburi" (lives outside
Bangkok, works in it) is in the social security registry.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date, datetime, timedelta

from central.eligibility import DEFAULT_RULE_SET
from central.keys import ServerKeys
from central.store import NewBooking, Occupation, Site, Slot, SqliteStore
from central.store.stores import StoreInfo
from kiosk.card.cid import mask
from kiosk.demo_people import demo_person

DEFAULT_CAPACITY = 200
DAYS = 14
SLOT_HOURS = range(9, 16)  # starts 09:00 ... 15:00, the last one ends at 16:00

#: (site_id, name_th, name_en, address_th, address_en, district_th, district_en)
SITES = (
    (
        "scg-bang-sue",
        "เอสซีจี บางซื่อ",
        "SCG Bang Sue",
        "1 ถนนปูนซิเมนต์ไทย แขวงบางซื่อ",
        "1 Siam Cement Road, Bang Sue",
        "เขตบางซื่อ",
        "Bang Sue",
    ),
    (
        "central-lardprao",
        "เซ็นทรัลพลาซา ลาดพร้าว",
        "CentralPlaza Lardprao",
        "1693 ถนนพหลโยธิน แขวงจตุจักร",
        "1693 Phahonyothin Road, Chatuchak",
        "เขตจตุจักร",
        "Chatuchak",
    ),
    (
        "mall-bangkapi",
        "เดอะมอลล์ บางกะปิ",
        "The Mall Bangkapi",
        "3522 ถนนลาดพร้าว แขวงคลองจั่น",
        "3522 Lat Phrao Road, Khlong Chan",
        "เขตบางกะปิ",
        "Bang Kapi",
    ),
    (
        "robinson-lat-krabang",
        "โรบินสัน ลาดกระบัง",
        "Robinson Lat Krabang",
        "ถนนลาดกระบัง แขวงลาดกระบัง",
        "Lat Krabang Road, Lat Krabang",
        "เขตลาดกระบัง",
        "Lat Krabang",
    ),
    (
        "lotus-min-buri",
        "โลตัส มีนบุรี",
        "Lotus Min Buri",
        "ถนนสีหบุรานุกิจ แขวงมีนบุรี",
        "Sihaburanukit Road, Min Buri",
        "เขตมีนบุรี",
        "Min Buri",
    ),
    (
        "samyan-mitrtown",
        "สามย่านมิตรทาวน์",
        "Samyan Mitrtown",
        "944 ถนนพระรามที่ 4 แขวงวังใหม่",
        "944 Rama IV Road, Wang Mai",
        "เขตปทุมวัน",
        "Pathum Wan",
    ),
    (
        "true-digital-park",
        "ทรู ดิจิทัล พาร์ค",
        "True Digital Park",
        "101 ถนนสุขุมวิท แขวงบางจาก",
        "101 Sukhumvit Road, Bang Chak",
        "เขตพระโขนง",
        "Phra Khanong",
    ),
    (
        "thanya-park",
        "ธัญญา พาร์ค",
        "Thanya Park",
        "ถนนศรีนครินทร์ แขวงหนองบอน",
        "Srinagarindra Road, Nong Bon",
        "เขตประเวศ",
        "Prawet",
    ),
    (
        "asiatique",
        "เอเชียทีค เดอะ ริเวอร์ฟร้อนท์",
        "Asiatique The Riverfront",
        "2194 ถนนเจริญกรุง แขวงวัดพระยาไกร",
        "2194 Charoen Krung Road, Wat Phraya Krai",
        "เขตบางคอแหลม",
        "Bang Kho Laem",
    ),
    (
        "central-pinklao",
        "เซ็นทรัล ปิ่นเกล้า",
        "Central Pinklao",
        "7/222 ถนนบรมราชชนนี แขวงอรุณอมรินทร์",
        "7/222 Borommaratchachonnani Road, Arun Ammarin",
        "เขตบางกอกน้อย",
        "Bangkok Noi",
    ),
    (
        "iconsiam",
        "ไอคอนสยาม",
        "ICONSIAM",
        "299 ถนนเจริญนคร แขวงคลองต้นไทร",
        "299 Charoen Nakhon Road, Khlong Ton Sai",
        "เขตคลองสาน",
        "Khlong San",
    ),
    (
        "ptt-rama-2",
        "ปตท. พระราม 2",
        "PTT Rama II",
        "ถนนพระรามที่ 2 แขวงแสมดำ",
        "Rama II Road, Samae Dam",
        "เขตบางขุนเทียน",
        "Bang Khun Thian",
    ),
    (
        "mall-bang-khae",
        "เดอะมอลล์ บางแค",
        "The Mall Bang Khae",
        "275 ถนนเพชรเกษม แขวงบางแค",
        "275 Phet Kasem Road, Bang Khae",
        "เขตบางแค",
        "Bang Khae",
    ),
    (
        "bigc-bang-bon",
        "บิ๊กซี บางบอน",
        "Big C Bang Bon",
        "ถนนเอกชัย แขวงบางบอน",
        "Ekkachai Road, Bang Bon",
        "เขตบางบอน",
        "Bang Bon",
    ),
    (
        "utcc",
        "มหาวิทยาลัยหอการค้าไทย",
        "University of the Thai Chamber of Commerce",
        "126/1 ถนนวิภาวดีรังสิต แขวงรัชดาภิเษก",
        "126/1 Vibhavadi Rangsit Road, Ratchadaphisek",
        "เขตดินแดง",
        "Din Daeng",
    ),
    (
        "street-ratchada",
        "เดอะ สตรีท รัชดา",
        "The Street Ratchada",
        "139 ถนนรัชดาภิเษก แขวงดินแดง",
        "139 Ratchadaphisek Road, Din Daeng",
        "เขตดินแดง",
        "Din Daeng",
    ),
    (
        "jamjuree-square",
        "จามจุรีสแควร์",
        "Jamjuree Square",
        "319 ถนนพญาไท แขวงวังใหม่",
        "319 Phaya Thai Road, Wang Mai",
        "เขตปทุมวัน",
        "Pathum Wan",
    ),
    (
        "sripatum",
        "มหาวิทยาลัยศรีปทุม",
        "Sripatum University",
        "2410/2 ถนนพหลโยธิน แขวงเสนานิคม",
        "2410/2 Phahonyothin Road, Sena Nikhom",
        "เขตจตุจักร",
        "Chatuchak",
    ),
    (
        "demo-19",
        "จุดฉีดวัคซีนสาธิต 19",
        "Demo site 19",
        "ถนนตัวอย่าง แขวงดอนเมือง",
        "Demo Road, Don Mueang",
        "เขตดอนเมือง",
        "Don Mueang",
    ),
    (
        "demo-20",
        "จุดฉีดวัคซีนสาธิต 20",
        "Demo site 20",
        "ถนนตัวอย่าง แขวงทุ่งสองห้อง",
        "Demo Road, Thung Song Hong",
        "เขตหลักสี่",
        "Lak Si",
    ),
    (
        "demo-21",
        "จุดฉีดวัคซีนสาธิต 21",
        "Demo site 21",
        "ถนนตัวอย่าง แขวงอนุสาวรีย์",
        "Demo Road, Anusawari",
        "เขตบางเขน",
        "Bang Khen",
    ),
    (
        "demo-22",
        "จุดฉีดวัคซีนสาธิต 22",
        "Demo site 22",
        "ถนนตัวอย่าง แขวงหนองจอก",
        "Demo Road, Nong Chok",
        "เขตหนองจอก",
        "Nong Chok",
    ),
    (
        "demo-23",
        "จุดฉีดวัคซีนสาธิต 23",
        "Demo site 23",
        "ถนนตัวอย่าง แขวงสามวาตะวันตก",
        "Demo Road, Sam Wa Tawan Tok",
        "เขตคลองสามวา",
        "Khlong Sam Wa",
    ),
    (
        "demo-24",
        "จุดฉีดวัคซีนสาธิต 24",
        "Demo site 24",
        "ถนนตัวอย่าง แขวงตลิ่งชัน",
        "Demo Road, Taling Chan",
        "เขตตลิ่งชัน",
        "Taling Chan",
    ),
    (
        "demo-25",
        "จุดฉีดวัคซีนสาธิต 25",
        "Demo site 25",
        "ถนนตัวอย่าง แขวงทุ่งครุ",
        "Demo Road, Thung Khru",
        "เขตทุ่งครุ",
        "Thung Khru",
    ),
)

OCCUPATIONS = (
    Occupation("government", "ข้าราชการ/เจ้าหน้าที่รัฐ", "Government officer", False),
    Occupation("state-enterprise", "พนักงานรัฐวิสาหกิจ", "State enterprise employee", False),
    Occupation("company-employee", "พนักงานบริษัทเอกชน", "Private company employee", False),
    Occupation("self-employed", "ค้าขาย/ธุรกิจส่วนตัว", "Trader or own business", False),
    Occupation("service", "พนักงานบริการ/ร้านอาหาร", "Service or restaurant worker", False),
    Occupation("transport", "ผู้ขับขี่รถสาธารณะ/ขนส่ง", "Public transport or delivery driver", False),
    Occupation("labourer", "ผู้ใช้แรงงาน/ก่อสร้าง", "Labourer or construction worker", False),
    Occupation("freelance", "อาชีพอิสระ", "Freelance", False),
    Occupation("student", "นักเรียน/นักศึกษา", "Student", False),
    Occupation("not-working", "ไม่ได้ประกอบอาชีพ", "Not working", False),
    Occupation("other", "อื่นๆ (โปรดระบุ)", "Other (please specify)", True),
)


#: The stores of the demo's terminals: `kiosk demo` enrols one for DEMO-7ELEVEN-LADPRAO
#: (kiosk/cli/demo_env.py), the contract tests' central enrols kiosk-1 for store-1. Their
#: kiosk-2's store-2 is left out on purpose: a terminal of an unlisted store still lists.
STORES = (
    StoreInfo(
        "DEMO-7ELEVEN-LADPRAO",
        "เซเว่นอีเลฟเว่น ลาดพร้าว",
        "7-Eleven Lat Phrao",
        "เขตลาดพร้าว",
        "Lat Phrao",
    ),
    StoreInfo("store-1", "เซเว่นอีเลฟเว่น จตุจักร", "7-Eleven Chatuchak", "เขตจตุจักร", "Chatuchak"),
)


def sites() -> list[Site]:
    return [Site(*row, position=i) for i, row in enumerate(SITES)]


def slots(first: date, days: int = DAYS, capacity: int = DEFAULT_CAPACITY) -> list[Slot]:
    out = []
    for site_id, *_ in SITES:
        for n in range(days):
            d = first + timedelta(days=n)
            for hour in SLOT_HOURS:
                out.append(
                    Slot(
                        f"{site_id}-{d:%Y%m%d}-{hour:02d}00",
                        site_id,
                        d.isoformat(),
                        f"{hour:02d}:00",
                        f"{hour + 1:02d}:00",
                        capacity,
                        0,
                    )
                )
    return out


def sites_version() -> str:
    digest = hashlib.sha256(json.dumps(SITES, ensure_ascii=False).encode()).hexdigest()
    return f"bkk-25-{digest[:12]}"


def seed(
    store: SqliteStore,
    keys: ServerKeys,
    now: datetime,
    today: date,
    *,
    capacity: int = DEFAULT_CAPACITY,
) -> bool:
    """Seed the demo data into an empty database; answer whether anything was seeded."""
    if not store.is_empty():
        return False
    store.put_occupations(OCCUPATIONS)
    store.put_sites(sites(), slots(today, capacity=capacity), sites_version())
    store.set_meta("rule_set", DEFAULT_RULE_SET)
    store.put_stores(STORES)
    nonthaburi = demo_person("nonthaburi", today)
    store.put_registry(keys.citizen_key(nonthaburi.card["cid"]), "social-security")
    booked = demo_person("booked", today)
    cid = booked.card["cid"]
    slot = f"{SITES[0][0]}-{today + timedelta(days=1):%Y%m%d}-1000"
    confirmed = now - timedelta(days=1)
    decision = {"rule_set": DEFAULT_RULE_SET, "route": "book", "code": "bangkok-resident"}
    store.book(
        NewBooking(
            booking_id=str(uuid.uuid5(uuid.NAMESPACE_URL, "thairuamjai-demo-booked")),
            citizen_key=keys.citizen_key(cid),
            status="confirmed",
            slot_id=slot,
            channel="web",
            terminal_id="web-demo",
            masked_cid=mask(cid),
            card=booked.card,
            phone="0812345678",
            occupation_code="company-employee",
            occupation_other=None,
            answers={"conditions": [], "works_in_bangkok": None},
            claimed_decision=decision,
            decision=decision,
            fingerprint="demo-seed",
            confirmed_at=confirmed.isoformat(timespec="seconds"),
            announce=False,  # seeded as made yesterday: nothing to tell anyone now
        ),
        now,
    )
    return True
