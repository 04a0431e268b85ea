"""From picture to printer: the exact bytes, the status checks, and what a failure leaves behind.

The bytes are produced by python-escpos itself (its `Dummy` printer) and read back with a
parser that follows the commands the way a printer does. The printers are real: a loopback TCP
server (tests/printer/loopback.py), a file, a preview directory.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest
from PIL import Image

from printer.errors import (
    CoverOpen,
    PaperOut,
    PrinterError,
    PrinterNotFound,
    PrinterOffline,
    PrintFailed,
    PrintMayBeIncomplete,
)
from printer.output import PAPER_NEAR_END, STATUS_UNKNOWN, encode_job, print_image, print_slip
from printer.paper import paper
from printer.slip import render_slip
from printer.slip_data import parse_slip
from tests.printer.conftest import FIXTURES, KINDS, NOW, slip_json
from tests.printer.escpos_stream import decode, same_pixels

#: DESIGN §9: a slip on 80 mm paper is under 80 KB to send.
BUDGET_BYTES = 80_000


def slip_image(kind: str = "confirmed", mm: int = 80) -> Image.Image:
    return render_slip(parse_slip(slip_json(kind), now=NOW), paper(mm))


@pytest.mark.parametrize("mm", [80, 58])
def test_the_job_decodes_to_exactly_the_rendered_image(mm):
    image = slip_image("confirmed", mm)
    job = decode(encode_job(image, paper(mm)))
    assert same_pixels(job.image(), image)
    rasters = [t for t in job.tokens if t.name == "GS v 0"]
    assert len(rasters) == 2  # over 960 rows: python-escpos sends it in two fragments
    assert all(t.args[1] == paper(mm).dots // 8 for t in rasters)


def test_the_job_is_init_raster_and_a_full_cut_and_nothing_else():
    job = decode(encode_job(slip_image(), paper(80)))
    names = job.names
    assert names[0] == "ESC @"
    assert set(names[1:-2]) == {"GS v 0"}
    assert names[-2:] == ["ESC d", "GS V"]
    assert job.tokens[-1].args == (0,)  # GS V 0: full cut
    assert not any(n.startswith("GS (") for n in names)  # never GS ( L graphics


def test_the_decoder_would_notice_a_wrong_pixel():
    image = slip_image()
    raw = bytearray(encode_job(image, paper(80)))
    raw[2 + 8 + 72 * 100 + 10] ^= 0x01  # one dot in row 100 of the first fragment
    assert not same_pixels(decode(bytes(raw)).image(), image)


def test_raster_data_that_looks_like_commands_is_not_read_as_commands():
    """Dots that happen to spell DLE EOT 4 or GS ( L stay picture data."""
    pattern = bytes([0x10, 0x04, 0x04, 0x1D, 0x28, 0x4C]) * 12
    img = Image.frombytes("1", (576, 1), pattern, "raw", "1;I")
    job = decode(encode_job(img, paper(80)))
    assert job.names == ["ESC @", "GS v 0", "ESC d", "GS V"]
    assert same_pixels(job.image(), img)


def test_a_non_1bit_image_is_refused():
    with pytest.raises(ValueError, match="1-bit"):
        encode_job(Image.new("L", (576, 10), 255), paper(80))


def test_an_image_wider_than_the_paper_is_refused_by_python_escpos():
    from escpos.exceptions import ImageWidthError

    with pytest.raises(ImageWidthError):
        encode_job(slip_image("confirmed", 80), paper(58))


@pytest.mark.parametrize("kind", KINDS)
def test_an_80mm_slip_is_within_the_byte_budget(kind):
    assert len(encode_job(slip_image(kind), paper(80))) < BUDGET_BYTES


# -- a network printer on loopback -------------------------------------------------------------


def test_prints_to_a_network_printer_and_checks_status_before_and_after(loopback_printer):
    printer = loopback_printer("ready")
    image = slip_image()
    result = print_image(image, printer.uri, paper(80))
    [connection] = printer.connections
    assert connection.queries == [1, 2, 4, 1, 2, 4]
    [job] = printer.jobs
    assert same_pixels(job.image(), image)
    assert job.names[-1] == "GS V"
    assert result.bytes_sent == len(encode_job(image, paper(80)))
    assert result.before.online and result.before.paper == "ok"
    assert result.after.online and result.after.paper == "ok"
    assert result.notices == ()


def test_paper_near_end_prints_and_warns(loopback_printer):
    printer = loopback_printer("near-end")
    result = print_image(slip_image(), printer.uri, paper(80))
    assert len(printer.jobs) == 1
    assert result.notices == (PAPER_NEAR_END,)
    assert result.before.paper == "near-end"


@pytest.mark.parametrize(
    ("state", "error"),
    [("paper-out", PaperOut), ("cover-open", CoverOpen), ("offline", PrinterOffline)],
)
def test_a_printer_that_cannot_print_gets_nothing_and_a_typed_error(loopback_printer, state, error):
    printer = loopback_printer(state)
    with pytest.raises(error) as caught:
        print_image(slip_image(), printer.uri, paper(80))
    assert type(caught.value) is error
    assert caught.value.reprint and caught.value.exit_status == 3
    assert "The booking stands" in caught.value.en
    assert printer.jobs == []  # not a byte of the slip was sent
    assert printer.connections[0].queries == [1, 2, 4]


def test_paper_out_leaves_the_booking_alone_and_a_reprint_works(loopback_printer, tmp_path):
    """The booking data is only read; after a paper change the same data prints the same slip."""
    booking = tmp_path / "BOOKING.json"
    booking.write_bytes((FIXTURES / "confirmed.json").read_bytes())
    before = (booking.read_bytes(), booking.stat().st_mtime_ns)
    slip = parse_slip(json.loads(booking.read_text(encoding="utf-8")), now=NOW)
    printer = loopback_printer("paper-out")
    with pytest.raises(PaperOut):
        print_slip(slip, printer.uri, paper(80))
    assert (booking.read_bytes(), booking.stat().st_mtime_ns) == before
    assert printer.jobs == []

    printer.state = "ready"  # staff load a new roll
    result = print_slip(slip, printer.uri, paper(80))
    assert same_pixels(printer.jobs[0].image(), render_slip(slip, paper(80)))
    assert result.notices == ()


def test_paper_running_out_during_the_slip_is_reported_after_it(loopback_printer):
    printer = loopback_printer("ready", then="paper-out")
    with pytest.raises(PrintMayBeIncomplete) as caught:
        print_image(slip_image(), printer.uri, paper(80))
    assert isinstance(caught.value.cause, PaperOut)
    assert caught.value.reprint
    assert len(printer.jobs) == 1  # it was sent; the end may be missing on paper


def test_a_printer_that_ignores_dle_eot_still_prints_with_a_notice(loopback_printer):
    printer = loopback_printer("silent")
    started = time.monotonic()
    result = print_image(slip_image(), printer.uri, paper(80))
    assert len(printer.jobs) == 1
    assert not result.before.readable
    assert result.notices == (STATUS_UNKNOWN,)
    # one unanswered DLE EOT 1 before and one after, each waiting STATUS_TIMEOUT, no more
    assert time.monotonic() - started < 4


def test_nothing_listening_is_printer_not_found(loopback_printer):
    printer = loopback_printer("ready")
    uri = printer.uri
    printer.close()
    with pytest.raises(PrinterNotFound) as caught:
        print_image(slip_image(), uri, paper(80))
    assert uri in caught.value.en
    assert isinstance(caught.value, PrinterError)


# -- files and previews ------------------------------------------------------------------------


def test_file_printer_gets_the_same_bytes(tmp_path):
    image = slip_image()
    out = tmp_path / "lp0"
    result = print_image(image, f"file://{out}", paper(80))
    assert out.read_bytes() == encode_job(image, paper(80))
    assert not result.before.readable and result.notices == ()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux /dev/full")
def test_a_write_that_fails_is_print_failed():
    """/dev/full opens fine and fails every write, like a printer that vanishes mid-job."""
    with pytest.raises(PrintFailed) as caught:
        print_image(slip_image(), "file:///dev/full", paper(80))
    assert caught.value.reprint and "file:///dev/full" in caught.value.en


def test_printing_logs_no_personal_data(loopback_printer, caplog):
    caplog.set_level(logging.DEBUG)
    slip = parse_slip(slip_json("confirmed"), now=NOW)
    print_slip(slip, loopback_printer("near-end").uri, paper(80))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "printed" in logged and "NEAR END" in logged
    for secret in ("สมชาย", "Somchai", "ใจดี", "Jaidee"):
        assert secret not in logged


def test_file_printer_in_a_missing_directory_is_not_found(tmp_path):
    with pytest.raises(PrinterNotFound):
        print_image(slip_image(), f"file://{tmp_path}/no/such/dir/lp0", paper(80))


def test_preview_writes_the_png_without_overwriting(tmp_path):
    image = slip_image("queued")
    first = print_image(image, f"preview://{tmp_path}/slips", paper(80), name="a/b slip")
    second = print_image(image, f"preview://{tmp_path}/slips", paper(80), name="a/b slip")
    assert first.preview == tmp_path / "slips" / "a-b-slip.png"
    assert second.preview == tmp_path / "slips" / "a-b-slip-2.png"
    assert same_pixels(Image.open(first.preview), image)


def test_print_slip_names_the_preview_by_time_and_kind(tmp_path):
    slip = parse_slip(slip_json("hospital"), now=NOW)
    result = print_slip(slip, f"preview://{tmp_path}", paper(58))
    assert result.preview is not None and result.preview.name == "20210528-110215-hospital.png"
    assert Image.open(result.preview).width == 384
