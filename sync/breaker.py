"""A circuit breaker, so that a dead central costs the first customer seconds and the rest nothing.

Closed: requests go through. After `fail_max` consecutive failures it opens: callers are told at
once that the central is unavailable, and the kiosk queues bookings without waiting for a timeout.
After `reset_timeout` one trial request is let through (half-open); its success closes the breaker,
its failure opens it again. The replay worker makes the trials, never a customer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class CircuitBreaker:
    def __init__(
        self,
        fail_max: int = 3,
        reset_timeout: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.fail_max = fail_max
        self.reset_timeout = reset_timeout
        self._clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at: float | None = None
        self._trial = False

    @property
    def state(self) -> str:
        with self._lock:
            if self._opened_at is None:
                return "closed"
            if self._trial or self._clock() - self._opened_at >= self.reset_timeout:
                return "half-open"
            return "open"

    def is_open(self) -> bool:
        """True unless closed: customers never wait on a trial."""
        return self.state != "closed"

    def allow_trial(self) -> bool:
        """For the replay worker: may I try now? Closed: yes. Open: once the timeout has passed."""
        with self._lock:
            if self._opened_at is None:
                return True
            if self._trial:
                return False
            if self._clock() - self._opened_at >= self.reset_timeout:
                self._trial = True
                return True
            return False

    def expire(self) -> None:
        """Someone asked to try now (a technician's "sync now"): the next trial may go at once."""
        with self._lock:
            if self._opened_at is not None and not self._trial:
                self._opened_at = self._clock() - self.reset_timeout

    def abandon_trial(self) -> None:
        """The trial sent nothing after all: let the next one be tried at once.

        Without this, a trial whose booking was taken by another sender would leave the
        breaker half-open forever, and every customer would be queued without trying."""
        with self._lock:
            self._trial = False

    def seconds_until_trial(self) -> float:
        with self._lock:
            if self._opened_at is None:
                return 0.0
            return max(0.0, self.reset_timeout - (self._clock() - self._opened_at))

    def success(self) -> None:
        with self._lock:
            self._failures, self._opened_at, self._trial = 0, None, False

    def failure(self) -> None:
        with self._lock:
            self._failures += 1
            if self._trial or self._failures >= self.fail_max:
                self._opened_at, self._trial = self._clock(), False
