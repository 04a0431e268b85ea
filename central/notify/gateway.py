"""The one seam to an SMS provider: `SmsGateway.send(event_id, to, text) -> Result`.

`HttpJsonGateway` speaks the plain HTTP JSON shape most Thai SMS aggregators offer (and the
loopback fake in `fake_gateway` serves): `POST url` with `{"id", "to", "text"}` and
`Authorization: Bearer TOKEN`. The gateway must dedupe by `id`: a sender killed after the
gateway accepted a message but before it recorded `sent` sends it again under the same `id`,
and that is what makes delivery at most once per event end to end.

What an answer means (`Result.outcome`): 2xx `accepted`; 429 `rate-limited`, retried after its
`Retry-After`; 5xx, a timeout or a refused connection `retry` (with backoff); 401 or 403
`unauthorized` (our token is wrong or lapsed: the configuration is at fault, not the message, so
the row waits for the operator to fix the token instead of failing); any other 4xx `failed` (the
request itself is wrong, a bad number say: sending it again cannot help).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Literal, Protocol

Outcome = Literal["accepted", "rate-limited", "retry", "unauthorized", "failed"]


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    #: Seconds the gateway asked us to wait (429 Retry-After), when it said.
    retry_after: float | None = None
    #: What went wrong, for the row's `last_error` (never the phone number or the text).
    error: str | None = None


class SmsGateway(Protocol):
    def send(self, event_id: str, to: str, text: str) -> Result: ...


def international(phone: str) -> str:
    """`0812345678` as `+66812345678` (E.164, what gateways take)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if phone.startswith("+"):
        return "+" + digits
    if digits.startswith("66"):
        return "+" + digits
    return "+66" + digits.removeprefix("0")


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: the sender's backoff decides instead


class HttpJsonGateway:
    """`POST url` with a JSON body and a bearer token, `timeout` seconds for the whole answer."""

    def __init__(self, url: str, token: str, timeout: float = 10.0) -> None:
        self.url = url
        self._token = token
        self.timeout = timeout

    def send(self, event_id: str, to: str, text: str) -> Result:
        body = json.dumps({"id": event_id, "to": international(to), "text": text}).encode()
        request = urllib.request.Request(  # noqa: S310  the URL is the operator's configuration
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self._token}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                answer.read()
                return Result("accepted")
        except urllib.error.HTTPError as exc:
            status = exc.code
            exc.read()
            if status == 429:
                return Result(
                    "rate-limited", _retry_after(exc.headers.get("Retry-After")), "http 429"
                )
            if status >= 500:
                return Result("retry", None, f"http {status}")
            if status in (401, 403):
                return Result("unauthorized", None, f"http {status}: the gateway refused our token")
            return Result("failed", None, f"http {status}")
        except TimeoutError:
            return Result("retry", None, "timeout")
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                return Result("retry", None, "timeout")
            return Result("retry", None, f"connection: {type(reason).__name__}")
        except OSError as exc:  # reset by peer, a read timeout surfacing as socket.timeout
            return Result("retry", None, f"connection: {type(exc).__name__}")
