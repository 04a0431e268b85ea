"""`kiosk slip render`, `kiosk slip print` and `kiosk print-test` as a technician runs them."""

from __future__ import annotations

import json

import pytest
from PIL import Image

from tests.kiosk.cli.conftest import assert_clean_failure
from tests.printer.conftest import FIXTURES
from tests.printer.escpos_stream import same_pixels
from tests.printer.loopback import LoopbackPrinter


@pytest.fixture
def printer():
    p = LoopbackPrinter("ready")
    yield p
    p.close()


@pytest.mark.parametrize("kind", ["confirmed", "hospital"])
def test_render_writes_the_golden_slip(run_kiosk, tmp_path, kind):
    out = tmp_path / "slip.png"
    proc = run_kiosk(
        "slip", "render", "--booking", str(FIXTURES / f"{kind}.json"), "--out", str(out)
    )
    assert proc.returncode == 0, proc.stderr
    golden = Image.open(FIXTURES.parent / "golden" / f"{kind}-80.png")
    assert same_pixels(Image.open(out), golden)
    assert f"{kind} slip, 576x" in proc.stdout


def test_render_on_58mm(run_kiosk, tmp_path):
    out = tmp_path / "slip.png"
    proc = run_kiosk(
        "slip",
        "render",
        "--booking",
        str(FIXTURES / "queued.json"),
        "--out",
        str(out),
        "--paper",
        "58",
    )
    assert proc.returncode == 0, proc.stderr
    assert same_pixels(Image.open(out), Image.open(FIXTURES.parent / "golden" / "queued-58.png"))


def test_bad_booking_file_names_the_field(run_kiosk, tmp_path):
    data = json.loads((FIXTURES / "confirmed.json").read_text(encoding="utf-8"))
    data["slot"]["date"] = "7 June"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    proc = run_kiosk("slip", "render", "--booking", str(bad), "--out", str(tmp_path / "x.png"))
    assert_clean_failure(proc, 2, "bad-slip-data")
    assert "slot.date" in proc.stderr


def test_missing_booking_file(run_kiosk, tmp_path):
    proc = run_kiosk("slip", "render", "--booking", str(tmp_path / "none.json"), "--out", "x.png")
    assert_clean_failure(proc, 2, "bad-input")


def test_slip_print_to_a_network_printer(run_kiosk, printer):
    proc = run_kiosk(
        "slip", "print", "--booking", str(FIXTURES / "rejected.json"), "--printer", printer.uri
    )
    assert proc.returncode == 0, proc.stderr
    golden = Image.open(FIXTURES.parent / "golden" / "rejected-80.png")
    assert same_pixels(printer.jobs[0].image(), golden)
    assert "Status after: online, paper ok" in proc.stdout


def test_print_test_shows_status_before_and_after(run_kiosk, printer):
    printer.state = "near-end"
    proc = run_kiosk("print-test", "--printer", printer.uri, "--paper", "58")
    assert proc.returncode == 0, proc.stderr
    assert "Status before: online, paper NEAR END (DLE EOT 1:12 2:12 4:1e)" in proc.stdout
    assert "Status after: online, paper NEAR END" in proc.stdout
    assert "[paper-near-end]" in proc.stderr
    [job] = printer.jobs
    assert job.image().width == 384
    assert job.names[-1] == "GS V"


def test_print_test_on_a_printer_without_paper_fails_cleanly(run_kiosk, printer):
    printer.state = "paper-out"
    proc = run_kiosk("print-test", "--printer", printer.uri)
    assert_clean_failure(proc, 3, "printer-paper-out")
    assert printer.jobs == []


def test_print_test_defaults_to_a_preview_in_the_working_directory(
    run_kiosk, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    proc = run_kiosk("print-test")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "slips" / "print-test.png").exists()


def test_bad_printer_uri(run_kiosk):
    proc = run_kiosk("print-test", "--printer", "lpt://1")
    assert_clean_failure(proc, 2, "bad-printer-uri")
