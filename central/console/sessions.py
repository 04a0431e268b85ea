"""How long a console session lives, how sign-in failures slow an attacker, and the CSRF token of
a form shown before there is a session. Pure policy: the rows are in the database
(central/store/console.py), so every worker applies the same rules to the same counts.

- A session ends after `IDLE` without a request, and `LIFETIME` after sign-in whatever happens.
- Sign-in failures are counted per sign-in name and per source address. The
  `FREE_PER_NAME`-th failure of a name (`FREE_PER_ADDRESS`-th of an address) locks it for
  `FIRST_LOCK`; each failure after that for twice as long as the one before, up to
  `MAX_LOCK`. A count forgets itself `FORGET_AFTER` after its last failure; a successful
  sign-in clears the name's count (not the address's: one account of the attacker's own
  must not reset it).
- Before a session exists (the sign-in form) the CSRF token is an HMAC, under the console's key
  in the database, of a random value in a pre-session cookie: a signed double-submit token,
  valid in every worker, that a page on another site can neither read nor forge.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

IDLE = timedelta(minutes=30)
LIFETIME = timedelta(hours=12)
#: A session's idle expiry is moved on at most this often (not one write per page view).
TOUCH_EVERY = timedelta(minutes=1)

FREE_PER_NAME = 5
FREE_PER_ADDRESS = 20
FIRST_LOCK = timedelta(seconds=15)
MAX_LOCK = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)

SESSION_COOKIE = "console_session"
PRE_SESSION_COOKIE = "console_pre"
LANG_COOKIE = "console_lang"
COOKIE_PATH = "/console"


def lockout(failures: int, free: int) -> timedelta | None:
    """How long a key is refused after its `failures`-th failure in a row: nothing before the
    `free`-th, then FIRST_LOCK doubling with each failure, at most MAX_LOCK."""
    if failures < free:
        return None
    return min(MAX_LOCK, FIRST_LOCK * 2 ** min(failures - free, 20))


def name_key(name: str) -> str:
    return "user:" + name.strip().casefold()


def address_key(address: str | None) -> str:
    return "ip:" + (address or "unknown")


def pre_session_token(key: str, value: str) -> str:
    """The sign-in form's CSRF token for the pre-session cookie `value`."""
    return hmac.new(key.encode(), b"console-login:" + value.encode(), hashlib.sha256).hexdigest()


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of the console only (never another site: an
    open redirect would let a link to our sign-in page send an operator anywhere)."""
    default = "/console/"
    if not target or not target.startswith("/console") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(ch) < 0x20 for ch in target):
        return default
    rest = target.removeprefix("/console")
    if rest and rest[0] not in "/?":
        return default
    return target
