"""`kiosk-central`: serve the reference central, and administer it.

    kiosk-central serve --db FILE [--host 127.0.0.1] [--port 8080] [--demo] [--always-open]
    kiosk-central enrolment-code --db FILE --store STORE      one-time code for a technician
    kiosk-central token --db FILE --terminal NAME              bearer token (staging and tests)
    kiosk-central revoke --db FILE --terminal NAME             the token stops working at once
    kiosk-central hours --db FILE [--channel CH] [--opens HH:MM --closes HH:MM] [--always-open]
    kiosk-central verify --db FILE                             settle pending-verification now
    kiosk-central leases --db FILE [--json]                    seats held per slot and terminal
    kiosk-central check-slip --db FILE TEXT                    verify an offline slip's QR text
    kiosk-central migrate --db FILE                            apply migrations, print the version
    kiosk-central notify --db FILE --sms-gateway-url URL ...   send the SMS outbox
    kiosk-central notifications --db FILE [--json]             the SMS outbox, phones masked
    kiosk-central openapi [--output FILE]                      the served OpenAPI document

--db takes a SQLite file or a postgresql:// URL; with a URL, --keys-dir DIR is required for the
commands that use the central's keys (serve), since nothing is "beside" a URL.

Failures print a Thai and an English message with a code and exit with the error's status (2 bad
input, 3 the database or key files); no traceback reaches the user unless --debug asks.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

from central.cli_console import add_parsers as console_parsers
from central.cli_fleet import add_parsers as fleet_parsers
from central.cli_notify import add_parsers as notify_parsers
from central.cli_notify import check_gateway, notify_line, read_token, serve_flags
from central.cli_stores import add_parsers as stores_parsers
from central.hours import CHANNELS, END_OF_DAY, ChannelHours, minutes
from kiosk.errors import InputError, run_reporting


def _settings(args: argparse.Namespace):
    from central.settings import Settings, clock_from_file, clock_starting_at, system_clock

    clock = system_clock
    if getattr(args, "now", None):
        clock = clock_starting_at(_instant(args.now))
    if getattr(args, "clock_file", None):
        clock = clock_from_file(Path(args.clock_file))
    keys_dir = getattr(args, "keys_dir", None)
    return Settings(db=_db(args), clock=clock, keys_dir=Path(keys_dir) if keys_dir else None)


def _db(args: argparse.Namespace) -> Path | str:
    """A `postgresql://` URL as it is (a Path would fold its `//`), or a file path."""
    from central.store.postgres import is_postgres_url

    return args.db if is_postgres_url(args.db) else Path(args.db)


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"--now {text!r} is not an ISO 8601 date-time") from None
    if value.tzinfo is None:
        raise InputError("--now needs a UTC offset, e.g. 2021-05-28T10:00:00+07:00")
    return value


def _store(args: argparse.Namespace):
    from central.keys import ServerKeys
    from central.store import open_store

    # The personal columns open with the central's key: --keys-dir's, or (SQLite) the one
    # beside the file, which the store finds itself; a URL without --keys-dir gets none.
    keys_dir = getattr(args, "keys_dir", None)
    sealer = ServerKeys.load_or_create(keys_dir).field_sealer() if keys_dir else None
    return open_store(_db(args), sealer=sealer)


def serve_settings(args: argparse.Namespace, *, demo: bool):
    """The settings `serve` runs with (also each worker's, central.workers)."""
    return replace(
        _settings(args),
        demo=demo,
        demo_capacity=args.capacity,
        max_in_flight=args.max_in_flight,
        verify_interval=args.verify_interval,
        verify_hold=args.verify_hold,
        synchronous=args.synchronous,
        booking_delay=args.booking_delay,
        lease_share=args.lease_share,
        lease_seats_per_terminal=args.lease_seats_per_terminal,
        lease_seats_per_slot=args.lease_seats_per_slot,
        lease_lead=timedelta(hours=args.lease_lead_hours),
        lease_life=timedelta(hours=args.lease_life_hours),
        lease_grace=timedelta(minutes=args.lease_grace_minutes),
        notify=not args.no_notify,
        sms_gateway_url=args.sms_gateway_url,
        sms_token=read_token(args.sms_token_file),
        sms_timeout=args.sms_timeout,
        notify_interval=args.notify_interval,
    )


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from central.app import create_app
    from central.service import Central
    from central.store.postgres import is_postgres_url, redact

    if args.workers < 1:
        raise InputError("--workers must be 1 or more", th="--workers ต้องเป็น 1 ขึ้นไป")
    if args.workers > 1 and not is_postgres_url(args.db):
        raise InputError(
            "--workers N needs a postgresql:// database: a SQLite central is one process",
            th="--workers ใช้ได้กับฐานข้อมูล PostgreSQL เท่านั้น",
        )
    check_gateway(args.sms_gateway_url, args.sms_token_file, required=False)
    settings = serve_settings(args, demo=args.demo)
    central = Central(settings)  # migrates, creates the keys, seeds the demo data
    if args.always_open:
        _always_open(central.store)
    print(
        f"kiosk-central: serving {redact(str(args.db))} on http://{args.host}:{args.port} "
        f"with {args.workers} worker(s) (keys in {settings.keys_path})",
        file=sys.stderr,
    )
    print(f"kiosk-central: {notify_line(settings, args.workers)}", file=sys.stderr)
    options = {
        "host": args.host,
        "port": args.port,
        "log_level": args.log_level,
        "access_log": not args.no_access_log,
        "loop": "auto",
        "http": "auto",
        "date_header": False,  # central.server_date sets it from the central's clock
    }
    if args.workers == 1:
        uvicorn.run(create_app(settings, central), **options)
        return 0
    from central import workers

    central.close()  # each worker opens its own pool
    workers.export_args(args)
    uvicorn.run("central.workers:app", factory=True, workers=args.workers, **options)
    return 0


def _always_open(store) -> None:
    for channel in CHANNELS:
        store.set_hours(ChannelHours(channel, "00:00", END_OF_DAY, date(2021, 5, 28)))


def cmd_enrolment_code(args: argparse.Namespace) -> int:
    settings = _settings(args)
    store = _store(args)
    code = store.new_enrolment_code(args.store, settings.clock(), timedelta(hours=args.ttl_hours))
    print(code)
    print(
        f"one-time code for store {args.store!r}, valid {args.ttl_hours} h / "
        f"รหัสใช้ได้ครั้งเดียว ภายใน {args.ttl_hours} ชั่วโมง",
        file=sys.stderr,
    )
    return 0


def cmd_token(args: argparse.Namespace) -> int:
    settings = _settings(args)
    token = _store(args).issue_token(
        args.terminal, args.store or args.terminal, args.channel, settings.clock()
    )
    print(token)
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if not _store(args).revoke(args.terminal, settings.clock()):
        raise InputError(f"no terminal {args.terminal!r} with a live token", th="ไม่พบเครื่องที่ระบุ")
    print(f"revoked / เพิกถอนแล้ว: {args.terminal}", file=sys.stderr)
    return 0


def cmd_hours(args: argparse.Namespace) -> int:
    store = _store(args)
    current = store.hours()
    channels = CHANNELS if args.channel == "all" else (args.channel,)
    if args.always_open:
        _always_open(store)
    elif args.opens or args.closes or args.valid_from:
        for channel in channels:
            old = current.get(channel) or ChannelHours(channel, "09:00", "18:00", date(2021, 5, 28))
            opens, closes = args.opens or old.opens, args.closes or old.closes
            if minutes(opens) >= minutes(closes):
                raise InputError(f"{channel}: opening {opens} must be before closing {closes}")
            valid_from = old.valid_from
            if args.valid_from:
                try:
                    valid_from = date.fromisoformat(args.valid_from)
                except ValueError:
                    raise InputError(f"--from {args.valid_from!r} is not a date") from None
            store.set_hours(ChannelHours(channel, opens, closes, valid_from))
    for channel, h in store.hours().items():
        print(f"{channel}\t{h.opens}-{h.closes}\tfrom {h.valid_from.isoformat()}\tAsia/Bangkok")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    settings = _settings(args)
    confirmed, cancelled = _store(args).verify_pending(settings.clock())
    print(f"confirmed {confirmed}, cancelled {cancelled}")
    return 0


def _existing_store(args: argparse.Namespace):
    from central.store.postgres import database_exists, is_postgres_url, redact

    if is_postgres_url(args.db):
        if not database_exists(args.db):
            raise InputError(f"no database {redact(args.db)!r}", th="ไม่พบฐานข้อมูล")
    elif not Path(args.db).is_file():
        raise InputError(f"no database {args.db!r}", th="ไม่พบไฟล์ฐานข้อมูล")
    return _store(args)


def cmd_migrate(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        print(f"schema version {store.schema_version}")
    finally:
        store.close()
    return 0


def cmd_leases(args: argparse.Namespace) -> int:
    settings = _settings(args)
    report = _existing_store(args).lease_report(settings.clock())
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    print("slot\tcapacity\tbooked\theld\tavailable")
    for s in report["slots"]:
        print(f"{s['slot_id']}\t{s['capacity']}\t{s['booked']}\t{s['held']}\t{s['available']}")
    print()
    print("terminal\tleases\tseats\tspent-not-booked\tbooked")
    for t in report["terminals"]:
        print(
            f"{t['terminal_id']}\t{t['leases']}\t{t['seats']}\t{t['spent_not_booked']}\t"
            f"{t['booked']}"
        )
    held = sum(s["held"] for s in report["slots"])
    print(f"\n{held} seats held in {len(report['slots'])} slots / ที่นั่งที่สำรองไว้ {held} ที่")
    return 0


def cmd_check_slip(args: argparse.Namespace) -> int:
    from central.slip_check import check_slip

    verdict = check_slip(_existing_store(args), args.text)
    print("\n".join(verdict.lines()))
    return 0


def openapi_document() -> str:
    """The OpenAPI document exactly as served, in the form committed to docs/central-api.json."""
    import tempfile

    from central.app import create_app
    from central.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings(db=Path(tmp) / "openapi.db"))
        document = app.openapi()
        app.state.central.close()
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def cmd_openapi(args: argparse.Namespace) -> int:
    text = openapi_document()
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def _lease_flags(serve: argparse.ArgumentParser) -> None:
    """The grant policy of DESIGN §11 (defaults as there), so tests and benches can tune it."""
    group = serve.add_argument_group("seat leases")
    group.add_argument("--lease-share", type=float, default=0.10, help="share of a slot leased")
    group.add_argument("--lease-seats-per-terminal", type=int, default=6)
    group.add_argument("--lease-seats-per-slot", type=int, default=2)
    group.add_argument("--lease-lead-hours", type=float, default=12.0)
    group.add_argument("--lease-life-hours", type=float, default=24.0)
    group.add_argument("--lease-grace-minutes", type=float, default=5.0)


def _serve_options(serve: argparse.ArgumentParser) -> None:
    """The rest of `serve`'s options: hidden test ones, the lease policy, SMS, logging."""
    _test_only_flags(serve)
    _lease_flags(serve)
    serve_flags(serve)
    _log_flags(serve)


def _log_flags(serve: argparse.ArgumentParser) -> None:
    serve.add_argument(
        "--log-level",
        default="info",
        help="uvicorn's and, with --workers, the workers' log level (debug shows every "
        "registry check run)",
    )
    serve.add_argument("--no-access-log", action="store_true", help="no line per request")


def db_command(sub: argparse._SubParsersAction, name: str, **kwargs) -> argparse.ArgumentParser:
    """A subcommand that works on the central's database: `--db`, `--keys-dir` and `--now`."""
    p = sub.add_parser(name, **kwargs)
    p.add_argument(
        "--db",
        required=True,
        metavar="FILE|URL",
        help="a SQLite database file or a postgresql:// URL",
    )
    p.add_argument(
        "--keys-dir",
        metavar="DIR",
        help="the central's private keys (default FILE.keys beside a SQLite file; "
        "required with a postgresql:// URL)",
    )
    p.add_argument(
        "--now",
        metavar="T",
        help="STAGING/TESTS ONLY: run the clock from this ISO 8601 instant (with offset)",
    )
    return p


def _test_only_flags(serve: argparse.ArgumentParser) -> None:
    """Hidden: tests hold a booking request in flight or a registry check run's lock, and move
    the clock of a central served by several processes."""
    serve.add_argument("--booking-delay", type=float, default=0.0, help=argparse.SUPPRESS)
    serve.add_argument("--verify-hold", type=float, default=0.0, help=argparse.SUPPRESS)
    serve.add_argument("--clock-file", help=argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk-central", description="The reference central booking service (issue 4)."
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of unexpected errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = db_command(
        sub,
        "serve",
        help="serve the API",
        description=(
            "Serves the API of DESIGN §5 (FastAPI, uvicorn; SQLite WAL + "
            "`synchronous=FULL`, or PostgreSQL for a `postgresql://` URL). `--demo` seeds "
            "the 25 sites, 14 days of hourly slots (`--capacity`, default 200), "
            "occupations and a demo registry if the database is empty; `--always-open` "
            "sets every channel's hours to 00:00–24:00 so the demo works at any time of "
            "day. Keys are created on first serve in `FILE.keys/` (mode 0600), or in "
            "`--keys-dir DIR` (required with a URL), the lease-signing key among them. The"
            " database is brought to the latest numbered migration on open. `--workers N` "
            "(PostgreSQL only) serves from N processes on one socket; which booking "
            "requests are in flight is then kept in the database, so a retry reaching "
            "another worker still gets 409 `request-in-flight` (each worker extends its "
            "claims every 4 s, so a dead worker's expire within 15 s; a claim a database "
            "outage kept is released once the database is back). Each worker answers with "
            "`X-Central-Worker: <pid>` and names its database sessions `kiosk-central pid "
            "<pid>` (`pg_stat_activity`); the registry check (`--verify-interval S`, "
            "default 5, 0 off) runs in one worker of the cluster at a time, under a "
            "PostgreSQL advisory lock that a dead worker's session lets go. uvicorn's "
            'supervisor replaces a worker that dies ("Child process [pid] died" in the '
            "log); the others serve on. SMS (DESIGN §12, docs/notifications.md): with "
            "`--sms-gateway-url` every worker runs the outbox sender every "
            "`--notify-interval` seconds (default 2); without it nothing is sent and the "
            "rows stay pending; `--no-notify` runs no sender (run `kiosk-central notify` "
            "beside it). One line at start says which."
        ),
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--demo", action="store_true", help="seed demo data if the db is empty")
    serve.add_argument("--capacity", type=int, default=200, help="demo seats per slot")
    serve.add_argument(
        "--always-open", action="store_true", help="set every channel's hours to 00:00-24:00"
    )
    serve.add_argument("--max-in-flight", type=int, default=256)
    serve.add_argument(
        "--verify-interval",
        type=float,
        default=5.0,
        help="seconds between registry check runs (one worker of the cluster at a time); 0: off",
    )
    serve.add_argument("--synchronous", default="FULL", choices=("FULL", "NORMAL", "EXTRA"))
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="server processes on one socket (PostgreSQL only)",
    )
    _serve_options(serve)
    serve.set_defaults(handler=cmd_serve)

    code = db_command(
        sub,
        "enrolment-code",
        help="print a one-time enrolment code",
        description="Prints a one-time enrolment code for `POST /v1/terminals`",
    )
    code.add_argument("--store", required=True, metavar="STORE")
    code.add_argument("--ttl-hours", type=int, default=24)
    code.set_defaults(handler=cmd_enrolment_code)

    token = db_command(
        sub,
        "token",
        help="print a bearer token for a terminal",
        description="Prints a bearer token (staging and tests); a new token replaces the old one",
    )
    token.add_argument("--terminal", required=True, metavar="NAME")
    token.add_argument("--store", metavar="S")
    token.add_argument("--channel", default="kiosk", choices=CHANNELS)
    token.set_defaults(handler=cmd_token)

    revoke = db_command(
        sub,
        "revoke",
        help="revoke a terminal's token",
        description="The terminal's token stops working at once (401)",
    )
    revoke.add_argument("--terminal", required=True, metavar="NAME")
    revoke.set_defaults(handler=cmd_revoke)

    hours = db_command(
        sub,
        "hours",
        help="show or change channel hours",
        description="Shows or changes channel hours (stored in the database)",
    )
    hours.add_argument("--channel", default="all", choices=(*CHANNELS, "all"))
    hours.add_argument("--opens", metavar="HH:MM")
    hours.add_argument("--closes", metavar="HH:MM")
    hours.add_argument("--from", dest="valid_from", metavar="DATE")
    hours.add_argument("--always-open", action="store_true")
    hours.set_defaults(handler=cmd_hours)

    verify = db_command(
        sub,
        "verify",
        help="settle pending-verification bookings now",
        description=(
            "Settles `pending-verification` bookings against the registry now (the server "
            "also does it every `--verify-interval` seconds, in one worker at a time, "
            "logging each run's worker, start and end)"
        ),
    )
    verify.set_defaults(handler=cmd_verify)

    leases = db_command(
        sub,
        "leases",
        help="seats held in leases per slot and terminal",
        description=(
            "Seats held in leases at `--now` (default: now): per slot (slot, capacity, booked,"
            " held, available) and per terminal (terminal, leases, seats, spent-not-booked, "
            "booked); seats of a slot that has started no longer count"
        ),
    )
    leases.add_argument("--json", action="store_true", help="print JSON")
    leases.set_defaults(handler=cmd_leases)

    check = db_command(
        sub,
        "check-slip",
        help="verify an offline-confirmed slip's QR text",
        description=(
            "Verifies an offline-confirmed slip's QR text (`TRJ1;…`) against its lease and the"
            " terminal's registered keys; prints `valid` with reference, slot, terminal and "
            "whether the booking has reached the central (exit 0), or the reason in Thai and "
            "English with its code (exit 1; 2 for bad usage)"
        ),
    )
    check.add_argument("text", help="the slip code (TRJ1;...)")
    check.set_defaults(handler=cmd_check_slip)

    migrate = db_command(
        sub,
        "migrate",
        help="apply the schema migrations; the version",
        description=(
            "Applies the numbered schema migrations (the same list on SQLite and PostgreSQL) "
            "and prints `schema version N`; `serve` does the same at start. Migration 10 seals "
            "the personal data of earlier rows with the central's booking-sealing key: give "
            "`--keys-dir` where serve has it (always with a URL)"
        ),
    )
    migrate.set_defaults(handler=cmd_migrate)

    for add_parsers in (notify_parsers, fleet_parsers, console_parsers, stores_parsers):
        add_parsers(sub, db_command)

    openapi = sub.add_parser(
        "openapi",
        help="print the OpenAPI document",
        description=("Prints the OpenAPI document exactly as served"),
    )
    openapi.add_argument("--output", metavar="FILE", help="write it to this file")
    openapi.set_defaults(handler=cmd_openapi)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return run_reporting(lambda: args.handler(args), debug=args.debug, stream=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
