"""DLE EOT replies: what each bit means, and which replies are not trusted."""

from __future__ import annotations

import pytest

from printer.errors import CoverOpen, PaperOut, PrinterOffline
from printer.status import PrinterStatus, is_status_byte


@pytest.mark.parametrize(
    ("replies", "online", "cover", "paper", "error"),
    [
        ({1: 0x12, 2: 0x12, 4: 0x12}, True, False, "ok", None),
        ({1: 0x12, 2: 0x12, 4: 0x1E}, True, False, "near-end", None),
        ({1: 0x1A, 2: 0x32, 4: 0x72}, False, False, "out", PaperOut),
        ({1: 0x1A, 2: 0x32, 4: 0x7E}, False, False, "out", PaperOut),
        ({1: 0x1A, 2: 0x16, 4: 0x12}, False, True, "ok", CoverOpen),
        ({1: 0x1A, 2: 0x52, 4: 0x12}, False, False, "ok", PrinterOffline),
        ({1: 0x12, 2: 0x32}, True, False, "out", PaperOut),  # stopped at paper end, no sensor
        ({1: 0x12}, True, None, None, None),
    ],
)
def test_replies_decode_to_status_and_error(replies, online, cover, paper, error):
    status = PrinterStatus.decode(replies)
    assert status.readable
    assert (status.online, status.cover_open, status.paper) == (online, cover, paper)
    problem = status.problem("tcp://printer")
    assert (type(problem) if problem else None) is error


def test_cover_open_wins_over_paper_out():
    status = PrinterStatus.decode({1: 0x1A, 2: 0x36, 4: 0x72})
    assert isinstance(status.problem("x"), CoverOpen)


@pytest.mark.parametrize("b", [0x00, 0xFF, 0x30, 0x13, 0x92])
def test_bytes_that_are_not_status_replies_are_not_trusted(b):
    assert not is_status_byte(b)
    status = PrinterStatus.decode({1: b, 2: 0x12, 4: 0x12})
    assert not status.readable and status.problem("x") is None


def test_an_invalid_paper_reply_is_ignored_not_taken_as_paper_out():
    status = PrinterStatus.decode({1: 0x12, 2: 0x12, 4: 0xFF})
    assert status.readable and status.paper is None and status.problem("x") is None


def test_unreadable_never_stops_printing():
    assert PrinterStatus.unreadable("file:// cannot carry replies").problem("x") is None


def test_describe_is_for_the_technician():
    text = PrinterStatus.decode({1: 0x1A, 2: 0x32, 4: 0x72}).describe()
    assert text == "OFFLINE, PAPER OUT (DLE EOT 1:1a 2:32 4:72)"
    assert PrinterStatus.unreadable("preview").describe() == "unknown (preview)"
