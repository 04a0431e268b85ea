"""The SMS text: every template measured at the longest real site name and date."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from central.demo_data import SITES
from central.notify import messages
from central.notify.messages import SEGMENT, TEMPLATES, Subject, text, ucs2_length

REFERENCE = "TRJ-7K3M-Q9X4"
#: The longest date as the message writes it ("30 มิ.ย.", "30 ม.ค." are shorter than "30 พ.ย."?
#: measured below over every month) and a start time.
LONGEST_SITE = max((s[1] for s in SITES), key=len)


def _longest_dates() -> list[str]:
    return [f"2021-{m:02d}-28" for m in range(1, 13)]


def measure() -> dict[str, int]:
    """Each template's length at its worst: every real site name (the longest among them),
    every month."""
    worst: dict[str, int] = {}
    for event in TEMPLATES:
        for site in (s[1] for s in SITES):
            for day in _longest_dates():
                n = ucs2_length(text(event, Subject(REFERENCE, site, day, "15:00")))
                worst[event] = max(worst.get(event, 0), n)
    return worst


def test_every_template_fits_one_segment_at_the_longest_real_site_name():
    worst = measure()
    print("\nlongest SMS per template over the real site names:", worst)
    over = {event: n for event, n in worst.items() if n > SEGMENT}
    assert over == {}, f"templates over {SEGMENT} UCS-2 characters: {over}"


def test_unshortened_lengths_say_which_templates_needed_the_site_name_shortened():
    """Without shortening, which templates would take two segments (reported, and kept
    honest: shortening must have been needed for exactly these)."""
    needed = []
    for event, template in TEMPLATES.items():
        full = template.format(ref=REFERENCE, site=LONGEST_SITE, when="28 พ.ย. 15:00")
        if ucs2_length(" ".join(full.split())) > SEGMENT:
            needed.append(event)
            shortened = text(event, Subject(REFERENCE, LONGEST_SITE, "2021-11-28", "15:00"))
            assert "…" in shortened
    print("\ntemplates whose site name is shortened for the longest site:", needed)


def test_a_message_names_the_reference_site_date_and_time():
    sms = text("confirmed", Subject(REFERENCE, "เซ็นทรัลพลาซา ลาดพร้าว", "2021-06-02", "09:00"))
    assert sms == "ยืนยันการจอง TRJ-7K3M-Q9X4 เซ็นทรัลพลาซา ลาดพร้าว 2 มิ.ย. 09:00"
    refused = text("refused", Subject(None, "เอสซีจี บางซื่อ", "2021-06-02", "11:00"))
    assert refused == "จองไม่สำเร็จ เอสซีจี บางซื่อ 2 มิ.ย. 11:00 กรุณาจองใหม่"


def test_a_site_name_too_long_to_shorten_takes_two_segments_rather_than_losing_the_site():
    site = "ศูนย์ฉีดวัคซีนกลางบางซื่อ สถานีกลางกรุงเทพอภิวัฒน์ อาคารจอดรถ"
    sms = text("verified", Subject(REFERENCE, site, "2021-11-28", "15:00"))
    assert REFERENCE in sms and "28 พ.ย. 15:00" in sms
    shortened = sms.split(REFERENCE)[1].split("28 พ.ย.")[0].strip()
    assert len(shortened) >= messages.MIN_SITE


thai_names = st.text(
    alphabet=st.sampled_from("กขคงจฉชซญดตถทนบปผพฟมยรลวศสหอฮะาำเแโใไ่้๊๋ัิีึืุู็์ "),
    min_size=1,
    max_size=60,
)


@given(name=thai_names, length=st.integers(min_value=2, max_value=60))
def test_shortening_never_exceeds_the_room_nor_orphans_a_mark(name, length):
    short = messages._shorten(name, length)
    assert len(short) <= max(length, 2)
    if short != name:
        assert short.endswith("…")
        body = short[:-1]
        assert name.startswith(body)
        cut = len(body.rstrip()) if body.strip() else len(body)
        rest = name[len(body) :]
        # the next character of the name is not a mark belonging to the kept text's last letter
        assert not rest or unicodedata.category(rest[0]) != "Mn" or cut <= 1
        assert not body or body[-1] not in "เแโใไ" or len(body) <= 1
