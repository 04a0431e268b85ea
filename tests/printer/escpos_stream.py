"""Reading ESC/POS bytes back, the way a printer does, for the tests and the fake printers.

A printer does not scan for patterns: it reads a command, and the command says how many bytes of
data follow. So does this parser. That matters because raster data may contain any byte, for
instance 10 04 01, which a pattern search would take for a status query.

Only the commands the slip uses (and the one it must never use) are known; any other byte is a
token of its own, so a stray byte shows up in a test instead of being skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image

ESC, GS, DLE = 0x1B, 0x1D, 0x10


@dataclass(frozen=True)
class Token:
    name: str  # "ESC @", "ESC d", "GS V", "GS v 0", "GS ( L", "DLE EOT", "byte"
    raw: bytes
    args: tuple[int, ...] = ()
    data: bytes = b""


def next_token(buf: bytes, i: int) -> tuple[Token, int] | None:
    """The command starting at buf[i] and where the next begins; None if it is not all there."""

    def need(n: int) -> bool:
        return len(buf) - i >= n

    b = buf[i]
    if b == ESC and need(2):
        if buf[i + 1] == ord("@"):
            return Token("ESC @", buf[i : i + 2]), i + 2
        if buf[i + 1] == ord("d"):
            if not need(3):
                return None
            return Token("ESC d", buf[i : i + 3], (buf[i + 2],)), i + 3
    if b == GS and need(2):
        c = buf[i + 1]
        if c == ord("V"):
            if not need(3):
                return None
            m = buf[i + 2]
            end = i + 4 if m in (65, 66) else i + 3
            if len(buf) < end:
                return None
            return Token("GS V", buf[i:end], tuple(buf[i + 2 : end])), end
        if c == ord("v"):
            if not need(8):
                return None
            m, xl, xh, yl, yh = buf[i + 3 : i + 8]
            xbytes, height = xl + 256 * xh, yl + 256 * yh
            end = i + 8 + xbytes * height
            if len(buf) < end:
                return None
            return Token("GS v 0", buf[i:end], (m, xbytes, height), buf[i + 8 : end]), end
        if c == ord("("):
            if not need(5):
                return None
            end = i + 5 + buf[i + 3] + 256 * buf[i + 4]
            if len(buf) < end:
                return None
            return Token(f"GS ( {chr(buf[i + 2])}", buf[i:end]), end
    if b == DLE and need(2) and buf[i + 1] == 0x04:
        if not need(3):
            return None
        return Token("DLE EOT", buf[i : i + 3], (buf[i + 2],)), i + 3
    if b in (ESC, GS, DLE) and not need(3):
        return None  # could be the start of a command still on its way
    return Token("byte", buf[i : i + 1], (b,)), i + 1


def tokens(stream: bytes) -> list[Token]:
    out, i = [], 0
    while i < len(stream):
        found = next_token(stream, i)
        if found is None:
            out.append(Token("byte", stream[i : i + 1], (stream[i],)))
            i += 1
            continue
        token, i = found
        out.append(token)
    return out


@dataclass
class Job:
    tokens: list[Token] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.tokens]

    def image(self) -> Image.Image:
        """The GS v 0 fragments, rebuilt and stacked as the printer prints them."""
        fragments = []
        for t in self.tokens:
            if t.name == "GS v 0":
                m, xbytes, height = t.args
                assert m == 0, f"GS v 0 mode {m}: not normal density"
                fragments.append(Image.frombytes("1", (xbytes * 8, height), t.data, "raw", "1;I"))
        assert fragments, "no GS v 0 raster in the job"
        width = fragments[0].width
        assert all(f.width == width for f in fragments)
        out = Image.new("1", (width, sum(f.height for f in fragments)), 1)
        y = 0
        for f in fragments:
            out.paste(f, (0, y))
            y += f.height
        return out


def decode(stream: bytes) -> Job:
    return Job(tokens(stream))


def same_pixels(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and a.convert("1").tobytes() == b.convert("1").tobytes()
