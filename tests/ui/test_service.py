"""Out of service when the reader, the printer or the journal cannot serve; back when they can."""

from __future__ import annotations

import socket

from kiosk.session import Screen
from tests.ui.conftest import visible_labels


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def shown(d) -> str:
    return " ".join(w.text() for w in visible_labels(d.view()))


def test_a_missing_reader_puts_the_kiosk_out_of_service(make_kiosk):
    d = make_kiosk(reader_name="No Such Reader 99")
    d.wait_screen(Screen.OUT_OF_SERVICE)
    assert not d.s.status.reader_ok and d.s.status.problem.code == "no-reader"
    assert "ไม่พบเครื่องอ่านบัตร" in shown(d)


def test_a_missing_printer_puts_the_kiosk_out_of_service(make_kiosk, loopback_printer):
    d = make_kiosk(printer=f"tcp://127.0.0.1:{closed_port()}")
    d.wait_screen(Screen.OUT_OF_SERVICE)
    assert not d.s.status.printer_ok and d.s.status.problem.code == "printer-not-found"
    assert "เครื่องพิมพ์ไม่พร้อมใช้งาน" in shown(d)


def test_a_printer_without_paper_is_out_of_service_until_refilled(make_kiosk, loopback_printer):
    printer = loopback_printer("paper-out")
    d = make_kiosk(printer=printer.uri)
    d.wait_screen(Screen.OUT_OF_SERVICE)
    assert d.s.status.problem.code == "printer-paper-out"
    printer.state = "ready"
    d.wait_screen(Screen.WELCOME)


def test_an_unusable_journal_puts_the_kiosk_out_of_service(make_kiosk, tmp_path):
    d = make_kiosk(start=False)
    d.kiosk.terminal.config.journal_path.write_bytes(b"this is not a database" * 100)
    d.kiosk.controller.start()
    d.wait_screen(Screen.OUT_OF_SERVICE)
    assert not d.s.status.journal_ok and d.s.status.problem.code == "journal-corrupt"
