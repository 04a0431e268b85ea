"""The error every part of the kiosk raises when a person has to be told something.

A customer at the counter reads Thai first; the clerk or technician may read English; a log or a
support ticket needs a stable code to search for. So every error the kiosk shows carries all three,
and the command line prints both languages and exits with the error's own status. Nothing that
reaches a person is a bare traceback.

Messages never contain a full citizen ID, a name or a phone number: they end up in logs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO


class KioskError(Exception):
    """Base of every error meant for a person rather than a developer."""

    #: Stable, searchable identifier (kebab-case), also used by the UI to pick an icon.
    code: str = "kiosk-error"
    #: Process exit status for the command line. 1 is generic, 2 is reserved for usage errors.
    exit_status: int = 1

    def __init__(self, th: str, en: str, **details: object) -> None:
        super().__init__(en)
        self.th = th
        self.en = en
        self.details = details

    def message(self, lang: str = "en") -> str:
        return self.th if lang == "th" else self.en

    def bilingual(self) -> str:
        """Both languages, Thai first, as the command line and the slip show them."""
        return f"{self.th}\n{self.en}"

    def lines(self, kind: str = "error") -> str:
        """How a command prints it: the code on each line, Thai first."""
        return f"{kind} [{self.code}]: {self.th}\n{kind} [{self.code}]: {self.en}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, en={self.en!r})"


class InputError(KioskError):
    """A file or value given on the command line cannot be used."""

    code = "bad-input"
    exit_status = 2

    def __init__(self, en: str, th: str = "ข้อมูลที่ระบุไม่ถูกต้อง") -> None:
        super().__init__(th, en)


EXIT_UNEXPECTED = 70


def run_reporting(call: Callable[[], int | None], *, debug: bool, stream: TextIO) -> int:
    """Run a command's handler the way every command of ours ends: a KioskError becomes its
    bilingual lines and exit status, an interrupt 130, anything else one bilingual line (and
    its traceback only when `debug` asks), never a bare traceback for a user."""
    try:
        return int(call() or 0)
    except KioskError as exc:
        print(exc.lines(), file=stream)
        return exc.exit_status
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if debug:
            raise
        name = type(exc).__name__
        print(
            f"error [unexpected]: เกิดข้อผิดพลาดที่ไม่คาดคิด ({name}) กรุณาแจ้งเจ้าหน้าที่เทคนิค\n"
            f"error [unexpected]: unexpected {name}; run again with --debug and report it "
            "to a technician",
            file=stream,
        )
        return EXIT_UNEXPECTED
