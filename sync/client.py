"""The central API client: bounded in time, honest about failure, suspicious of its answers.

One `requests.Session` (connection reuse matters at a counter), a connect and a read timeout on
every call and an overall deadline per operation, retries with full jitter that honour
`Retry-After`, a circuit breaker, TLS verification with the configured CA bundle, the terminal's
bearer token, and the booking id as `Idempotency-Key`. The clock offset is taken from the server's
`Date` header, because a terminal's clock may be wrong and the central judges channel hours by the
time the customer confirmed.

A reply that does not have the shape the contract promises (not JSON, wrong types, another
booking's id) is treated as the central being unavailable, never as a confirmation; and only an
RFC 9457 problem with a `code` counts as the central refusing something: a proxy's error page or
a redirect never rejects a booking.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from kiosk import __version__
from kiosk.booking.errors import CentralRejected, CentralUnavailable, TerminalUnauthorized
from sync.backoff import full_jitter, retry_after
from sync.breaker import CircuitBreaker
from sync.crash import crash_point

log = logging.getLogger(__name__)

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
BOOKING_STATUSES = ("confirmed", "pending-verification", "cancelled")


class CentralClient:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        ca_bundle: str | None = None,
        connect_timeout: float = 1.0,
        read_timeout: float = 2.0,
        retries: int = 2,
        breaker: CircuitBreaker | None = None,
        terminal_id: str = "",
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.retries = retries
        self.breaker = breaker or CircuitBreaker()
        self._clock = clock
        self._sleep = sleep
        self._offset = timedelta(0)
        self._offset_lock = threading.Lock()
        self.session = requests.Session()
        adapter = HTTPAdapter(max_retries=0, pool_connections=4, pool_maxsize=8)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        # Passed on every request, not only set on the session: requests lets REQUESTS_CA_BUNDLE
        # and CURL_CA_BUNDLE override a session's `verify`, which would silently ignore the
        # terminal's configured CA bundle.
        self._verify: str | bool = ca_bundle or True
        self.session.verify = self._verify
        self.session.headers["User-Agent"] = (
            f"thairuamjai-kiosk/{__version__} {terminal_id}".strip()
        )
        self.session.headers["Accept"] = "application/json, application/problem+json"
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def close(self) -> None:
        self.session.close()

    # time ------------------------------------------------------------------------------------

    @property
    def clock_offset(self) -> timedelta:
        """Server time minus this terminal's time, from the last `Date` header seen."""
        with self._offset_lock:
            return self._offset

    @clock_offset.setter
    def clock_offset(self, value: timedelta) -> None:
        """Start from a remembered offset (a new process has not heard a Date header yet)."""
        with self._offset_lock:
            self._offset = value

    def now(self) -> datetime:
        """This terminal's idea of the central's current time (UTC)."""
        return datetime.now(UTC) + self.clock_offset

    def _note_date(self, response: requests.Response) -> None:
        value = response.headers.get("Date")
        if not value:
            return
        try:
            server = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return
        if server.tzinfo is None:
            server = server.replace(tzinfo=UTC)
        # `Date` has one-second resolution: the server's clock read somewhere in the second
        # after it. Take the middle, and ignore what that resolution cannot tell apart.
        offset = server + timedelta(milliseconds=500) - datetime.now(UTC)
        if abs(offset) < timedelta(seconds=1):
            offset = timedelta(0)
        with self._offset_lock:
            self._offset = offset

    # transport -------------------------------------------------------------------------------

    def is_open(self) -> bool:
        return self.breaker.is_open()

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        deadline: float | None = None,
        retries: int | None = None,
    ) -> Any:
        """The decoded JSON body of a 2xx answer, or a typed error. Never waits past `deadline`."""
        budget = (
            deadline if deadline is not None else (self.connect_timeout + self.read_timeout) * 3
        )
        end = self._clock() + budget
        attempts = 1 + (self.retries if retries is None else retries)
        last: CentralUnavailable | None = None
        reached = False  # whether any attempt may have reached the central
        for attempt in range(1, attempts + 1):
            remaining = end - self._clock()
            if remaining <= 0.01:
                break
            try:
                return self._once(method, path, json, headers, remaining)
            except CentralUnavailable as exc:
                reached = reached or exc.may_have_reached
                exc.may_have_reached = reached  # one attempt that may have landed taints them all
                last = exc
                if isinstance(exc, TerminalUnauthorized) or attempt == attempts:
                    break
                wait = (
                    exc.retry_after
                    if exc.retry_after is not None
                    else full_jitter(attempt, base=0.1, cap=1.0)
                )
                if wait >= end - self._clock():
                    break  # the server asks for more patience than this customer has
                self._sleep(wait)
        raise last or CentralUnavailable(
            "no time left to ask the central", code="central-timeout", may_have_reached=False
        )

    def _once(
        self, method: str, path: str, json: Any, headers: Mapping[str, str] | None, remaining: float
    ) -> Any:
        timeout = (min(self.connect_timeout, remaining), min(self.read_timeout, remaining))
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                json=json,
                headers=headers,
                timeout=timeout,
                verify=self._verify,
                allow_redirects=False,  # a redirected POST would become a GET elsewhere
            )
        except requests.exceptions.SSLError as exc:
            self.breaker.failure()  # the handshake failed: nothing was sent
            raise CentralUnavailable(
                f"TLS verification failed: {exc}", code="central-tls", may_have_reached=False
            ) from None
        except requests.exceptions.ConnectTimeout:
            self.breaker.failure()
            raise CentralUnavailable(
                "the central could not be connected to in time",
                code="central-timeout",
                may_have_reached=False,
            ) from None
        except requests.exceptions.Timeout:  # a read timeout: the request was sent
            self.breaker.failure()
            raise CentralUnavailable(
                "the central did not answer in time", code="central-timeout"
            ) from None
        except requests.exceptions.ConnectionError as exc:
            self.breaker.failure()
            raise CentralUnavailable(
                f"cannot reach the central: {type(exc).__name__}",
                code="central-unreachable",
                may_have_reached=not _never_connected(exc),
            ) from None
        except requests.exceptions.RequestException as exc:
            self.breaker.failure()
            raise CentralUnavailable(
                f"cannot reach the central: {type(exc).__name__}", code="central-unreachable"
            ) from None
        self._note_date(response)
        status = response.status_code
        if status in RETRYABLE_STATUS:
            self.breaker.failure()
            raise CentralUnavailable(
                f"the central answered {status}",
                retry_after=retry_after(response.headers.get("Retry-After")),
                code="central-overloaded" if status in (429, 503) else "central-error",
                # 429/503: the central (or its overload guard) refused before processing
                may_have_reached=status not in (429, 503),
            )
        if status == 401:
            # It is there; it does not know us. Counted as reached: a terminal the central
            # disowns (revoked, perhaps stolen) must not confirm bookings from its leases.
            self.breaker.success()
            raise TerminalUnauthorized()
        body = _decode(response)
        if 200 <= status < 300:
            if body is _GARBLED:
                self.breaker.failure()
                raise CentralUnavailable("the central's reply is not JSON", code="central-garbled")
            self.breaker.success()
            return body
        if _is_problem(response, body):
            self.breaker.success()
            raise CentralRejected(status, body)
        # Not the central speaking: a captive portal, a proxy's 403 page, a redirect. Refusing
        # a booking on its word would throw away a customer's queued booking; treat it as the
        # central being out of reach and try again later.
        self.breaker.failure()
        raise CentralUnavailable(
            f"an answer {status} that is not the central's "
            f"({response.headers.get('Content-Type', 'no type')})",
            code="central-unexpected",
        )

    # the contract ----------------------------------------------------------------------------

    def config(self, deadline: float | None = None) -> dict[str, Any]:
        return _expect_object(self.request("GET", "/v1/config", deadline=deadline), "config")

    def sites(self, deadline: float | None = None) -> list[dict[str, Any]]:
        body = self.request("GET", "/v1/sites", deadline=deadline)
        items = body.get("sites") if isinstance(body, dict) else body
        return _expect_list(items, "sites")

    def slots(
        self, site_id: str, date_from: str, date_to: str, deadline: float | None = None
    ) -> list[dict[str, Any]]:
        body = self.request(
            "GET",
            f"/v1/sites/{requests.utils.quote(site_id, safe='')}/slots"
            f"?from={date_from}&to={date_to}",
            deadline=deadline,
        )
        items = body.get("slots") if isinstance(body, dict) else body
        return _expect_list(items, "slots")

    def rules(self, rule_set_id: str, deadline: float | None = None) -> dict[str, Any]:
        path = f"/v1/rules/{requests.utils.quote(rule_set_id, safe='')}"
        return _expect_object(self.request("GET", path, deadline=deadline), "rules")

    def registry_check(self, cid: str, deadline: float | None = None) -> bool:
        body = _expect_object(
            self.request("POST", "/v1/registry/check", json={"cid": cid}, deadline=deadline),
            "registry",
        )
        value = body.get("registered")
        if not isinstance(value, bool):
            self.breaker.failure()
            raise CentralUnavailable("registry reply without 'registered'", code="central-garbled")
        return value

    def book(
        self, body: Mapping[str, Any], *, booking_id: str, deadline: float | None = None
    ) -> dict[str, Any]:
        """POST the plain body (the online path: the customer is at the counter)."""
        crash_point("before-request")
        reply = self.request(
            "POST",
            "/v1/bookings",
            json=dict(body),
            deadline=deadline,
            headers={"Idempotency-Key": booking_id},
        )
        crash_point("after-reply")  # the central committed; the terminal has not heard it yet
        return self._booking(reply, booking_id)

    def book_sealed(
        self,
        booking_id: str,
        sealed: Mapping[str, Any],
        *,
        deadline: float | None = None,
        lease: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """POST the journal's sealed body (the replay: the terminal cannot read it any more).

        `lease` (`{"lease_id", "reference"}`) goes outside the sealed box (docs/leases.md): it
        is no personal data, and the terminal adds it after sealing."""
        body: dict[str, Any] = {"booking_id": booking_id, "sealed": dict(sealed)}
        if lease is not None:
            body["lease"] = {"lease_id": lease["lease_id"], "reference": lease["reference"]}
        crash_point("before-request")
        reply = self.request(
            "POST",
            "/v1/bookings",
            json=body,
            deadline=deadline,
            headers={"Idempotency-Key": booking_id},
        )
        crash_point("after-reply")
        return self._booking(reply, booking_id)

    def refresh_leases(
        self,
        held: list[str],
        spent: list[Mapping[str, str]],
        recent: list[tuple[str, str]],
        deadline: float | None = None,
    ) -> dict[str, Any]:
        """POST /v1/leases/refresh: what the terminal holds and spent, where its customers
        book; the answer's shape is checked (`leases`: envelopes, `released`: ids), the
        envelopes themselves are verified by the caller against the pinned key."""
        reply = _expect_object(
            self.request(
                "POST",
                "/v1/leases/refresh",
                json={
                    "held": list(held),
                    "spent": [
                        {k: s[k] for k in ("lease_id", "reference", "booking_id")} for s in spent
                    ],
                    "recent": [{"site_id": site, "date": day} for site, day in recent[:50]],
                },
                deadline=deadline,
            ),
            "lease refresh",
        )
        leases, released = reply.get("leases"), reply.get("released", [])
        if (
            not isinstance(leases, list)
            or not all(isinstance(x, dict) for x in leases)
            or not isinstance(released, list)
            or not all(isinstance(x, str) for x in released)
        ):
            raise CentralUnavailable(
                "the central's lease refresh reply does not follow the contract",
                code="central-garbled",
            )
        return {"leases": leases, "released": released, "server_time": reply.get("server_time")}

    def put_health(self, report: Mapping[str, Any], deadline: float = 5.0) -> None:
        """PUT /v1/terminals/me/health (DESIGN §13). Not retried: a report that does not get
        through is replaced by the next one a minute later, never queued."""
        self.request(
            "PUT", "/v1/terminals/me/health", json=dict(report), deadline=deadline, retries=0
        )

    def lookup(self, cid: str, deadline: float | None = None) -> dict[str, Any] | None:
        try:
            reply = self.request(
                "POST", "/v1/bookings/lookup", json={"cid": cid}, deadline=deadline
            )
        except CentralRejected as exc:
            if exc.status == 404:
                return None
            raise
        return self._booking(reply, None)

    def change(
        self, reference: str, version: int, cid: str, deadline: float | None = None, **fields: Any
    ) -> dict[str, Any]:
        reply = self.request(
            "PATCH",
            f"/v1/bookings/{requests.utils.quote(reference, safe='')}",
            json={"cid": cid, **fields},
            headers={"If-Match": str(version)},
            deadline=deadline,
        )
        return self._booking(reply, None)

    def cancel(
        self, reference: str, cid: str, version: int | None = None, deadline: float | None = None
    ) -> dict[str, Any] | None:
        headers = {"If-Match": str(version)} if version is not None else None
        reply = self.request(
            "DELETE",
            f"/v1/bookings/{requests.utils.quote(reference, safe='')}",
            json={"cid": cid},
            headers=headers,
            deadline=deadline,
        )
        return self._booking(reply, None) if reply else None

    def _booking(self, reply: Any, booking_id: str | None) -> dict[str, Any]:
        """A booking representation, checked: a lying central must not confirm anything."""
        ok = (
            isinstance(reply, dict)
            and isinstance(reply.get("reference"), str)
            and reply["reference"].strip()
            and reply.get("status") in BOOKING_STATUSES
            and (booking_id is None or reply.get("booking_id") == booking_id)
        )
        if not ok:
            self.breaker.failure()
            raise CentralUnavailable(
                "the central's booking reply does not follow the contract", code="central-garbled"
            )
        return reply


_GARBLED = object()


def _never_connected(exc: BaseException) -> bool:
    """Is it proven that this connection error came before anything was sent: refused, DNS, no
    route (urllib3's NewConnectionError / NameResolutionError)? Anything else (a connection
    reset or closed after the request went out) may have been processed by the central."""
    text = repr(exc)
    return any(
        mark in text
        for mark in ("NewConnectionError", "NameResolutionError", "Failed to establish")
    )


def _is_problem(response: requests.Response, body: Any) -> bool:
    """An RFC 9457 problem from the central: its media type and a `code` member."""
    media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    return (
        media == "application/problem+json"
        and isinstance(body, dict)
        and isinstance(body.get("code"), str)
    )


def _decode(response: requests.Response) -> Any:
    if not response.content:
        return {}
    try:
        return response.json()
    except (ValueError, RecursionError):  # nested a few thousand deep: found by fuzz/rules.py
        return _GARBLED


def _expect_object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise CentralUnavailable(
            f"the central's {what} reply is not an object", code="central-garbled"
        )
    return value


def _expect_list(value: Any, what: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise CentralUnavailable(
            f"the central's {what} reply is not a list of objects", code="central-garbled"
        )
    return value
