"""Paper widths and the scale of everything drawn on them.

The print head, not the paper, sets the width: 576 dots (72 mm at 203 dpi) on 80 mm rolls and
384 dots (48 mm) on 58 mm rolls, as in the TM-T20II and POS-5890 printer profiles. The slip is
designed at 80 mm; on 58 mm type and spacing shrink by a fixed factor, but never below what an
older customer can read, so 58 mm slips are longer rather than smaller.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.errors import InputError


@dataclass(frozen=True, slots=True)
class Paper:
    mm: int
    dots: int  # printable width in dots: the image width
    margin: int  # blank dots kept on each side
    factor: float  # type and spacing relative to the 80 mm design
    qr_module: int  # dots per QR module (0.75 mm on 80 mm, 0.625 mm on 58 mm)
    min_column: int  # narrowest text column beside a QR code before they are stacked

    def scale(self, dots: int) -> int:
        return max(1, round(dots * self.factor))


PAPERS: dict[int, Paper] = {
    80: Paper(mm=80, dots=576, margin=8, factor=1.0, qr_module=6, min_column=300),
    58: Paper(mm=58, dots=384, margin=6, factor=0.85, qr_module=5, min_column=300),
}


def paper(mm: int) -> Paper:
    try:
        return PAPERS[int(mm)]
    except (KeyError, ValueError):
        raise InputError(
            f"paper width must be one of {sorted(PAPERS)} mm, got {mm!r}",
            f"ขนาดกระดาษต้องเป็น {' หรือ '.join(str(p) for p in sorted(PAPERS))} มม.",
        ) from None
