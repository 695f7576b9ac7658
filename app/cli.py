"""The `vcwatch` command."""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from app.db.engine import Database
from app.db.migrate import upgrade_to_head
from app.roles import ADMIN, CONTROLLER, COUNTY_IT, REVIEWER, ROLES
from app.services.context import Actor
from app.services.errors import ServiceError
from app.settings import get_settings

CLI_ACTOR = Actor(username="cli", role=ADMIN)


@contextmanager
def open_database() -> Iterator[Database]:
    """The configured database at the newest migration, disposed when the command is done."""
    db = Database(get_settings().resolved_database_url)
    try:
        upgrade_to_head(db.engine)
        yield db
    finally:
        db.dispose()


def cmd_migrate(_args: argparse.Namespace) -> int:
    with open_database() as db:
        print(f"schema is at the newest migration ({db.engine.url.render_as_string()})")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = get_settings()
    forwarded_allow_ips = (args.forwarded_allow_ips or settings.forwarded_allow_ips).strip()
    with open_database() as db:
        single_process = db.is_sqlite
    if args.workers > 1 and single_process:
        print(
            "vcwatch serve: SQLite serves one worker only; for --workers "
            f"{args.workers} set VCWATCH_DATABASE_URL to a PostgreSQL database",
            file=sys.stderr,
        )
        return 2
    uvicorn.run(
        "app.main:create_server_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        workers=args.workers,
        log_level="info",
        access_log=settings.access_log,
        ws="websockets-sansio",
        # A console sends pings only: a larger frame is refused by the server before it is read.
        ws_max_size=settings.ws_max_message_bytes,
        # Forwarded headers are believed only from the configured proxy; without one, from
        # nobody (uvicorn's own default would trust 127.0.0.1, where anyone on the host is).
        proxy_headers=bool(forwarded_allow_ips),
        forwarded_allow_ips=forwarded_allow_ips or None,
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from app.services.records import import_records, parse_records

    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError, RecursionError) as error:
        print(f"vcwatch import: cannot read {args.file}: {error}", file=sys.stderr)
        return 2
    with open_database() as db:
        try:
            summary = import_records(db, actor=CLI_ACTOR, file=parse_records(data))
        except ServiceError as error:
            print(
                f"vcwatch import: {args.file}: {error.message} (at {error.field})", file=sys.stderr
            )
            print("nothing was imported", file=sys.stderr)
            return 1
        print(
            f"imported {args.file}: period {summary.period.year} (edition {summary.period.edition}), "
            f"{summary.units} units, {summary.meetings} meetings, {summary.incidents} incidents "
            f"({summary.incidents_unchanged} already present), {summary.rooms} room entries, "
            f"{summary.staffing} staffing entries"
        )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from app.services.records import export_json, export_records

    with open_database() as db:
        json.dump(
            export_json(export_records(db, year=args.year)),
            sys.stdout,
            ensure_ascii=False,
            indent=1,
        )
        sys.stdout.write("\n")
    return 0


def cmd_scores(args: argparse.Namespace) -> int:
    from app.services.scores import get_standings
    from app.standings_table import format_standings

    with open_database() as db:
        standings = get_standings(db, year=args.year, as_of=args.as_of)
        if args.json:
            print(standings.model_dump_json(indent=1))
        else:
            print(format_standings(standings, lang=args.lang))
    return 0


DEMO_YEARS = (2019, 2021)
DEMO_ACCOUNTS = (
    ("admin", "系统管理员", ADMIN, None),
    ("controller", "会议主控（省）", CONTROLLER, None),
    ("county", "尤溪县数字办", COUNTY_IT, "350426"),
    ("reviewer", "市政府办审核", REVIEWER, None),
)


def cmd_demo(args: argparse.Namespace) -> int:
    from app.demo_records import build_demo_records
    from app.services import accounts
    from app.services.errors import Conflict
    from app.services.records import import_records, parse_records

    if get_settings().environment == "production":
        print("vcwatch demo: refused in production", file=sys.stderr)
        return 2
    with open_database() as db:
        # 2019, and 2021: the year 三明市's counties changed (units with dates).
        for year in DEMO_YEARS:
            document = build_demo_records(year=year, seed=year)
            summary = import_records(db, actor=CLI_ACTOR, file=parse_records(document))
            print(
                f"demo data for 三明市 {summary.period.year}: {summary.units} units, "
                f"{summary.meetings} meetings, {summary.incidents} incidents "
                f"({summary.incidents_unchanged} already present)"
            )
        today = prepare_today(db)
        print(f"this year's period and today's meeting {today!r} are ready for the console")
        print("demo accounts (username / password / role):")
        for username, display_name, role, unit in DEMO_ACCOUNTS:
            # A fresh random password per demo database: a fixed one would be known to all.
            password = f"demo-{secrets.token_urlsafe(9)}"
            try:
                accounts.create_account(
                    db,
                    actor=CLI_ACTOR,
                    username=username,
                    display_name=display_name,
                    role=role,
                    unit_code=unit,
                    password=password,
                )
            except Conflict:
                password = "(account already existed; password unchanged)"
            print(f"  {username:<11} {password:<26} {role}{' ' + unit if unit else ''}")
    return 0


def prepare_today(db: Database) -> str:
    """A period for the current year (if it has none) and a meeting today at 09:00, so the
    console has work at once."""
    from app.schemas.records import MeetingRecord, PeriodUpdate
    from app.services.context import utc_now
    from app.services.errors import NotFound
    from app.services.meetings import create_meeting
    from app.services.periods import get_period, put_period
    from app.timezone import local

    now = local(utc_now())
    try:
        get_period(db, year=now.year)
    except NotFound:
        put_period(db, actor=CLI_ACTOR, year=now.year, update=PeriodUpdate(edition="2019"))
    key = f"demo-{now:%Y-%m-%d}"
    starts_at = now.replace(hour=9, minute=0, second=0, microsecond=0)
    record = MeetingRecord(key=key, title="全省视频会议（演示）", starts_at=starts_at)
    create_meeting(db, actor=CLI_ACTOR, record=record)
    return key


def cmd_sampler(args: argparse.Namespace) -> int:
    import time

    from app.db import locks
    from app.services.frame_watch import FrameWatch

    with open_database() as db:
        watch = FrameWatch(db, get_settings())
        claim = None
        if db.is_sqlite:
            # SQLite serves one process: one sampler follows every venue.
            try:
                claim = locks.claim(db, "vcwatch-sampler")
            except LookupError:
                print(
                    "vcwatch sampler: another process samples the venues already", file=sys.stderr
                )
                return 1
        else:
            name = watch.share(name=args.name or "")
            print(f"sampler {name}: sharing the venues with the other samplers", flush=True)
        try:
            while True:
                count = watch.sync_sources() if db.is_sqlite else len(watch.followed)
                print(f"following {count} venue source(s)", flush=True)
                # Audio states change by the minute during a meeting: taken up every 2 s.
                deadline = time.monotonic() + args.refresh
                while time.monotonic() < deadline:
                    time.sleep(min(2.0, max(0.0, deadline - time.monotonic())))
                    watch.audio.sync_states()
        except KeyboardInterrupt:
            return 0
        finally:
            watch.stop()
            if claim is not None:
                claim.close()


def read_password(*, stdin_is_tty: bool) -> str:
    if not stdin_is_tty:
        return sys.stdin.readline().rstrip("\n")
    import getpass

    first = getpass.getpass("password: ")
    if getpass.getpass("again: ") != first:
        raise SystemExit("vcwatch create-user: the passwords differ")
    return first


def cmd_create_user(args: argparse.Namespace) -> int:
    from app.services import accounts

    password = read_password(stdin_is_tty=sys.stdin.isatty())
    with open_database() as db:
        account = accounts.create_account(
            db,
            actor=CLI_ACTOR,
            username=args.username,
            display_name=args.display_name or args.username,
            role=args.role,
            unit_code=args.unit,
            password=password,
        )
        unit = f" for unit {account.unit}" if account.unit else ""
        print(f"created {account.role} account {account.username!r}{unit}")
    return 0


def parse_moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an ISO-8601 time, e.g. 2019-06-30T23:59:59+08:00"
        ) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give an offset, e.g. 2019-06-30T23:59:59+08:00")
    return moment


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vcwatch", description="视频会议运行保障考核 — video-conference conduct and deductions"
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="migrate, then serve the web app")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--forwarded-allow-ips",
        default=None,
        help="the reverse proxy's address(es), comma-separated (VCWATCH_FORWARDED_ALLOW_IPS)",
    )
    serve.set_defaults(run=cmd_serve)

    commands.add_parser("migrate", help="bring the schema to the newest migration").set_defaults(
        run=cmd_migrate
    )
    commands.add_parser("demo", help="load 三明市 and its counties with a demo 2019").set_defaults(
        run=cmd_demo
    )

    create_user = commands.add_parser(
        "create-user", help="create an account; the password comes from a prompt or stdin"
    )
    create_user.add_argument("username")
    create_user.add_argument("--role", required=True, choices=ROLES)
    create_user.add_argument("--unit", default=None, help="unit code, for a county_it account")
    create_user.add_argument("--display-name", default=None)
    create_user.set_defaults(run=cmd_create_user)

    sampler = commands.add_parser(
        "sampler", help="sample the venues' sources and raise frame-check flags"
    )
    sampler.add_argument(
        "--refresh", type=float, default=30.0, help="seconds between re-reading the sources"
    )
    sampler.add_argument(
        "--name",
        help="this sampler's name on the venues page (PostgreSQL; default host:pid)",
    )
    sampler.set_defaults(run=cmd_sampler)

    commands.add_parser(
        "check-frames",
        help="print each sample's frame-check metrics and flags: SOURCE [--reference IMAGE] "
        "[--interval SECONDS] [--json]",
    )

    import_ = commands.add_parser("import", help="import a vcwatch-records/1 file, all or nothing")
    import_.add_argument("file")
    import_.set_defaults(run=cmd_import)

    export = commands.add_parser("export", help="print a year's records as vcwatch-records/1")
    export.add_argument("--year", type=int, required=True)
    export.set_defaults(run=cmd_export)

    scores = commands.add_parser("scores", help="standings of a year")
    scores.add_argument("--year", type=int, required=True)
    scores.add_argument("--as-of", type=parse_moment, default=None)
    scores.add_argument("--json", action="store_true", help="the API's JSON instead of a table")
    scores.add_argument(
        "--lang", choices=("zh", "en"), default="zh", help="language of the table (default zh)"
    )
    scores.set_defaults(run=cmd_scores)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["check-frames"]:
        # The tuning tool parses its own options (it is also `python -m frame_checks`).
        from frame_checks.cli import main as check_frames

        return check_frames(arguments[1:], prog="vcwatch check-frames")
    args = build_parser().parse_args(arguments)
    try:
        return int(args.run(args))
    except ServiceError as error:
        where = f" ({error.field})" if error.field else ""
        print(f"vcwatch {args.command}: {error.message}{where}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
