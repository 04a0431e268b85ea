"""What every fuzz target shares: the property, the seed corpus and the atheris entry point.

Kept free of the code under test: a target imports what it fuzzes inside
`atheris.instrument_imports()`, and that only instruments modules not imported before it, so
this module imports nothing of ours at the top.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any


class Finding(AssertionError):
    """The property did not hold: raised so that atheris records the input as a crash."""


def refused_or_result(call: Callable[[], Any], *refusals: type[BaseException]) -> Any:
    """Run `call`; a result or a refusal of one of the project's own kinds passes.

    A refusal that is a KioskError must also be a clear one: a code and both languages, since
    that is what reaches the customer or the technician. Anything else propagates and is a crash.
    """
    from kiosk.errors import KioskError

    try:
        return call()
    except KioskError as exc:
        if not (exc.code and exc.th.strip() and exc.en.strip()):
            raise Finding(f"{type(exc).__name__} without a code, Thai and English") from exc
        return exc
    except refusals as exc:
        return exc


NESTED = 0x01


def json_text(data: bytes) -> bytes:
    """The JSON text a target parses. A first byte 0x01 asks for nesting: the next two bytes are
    a depth, the rest is wrapped in that many arrays or objects. Byte mutations cannot reach a
    document nested a thousand deep (no new coverage rewards each extra bracket), and that depth
    is where JSON parsers stop with RecursionError rather than ValueError."""
    if len(data) < 4 or data[0] != NESTED:
        return data
    depth = int.from_bytes(data[1:3], "big") % 5000
    if data[3] % 2:
        return b'{"a":' * depth + data[4:] + b"}" * depth
    return b"[" * depth + data[4:] + b"]" * depth


def toml_text(data: bytes) -> bytes:
    """The TOML text the config target reads; a first byte 0x01 appends a key whose value is
    nested that deep (arrays or inline tables), for the same reason as `json_text`."""
    if len(data) < 4 or data[0] != NESTED:
        return data
    depth = int.from_bytes(data[1:3], "big") % 5000
    opened, closed = (b"{a=", b"}") if data[3] % 2 else (b"[", b"]")
    return data[4:] + b"\nnested = " + opened * depth + closed * depth + b"\n"


def write_seeds(corpus: Path, seeds: Iterable[bytes]) -> int:
    """Put the real inputs into an empty corpus directory (a kept corpus is left alone)."""
    corpus.mkdir(parents=True, exist_ok=True)
    if any(corpus.iterdir()):
        return 0
    n = 0
    for seed in seeds:
        (corpus / f"seed-{hashlib.sha1(seed).hexdigest()[:16]}").write_bytes(seed)
        n += 1
    return n


def main(test_one_input: Callable[[bytes], None], seeds: Callable[[], Iterable[bytes]]) -> None:
    """`python -m fuzz.NAME [libFuzzer flags] [CORPUS_DIR ...]`: the first directory named gets
    the seed corpus when it is empty, then atheris fuzzes (or, given files, runs just those)."""
    import atheris

    dirs = [Path(a) for a in sys.argv[1:] if not a.startswith("-") and not Path(a).is_file()]
    if dirs:
        written = write_seeds(dirs[0], seeds())
        if written:
            print(f"seeded {dirs[0]} with {written} real inputs", file=sys.stderr, flush=True)
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
