"""`kiosk-central notify` and `kiosk-central notifications`, and the SMS flags of `serve`.

    kiosk-central notify --db FILE|URL --sms-gateway-url URL --sms-token-file FILE [--once]
    kiosk-central notifications --db FILE|URL [--json] [--state S]

The token is read from a file, never taken on the command line (where `ps` shows it to every
user). `notifications` shows phone numbers masked, always: there is no flag to show them whole.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

from central.store.notifications import STATES
from kiosk.errors import InputError


def read_token(path: str | None) -> str:
    if path is None:
        return ""
    try:
        token = Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise InputError(
            f"cannot read the SMS token file {path!r}: {exc.strerror}",
            th=f"อ่านไฟล์โทเคน SMS ไม่ได้: {path}",
        ) from None
    if not token:
        raise InputError(f"the SMS token file {path!r} is empty", th="ไฟล์โทเคน SMS ว่างเปล่า")
    return token


def check_gateway(url: str | None, token_file: str | None, *, required: bool) -> None:
    if url is None:
        if required:
            raise InputError(
                "--sms-gateway-url is required", th="ต้องระบุ --sms-gateway-url (ที่อยู่ระบบส่ง SMS)"
            )
        return
    if not url.startswith(("http://", "https://")):
        raise InputError(
            f"--sms-gateway-url {url!r} must be an http:// or https:// URL",
            th="--sms-gateway-url ต้องขึ้นต้นด้วย http:// หรือ https://",
        )
    if token_file is None:
        raise InputError(
            "--sms-gateway-url needs --sms-token-file",
            th="ต้องระบุ --sms-token-file คู่กับ --sms-gateway-url",
        )


def gateway_flags(p: argparse.ArgumentParser) -> None:
    """The gateway's flags, in the synopsis of `serve` and `notify` (not a group of their own:
    the README's generated rows list a group's flags after the text instead)."""
    p.add_argument(
        "--sms-gateway-url",
        metavar="URL",
        help="the HTTP JSON SMS gateway to POST messages to (none: SMS rows stay pending)",
    )
    p.add_argument(
        "--sms-token-file",
        metavar="FILE",
        help="a file holding the gateway's bearer token (never on the CLI)",
    )
    p.add_argument(
        "--sms-timeout",
        type=float,
        default=10.0,
        metavar="S",
        help="seconds to wait for the gateway (default 10)",
    )


def serve_flags(serve: argparse.ArgumentParser) -> None:
    gateway_flags(serve)
    serve.add_argument(
        "--notify-interval",
        type=float,
        default=2.0,
        metavar="S",
        help="seconds between passes of the SMS sender over the outbox (default 2)",
    )
    serve.add_argument(
        "--no-notify",
        action="store_true",
        help="run no SMS sender in the server (run `kiosk-central notify` instead)",
    )


def notify_line(settings, workers: int) -> str:
    """What `serve` says at start about SMS, in one line (the gateway's host only: a URL may
    carry credentials)."""
    if not settings.notify:
        return "SMS sender off (--no-notify): outbox rows wait for `kiosk-central notify`"
    if not settings.sms_gateway_url:
        return "no SMS gateway configured (--sms-gateway-url): SMS rows stay pending"
    host = urlsplit(settings.sms_gateway_url).hostname
    return (
        f"SMS sender in each of {workers} worker(s), every {settings.notify_interval:g} s, "
        f"through {host}"
    )


def cmd_notify(args: argparse.Namespace) -> int:
    from central.cli import _settings, _store
    from central.notify.gateway import HttpJsonGateway
    from central.notify.sender import Sender

    check_gateway(args.sms_gateway_url, args.sms_token_file, required=True)
    gateway = HttpJsonGateway(
        args.sms_gateway_url, read_token(args.sms_token_file), args.sms_timeout
    )
    store = _store(args)
    sender = Sender(store, gateway, _settings(args).clock, send_timeout=args.sms_timeout)
    try:
        if args.once:
            handled = sender.drain()
            print(f"handled {handled} notification(s) / ส่งแล้ว {handled} รายการ")
            return 0
        stop = threading.Event()
        try:
            sender.run(args.notify_interval, stop)
        except KeyboardInterrupt:
            stop.set()
        return 0
    finally:
        store.close()


def cmd_notifications(args: argparse.Namespace) -> int:
    from central.cli import _existing_store

    if args.state is not None and args.state not in STATES:
        raise InputError(f"--state must be one of {', '.join(STATES)}", th="สถานะที่ระบุไม่ถูกต้อง")
    store = _existing_store(args)
    try:
        rows = [n.to_json() for n in store.notifications(args.state, args.limit)]
    finally:
        store.close()
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    print("id\tstate\tattempts\tevent\treference\tphone\tnext_attempt_at\tlast_error")
    for r in rows:
        print(
            f"{r['id']}\t{r['state']}\t{r['attempts']}\t{r['event']}\t{r['reference'] or '-'}\t"
            f"{r['phone'] or '-'}\t{r['next_attempt_at']}\t{r['last_error'] or '-'}"
        )
    counts = {s: sum(r["state"] == s for r in rows) for s in STATES}
    print(" ".join(f"{s} {n}" for s, n in counts.items()), file=sys.stderr)
    return 0


def add_parsers(sub: argparse._SubParsersAction, db_command) -> None:  # type: ignore[type-arg]
    notify = db_command(
        sub,
        "notify",
        help="send the SMS outbox through the gateway (the sender loop)",
        description=(
            "The SMS outbox sender alone (the same loop `serve` runs); `--sms-gateway-url` "
            "and `--sms-token-file` are required: claims due rows, POSTs each to the HTTP "
            "JSON gateway, retries 5xx/timeouts with backoff and 429 after `Retry-After`, "
            "keeps rows waiting while the gateway refuses our token (401/403, logged as an "
            "error), marks other 4xx `failed` and rows past 12 failed attempts or 24 h `dead`. "
            "`--once` sends what is due and exits. Any number of senders may run at once "
            "(claims in the database keep them apart)."
        ),
    )
    gateway_flags(notify)
    notify.add_argument("--once", action="store_true", help="send what is due now, then exit")
    notify.add_argument(
        "--interval",
        dest="notify_interval",
        type=float,
        default=2.0,
        metavar="S",
        help="seconds between passes (without --once; default 2)",
    )
    notify.set_defaults(handler=cmd_notify)

    listing = db_command(
        sub,
        "notifications",
        help="the SMS outbox, phone numbers masked",
        description=(
            "The SMS outbox, oldest first, phone numbers masked (`081-XXX-5678`; blank once "
            "sent, failed or dead). `--json` keys: id, event_id, reference, event, state, "
            "attempts, phone, text, created_at, sent_at, next_attempt_at, last_error. "
            "Counts per state on stderr."
        ),
    )
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.add_argument(
        "--state",
        metavar="|".join(STATES),
        help=f"only rows in this state ({', '.join(STATES)})",
    )
    listing.add_argument(
        "--limit", type=int, default=1000, metavar="N", help="at most this many rows"
    )
    listing.set_defaults(handler=cmd_notifications)
