"""Line breaking for Thai (and the English beneath it) on a slip of fixed width.

Thai is written without spaces between words, so breaking "where there is a space" would put a
whole address on one overlong line, and breaking "anywhere" would strand a tone mark at the start
of a line, where it prints on nothing. Two rules, in order:

1. Never break inside a character cluster: a consonant keeps its vowels and tone marks
   (U+0E31, U+0E34-U+0E3A, U+0E47-U+0E4E) and its following vowels (ะ า ำ ๅ) and repetition
   marks (ๆ ฯ); a leading vowel (เ แ โ ใ ไ) stays with the consonant after it.
2. Prefer word boundaries: PyThaiNLP's `newmm` (dictionary maximal matching over Thai Character
   Clusters, bundled dictionary, no network) proposes them; we accept a boundary between two
   Thai letters, after a space, or where Thai meets Latin or digits. So `พ.ค.` and `Mr.` stay
   whole. Only a single word wider than the line is broken inside, at a cluster boundary.
   The dictionary is newmm's plus the slips' own words, and a demonstrative (นี้) never starts a
   line (printer/thai_words.py says why: "ใบ|นี้" was once broken there).

The measure of a line is the caller's (`measure(text) -> width`), so this module is pure and the
layout passes Pillow's raqm-shaped width: shaping makes the width of a line differ from the sum
of its words.

PyThaiNLP is told to stay read-only and offline before it is imported: the kiosk user's home may
be read-only, and a terminal must never fetch a corpus at run time. newmm loads its dictionary on
first use (about half a second); `warm_up()` does that at start-up.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from functools import lru_cache

from printer.thai_words import DEMONSTRATIVES, EXTRA_WORDS

#: Above and below vowels and tone marks: they have no width of their own and sit on the consonant
#: before them.
COMBINING = frozenset(chr(c) for c in (0x0E31, *range(0x0E34, 0x0E3B), *range(0x0E47, 0x0E4F)))
#: Following vowels and marks that may not start a line.
_FOLLOWING = frozenset("ะาำๅๆฯ")
#: Leading vowels, written before the consonant they are pronounced after: never end a line.
_LEADING = frozenset("เแโใไ")
#: Latin punctuation that belongs to the word before it.
_CLOSING = frozenset(".,;:!?)]}%'\"")
_OPENING = frozenset("([{'\"")

Measure = Callable[[str], float]


#: Spaces a line may break after. A no-break space (U+00A0) joins what must stay together, such as
#: the parts of a date; the content uses it, so it must not count as a space here.
BREAKING_SPACES = frozenset(" \t")
#: Invisible, and forbids a break where it stands (UAX #14): binds "เขต" to the district's name,
#: which the dictionary would otherwise treat as two words.
WORD_JOINER = "\u2060"
_BINDING = frozenset({"\u00a0", WORD_JOINER})
#: A last line holding a single word no longer than this is pulled together with the word before
#: it ("ชั้น 5", "สาขาลาดพร้าว 101"), so a slip never ends a paragraph on a stray number.
WIDOW_CHARS = 5


def is_thai_letter(ch: str) -> bool:
    return "\u0e01" <= ch <= "\u0e4f"


def _cluster_break_ok(text: str, i: int) -> bool:
    """May a line end between text[i-1] and text[i] without tearing a character cluster?"""
    before, after = text[i - 1], text[i]
    return not (after in COMBINING or after in _FOLLOWING or before in _LEADING)


def _word_break_ok(text: str, i: int) -> bool:
    """May a line end at this word boundary (from the tokenizer) at position i?"""
    if not _cluster_break_ok(text, i):
        return False
    before, after = text[i - 1], text[i]
    if after in BREAKING_SPACES or after in _BINDING or before in _BINDING:
        return False  # spaces stay at the end of the line they follow; no-break spaces bind
    if before in BREAKING_SPACES:
        return True
    if after in _CLOSING or before in _OPENING:
        return False
    thai_before, thai_after = is_thai_letter(before), is_thai_letter(after)
    if thai_before and thai_after:
        return True
    # where Thai meets Latin letters or digits: "สาขาลาดพร้าว101" may break before "101"
    return thai_before != thai_after and (before.isalnum() and after.isalnum())


@lru_cache(maxsize=1)
def _tokenizer() -> Callable[[str], list[str]]:
    os.environ.setdefault("PYTHAINLP_READ_ONLY", "1")
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    # after the settings above
    from pythainlp.corpus import thai_words  # noqa: PLC0415
    from pythainlp.tokenize import word_tokenize  # noqa: PLC0415
    from pythainlp.util import dict_trie  # noqa: PLC0415

    words = dict_trie(set(thai_words()) | EXTRA_WORDS)

    def tokenize(text: str) -> list[str]:
        return word_tokenize(text, custom_dict=words, engine="newmm", keep_whitespace=True)

    return tokenize


def warm_up() -> None:
    """Load the word dictionary now rather than while a customer waits for a slip."""
    _tokenizer()("ทดสอบ")


def word_boundaries(text: str) -> list[int]:
    """Positions where a line may end, by the rules above (0 < i < len(text), ascending)."""
    return list(_word_boundaries(text))


@lru_cache(maxsize=512)
def _word_boundaries(text: str) -> tuple[int, ...]:
    """Cached: a slip's texts come back for every slip, and tokenizing is the slow part."""
    if not text:
        return ()
    tokens = _tokenizer()(text)
    if "".join(tokens) != text:  # a tokenizer that changed the text cannot be trusted here
        candidates: Iterator[int] = iter(range(1, len(text)))
    else:
        candidates = _offsets(tokens)
    return tuple(i for i in candidates if 0 < i < len(text) and _word_break_ok(text, i))


def _offsets(tokens: list[str]) -> Iterator[int]:
    """Token ends, except before a demonstrative (it belongs to the word before it)."""
    at = 0
    for token, after in itertools.pairwise(tokens):
        at += len(token)
        if after in DEMONSTRATIVES and is_thai_letter(token[-1]):
            continue
        # the tokenizer keeps a run of spaces as one token; a break may follow it
        yield at


def bind_words(text: str) -> str:
    """Forbid every break but those at spaces, by word joiners between its Thai words.

    For a person's name: "สมชาย" is no dictionary word (newmm reads สม + ชาย), and a name must
    not be split across lines. The joiners go between words only, never between a consonant
    and its marks, so shaping is untouched.
    """
    tokens = _tokenizer()(text) if text else []
    if "".join(tokens) != text:
        return text
    out = tokens[:1]
    for token in tokens[1:]:
        if is_thai_letter(out[-1][-1]) and is_thai_letter(token[0]):
            out.append(WORD_JOINER)
        out.append(token)
    return "".join(out)


def cluster_boundaries(text: str) -> list[int]:
    """Every position where a line may end without tearing a character cluster."""
    return [i for i in range(1, len(text)) if _cluster_break_ok(text, i)]


def wrap(text: str, width: float, measure: Measure) -> list[str]:
    """Break one paragraph (no newlines) into lines no wider than `width`.

    ``"".join(wrap(text, ...)) == text``: nothing is dropped or reordered; a line may end in the
    spaces it broke at (they are invisible; measure and draw `line.rstrip()`). Only a single
    character cluster wider than `width` can overflow, alone on its line.
    """
    if "\n" in text:
        raise ValueError("wrap() takes one paragraph; split on newlines first")
    if not text:
        return [""]
    fits = lambda start, end: measure(text[start:end].rstrip()) <= width  # noqa: E731
    if fits(0, len(text)):
        return [text]
    breaks = [*word_boundaries(text), len(text)]
    lines: list[str] = []
    start = 0
    last_fit = None
    i = 0
    while i < len(breaks):
        end = breaks[i]
        if end <= start:
            i += 1
            continue
        if fits(start, end):
            last_fit = end
            i += 1
            continue
        if last_fit is not None:
            lines.append(text[start:last_fit])
            start, last_fit = last_fit, None
            continue  # measure the same break again from the new line start
        # one word is wider than the line: cut it at cluster boundaries
        cut = _longest_cluster_prefix(text, start, end, fits)
        lines.append(text[start:cut])
        start = cut
    if start < len(text):
        lines.append(text[start:])
    return _avoid_widow(text, lines, breaks, fits)


def _avoid_widow(
    text: str, lines: list[str], breaks: list[int], fits: Callable[[int, int], bool]
) -> list[str]:
    """Move the last break one word earlier if the last line is a lone short word."""
    if len(lines) < 2 or len(lines[-1].strip()) > WIDOW_CHARS:
        return lines
    last_start = len(text) - len(lines[-1])
    prev_start = last_start - len(lines[-2])
    if any(prev_start < b < len(text) and b > last_start for b in breaks[:-1]):
        return lines  # the last line has a break in it: it is not a single word
    earlier = [b for b in breaks if prev_start < b < last_start]
    if not earlier or not fits(earlier[-1], len(text)):
        return lines
    cut = earlier[-1]
    return [*lines[:-2], text[prev_start:cut], text[cut:]]


def _longest_cluster_prefix(
    text: str, start: int, end: int, fits: Callable[[int, int], bool]
) -> int:
    """The furthest cluster boundary in (start, end) such that text[start:cut] fits.

    If not even the first cluster fits, that cluster goes alone: a line must make progress.
    """
    cuts = [c for c in cluster_boundaries(text) if start < c < end]
    best = None
    for c in cuts:
        if fits(start, c):
            best = c
        else:
            break
    if best is not None:
        return best
    return cuts[0] if cuts else end


def wrap_text(text: str, width: float, measure: Measure) -> list[str]:
    """`wrap` for text that may hold newlines: each paragraph starts a new line."""
    return [line for paragraph in text.split("\n") for line in wrap(paragraph, width, measure)]
