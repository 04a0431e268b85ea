"""Everything the demo needs, on this machine only: a reference central on loopback with demo
data, a terminal provisioned against it (enrolment code, token, keys, cache), emulated ID cards
presented through the vpcd virtual reader, and a printer that saves slips as pictures.

The central runs as its own process so that "pulling the plug" is real: it is killed, the kiosk
queues bookings in its journal, and they are sent once the central is started again.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from kiosk.config import TerminalConfig
from kiosk.config import load as load_config
from kiosk.errors import KioskError

CENTRAL = [sys.executable, "-c", "from central.cli import main; raise SystemExit(main())"]
DEMO_STORE = "DEMO-7ELEVEN-LADPRAO"
DEMO_TERMINAL = "T-DEMO-1"


class DemoError(KioskError):
    code = "demo-failed"
    exit_status = 3

    def __init__(self, en: str) -> None:
        super().__init__("เริ่มการสาธิตไม่สำเร็จ", en)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DemoEnvironment:
    def __init__(self, base: Path | None = None, *, vpcd_port: int = 35963) -> None:
        self.base = base or Path(tempfile.mkdtemp(prefix="kiosk-demo-"))
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.vpcd_port = vpcd_port
        self.reader = f"Virtual PCD 00 {vpcd_port - 35963:02d}"
        self.central: subprocess.Popen | None = None
        self.card = None
        self.config_path = self.base / "etc" / "kiosk.toml"
        self.env = {**os.environ, "KIOSK_HOME": str(self.base / "data")}
        self.slips = self.base / "slips"
        self.screens = self.base / "screens"
        #: The demo's SMS gateway: central.notify.fake_gateway in this process, on loopback.
        self.sms = None

    # the central -----------------------------------------------------------------------------

    @property
    def central_db(self) -> Path:
        return self.base / "central" / "central.db"

    def start_sms_gateway(self) -> list[str]:
        """Start the loopback fake SMS gateway (once) and give the serve flags that use it, so
        the demo's SMS are really sent over HTTP (DESIGN §12; docs/notifications.md)."""
        import secrets

        from central.notify.fake_gateway import FakeGateway

        token_file = self.base / "central" / "sms-token"
        if self.sms is None:
            token = secrets.token_urlsafe(16)
            token_file.parent.mkdir(parents=True, exist_ok=True)
            token_file.touch(mode=0o600)
            token_file.write_text(token)
            self.sms = FakeGateway(token=token).start()
        return [
            "--sms-gateway-url",
            self.sms.url,
            "--sms-token-file",
            str(token_file),
            "--notify-interval",
            "0.5",
        ]

    def sms_sent(self, settle: float = 3.0) -> int:
        """How many SMS the gateway accepted, once the central's outbox has nothing left due
        (waiting up to `settle` seconds for the sender's next passes)."""
        if self.sms is None:
            return 0
        import json

        deadline = time.monotonic() + settle
        while time.monotonic() < deadline and self.central_up:
            rows = json.loads(self.central_cli("notifications", "--json"))
            if not any(r["state"] in ("pending", "sending") for r in rows):
                break
            time.sleep(0.2)
        return len(self.sms.snapshot())

    def start_central(
        self, capacity: int = 200, extra: Sequence[str] = (), *, sms: bool = True
    ) -> None:
        """`extra`: more `kiosk-central serve` flags (the benchmarks set the lease policy);
        they come last, so they override the SMS flags. `sms`: send SMS to the fake gateway."""
        db = self.central_db
        db.parent.mkdir(parents=True, exist_ok=True)
        sms_flags = self.start_sms_gateway() if sms else []
        log = open(self.base / "central" / "central.log", "ab")  # noqa: SIM115  kept by the child
        self.central = subprocess.Popen(
            [
                *CENTRAL,
                "serve",
                "--db",
                str(db),
                "--port",
                str(self.port),
                "--demo",
                "--always-open",
                "--capacity",
                str(capacity),
                "--no-access-log",
                "--log-level",
                "warning",
                *sms_flags,
                *extra,
            ],
            stdout=log,
            stderr=log,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.central.poll() is not None:
                raise DemoError(f"the demo central stopped; see {db.parent / 'central.log'}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise DemoError("the demo central did not start within 30 s")

    def pull_the_plug(self) -> None:
        """Kill the central without warning, as a cut cable or a crashed server would."""
        if self.central is not None and self.central.poll() is None:
            self.central.send_signal(signal.SIGKILL)
            self.central.wait(10)
        self.central = None

    @property
    def central_up(self) -> bool:
        return self.central is not None and self.central.poll() is None

    def central_cli(self, *args: str, stdin: str | None = None) -> str:
        out = subprocess.run(
            [*CENTRAL, *args, "--db", str(self.central_db)],
            capture_output=True,
            text=True,
            check=False,
            input=stdin,
        )
        if out.returncode:
            raise DemoError(f"kiosk-central {args[0]} failed: {out.stderr.strip()}")
        return out.stdout.strip()

    def console_presenter(self) -> tuple[str, Path]:
        """The operations console's presenter: a technician `presenter` with a random password
        (kept in a file only its owner reads) and a one-time sign-in link (10 min): the link
        and the password file."""
        secret = self.base / "central" / "presenter-password"
        if not secret.exists():
            password = secrets.token_urlsafe(18)
            secret.touch(mode=0o600)
            secret.write_text(password + "\n")
            self.central_cli(
                "operator", "add", "--name", "presenter", "--role", "technician",
                "--password-stdin", stdin=password + "\n",
            )  # fmt: skip
        link = self.central_cli(
            "operator", "signin-link", "--name", "presenter", "--base-url", self.url
        )
        return link, secret

    def token(self, terminal_id: str) -> str:
        """A bearer token straight from the central's database (staging, benchmarks)."""
        return self.central_cli("token", "--terminal", terminal_id)

    # the terminal ----------------------------------------------------------------------------

    def provision(self) -> TerminalConfig:
        from sync.provision import provision

        code = self.central_cli("enrolment-code", "--store", DEMO_STORE)
        provision(
            url=self.url,
            code=code,
            config_path=self.config_path,
            store=DEMO_STORE,
            terminal_id=DEMO_TERMINAL,
            printer_uri=f"preview://{self.slips}",
            paper=80,
            reader=self.reader,
            env=self.env,
        )
        return self.config()

    def config(self) -> TerminalConfig:
        return load_config(self.config_path, env=self.env)

    # cards -----------------------------------------------------------------------------------

    def insert(self, card_json: dict, atr: str = "3b79") -> None:
        from kiosk.card.emulator import ThaiIdApplet
        from kiosk.card.vpcd import VirtualCard

        self.remove()
        self.card = VirtualCard(ThaiIdApplet.from_json(card_json, atr=atr), port=self.vpcd_port)
        self.card.insert()

    def remove(self) -> None:
        if self.card is not None:
            self.card.remove()
            self.card = None

    def close(self) -> None:
        self.remove()
        if self.sms is not None:
            self.sms.stop()
            self.sms = None
        if self.central is not None and self.central.poll() is None:
            self.central.terminate()
            try:
                self.central.wait(10)
            except subprocess.TimeoutExpired:
                self.central.kill()
        self.central = None
