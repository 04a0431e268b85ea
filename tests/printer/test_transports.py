"""Opening each kind of printer, and the typed error when it is not there."""

from __future__ import annotations

import pytest

from printer.errors import PaperOut, PrinterNotFound
from printer.output import encode_job, print_image
from printer.paper import paper
from printer.transports import fit_profile, open_printer
from printer.uri import parse_printer_uri
from tests.printer.escpos_stream import same_pixels
from tests.printer.pty_printer import PtyPrinter
from tests.printer.test_output import slip_image


@pytest.fixture
def pty_printer():
    started: list[PtyPrinter] = []

    def start(state: str = "ready") -> PtyPrinter:
        printer = PtyPrinter(state)
        started.append(printer)
        return printer

    yield start
    for printer in started:
        printer.close()


def test_serial_printer_prints_and_answers_status(pty_printer):
    printer = pty_printer("near-end")
    image = slip_image("hospital", 58)
    result = print_image(image, printer.uri, paper(58))
    assert printer.queries == [1, 2, 4, 1, 2, 4]
    assert same_pixels(printer.job.image(), image)
    assert result.before.paper == "near-end"


def test_serial_printer_out_of_paper_gets_nothing(pty_printer):
    printer = pty_printer("paper-out")
    with pytest.raises(PaperOut):
        print_image(slip_image(), printer.uri, paper(80))
    assert printer.job.tokens == []


def test_missing_serial_port_is_printer_not_found(tmp_path):
    with pytest.raises(PrinterNotFound) as caught:
        open_printer(parse_printer_uri(f"serial://{tmp_path}/ttyUSB9"), paper(80))
    assert "ttyUSB9" in caught.value.en


def test_absent_usb_printer_is_printer_not_found():
    # an Epson TM-T20 id; no such device is attached to a test machine
    with pytest.raises(PrinterNotFound) as caught:
        open_printer(parse_printer_uri("usb://04b8:0e15"), paper(80))
    assert "usb://04b8:0e15" in caught.value.en


def test_cups_without_lp_is_printer_not_found(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no lp command on this PATH
    with pytest.raises(PrinterNotFound, match="lp"):
        open_printer(parse_printer_uri("cups://receipts"), paper(80))


def test_the_profile_width_is_set_on_this_printer_only():
    from escpos.printer import Dummy

    a, b = Dummy(), Dummy()
    fit_profile(a, paper(58))
    assert a.profile.profile_data["media"]["width"]["pixels"] == 384
    assert b.profile.profile_data["media"]["width"]["pixels"] == "Unknown"


def test_python_escpos_prints_nothing_to_stdout(capsys):
    encode_job(slip_image(), paper(80))
    assert capsys.readouterr().out == ""
