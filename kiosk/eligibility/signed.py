"""Rule sets from the central: verify, then validate, then use; otherwise keep the last good one.

A rule set decides who is sent away from a vaccination, so a terminal uses only rule sets signed
with the central's rule-signing key (Ed25519, `kiosk.signing`). Anything else (a bad signature, a
format this terminal does not understand, an unknown predicate) is refused with a clear error and
the terminal carries on with the last valid set it had, bundled or downloaded.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from cryptography.hazmat.primitives.asymmetric import ed25519

from kiosk import signing
from kiosk.eligibility.predicates import RuleSetError
from kiosk.eligibility.ruleset import RuleSet
from kiosk.errors import KioskError

log = logging.getLogger(__name__)

Keys = Mapping[str, ed25519.Ed25519PublicKey] | ed25519.Ed25519PublicKey


def load_signed(envelope: object, keys: Keys) -> RuleSet:
    """The rule set inside a signed envelope, or SignatureError / RuleSetError."""
    return RuleSet.from_json(signing.verify(envelope, keys))


class RuleSetKeeper:
    """Holds the rule set in use; replaces it only with a verified, valid set that is not an
    older version of the same rule set. Another id is the central's deliberate switch."""

    def __init__(self, current: RuleSet, keys: Keys) -> None:
        self.current = current
        self._keys = keys
        self.last_error: KioskError | None = None

    def offer(self, envelope: object) -> bool:
        """Try an update from the central; True if it is now in use. Never raises for bad input."""
        try:
            candidate = load_signed(envelope, self._keys)
        except (signing.SignatureError, RuleSetError) as exc:
            self.last_error = exc
            log.warning("refused a rule set update: %s", exc.en)
            return False
        if candidate.id == self.current.id and candidate.version < self.current.version:
            self.last_error = RuleSetError(
                "version", f"version {candidate.version} is older than {self.current.version}"
            )
            log.warning("refused an older version of rule set %s", candidate.id)
            return False
        self.current, self.last_error = candidate, None
        return True
