"""Printer addresses: each scheme parsed, and a bad one refused when it is read."""

from __future__ import annotations

import pytest

from printer.errors import BadPrinterUri
from printer.uri import DEFAULT_PRINTER_URI, parse_printer_uri, resolve_printer_uri


def test_usb():
    t = parse_printer_uri("usb://04b8:0e15?out_ep=0x02")
    assert (t.scheme, t.vendor, t.product) == ("usb", 0x04B8, 0x0E15)
    assert t.option_int("out_ep", 1) == 2 and t.reads_status


def test_serial_with_and_without_baud():
    t = parse_printer_uri("serial:///dev/ttyUSB0?baud=19200")
    assert (t.scheme, t.path, t.option_int("baud", 0)) == ("serial", "/dev/ttyUSB0", 19200)
    assert parse_printer_uri("serial:///dev/ttyS0").option_int("baud", 9600) == 9600


def test_tcp_with_default_port():
    assert (parse_printer_uri("tcp://192.0.2.10").port) == 9100
    t = parse_printer_uri("tcp://printer.local:9101?timeout=3")
    assert (t.host, t.port, t.option_float("timeout", 0)) == ("printer.local", 9101, 3.0)


def test_file_cups_preview():
    assert parse_printer_uri("file:///dev/usb/lp0").path == "/dev/usb/lp0"
    assert parse_printer_uri("cups://TM-T20_receipts").queue == "TM-T20_receipts"
    assert parse_printer_uri("preview://./slips").path == "slips"
    assert parse_printer_uri("preview:///var/lib/kiosk/slips").path == "/var/lib/kiosk/slips"
    for uri in ("file:///x", "cups://q", "preview://d"):
        assert not parse_printer_uri(uri).reads_status


@pytest.mark.parametrize(
    ("uri", "says"),
    [
        ("lpt://1", "unknown scheme"),
        ("/dev/usb/lp0", "unknown scheme (none)"),
        ("usb://04b8", "VID:PID"),
        ("usb://zz:0e15", "invalid literal"),
        ("usb://04b8:0e15?speed=1", "unknown option speed"),
        ("serial://ttyUSB0", "absolute"),
        ("serial:///dev/ttyUSB0?baud=12345", "baud must be one of"),
        ("tcp://:9100", "tcp://HOST"),
        ("tcp://host:99999", "out of range"),
        ("tcp://host?timeout=0", "timeout"),
        ("file://relative/path", "ABSOLUTE"),
        ("cups://", "QUEUE"),
        ("cups://a b", "QUEUE"),
        ("preview://", "DIR"),
    ],
)
def test_bad_uris_are_refused_with_the_reason(uri, says):
    with pytest.raises(BadPrinterUri) as caught:
        parse_printer_uri(uri)
    assert says in caught.value.en
    assert caught.value.exit_status == 2


def test_the_default_is_a_preview_and_config_beats_it():
    assert resolve_printer_uri(None) == DEFAULT_PRINTER_URI == "preview://./slips"
    assert resolve_printer_uri(None, "tcp://192.0.2.5") == "tcp://192.0.2.5"
    assert resolve_printer_uri("usb://04b8:0e15", "tcp://192.0.2.5") == "usb://04b8:0e15"
