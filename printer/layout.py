"""Typesetting: a list of blocks becomes one 1-bit image as wide as the paper's print head.

Pure: fonts in, pixels out; no files written, no clock, no printer. The same blocks and the same
Pillow give the same pixels, which is what lets the golden slips in the tests be compared exactly.

Why an image at all: a thermal printer composes Thai marks only with Thai firmware and the right
code page, which most store printers lack (reference/escpos-thai.md §2). An image prints the same
on every printer that speaks GS v 0.

Why lines are spaced by their ink: a Thai line's height depends on what is on it. A tone mark
over an above-vowel (ที่, ปั๊) climbs well above the font's ascent, and a below-vowel (ผู) drops
under its descent. Each line's baseline is placed so that its highest mark clears the previous
line's lowest one; ordinary lines keep the style's regular pitch.

Text is drawn anti-aliased in greyscale and thresholded once at the end. That keeps the glyph
outlines true (FreeType's monochrome mode distorts thin Thai loops at these sizes) and gives one
knob for stroke weight on a thermal head: `INK_THRESHOLD`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import qrcode
import qrcode.constants
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageOps

from printer.fonts import font
from printer.paper import Paper
from printer.thai_text import wrap_text

Align = Literal["left", "center", "right"]
Icon = Literal["check", "clock", "cross", "info"]

#: Greyscale values below this print black. Above 128 makes strokes a little heavier than the
#: outline, which a 203 dpi thermal head needs for small text to stay legible.
INK_THRESHOLD = 160
WHITE = 255
BLACK = 0


@dataclass(frozen=True, slots=True)
class Style:
    size: int  # pixels (dots) on 80 mm paper; scaled for narrower paper
    bold: bool = False
    #: Least baseline-to-baseline distance inside a paragraph, as a multiple of size. Thai needs
    #: more than Latin: its tone marks and below-vowels reach into the space between lines.
    pitch: float = 1.5
    #: Room kept above the first baseline and below the last, as multiples of size.
    above: float = 0.9
    below: float = 0.25


STYLES: dict[str, Style] = {
    "title": Style(32, bold=True),
    "subtitle": Style(22, pitch=1.2),
    "banner": Style(34, bold=True),
    "banner_en": Style(24, bold=True, pitch=1.2),
    "reference": Style(58, bold=True, pitch=1.1),
    "big": Style(38, bold=True),
    "big_en": Style(28, pitch=1.2),
    "heading": Style(26, bold=True),
    "body": Style(26),
    "body_bold": Style(26, bold=True),
    "en": Style(22, pitch=1.2),
    "label": Style(20),
    "small": Style(20),
}


@dataclass(frozen=True, slots=True)
class Text:
    """A paragraph, wrapped to the column; `fit` shrinks a single line instead of wrapping it."""

    text: str
    style: str = "body"
    align: Align = "left"
    bullet: str = ""
    fit: bool = False


@dataclass(frozen=True, slots=True)
class Gap:
    dots: int  # on 80 mm paper; scaled for narrower paper


@dataclass(frozen=True, slots=True)
class Rule:
    dashed: bool = True


@dataclass(frozen=True, slots=True)
class Banner:
    """White on black: the status, readable at arm's length, with an icon so no shade alone
    carries the meaning (DESIGN §10)."""

    icon: Icon
    lines: tuple[Text, ...]


@dataclass(frozen=True, slots=True)
class Qr:
    """A QR code with its four-module quiet zone (ISO/IEC 18004), which scanners need."""

    payload: str


@dataclass(frozen=True, slots=True)
class Beside:
    """A QR code with text to its right; stacked (QR centred above) when the paper is narrow."""

    left: Qr
    right: tuple[Block, ...] = field(default_factory=tuple)


Block = Text | Gap | Rule | Banner | Qr | Beside


def render(blocks: Sequence[Block], paper: Paper) -> Image.Image:
    """The slip as one mode-"1" image exactly `paper.dots` wide."""
    inner = paper.dots - 2 * paper.margin
    body = _stack([_block(b, inner, paper) for b in blocks])
    canvas = Image.new("L", (paper.dots, body.height), WHITE)
    canvas.paste(body, (paper.margin, 0))
    return canvas.point(lambda v: WHITE if v >= INK_THRESHOLD else BLACK, mode="1")


def _block(block: Block, width: int, paper: Paper) -> Image.Image:
    match block:
        case Text():
            return _text(block, width, paper)
        case Gap(dots):
            return Image.new("L", (width, paper.scale(dots)), WHITE)
        case Rule(dashed):
            return _rule(width, paper, dashed=dashed)
        case Banner():
            return _banner(block, width, paper)
        case Qr(payload):
            return _centred(_qr(payload, paper), width)
        case Beside():
            return _beside(block, width, paper)
    raise TypeError(f"not a slip block: {block!r}")


def style_font(name: str, paper: Paper, *, size: int | None = None) -> ImageFont.FreeTypeFont:
    style = STYLES[name]
    return font(size or paper.scale(style.size), bold=style.bold)


def _text(block: Text, width: int, paper: Paper) -> Image.Image:
    style = STYLES[block.style]
    size = paper.scale(style.size)
    f = font(size, bold=style.bold)
    bullet_w = round(f.getlength(block.bullet + " ")) if block.bullet else 0
    column = width - bullet_w
    if block.fit:
        while size > 8 and f.getlength(block.text) > column:
            size -= 1
            f = font(size, bold=style.bold)
        lines = [block.text]
    else:
        lines = wrap_text(block.text, column, f.getlength)
    strips = []
    for i, line in enumerate(lines):
        shown = line.rstrip()
        x = bullet_w + _x(block.align, column, f.getlength(shown))
        strips.append(_line(shown, x, f, width, block.bullet if i == 0 else ""))
    # Baselines: the style's pitch, or more where this line's marks would come within `gap` of
    # the ink of the line above in the same columns. The block's box reaches the style's
    # nominal ascent and descent, or the ink if it goes further, so blocks keep an even rhythm.
    pitch = round(size * style.pitch)
    gap = max(2, size // 6)
    above, below = round(size * style.above), round(size * style.below)
    baselines = [max(above, -strips[0].top + 1)]
    for prev, cur in itertools.pairwise(strips):
        baselines.append(baselines[-1] + max(pitch, _clearance(prev, cur) + gap))
    height = baselines[-1] + max(below, strips[-1].bottom + 1)
    img = Image.new("L", (width, height), WHITE)
    for strip, baseline in zip(strips, baselines, strict=True):
        box = (0, baseline - strip.baseline)
        region = (0, box[1], width, box[1] + strip.image.height)
        img.paste(ImageChops.darker(img.crop(region), strip.image), box)
    return img


#: Width in dots of the column bins in which line ink is compared (see `_clearance`).
_BIN = 4


@dataclass(frozen=True, slots=True)
class _Strip:
    """One line drawn on its own, with the ink extents of each column bin around its baseline."""

    image: Image.Image
    baseline: int
    top: int  # highest ink, relative to the baseline (negative is above)
    bottom: int  # lowest ink, relative to the baseline
    tops: tuple[int | None, ...]
    bottoms: tuple[int | None, ...]


def _line(text: str, x: float, f: ImageFont.FreeTypeFont, width: int, bullet: str) -> _Strip:
    size = round(f.size)
    baseline = round(size * 1.5)  # room for a tone mark stacked on an above-vowel
    img = Image.new("L", (width, baseline + size), WHITE)
    draw = ImageDraw.Draw(img)
    if bullet:
        draw.text((0, baseline), bullet, font=f, fill=BLACK, anchor="ls")
    draw.text((x, baseline), text, font=f, fill=BLACK, anchor="ls")
    ink = ImageOps.invert(img)
    tops: list[int | None] = []
    bottoms: list[int | None] = []
    for left in range(0, width, _BIN):
        box = ink.crop((left, 0, min(left + _BIN, width), img.height)).getbbox()
        tops.append(None if box is None else box[1] - baseline)
        bottoms.append(None if box is None else box[3] - 1 - baseline)
    whole = ink.getbbox()
    if whole is None:
        top, bottom = -size // 2, 0
    else:
        top, bottom = whole[1] - baseline, whole[3] - 1 - baseline
    return _Strip(img, baseline, top, bottom, tuple(tops), tuple(bottoms))


def _clearance(prev: _Strip, cur: _Strip) -> int:
    """The least baseline distance at which no ink of `cur` lies on or above ink of `prev` in
    the same or a neighbouring column bin."""
    need = 0
    n = len(cur.tops)
    for i, top in enumerate(cur.tops):
        if top is None:
            continue
        for j in (i - 1, i, i + 1):
            bottom = prev.bottoms[j] if 0 <= j < n else None
            if bottom is not None:
                need = max(need, bottom - top + 1)
    return need


def _x(align: Align, column: int, length: float) -> float:
    if align == "center":
        return max(0, round((column - length) / 2))
    if align == "right":
        return max(0, round(column - length))
    return 0


def _rule(width: int, paper: Paper, *, dashed: bool) -> Image.Image:
    thick = max(2, paper.scale(3))
    pad = paper.scale(6)
    img = Image.new("L", (width, pad * 2 + thick), WHITE)
    draw = ImageDraw.Draw(img)
    dash, space = (paper.scale(12), paper.scale(8)) if dashed else (width, 0)
    x = 0
    while x < width:
        draw.rectangle((x, pad, min(x + dash, width) - 1, pad + thick - 1), fill=BLACK)
        x += dash + space
    return img


def _banner(block: Banner, width: int, paper: Paper) -> Image.Image:
    pad = paper.scale(8)
    icon_size = paper.scale(52)
    text_w = width - 3 * pad - icon_size
    text = _stack([_text(line, text_w, paper) for line in block.lines])
    height = max(text.height, icon_size) + 2 * pad
    img = Image.new("L", (width, height), BLACK)
    inverted = text.point(lambda v: WHITE - v)
    img.paste(inverted, (2 * pad + icon_size, (height - text.height) // 2))
    _icon(img, block.icon, (pad, (height - icon_size) // 2), icon_size)
    return img


def _icon(img: Image.Image, icon: Icon, at: tuple[int, int], size: int) -> None:
    """Simple shapes, drawn white on the banner: the font has no such symbols."""
    draw = ImageDraw.Draw(img)
    x, y = at
    s = size
    w = max(3, s // 9)
    if icon != "check":
        draw.ellipse((x, y, x + s - 1, y + s - 1), outline=WHITE, width=w)
    if icon == "check":
        draw.line(
            [
                (x + s * 0.10, y + s * 0.55),
                (x + s * 0.40, y + s * 0.85),
                (x + s * 0.92, y + s * 0.18),
            ],
            fill=WHITE,
            width=w + 2,
            joint="curve",
        )
    elif icon == "clock":
        c = (x + s / 2, y + s / 2)
        draw.line([c, (c[0], y + s * 0.2)], fill=WHITE, width=w)
        draw.line([c, (x + s * 0.72, y + s * 0.62)], fill=WHITE, width=w)
    elif icon == "cross":
        a, b = s * 0.3, s * 0.7
        draw.line([(x + a, y + a), (x + b, y + b)], fill=WHITE, width=w)
        draw.line([(x + b, y + a), (x + a, y + b)], fill=WHITE, width=w)
    elif icon == "info":
        r = max(2, s // 14)
        cx = x + s / 2
        draw.ellipse((cx - r, y + s * 0.2 - r, cx + r, y + s * 0.2 + r), fill=WHITE)
        draw.rectangle((cx - w / 2, y + s * 0.38, cx + w / 2, y + s * 0.78), fill=WHITE)


def _qr(payload: str, paper: Paper) -> Image.Image:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=4)
    code.add_data(payload)
    code.make(fit=True)
    matrix = code.get_matrix()
    n = len(matrix)
    img = Image.new("L", (n, n), WHITE)
    img.putdata([BLACK if cell else WHITE for row in matrix for cell in row])
    return img.resize((n * paper.qr_module, n * paper.qr_module), Image.Resampling.NEAREST)


def _beside(block: Beside, width: int, paper: Paper) -> Image.Image:
    qr = _qr(block.left.payload, paper)
    right_w = width - qr.width - paper.scale(8)
    if right_w < paper.min_column:
        return _stack([_centred(qr, width), *(_block(b, width, paper) for b in block.right)])
    right = _stack([_block(b, right_w, paper) for b in block.right])
    height = max(qr.height, right.height)
    img = Image.new("L", (width, height), WHITE)
    img.paste(qr, (0, (height - qr.height) // 2))
    img.paste(right, (width - right_w, (height - right.height) // 2))
    return img


def _centred(img: Image.Image, width: int) -> Image.Image:
    out = Image.new("L", (width, img.height), WHITE)
    out.paste(img, ((width - img.width) // 2, 0))
    return out


def _stack(parts: Sequence[Image.Image], gap: int = 0) -> Image.Image:
    width = max((p.width for p in parts), default=0)
    height = sum(p.height for p in parts) + gap * max(len(parts) - 1, 0)
    out = Image.new("L", (width, max(height, 1)), WHITE)
    y = 0
    for p in parts:
        out.paste(p, (0, y))
        y += p.height + gap
    return out
