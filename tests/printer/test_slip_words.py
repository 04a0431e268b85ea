"""No slip ever breaks a line inside a word: every text of every slip kind, on both papers, at the
width it is printed and at every narrower width down to half of it (the only exception: a single
word wider than the line, cut where a character cluster ends).

The queued slip once wrapped "กรุณาเก็บใบ|นี้ไว้": the dictionary knew ใบ and นี้ but not ใบนี้.
The golden images showed it, but only at the one width where the break fell there; wrapping every
paragraph at every width puts a line end at every place the breaker would ever accept one.

PHRASES is written here from the slips' texts, by a reader, not taken from the breaker's word list
(printer/thai_words.py), so a phrase the dictionary splits fails here until the breaker learns it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest

import printer.layout as layout
from printer.paper import paper
from printer.slip import render_slip
from printer.slip_data import parse_slip
from printer.testslip import render_test_slip
from printer.thai_text import WORD_JOINER, cluster_boundaries, word_boundaries, wrap_text
from tests.printer.conftest import KINDS, NOW, VARIANTS, slip_json

#: Words and phrases on the slips (and in the fixtures' names and places) that must stay whole.
PHRASES = (
    # the slips' own wording
    "ใบนี้", "ใบนัด", "ใบนัดนี้", "ตู้นี้", "เครื่องนี้", "ช่องทางนี้", "โครงการนี้", "ข้อมูลนี้",
    "หมอพร้อม", "ไทยร่วมใจ", "กรุงเทพฯ", "ฉีดวัคซีน", "วัคซีน", "ลงทะเบียน", "ยืนยัน", "กรุณา",
    "สัญชาติ", "บัตรประจำตัวประชาชน", "เลขประจำตัวประชาชน", "กระทรวงสาธารณสุข", "โรงพยาบาล",
    "หน้ากากอนามัย", "ทะเบียนบ้าน", "กรุงเทพมหานคร", "ผู้รับวัคซีน", "ผู้ถือบัตร", "วันนัด",
    "ออฟไลน์", "เพิ่มเติม", "สถานที่", "ชั่วคราว", "เลขที่รายการ", "ตรวจสอบ", "สิทธิ์",
    "พนักงาน", "ประกาศ", "แนวทาง", "ติดตาม", "อสม.",
    # the fixtures' people (names are no dictionary words) and places
    "สมชาย", "ใจดี", "มาลี", "วงศ์ใหญ่", "บุญมี", "ศรีสุข", "ผู้ใหญ่", "ที่ฐูปั๊ม",
    "ลาดพร้าว", "จตุจักร", "พหลโยธิน", "กำแพงเพชร", "เซ็นทรัลพลาซา",
)  # fmt: skip
PAPERS = (58, 80)
Paragraph = tuple[str, float, Callable[[str], float]]


def slips() -> Iterator[tuple[str, Callable[[], object]]]:
    for mm in PAPERS:
        for kind in (*KINDS, *VARIANTS):
            yield (
                f"{kind}-{mm}",
                lambda k=kind, m=mm: render_slip(parse_slip(slip_json(k), now=NOW), paper(m)),
            )
        yield f"test-slip-{mm}", lambda m=mm: render_test_slip(paper(m), "tcp://printer", NOW)


def paragraphs(render: Callable[[], object], monkeypatch) -> list[Paragraph]:
    """Every paragraph the layout wraps while it draws the slip, with its column and measure."""
    seen: list[Paragraph] = []

    def recording(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
        seen.append((text, width, measure))
        return wrap_text(text, width, measure)

    monkeypatch.setattr(layout, "wrap_text", recording)
    render()
    monkeypatch.undo()
    return seen


def breaks(lines: list[str]) -> list[int]:
    at, out = 0, []
    for line in lines[:-1]:
        at += len(line)
        out.append(at)
    return out


def inside_a_phrase(text: str, at: int) -> str | None:
    plain = text.replace(WORD_JOINER, "")
    shift = text[:at].count(WORD_JOINER)
    for phrase in PHRASES:
        for m in re.finditer(re.escape(phrase), plain):
            if m.start() < at - shift < m.end():
                return phrase
    return None


SLIPS = dict(slips())
CHECKED: set[tuple[str, float, object]] = set()


@pytest.mark.parametrize("name", list(SLIPS))
def test_no_slip_line_ends_inside_a_word_at_any_width(name, monkeypatch):
    found = paragraphs(SLIPS[name], monkeypatch)
    assert found, "the slip wraps no text: the recorder is not in the layout's path"
    problems = []
    for text, width, measure in found:
        # the same paragraph in the same font at the same width was checked for another slip
        key = (text, width, getattr(measure, "__self__", measure))
        if key in CHECKED:
            continue
        CHECKED.add(key)
        for paragraph in text.split("\n"):
            allowed = set(word_boundaries(paragraph))
            clusters = set(cluster_boundaries(paragraph))
            for w in range(int(width), int(width / 2), -4):
                start = 0
                for at in breaks(wrap_text(paragraph, w, measure)):
                    phrase = inside_a_phrase(paragraph, at)
                    # a single word wider than the line is cut, at a cluster boundary only
                    forced = at in clusters and not any(start < b < at for b in allowed)
                    if not forced and (phrase or at not in allowed):
                        problems.append(f"{w} dots: {paragraph[:at]}|{paragraph[at:]} ({phrase})")
                    start = at
    assert not problems, "\n".join(dict.fromkeys(problems))


def test_the_check_finds_the_break_the_queued_slip_once_had():
    """The measure above is not blind: the old line end is inside a phrase it knows."""
    text = "บันทึกการจองแล้ว รอยืนยันทาง SMS กรุณาเก็บใบนี้ไว้"
    at = text.index("นี้ไว้")
    assert inside_a_phrase(text, at) == "ใบนี้"
    assert at not in word_boundaries(text)
