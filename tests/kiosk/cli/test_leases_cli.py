"""The lease commands as a technician runs them, real processes against a real central behind
the loopback lease front and a fault proxy: sync run pins the lease key and fetches leases,
`kiosk leases list`, `kiosk book --json` confirming at the terminal while the central answers
503, `kiosk sync status`, then the replay once the central is back."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from sync.provision import ensure_terminal_key
from tests.central.conftest import citizen
from tests.faultproxy import FaultProxy
from tests.sync.conftest import central, write_config  # noqa: F401  (fixtures)
from tests.sync.leasedesk import LeaseDesk
from tests.sync.leasekit import LeaseKit


@pytest.fixture
def rig(tmp_path, central, run_kiosk):  # noqa: F811
    kit = LeaseKit()
    desk = LeaseDesk(central.base_url)
    desk.lease_key = kit.config_entry()
    proxy = FaultProxy(desk.port)
    home = tmp_path / "home"
    cfg = write_config(home, proxy.url, central.tokens["kiosk-1"])
    ensure_terminal_key(cfg.parent)  # as kiosk provision makes it
    env = {"KIOSK_HOME": str(home / "data")}
    slot = central.slot_id("scg-bang-sue", days=2, hour=11)
    now = central.clock.now
    lease = kit.envelope(
        slot_id=slot,
        site_id="scg-bang-sue",
        date=(now.date() + timedelta(days=2)).isoformat(),
        start="11:00",
        end="12:00",
        seats=2,
        granted_at=now,
        use_until=now + timedelta(hours=20),
    )
    desk.leases = [lease]

    def kiosk(*args: str):
        return run_kiosk(*args, "--config", str(cfg), env=env)

    answers = tmp_path / "answers.json"
    answers.write_text('{"conditions": []}')

    def book(n: int):
        card = tmp_path / f"card-{n}.json"
        card.write_text(json.dumps(citizen(n).card, ensure_ascii=False))
        return kiosk(
            "book",
            "--card",
            str(card),
            "--answers",
            str(answers),
            "--slot",
            slot,
            "--phone",
            "0812345678",
            "--occupation",
            "student",
            "--json",
            "--no-print",
        )

    yield {
        "kiosk": kiosk,
        "book": book,
        "desk": desk,
        "proxy": proxy,
        "lease": lease,
        "slot": slot,
        "central": central,
    }
    proxy.close()
    desk.close()


def test_offline_booking_confirmed_at_the_terminal_from_the_command_line(rig):
    kiosk, desk, proxy, lease = rig["kiosk"], rig["desk"], rig["proxy"], rig["lease"]
    synced = kiosk("sync", "run", "--until-empty")
    assert synced.returncode == 0
    assert "leases refreshed: 2 seats held" in synced.stderr
    listed = json.loads(kiosk("leases", "list", "--json").stdout)
    assert [(x["lease_id"], x["seats"], x["seats_left"], x["usable"]) for x in listed] == [
        (lease["document"]["lease_id"], 2, 2, True)
    ]
    text = kiosk("leases", "list").stdout
    assert lease["document"]["lease_id"] in text and rig["slot"] in text

    proxy.set("status:503")  # the central is overloaded: it did not process the booking
    out = rig["book"](1)
    assert out.returncode == 0, out.stderr
    booked = json.loads(out.stdout)
    assert (booked["status"], booked["confirmed_by"]) == ("confirmed", "terminal")
    assert booked["reference"] in lease["document"]["references"]

    status = json.loads(kiosk("sync", "status", "--json").stdout)
    assert status["leases"] == {"held": 2, "spent": 1, "seats_left": 1}
    assert status["counts"]["confirmed-offline"] == 1
    assert "seat leases: 2 seat(s) held, 1 usable now, 1 spent" in kiosk("sync", "status").stdout

    proxy.set("pass")  # back
    assert kiosk("sync", "run", "--until-empty").returncode == 0
    (sent,) = desk.bookings()
    assert sent["lease"] == {
        "lease_id": lease["document"]["lease_id"],
        "reference": booked["reference"],
    }
    rows = json.loads(kiosk("journal", "list", "--json").stdout)
    mine = next(r for r in rows if r["booking_id"] == booked["booking_id"])
    assert (mine["state"], mine["reference"], mine["confirmed_by"]) == (
        "confirmed",
        booked["reference"],
        "terminal",
    )
    status = json.loads(kiosk("sync", "status", "--json").stdout)
    assert status["leases"]["spent"] == 0


def test_online_booking_prints_confirmed_by_central(rig):
    kiosk = rig["kiosk"]
    assert kiosk("sync", "run", "--until-empty").returncode == 0
    out = json.loads(rig["book"](2).stdout)
    assert (out["status"], out["confirmed_by"]) == ("confirmed", "central")
    assert json.loads(kiosk("sync", "status", "--json").stdout)["leases"]["seats_left"] == 2


def test_a_queued_booking_prints_confirmed_by_null(rig):
    kiosk, proxy = rig["kiosk"], rig["proxy"]
    rig["desk"].leases = []
    assert kiosk("sync", "run", "--until-empty").returncode == 0
    proxy.set("status:503")
    out = json.loads(rig["book"](3).stdout)
    assert (out["status"], out["confirmed_by"], out["reference"]) == ("queued", None, None)


def test_the_slip_of_an_offline_confirmed_booking_carries_confirmed_by_and_the_slip_code(
    rig, monkeypatch, tmp_path
):
    """The BOOKING.json `kiosk book` hands the printer (printer/slip_data.py reads the keys)."""
    import os

    from kiosk.cli import booking, main

    kiosk, proxy = rig["kiosk"], rig["proxy"]
    assert kiosk("sync", "run", "--until-empty").returncode == 0
    proxy.set("status:503")
    printed = []
    monkeypatch.setattr(booking, "_print_slip", lambda terminal, slip: printed.append(slip))
    cfg = next(p for p in (tmp_path / "home").iterdir() if p.name == "kiosk.toml")
    monkeypatch.setenv("KIOSK_HOME", str(tmp_path / "home" / "data"))
    card = tmp_path / "card-9.json"
    card.write_text(json.dumps(citizen(9).card, ensure_ascii=False))
    assert os.environ["KIOSK_HOME"]
    status = main(
        [
            "book",
            "--config",
            str(cfg),
            "--card",
            str(card),
            "--answers",
            str(tmp_path / "answers.json"),
            "--slot",
            rig["slot"],
            "--phone",
            "0812345678",
            "--occupation",
            "student",
        ]
    )
    assert status == 0
    (slip,) = printed
    assert slip["status"] == "confirmed" and slip["confirmed_by"] == "terminal"
    assert slip["slip_code"].startswith("TRJ1;" + slip["reference"] + ";" + rig["slot"] + ";")
    assert slip["citizen"]["masked_cid"] not in slip["slip_code"]


def test_sync_run_says_why_leases_were_not_refreshed_and_which_were_refused():
    from kiosk.cli.booking import lease_line
    from sync.cache import RefreshReport

    assert lease_line(RefreshReport(lease_errors=["central-unavailable"])) == (
        "leases not refreshed: central-unavailable"
    )
    assert (
        lease_line(RefreshReport(ok=False)) == "leases not refreshed: the cache was not refreshed"
    )
    refused = RefreshReport(lease_seats=4, leases_refused=["L-1 lease-invalid"])
    assert lease_line(refused) == "leases refreshed: 4 seats held; refused: L-1 lease-invalid"
