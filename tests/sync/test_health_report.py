"""The terminal's health report (DESIGN §13): built from a real terminal, at most 1 KB in the
worst case, sent through `CentralClient.put_health` to a real central on loopback on start,
every interval and on a clean stop; a report that cannot be sent is dropped, not queued."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk import config
from kiosk.booking.errors import CentralUnavailable
from kiosk.cli.health import build_for, reporter_for
from sync.health_report import MAX_BYTES, HealthReporter, fit, size
from tests.central.conftest import citizen
from tests.sync.conftest import booking_args, write_config


def history(central, terminal_id: str = "kiosk-1"):
    return central.central.store.health_history(terminal_id, central.clock.now - timedelta(days=1))


def count_puts(central) -> list[str]:
    """Every report the central's store takes, by terminal id (the history keeps only reports
    that say something new, so it cannot count identical ones)."""
    store = central.central.store
    taken: list[str] = []
    inner = store.put_health_batch  # the route writes the reports of 50 ms together

    def put_health_batch(reports):
        stored = inner(reports)
        taken.extend(t for t in stored if t is not None)
        return stored

    store.put_health_batch = put_health_batch
    return taken


def wait_for(predicate, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


def test_the_report_of_a_real_terminal_is_taken_by_the_central(central, make_terminal):
    terminal = make_terminal()
    report = build_for(terminal)
    assert size(report) <= MAX_BYTES
    assert report["rule_set"] == "bkk-thairuamjai-2021-05-27"
    names = {c["name"] for c in report["checks"]}
    assert {"card-reader", "printer", "journal", "disk", "terminal-key"} <= names, names
    assert report["printer"] == {"state": "warn", "paper": "unknown"}  # preview:// has no paper
    terminal.client.put_health(report)
    assert [h[1]["software"] for h in history(central)] == [report["software"]]


def test_a_queued_booking_shows_in_the_queue_and_no_personal_data(central, make_terminal, proxy):
    terminal = make_terminal(proxy.url)
    proxy.set("refuse")
    args = booking_args(terminal, 7)
    outcome = terminal.booking_service().book(**args)
    assert outcome.status == "queued"
    report = build_for(terminal)
    assert report["queue"]["queued"] == 1 and report["queue"]["oldest_age_s"] is not None
    text = json.dumps(report, ensure_ascii=False)
    person = citizen(7).card
    for secret in (person["cid"], args["phone"], person["name_th"]["first"]):
        assert secret not in text


def test_start_periodic_and_clean_stop(central, make_terminal):
    terminal = make_terminal()
    taken = count_puts(central)
    reporter = reporter_for(terminal, interval=0.2).start()
    wait_for(lambda: len(taken) >= 3)  # the first at start, then every 0.2 s
    before_stop = len(taken)
    reporter.stop()
    after_stop = len(taken)
    assert after_stop >= before_stop + 1  # the last report, on the clean stop
    time.sleep(0.5)
    assert len(taken) == after_stop  # stopped: nothing more
    assert len(history(central)) >= 1
    assert reporter.failed == 0 and reporter.sent == after_stop


def test_a_dead_central_queues_nothing_and_the_next_report_replaces_it(
    central, make_terminal, proxy
):
    terminal = make_terminal()
    cfg = config.load(
        write_config(terminal.config.path.parent, proxy.url, central.tokens["kiosk-1"])
    )
    from sync.terminal import Terminal

    via_proxy = Terminal(cfg, token=central.tokens["kiosk-1"])
    try:
        built = []

        def build():
            built.append({**build_for(terminal), "leases": {"held": len(built), "spent": 0}})
            return built[-1]

        reporter = HealthReporter(via_proxy.client, build)
        proxy.set("refuse")
        assert reporter.send_once() is False and reporter.send_once() is False
        assert reporter.last_error == "central-unreachable"
        assert history(central) == []
        proxy.set("pass")
        assert reporter.send_once() is True
        # only the third report arrived: the two that failed were not kept to be sent again
        assert [h[1]["leases"]["held"] for h in history(central)] == [2]
        assert proxy.requests == 3  # one attempt each: not retried either
    finally:
        via_proxy.close()


class Refusing:
    def put_health(self, report, deadline: float = 5.0) -> None:
        raise CentralUnavailable("down", code="central-unreachable", may_have_reached=False)


def test_a_build_that_fails_is_counted_and_reporting_goes_on():
    calls = []

    def build():
        calls.append(1)
        raise RuntimeError("a check blew up")

    reporter = HealthReporter(Refusing(), build)
    assert reporter.send_once() is False and "RuntimeError" in reporter.last_error
    assert reporter.send_once() is False and len(calls) == 2


def worst_case(n_checks: int, detail: str) -> dict:
    return {
        "software": "9" * 40,
        "rule_set": "r" * 64,
        "interval_s": 600,
        "checks": [
            {"name": f"check-{i:02d}-" + "x" * 20, "status": "fail", "detail": detail}
            for i in range(n_checks)
        ],
        "queue": {"queued": 10_000_000, "sending": 10_000_000, "oldest_age_s": 10_000_000},
        "leases": {"held": 10_000_000, "spent": 10_000_000},
        "printer": {"state": "fail", "paper": "near-end"},
        "reader": "unknown",
        "clock_offset_s": -9999999999.9,
        "last_sync": "2021-06-01T10:00:00.123456+00:00",
        "staff": {"requested": True, "paused": True},
    }


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(min_value=0, max_value=32),
    detail=st.text(alphabet='กขคabc "\\\u0e49', max_size=160),
)
def test_fit_keeps_every_report_under_1_kb(n, detail):
    report = fit(worst_case(n, detail))
    assert size(report) <= MAX_BYTES
    kept = report["checks"]
    assert all(c["status"] == "fail" for c in kept)
    assert [c["name"] for c in kept] == [c["name"] for c in worst_case(n, "")["checks"]][
        : len(kept)
    ]


def test_the_worst_case_is_accepted_by_the_central(central):
    import requests

    report = fit(worst_case(32, "ผิดพลาด" * 40))
    assert size(report) <= MAX_BYTES
    assert report["checks"], "at least some checks survive the worst case"
    r = requests.put(
        central.url("/v1/terminals/me/health"), json=report, headers=central.auth(), timeout=10
    )
    assert r.status_code == 204, r.text
    short = fit(worst_case(3, "short"))
    assert [c["detail"] for c in short["checks"]] == ["short"] * 3  # nothing cut when it fits


def test_a_real_sync_run_reports_on_start_periodically_and_on_sigterm(central, make_terminal):
    terminal = make_terminal()
    taken = count_puts(central)
    home = terminal.config.path.parent
    env = {**os.environ, "KIOSK_HOME": str(home / "data")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "sync",
            "run",
            "--config",
            str(terminal.config.path),
            "--health-interval",
            "0.5",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: len(taken) >= 2, timeout=30)
        before = len(taken)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0, proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert len(taken) >= before + 1  # the last report, sent on the clean stop
