"""The technician's test slip: does this printer, on this paper, print what the kiosk needs?

It exercises exactly what a real slip depends on: Thai marks stacked and below the line (the
cases Pillow gets wrong without raqm), word wrapping of a long Thai paragraph, large type, a QR
code that a phone must read, and a millimetre ruler across the full printable width, so a
technician can see at a glance whether the paper width setting matches the printer.
"""

from __future__ import annotations

from datetime import datetime

from PIL import Image, ImageDraw

from kiosk import dates
from printer.layout import WHITE, Banner, Gap, Qr, Rule, Text, render
from printer.paper import Paper

#: Marks above and below, stacked marks, and consonants whose shape changes under a vowel.
THAI_MARKS = "ที่ ผู้ ฐู ญุ ปั๊ม ฟ้ำ ก็ ฝั่ง ศึกษา ฤๅ น้ำ"
WRAP_SAMPLE = (
    "กรุณานำบัตรประจำตัวประชาชนตัวจริงมาแสดงต่อเจ้าหน้าที่ในวันนัดฉีดวัคซีนโควิด-19 "
    "ณ ศูนย์ฉีดวัคซีนนอกโรงพยาบาลของกรุงเทพมหานคร"
)
TEST_QR = "TRJ-TEST-0000"


def render_test_slip(paper: Paper, where: str, now: datetime, before: str = "") -> Image.Image:
    """The test slip image for `paper`; `before` is the printer status read before printing."""
    stamp = now.astimezone(dates.BANGKOK)
    blocks = [
        Text("ทดสอบเครื่องพิมพ์", "title", "center"),
        Text("Printer test", "subtitle", "center"),
        Gap(6),
        Banner("check", (Text("ภาษาไทย", "banner"), Text("Thai text", "banner_en"))),
        Gap(6),
        Text(THAI_MARKS, "big"),
        Text(THAI_MARKS, "body"),
        Text(WRAP_SAMPLE, "body"),
        Rule(),
        Text(TEST_QR, "reference", "center", fit=True),
        Qr(TEST_QR),
        Rule(dashed=False),
        Text(f"กระดาษ {paper.mm} มม. · {paper.dots} จุด", "body"),
        Text(f"Paper {paper.mm} mm, {paper.dots} dots; the ruler marks every mm", "en"),
        Text(where, "small"),
        Text(f"{dates.thai(stamp.date())} {stamp:%H:%M:%S}", "small"),
    ]
    if before:
        blocks.append(Text(f"Status before printing: {before}", "small"))
    blocks.append(Gap(10))
    slip = render(blocks, paper)
    ruler = _ruler(paper.dots)
    out = Image.new("1", (paper.dots, slip.height + ruler.height), 1)
    out.paste(slip, (0, 0))
    out.paste(ruler, (0, slip.height))
    return out


def _ruler(width: int) -> Image.Image:
    """Ticks every 8 dots (1 mm at 203 dpi), longer every 80, touching both edges."""
    img = Image.new("L", (width, 40), WHITE)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, width - 1, 3), fill=0)
    for x in range(0, width, 8):
        draw.line([(x, 0), (x, 30 if x % 80 == 0 else 14)], fill=0, width=2)
    draw.line([(width - 2, 0), (width - 2, 30)], fill=0, width=2)
    return img.convert("1", dither=Image.Dither.NONE)
