"""Is the card service running, and is the configured reader there? (`kiosk doctor`)"""

from __future__ import annotations

from kiosk.card import errors as E
from kiosk.card.pcsc import PcscContext
from kiosk.health import Check, fail, ok, warn


def reader_check(name: str | None) -> Check:
    try:
        with PcscContext() as ctx:
            readers = ctx.readers()
    except E.PcscUnavailable:
        return fail(
            "card reader",
            "the card service (pcscd) is not running",
            "start it: systemctl start pcscd (or run scripts/services)",
        )
    except E.CardError as exc:
        return fail("card reader", exc.en, "check the reader's cable, then restart pcscd")
    if not readers:
        return fail(
            "card reader",
            "pcscd runs but sees no reader",
            "plug the reader in (USB); if it is plugged in, try another port",
        )
    if name:
        matches = [r for r in readers if name.lower() in r.lower()]
        if not matches:
            return fail(
                "card reader",
                f"configured reader {name!r} not found; present: {', '.join(readers)}",
                "fix [reader] name in the config, or plug it in",
            )
        return ok("card reader", f"{matches[0]} (pcscd running)")
    if len(readers) > 1:
        return warn(
            "card reader",
            f"{len(readers)} readers: {', '.join(readers)}",
            "set [reader] name so the kiosk never reads a card from the wrong one",
        )
    return ok("card reader", f"{readers[0]} (pcscd running)")
