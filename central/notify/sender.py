"""The outbox sender: claim due rows, send each through the gateway, record what it said.

Several senders may run against one database (each `serve` worker, and `kiosk-central notify`):
a row is claimed by one of them at a time (`Store.claim_notifications`), for long enough to send
the whole batch through a gateway that times out on each. A sender that dies holding rows leaves
them `sending`; when the claim runs out another sender sends them again under the same event id,
which the gateway dedupes (`gateway`): at most one SMS per event, end to end.

Retries (`RetryPolicy`): 5xx, a timeout or a refused connection wait an exponential backoff
(`base` doubling per attempt, capped at `cap`), of which a random half is jitter so that a
gateway's recovery is not met by every row at once; a 429 waits its `Retry-After` and is not
counted as a failed attempt (the gateway pacing us is not the message failing). After
`max_attempts` failed attempts, or once the row is older than `give_up_after`, it is `dead`:
an SMS about a slot that has passed helps nobody. Any other 4xx is `failed` at once, except
401/403: the gateway refusing our token says nothing about the message (a token rotated at the
provider, a typo in the token file), so failing every row would throw away every SMS until
someone noticed. The pass stops at the first one (each row would be refused the same way), the
row goes back to `pending` uncounted, `UNAUTHORIZED_WAIT` later, and the sender logs an error
once per pass; the rows still die of age after `give_up_after`. Fixing the token file and
restarting the sender sends them.

Logs name the row id, event id and outcome; never the phone number or the text (the text names
the reference, site and time: harmless, but it has no place in a log either).
"""

from __future__ import annotations

import logging
import os
import random
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from central.errors import StoreError
from central.notify.gateway import Result, SmsGateway
from central.store.notifications import Notification

log = logging.getLogger("central.notify")

#: How long rows wait after the gateway refused our token before the sender tries it again.
UNAUTHORIZED_WAIT = 60.0

Clock = Callable[[], datetime]


@dataclass(frozen=True)
class RetryPolicy:
    base: float = 30.0
    cap: float = 3600.0
    max_attempts: int = 12
    give_up_after: timedelta = timedelta(hours=24)

    def delay(self, attempts: int, rng: random.Random) -> float:
        """Seconds before attempt `attempts + 1`: in [ceiling / 2, ceiling], ceiling
        = min(cap, base * 2 ** (attempts - 1))."""
        ceiling = min(self.cap, self.base * 2 ** max(0, attempts - 1))
        return ceiling / 2 + rng.random() * ceiling / 2


def _crash_point(name: str) -> None:
    """Test hook: SIGKILL this process at a named point (KIOSK_TEST_CRASH_AT=name)."""
    if os.environ.get("KIOSK_TEST_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


class Sender:
    def __init__(
        self,
        store: Any,
        gateway: SmsGateway,
        clock: Clock,
        *,
        policy: RetryPolicy | None = None,
        batch: int = 10,
        send_timeout: float = 10.0,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.gateway = gateway
        self.clock = clock
        self.policy = policy or RetryPolicy()
        self.batch = batch
        # long enough for a whole batch of timeouts, so no one takes over a live claim
        self.hold = timedelta(seconds=batch * send_timeout + 30)
        self.rng = rng or random.Random()  # noqa: S311  jitter, not a secret

    def run_once(self) -> int:
        """Claim and send one batch; how many rows it handled."""
        claimed = self.store.claim_notifications(self.clock(), self.hold, self.batch)
        for i, row in enumerate(claimed):
            if not self._send(row):
                self._put_back(claimed[i + 1 :], "not tried: the gateway refused our token")
                return i  # fewer than a batch: `drain` stops too (the token will not pass)
        return len(claimed)

    def drain(self) -> int:
        """Send batches until none is due; how many rows were handled."""
        total = 0
        while True:
            handled = self.run_once()
            total += handled
            if handled < self.batch:
                return total

    def run(self, interval: float, stop: threading.Event) -> None:
        """Until `stop` is set: drain what is due, then wait `interval` seconds."""
        while not stop.is_set():
            try:
                self.drain()
            except StoreError as exc:  # the database away: one line a pass, no traceback
                log.warning("sending notifications skipped: %s", exc.en)
            except Exception:
                log.exception("sending notifications failed; trying again in %.0f s", interval)
            stop.wait(interval)

    def _send(self, row: Notification) -> bool:
        """Send one row and record the outcome; False when the gateway refused our token."""
        result = self.gateway.send(row.event_id, row.phone, row.text)
        now = self.clock()
        if result.outcome == "accepted":
            _crash_point("sms-after-accept")
            self.store.settle_notification(row.id, "sent", now)
            log.info("sms %s (%s) sent, attempt %d", row.id, row.event_id, row.attempts)
            return True
        if result.outcome == "failed":
            self.store.settle_notification(row.id, "failed", now, error=result.error)
            log.warning("sms %s (%s) failed: %s", row.id, row.event_id, result.error)
            return True
        if result.outcome == "unauthorized":
            log.error(
                "the SMS gateway refused our token (%s): no SMS is sent until the token file "
                "is fixed; rows wait, trying again in %.0f s",
                result.error,
                UNAUTHORIZED_WAIT,
            )
            if self._too_old(row, now):
                self.store.settle_notification(row.id, "dead", now, error=result.error)
            else:
                self._put_back([row], result.error)
            return False
        self._retry(row, result, now)
        return True

    def _too_old(self, row: Notification, now: datetime) -> bool:
        return now - datetime.fromisoformat(row.created_at) >= self.policy.give_up_after

    def _put_back(self, rows: list[Notification], error: str | None) -> None:
        """Claimed rows back to `pending`, their attempt uncounted, `UNAUTHORIZED_WAIT` later."""
        now = self.clock()
        for row in rows:
            self.store.settle_notification(
                row.id,
                "pending",
                now,
                error=error,
                retry_at=now + timedelta(seconds=UNAUTHORIZED_WAIT),
                uncount=True,
            )

    def _retry(self, row: Notification, result: Result, now: datetime) -> None:
        rate_limited = result.outcome == "rate-limited"
        failures = row.attempts - (1 if rate_limited else 0)
        too_old = self._too_old(row, now)
        if too_old or (not rate_limited and failures >= self.policy.max_attempts):
            self.store.settle_notification(row.id, "dead", now, error=result.error)
            log.warning(
                "sms %s (%s) dead after %d attempts: %s",
                row.id,
                row.event_id,
                row.attempts,
                result.error,
            )
            return
        if rate_limited and result.retry_after is not None:
            wait = result.retry_after
        else:
            wait = self.policy.delay(max(1, failures), self.rng)
        self.store.settle_notification(
            row.id,
            "pending",
            now,
            error=result.error,
            retry_at=now + timedelta(seconds=wait),
            uncount=rate_limited,
        )
        log.info("sms %s (%s) %s, again in %.0f s", row.id, row.event_id, result.outcome, wait)
