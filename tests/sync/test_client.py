"""The client's promises: TLS verified against the configured CA, the clock taken from the
central, contract-shaped answers only."""

from __future__ import annotations

import datetime as dt
import ipaddress

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kiosk.booking.errors import CentralRejected, CentralUnavailable
from sync.client import CentralClient
from tests.central.conftest import start_central


def _certificate(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "central.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "central.pem", tmp_path / "central.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def tls_central(tmp_path):
    cert, key = _certificate(tmp_path)
    running = start_central(
        tmp_path, server_options={"ssl_certfile": str(cert), "ssl_keyfile": str(key)}
    )
    yield running, cert
    running.stop()


def test_tls_is_verified_against_the_configured_ca_bundle(tls_central, tmp_path):
    central, cert = tls_central
    assert central.base_url.startswith("https://")
    trusted = CentralClient(central.base_url, central.tokens["kiosk-1"], ca_bundle=str(cert))
    assert trusted.config()["rule_set"] == "bkk-thairuamjai-2021-05-27"
    untrusted = CentralClient(central.base_url, central.tokens["kiosk-1"])
    with pytest.raises(CentralUnavailable) as err:
        untrusted.config()
    assert err.value.code == "central-tls"


def test_clock_offset_from_the_date_header(central):
    client = CentralClient(central.base_url, central.tokens["kiosk-1"])
    client.config()
    skew = (client.now() - central.clock.now).total_seconds()
    assert abs(skew) < 1.5  # the header has one-second resolution
    central.clock.advance(hours=3)
    client.config()
    assert abs((client.now() - central.clock.now).total_seconds()) < 1.5


def test_every_call_has_a_deadline(central, proxy):
    client = CentralClient(
        proxy.url, central.tokens["kiosk-1"], connect_timeout=0.3, read_timeout=0.3
    )
    proxy.set("blackhole")
    import time

    started = time.monotonic()
    with pytest.raises(CentralUnavailable):
        client.config(deadline=1.0)
    assert time.monotonic() - started < 1.5


def test_problems_come_back_whole(central):
    client = CentralClient(central.base_url, central.tokens["kiosk-1"])
    with pytest.raises(CentralRejected) as err:
        client.rules("no-such-rules")
    assert (err.value.status, err.value.code) == (404, "unknown-rule-set")
    assert client.lookup("1103700123458") is None


def test_wrong_types_from_the_central_are_not_believed(central, proxy):
    client = CentralClient(proxy.url, central.tokens["kiosk-1"])
    proxy.set("lie")
    with pytest.raises(CentralUnavailable) as err:
        client.book({"booking_id": "x"}, booking_id="x")
    assert err.value.code == "central-garbled"
    proxy.set("garbage")
    with pytest.raises(CentralUnavailable):
        client.sites()


# Found by fuzz/rules.py (docs/faults.md): a reply nested a few thousand deep made
# `response.json()` raise RecursionError, which is not a ValueError, so it escaped as a crash
# of `kiosk sync run` instead of "the central's reply is not JSON". The fuzzer's input was
# 01 34 04 fb 1c 38: 3316 objects deep around the bytes 1c 38.
FUZZ_CRASH_DEEP_REPLY = b'{"a":' * 3316 + b"\x1c8" + b"}" * 3316


def test_a_reply_nested_thousands_deep_is_garbled_not_a_crash():
    import http.server
    import threading

    class Deep(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(FUZZ_CRASH_DEEP_REPLY)))
            self.end_headers()
            self.wfile.write(FUZZ_CRASH_DEEP_REPLY)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Deep)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = CentralClient(f"http://127.0.0.1:{server.server_port}", "token")
        with pytest.raises(CentralUnavailable) as err:
            client.rules("bkk-thairuamjai-2021-05-27")
        assert err.value.code == "central-garbled"
        assert err.value.th and err.value.en
    finally:
        server.shutdown()
        server.server_close()
