"""What each slip says (DESIGN §7), checked on the words before they become pixels."""

from __future__ import annotations

import pytest

from printer.content import HOTLINE, MOR_PROM_LINE, REJECTION_REASONS, slip_blocks
from printer.layout import Banner, Beside, Qr, Text
from printer.slip_data import parse_slip
from tests.printer.conftest import KINDS, NOW, slip_json


def texts(blocks) -> list[str]:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Text):
            out.append(block.text.replace("\u00a0", " ").replace("\u2060", ""))
        elif isinstance(block, Banner):
            out += texts(block.lines)
        elif isinstance(block, Beside):
            out += texts(block.right)
    return out


def qr_payloads(blocks) -> list[str]:
    found = []
    for block in blocks:
        if isinstance(block, Qr):
            found.append(block.payload)
        elif isinstance(block, Beside):
            found.append(block.left.payload)
    return found


def words(kind: str, **changes) -> str:
    data = slip_json(kind) | changes
    return "\n".join(texts(slip_blocks(parse_slip(data, now=NOW))))


def test_confirmed_slip_has_everything_design_7_asks_for():
    said = words("confirmed")
    for expected in [
        "ไทยร่วมใจ – กรุงเทพฯ ปลอดภัย",  # programme, Thai first
        "Thai Ruam Jai – Safe Bangkok",
        "จองสำเร็จ",  # status
        "Booking confirmed",
        "TRJ-7K3M-Q9XD",  # reference as text
        "1-1037-XXXXX-XX-8",  # masked citizen ID
        "นายสมชาย ใจดี",
        "Mr. Somchai Jaidee",
        "ศูนย์การค้าเซ็นทรัลพลาซา ลาดพร้าว ชั้น 5",  # site and its address
        "1693 ถนนพหลโยธิน แขวงจตุจักร เขตจตุจักร",
        "1693 Phahonyothin Road, Chatuchak, Chatuchak District",
        "จันทร์ 7 มิ.ย. 2564",  # date, Buddhist Era
        "Monday 7 Jun 2021",  # and Gregorian
        "09:00–10:00 น.",
        "บัตรประจำตัวประชาชนตัวจริง",  # what to bring
        f"โทร {HOTLINE}",  # hotline
        "T-0001 · 7-Eleven สาขาลาดพร้าว 101",  # terminal and store
        "พิมพ์ 28 พ.ค. 2564 10:15 น.",  # printed time
        "Printed 28 May 2021 10:15",
    ]:
        assert expected in said, expected


def test_thai_comes_before_english():
    said = words("confirmed")
    for th, en in [("จองสำเร็จ", "Booking confirmed"), ("นายสมชาย", "Mr. Somchai")]:
        assert said.index(th) < said.index(en)


def test_only_the_reference_is_in_the_qr_code():
    blocks = slip_blocks(parse_slip(slip_json("confirmed"), now=NOW))
    assert qr_payloads(blocks) == ["TRJ-7K3M-Q9XD"]


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "confirmed"])
def test_no_qr_code_without_a_reference(kind):
    assert qr_payloads(slip_blocks(parse_slip(slip_json(kind), now=NOW))) == []


def test_queued_slip_is_provisional_and_points_to_the_sms():
    said = words("queued")
    assert "รอยืนยันการจอง" in said and "Awaiting confirmation" in said
    assert "SMS" in said and "เก็บใบนี้ไว้" in said
    assert "Record no.  5B1E-9A70" in said  # a handle for staff, not a booking reference
    assert "อังคาร 8 มิ.ย. 2564" in said


@pytest.mark.parametrize("code", sorted(REJECTION_REASONS))
def test_rejected_slip_says_why_in_both_languages(code):
    said = words("rejected", code=code)
    th, en = REJECTION_REASONS[code]
    assert th in said and en in said
    assert "จองไม่สำเร็จ" in said


def test_an_unknown_rejection_code_is_still_shown_for_staff():
    assert "code quota-exceeded" in words("rejected", code="quota-exceeded")


def test_hospital_slip_says_how_to_register_with_mor_prom():
    said = words("hospital")
    assert "หมอพร้อม" in said and "Mor Prom" in said
    assert MOR_PROM_LINE in said
    assert "ท่านมีอายุเกิน 59 ปี 10 เดือน" in said  # the decision's own message
    assert "bkk-thairuamjai-2021-05-27 · over-age-limit" in said


def test_await_guidance_slip_asks_to_wait_for_moph():
    said = words("await-guidance")
    assert "กระทรวงสาธารณสุข" in said and "Ministry of Public Health" in said
    assert "Mr. John Smith" in said


def test_ineligible_slip_gives_the_reason():
    said = words("ineligible")
    assert "ไม่สามารถจองผ่านโครงการนี้ได้" in said
    assert "only for people who live or work in Bangkok" in said


@pytest.mark.parametrize("kind", KINDS)
def test_every_slip_shows_only_the_masked_cid(kind):
    data = slip_json(kind)
    said = words(kind)
    assert data["citizen"]["masked_cid"] in said
    assert "XXXXX" in said


def test_a_site_known_only_by_its_id_shows_the_id():
    data = slip_json("confirmed")
    data["site"] = {"id": "bkk-07"}
    said = "\n".join(texts(slip_blocks(parse_slip(data, now=NOW))))
    assert "สถานที่ฉีดวัคซีน  Vaccination site\nbkk-07\n" in said
