"""Scoring at province scale: import rate, `/api/scores` latency, server memory, CLI wall times.

    python benchmarks/scoring.py [--backend sqlite|postgresql] [--incidents N] [--seed S]

The script generates a province-scale year (10 cities, 85 counties, 60 meetings, 300,000
incidents by default) as a `vcwatch-records/1` file, deterministically from `--seed`; loads it
into a fresh database (a SQLite file in a temporary directory, or a PostgreSQL database
`vcwatch_bench_<random>` that it creates and drops) with `vcwatch import`; serves it with
`vcwatch serve` on 127.0.0.1 and times `GET /api/scores?year=2019`; reads the server's memory
from /proc; times `vcwatch scores`; and prints the figures against their targets. Every
subprocess and request has a time limit, and the server and the database are cleaned up however
the run ends. It talks to 127.0.0.1 only.

HTTP credentials (see `authenticate`): `--cookie NAME=VALUE` / `--header 'Name: value'` are sent
as given; `--username U` logs in at `--login-path` (default /api/session) with the password in
VCWATCH_BENCH_PASSWORD. With neither, an API that needs no session is used as it is, and one that
answers 401 gets a reviewer account made for the run (`vcwatch create-user`) in the scratch
database, and a login.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

YEAR = 2019
SHANGHAI = ZoneInfo("Asia/Shanghai")
HOST = "127.0.0.1"

TARGET_IMPORT_RATE = 20_000  # incidents per second, at least
TARGET_SCORES_MS = 300.0  # GET /api/scores, p95, at most
TARGET_RSS_MB = 300.0  # server peak resident memory (VmHWM), at most

IMPORT_TIMEOUT_S = 900
CLI_TIMEOUT_S = 300
SERVER_START_TIMEOUT_S = 60
REQUEST_TIMEOUT_S = 60

SCORES_PATH = f"/api/scores?year={YEAR}"
BENCH_USER = "vcwatch-bench"
PASSWORD_ENV = "VCWATCH_BENCH_PASSWORD"

# ---------------------------------------------------------------------------------------------
# The province-scale year
# ---------------------------------------------------------------------------------------------

CITIES: tuple[tuple[str, str], ...] = (
    ("350100", "福州市"),
    ("350200", "厦门市"),
    ("350300", "莆田市"),
    ("350400", "三明市"),
    ("350500", "泉州市"),
    ("350600", "漳州市"),
    ("350700", "南平市"),
    ("350800", "龙岩市"),
    ("350900", "宁德市"),
    ("351000", "东海市"),  # a tenth, made-up city so the province has ten
)
COUNTIES_PER_CITY = (9, 9, 9, 9, 9, 8, 8, 8, 8, 8)  # 85 in all
COUNTY_SYLLABLES = "安平永宁清明泰建福德华溪田山江沙乐和龙源兴长南东西北阳城丰泉浦霞屏"
COUNTY_SUFFIXES = ("县", "县", "县", "区", "市")

MEETINGS = 60
MEETING_TITLES = (
    "全省安全生产电视电话会议",
    "全省防汛防台风工作视频会议",
    "全省优化营商环境工作电视电话会议",
    "全省脱贫攻坚工作推进会",
    "全省生态环境保护工作电视电话会议",
    "全省经济运行分析视频会议",
    "全省森林防火工作视频会议",
    "全省信访维稳工作电视电话会议",
    "全省数字福建建设工作视频会议",
    "全省食品安全工作电视电话会议",
)

VENUE_ORDER_WEIGHTS: dict[str, int] = {
    "venue.furniture": 1,
    "venue.background": 2,
    "venue.lighting": 3,
    "venue.framing": 3,
    "venue.poor_picture": 3,
    "venue.tilted_picture": 2,
    "venue.interference": 2,
    "conduct.whispering": 4,
    "conduct.sleeping": 2,
    "conduct.smoking": 1,
    "conduct.reading_book": 1,
    "conduct.reading_newspaper": 1,
    "conduct.phone": 5,
}
VENUE_NOTES = ("前排人员低头看手机", "会场灯光偏暗", "画面模糊", "背景未悬挂会标", "有人交头接耳")
INSTALL_TYPES = ("install.no_tech_staff", "install.poor_cooperation", "install.skipped_joint_debug")
INSTALL_NOTES = ("调测期间无人配合", "会场未按约定开放", "无故未参加全省性大联调")
VOID_REASONS = ("误标", "标错会场", "申诉成立")
SURNAMES = "陈林黄张李王吴刘蔡杨郑罗肖邱余廖赖郭周徐"
GIVEN_NAMES = ("建华", "志强", "丽萍", "文斌", "晓东", "秀英", "国平", "海燕", "永福", "明辉")
ROOM_NAMES = ("政府常务会议室", "应急指挥中心会议室", "行政服务中心会议室", "视频会商室")


@dataclass(frozen=True)
class _Unit:
    code: str
    name: str
    level: str
    parent: str | None
    carelessness: float


@dataclass(frozen=True)
class _Meeting:
    key: str
    title: str
    starts_at: datetime


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _at(day: date, time_of_day: clock) -> datetime:
    return datetime.combine(day, time_of_day, tzinfo=SHANGHAI)


def _working_days(year: int) -> list[date]:
    holidays = {date(year, 1, 1), *(date(year, 5, d) for d in range(1, 4))}
    holidays |= {date(year, 10, d) for d in range(1, 8)}
    holidays |= {date(2019, 2, 4) + timedelta(days=d) for d in range(7)} if year == 2019 else set()
    day, days = date(year, 1, 1), []
    while day.year == year:
        if day.weekday() < 5 and day not in holidays:
            days.append(day)
        day += timedelta(days=1)
    return days


def _units(rng: random.Random) -> list[_Unit]:
    units: list[_Unit] = []
    names: set[str] = set()
    for (city_code, city_name), count in zip(CITIES, COUNTIES_PER_CITY, strict=True):
        units.append(_Unit(city_code, city_name, "city", None, rng.uniform(0.2, 0.6)))
        for number in sorted(rng.sample(range(2, 99), count)):
            name = ""
            while not name or name in names:
                name = "".join(rng.sample(COUNTY_SYLLABLES, 2)) + rng.choice(COUNTY_SUFFIXES)
            names.add(name)
            code = f"{city_code[:4]}{number:02d}"
            units.append(_Unit(code, name, "county", city_code, rng.lognormvariate(0, 0.5)))
    return units


def _meetings(rng: random.Random, working_days: list[date]) -> list[_Meeting]:
    meetings: list[_Meeting] = []
    for month in range(1, 13):
        candidates = [d for d in working_days[1:] if d.month == month]
        for day in sorted(rng.sample(candidates, MEETINGS // 12)):
            morning = rng.random() < 0.75
            starts_at = _at(day, clock(9, 0) if morning else clock(15, 0))
            key = f"{day.isoformat()}-{'am' if morning else 'pm'}"
            meetings.append(_Meeting(key, rng.choice(MEETING_TITLES), starts_at))
    return meetings


def _roll_call_opens(meeting: _Meeting, working_days: list[date]) -> dict[str, datetime]:
    starts_at = meeting.starts_at
    if starts_at.hour < 12:
        before = max(d for d in working_days if d < starts_at.date())
        half_day = _at(before, clock(15, 0))
    else:
        half_day = _at(starts_at.date(), clock(9, 0))
    return {"half_day": half_day, "two_hours": starts_at - timedelta(hours=2)}


def _incidents(
    rng: random.Random,
    *,
    total: int,
    units: list[_Unit],
    meetings: list[_Meeting],
    working_days: list[date],
) -> list[dict[str, Any]]:
    weights = [u.carelessness for u in units]
    criticisms = max(1, total // 6000)
    installs = max(3, total // 1500)
    slots = [(m, cp, u) for m in meetings for cp in ("half_day", "two_hours") for u in units]
    roll_calls = min(len(slots) * 3 // 4, total * 3 // 100)
    venue = max(0, total - criticisms - installs - roll_calls)

    incidents: list[dict[str, Any]] = []
    opens = {m.key: _roll_call_opens(m, working_days) for m in meetings}
    for meeting, checkpoint, unit in rng.sample(slots, roll_calls):
        opened = opens[meeting.key][checkpoint]
        absent = rng.random() < 0.15
        seen_at = opened + timedelta(minutes=30 if absent else rng.randint(5, 25))
        incidents.append(
            {
                "unit": unit.code,
                "type": "roll_call.absent" if absent else "roll_call.late",
                "meeting": meeting.key,
                "checkpoint": checkpoint,
                "at": _iso(seen_at),
            }
        )

    kinds, kind_weights = list(VENUE_ORDER_WEIGHTS), list(VENUE_ORDER_WEIGHTS.values())
    chosen_units = rng.choices(units, weights=weights, k=venue)
    chosen_kinds = rng.choices(kinds, weights=kind_weights, k=venue)
    for unit, kind in zip(chosen_units, chosen_kinds, strict=True):
        meeting = rng.choice(meetings)
        seen_at = meeting.starts_at + timedelta(seconds=rng.randint(60, 150 * 60))
        incident: dict[str, Any] = {
            "unit": unit.code,
            "type": kind,
            "meeting": meeting.key,
            "at": _iso(seen_at),
        }
        draw = rng.random()
        if draw < 0.3:
            incident["note"] = rng.choice(VENUE_NOTES)
        if draw > 0.97:
            incident["source"] = "onsite_inspection"
        incidents.append(incident)

    counties = [u for u in units if u.level == "county"]
    for _ in range(installs):
        day = rng.choice(working_days)
        which = rng.randrange(len(INSTALL_TYPES))
        incidents.append(
            {
                "unit": rng.choices(counties, weights=[u.carelessness for u in counties])[0].code,
                "type": INSTALL_TYPES[which],
                "at": _iso(_at(day, clock(rng.randint(9, 16), rng.randint(0, 59)))),
                "source": "onsite_inspection",
                "note": INSTALL_NOTES[which],
            }
        )
    careless = sorted(units, key=lambda u: -u.carelessness)[:8]
    for _ in range(criticisms):
        meeting = rng.choice(meetings)
        incidents.append(
            {
                "unit": rng.choice(careless).code,
                "type": "criticism.named_by_leader",
                "meeting": meeting.key,
                "at": _iso(meeting.starts_at + timedelta(minutes=rng.randint(30, 120))),
                "note": "省政府领导在会上点名批评该会场纪律松散",
            }
        )

    for incident in incidents:
        if rng.random() < 0.01:
            seen_at = datetime.fromisoformat(incident["at"])
            void: dict[str, Any] = {
                "reason": rng.choice(VOID_REASONS),
                "at": _iso(seen_at + timedelta(minutes=rng.randint(1, 600))),
            }
            if rng.random() < 0.5:
                void["by"] = "值守" + rng.choice(SURNAMES)
            incident["voided"] = void

    incidents.sort(key=lambda i: (i["at"], i["unit"]))
    return [{"key": f"bench-{YEAR}-{n:06d}", **body} for n, body in enumerate(incidents, 1)]


def _equipment(rng: random.Random, gap: float) -> dict[str, bool]:
    return {k: rng.random() >= gap for k in ("hd_display", "audio", "cabling")}


def _rooms(
    rng: random.Random, units: list[_Unit], working_days: list[date]
) -> list[dict[str, Any]]:
    january = [d for d in working_days if d.month == 1]
    later = [d for d in working_days if 3 <= d.month <= 11]
    entries: list[dict[str, Any]] = []
    for unit in units:
        if unit.level == "city":
            count = rng.choice((1, 2))
        else:
            count = rng.choices((1, 2, 3), weights=(12, 28, 60))[0]
        prefix = unit.name[-1]
        names = [prefix + name for name in ROOM_NAMES]
        for name in names[:count]:
            entry: dict[str, Any] = {
                "unit": unit.code,
                "name": name,
                "at": _iso(_at(rng.choice(january), clock(10, 0))),
                "equipment": _equipment(rng, 0.08),
            }
            if rng.random() < 0.2:
                entry["details"] = {"display_model": "86寸液晶", "camera": "高清云台摄像机"}
                entry["source"] = "onsite_inspection"
            entries.append(entry)
        if rng.random() < 0.3:  # a change later in the year: fixed, added or removed
            change = rng.random()
            at = _iso(_at(rng.choice(later), clock(11, 0)))
            if change < 0.5:
                equipment = {"hd_display": True, "audio": True, "cabling": True}
                entries.append(
                    {"unit": unit.code, "name": names[0], "at": at, "equipment": equipment}
                )
            elif change < 0.8 and count < len(names):
                equipment = _equipment(rng, 0.2)
                entries.append(
                    {"unit": unit.code, "name": names[count], "at": at, "equipment": equipment}
                )
            else:
                entries.append(
                    {"unit": unit.code, "name": names[count - 1], "at": at, "removed": True}
                )
    entries.sort(key=lambda e: (e["at"], e["unit"], e["name"]))
    return entries


def _people(rng: random.Random, count: int) -> list[Any]:
    people: list[Any] = []
    for _ in range(count):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
        if rng.random() < 0.3:
            people.append({"name": name, "phone": f"0598-{rng.randint(1000000, 9999999)}"})
        else:
            people.append(name)
    return people


def _staffing(
    rng: random.Random, units: list[_Unit], working_days: list[date]
) -> list[dict[str, Any]]:
    january = [d for d in working_days if d.month == 1]
    later = [d for d in working_days if 3 <= d.month <= 11]
    entries: list[dict[str, Any]] = []
    for unit in units:
        if rng.random() < 0.05:
            continue  # never reported: lacks both
        leaders = _people(rng, 0 if rng.random() < 0.04 else 1)
        staff = _people(rng, 0 if rng.random() < 0.08 else rng.randint(1, 3))
        at = _iso(_at(rng.choice(january), clock(16, 0)))
        entries.append({"unit": unit.code, "at": at, "leaders": leaders, "staff": staff})
        if rng.random() < 0.15:  # staff leave, or a gap is filled
            staff = [] if staff else _people(rng, 1)
            at = _iso(_at(rng.choice(later), clock(16, 0)))
            entries.append({"unit": unit.code, "at": at, "leaders": leaders, "staff": staff})
    entries.sort(key=lambda e: (e["at"], e["unit"]))
    return entries


def build_province_year(*, incidents: int, seed: int) -> dict[str, Any]:
    """The whole `vcwatch-records/1` document, a function of its arguments only."""
    rng = random.Random(seed)
    working_days = _working_days(YEAR)
    units = _units(rng)
    meetings = _meetings(rng, working_days)
    unit_records: list[dict[str, Any]] = []
    for unit in units:
        record: dict[str, Any] = {"code": unit.code, "name": unit.name, "level": unit.level}
        if unit.parent:
            record["parent"] = unit.parent
        unit_records.append(record)
    rng.shuffle(unit_records)  # the file may list a county before its city
    return {
        "format": "vcwatch-records/1",
        "period": {"year": YEAR, "edition": "2019"},
        "units": unit_records,
        "meetings": [
            {"key": m.key, "title": m.title, "starts_at": _iso(m.starts_at)} for m in meetings
        ],
        "incidents": _incidents(
            rng, total=incidents, units=units, meetings=meetings, working_days=working_days
        ),
        "rooms": _rooms(rng, units, working_days),
        "staffing": _staffing(rng, units, working_days),
    }


# ---------------------------------------------------------------------------------------------
# Databases, processes, HTTP
# ---------------------------------------------------------------------------------------------


@contextmanager
def fresh_database(*, backend: str, workdir: Path, server: str) -> Iterator[str]:
    """A URL to an empty database, removed when the block ends."""
    if backend == "sqlite":
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"
        return
    import psycopg

    server = server.rstrip("/").replace("postgresql+psycopg://", "postgresql://", 1)
    name = f"vcwatch_bench_{uuid.uuid4().hex[:12]}"
    admin_url = f"{server}/postgres"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"
    finally:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"dropped PostgreSQL database {name}")


def vcwatch_command() -> list[str]:
    """The installed `vcwatch` script beside this interpreter, else the module itself."""
    beside = Path(sys.executable).parent / "vcwatch"
    if beside.exists():
        return [str(beside)]
    return [sys.executable, "-m", "app.cli"]


def cli_env(*, database_url: str, workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    # This checkout first, whatever an older editable install of the package recorded.
    path = [str(REPO), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env.update(
        PYTHONPATH=os.pathsep.join(path),
        VCWATCH_DATABASE_URL=database_url,
        VCWATCH_DATA_DIR=str(workdir / "data"),
        VCWATCH_ENVIRONMENT="development",
        PYTHONUNBUFFERED="1",
    )
    return env


@dataclass(frozen=True)
class Run:
    wall_s: float
    cpu_s: float  # user + system time of the process itself
    stdout: str


def run_cli(
    args: Sequence[str], *, env: dict[str, str], timeout: float, stdin: str | None = None
) -> Run:
    """Run `vcwatch ARGS` to the end. A failure stops the benchmark."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [*vcwatch_command(), *args],
        env=env,
        cwd=REPO,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"vcwatch {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(elapsed, cpu, done.stdout)


def machine_load() -> str:
    """Load average and CPU pressure: wall times mean little on a busy machine."""
    one, five, _ = os.getloadavg()
    text = f"load {one:.1f}/{five:.1f} (1/5 min) on {os.cpu_count()} CPUs"
    try:
        some = Path("/proc/pressure/cpu").read_text().splitlines()[0]
        text += f", CPU pressure {some.split()[1].partition('=')[2]}% (10 s)"
    except (OSError, IndexError):
        pass
    return text


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(*, env: dict[str, str], log: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`vcwatch serve` on a free local port until the block ends."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*vcwatch_command(), "serve", "--host", HOST, "--port", str(port)],
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        with httpx.Client(base_url=base, timeout=2, trust_env=False) as probe:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"the server exited early:\n{log.read_text()[-2000:]}")
                try:
                    if probe.get("/api/periods").status_code < 500:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not answer in {SERVER_START_TIMEOUT_S}s")
                time.sleep(0.1)
        yield process, base
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in kB, from /proc/<pid>/status."""
    figures: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            figures[key] = int(value.split()[0])
    return figures


def authenticate(client: httpx.Client, args: argparse.Namespace, *, env: dict[str, str]) -> str:
    """The one place that gives the client its credentials; says how it did.

    Cookies and headers from the command line are used as given; `--username` logs in with the
    password in VCWATCH_BENCH_PASSWORD. Without either, an API that answers 401 gets a reviewer
    account made for the run in the scratch database, and a login.
    """
    for cookie in args.cookie:
        name, _, value = cookie.partition("=")
        client.cookies.set(name.strip(), value.strip())
    for header in args.header:
        name, _, value = header.partition(":")
        client.headers[name.strip()] = value.strip()
    if args.username:
        log_in(client, args.login_path, args.username, os.environ.get(PASSWORD_ENV, ""))
        return f"logged in as {args.username}"
    if args.cookie or args.header:
        return "cookies/headers as given"
    if client.get(SCORES_PATH).status_code != 401:
        return "none needed"
    password = secrets.token_urlsafe(24)
    run_cli(
        ["create-user", BENCH_USER, "--role", "reviewer", "--display-name", "benchmark"],
        env=env,
        timeout=CLI_TIMEOUT_S,
        stdin=password + "\n",
    )
    log_in(client, args.login_path, BENCH_USER, password)
    return f"reviewer {BENCH_USER!r} made for the run, logged in"


def log_in(client: httpx.Client, path: str, username: str, password: str) -> None:
    response = client.post(path, json={"username": username, "password": password})
    if response.status_code >= 400:
        raise RuntimeError(f"login as {username} failed: {response.status_code} {response.text}")
    # The session cookie stays in the client's jar for the requests that follow.


def time_requests(client: httpx.Client, path: str, *, count: int) -> tuple[list[float], Any]:
    """Wall times (ms) of `count` sequential GETs after one warm-up, and the last body."""
    warm = client.get(path)
    warm.raise_for_status()
    times: list[float] = []
    body = None
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(path)
        body = response.content
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return times, json.loads(body or b"null")


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    value: str
    target: str = ""
    ok: bool | None = None

    @property
    def verdict(self) -> str:
        return "" if self.ok is None else ("PASS" if self.ok else "MISS")


def print_table(title: str, figures: list[Figure]) -> None:
    width = max(len(f.name) for f in figures)
    value_width = max(len(f.value) for f in figures)
    print()
    print(title)
    print("-" * len(title))
    for f in figures:
        print(f"{f.name:<{width}}  {f.value:>{value_width}}  {f.target:<12} {f.verdict}")


def write_records_file(args: argparse.Namespace, workdir: Path) -> tuple[Path, int]:
    started = time.perf_counter()
    document = build_province_year(incidents=args.incidents, seed=args.seed)
    records_file = workdir / f"province-{YEAR}.json"
    records_file.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    n = len(document["incidents"])
    voided = sum(1 for i in document["incidents"] if "voided" in i)
    print(
        f"generated {records_file.name}: {len(document['units'])} units, "
        f"{len(document['meetings'])} meetings, {n} incidents ({voided} voided), "
        f"{len(document['rooms'])} room entries, {len(document['staffing'])} staffing entries, "
        f"{records_file.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f}s"
    )
    return records_file, n


def time_import(
    args: argparse.Namespace, *, env: dict[str, str], records_file: Path, n: int
) -> list[Figure]:
    from app.services.records import parse_records

    # The phases that need no database, in this process: reading and validating the file.
    started = time.perf_counter()
    data = json.loads(records_file.read_text(encoding="utf-8"))
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    parse_records(data)
    validate_s = time.perf_counter() - started
    del data

    migrate = run_cli(["migrate"], env=env, timeout=CLI_TIMEOUT_S)
    startup = run_cli(["migrate"], env=env, timeout=CLI_TIMEOUT_S)
    print(f"database ready ({args.backend}); importing … ({machine_load()})", flush=True)
    run = run_cli(["import", str(records_file)], env=env, timeout=IMPORT_TIMEOUT_S)
    print(run.stdout.strip())
    if f" {n} incidents (0 already present)" not in run.stdout:
        raise RuntimeError("the import did not report every incident as new")
    rate = n / run.wall_s
    rest = run.wall_s - read_s - validate_s - startup.wall_s
    figures = [
        Figure(
            "vcwatch import: incidents/s",
            f"{rate:,.0f}",
            f">= {TARGET_IMPORT_RATE:,}",
            rate >= TARGET_IMPORT_RATE,
        ),
        Figure("  wall time (s)", f"{run.wall_s:.2f}"),
        Figure("  CPU time of the vcwatch process (s)", f"{run.cpu_s:.2f}"),
        Figure("  of which: read JSON, in-process (s)", f"{read_s:.2f}"),
        Figure("  of which: validate, in-process (s)", f"{validate_s:.2f}"),
        Figure("  of which: CLI start + schema check (s)", f"{startup.wall_s:.2f}"),
        Figure("  the rest: checks, inserts, commit (s)", f"{rest:.2f}"),
        Figure("vcwatch migrate, empty database (s)", f"{migrate.wall_s:.2f}"),
    ]
    if args.reimport:
        again = run_cli(["import", str(records_file)], env=env, timeout=IMPORT_TIMEOUT_S)
        if f" 0 incidents ({n} already present)" not in again.stdout:
            raise RuntimeError(f"the second import changed something:\n{again.stdout}")
        figures.append(Figure("vcwatch import again, nothing new (s)", f"{again.wall_s:.2f}"))
    return figures


def time_api(
    args: argparse.Namespace, *, env: dict[str, str], workdir: Path
) -> tuple[list[Figure], Any]:
    with serving(env=env, log=workdir / "serve.log") as (process, base):
        with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT_S, trust_env=False) as client:
            how = authenticate(client, args, env=env)
            times, standings = time_requests(client, SCORES_PATH, count=args.requests)
        memory = memory_kb(process.pid)
    print(f"HTTP authentication: {how}")
    p95 = percentile(times, 0.95)
    hwm_mb, rss_mb = memory["VmHWM"] / 1024, memory["VmRSS"] / 1024
    figures = [
        Figure(
            f"GET {SCORES_PATH} p95 of {len(times)} (ms)",
            f"{p95:.1f}",
            f"<= {TARGET_SCORES_MS:.0f}",
            p95 <= TARGET_SCORES_MS,
        ),
        Figure("  min (ms)", f"{min(times):.1f}"),
        Figure("  median (ms)", f"{statistics.median(times):.1f}"),
        Figure("  max (ms)", f"{max(times):.1f}"),
        Figure(
            "server peak RSS, VmHWM (MB)",
            f"{hwm_mb:.1f}",
            f"<= {TARGET_RSS_MB:.0f}",
            hwm_mb <= TARGET_RSS_MB,
        ),
        Figure("server RSS after the requests, VmRSS (MB)", f"{rss_mb:.1f}"),
    ]
    return figures, standings


def time_cli_scores(args: argparse.Namespace, *, env: dict[str, str]) -> tuple[list[Figure], Any]:
    figures = []
    last = ""
    for label, extra in (("", []), (" --json", ["--json"])):
        runs = [
            run_cli(["scores", "--year", str(YEAR), *extra], env=env, timeout=CLI_TIMEOUT_S)
            for _ in range(args.cli_runs)
        ]
        seconds = [r.wall_s for r in runs]
        figures.append(
            Figure(
                f"vcwatch scores --year {YEAR}{label} (s, min/median of {len(seconds)})",
                f"{min(seconds):.2f} / {statistics.median(seconds):.2f}",
            )
        )
        last = runs[-1].stdout
    return figures, json.loads(last)


def benchmark(args: argparse.Namespace, workdir: Path, figures: list[Figure]) -> None:
    """Measure, adding to `figures` as it goes (so a failure late in the run keeps the rest)."""
    records_file, n = write_records_file(args, workdir)
    with fresh_database(backend=args.backend, workdir=workdir, server=args.postgres) as url:
        env = cli_env(database_url=url, workdir=workdir)
        figures += time_import(args, env=env, records_file=records_file, n=n)
        api_figures, from_api = time_api(args, env=env, workdir=workdir)
        figures += api_figures
        cli_figures, from_cli = time_cli_scores(args, env=env)
        figures += cli_figures
    check_standings(from_api, from_cli)


def check_standings(from_api: Any, from_cli: Any) -> None:
    """The API and the CLI tell the same standings, of the whole province."""
    if from_api != from_cli:
        raise RuntimeError("GET /api/scores and `vcwatch scores --json` disagree")
    cities = from_api["cities"]
    counties = sum(len(c["counties"]) for c in cities)
    if (len(cities), counties) != (len(CITIES), sum(COUNTIES_PER_CITY)):
        raise RuntimeError(f"standings cover {len(cities)} cities and {counties} counties")
    lowest = min(cities, key=lambda c: (Decimal(c["score"]), c["code"]))
    print(
        f"standings: {len(cities)} cities, {counties} counties; API and CLI agree; "
        f"lowest city {lowest['code']} {lowest['name']} {lowest['score']}"
    )


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--incidents", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--requests", type=int, default=20, help="timed GETs after one warm-up")
    parser.add_argument("--cli-runs", type=int, default=3, help="runs of each `vcwatch scores`")
    parser.add_argument(
        "--no-reimport", dest="reimport", action="store_false", help="skip the second import"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("VCWATCH_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432"),
        help="server for the scratch database (its `postgres` database is used to create it)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    auth = parser.add_argument_group("authentication (for when the API has it)")
    auth.add_argument("--cookie", action="append", default=[], metavar="NAME=VALUE")
    auth.add_argument("--header", action="append", default=[], metavar="'NAME: VALUE'")
    auth.add_argument("--username", help=f"log in as this account, the password in ${PASSWORD_ENV}")
    auth.add_argument("--login-path", default="/api/session", metavar="PATH")
    args = parser.parse_args(argv)
    if args.incidents < 1 or args.requests < 1 or args.cli_runs < 1:
        parser.error("--incidents, --requests and --cli-runs must be positive")
    if urlsplit(args.postgres).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the benchmark talks to this machine only (--postgres on 127.0.0.1)")
    return args


def _interrupted(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupted)  # clean up on `kill` as on Ctrl-C
    workdir = Path(tempfile.mkdtemp(prefix="vcwatch-bench-"))
    print(
        f"vcwatch scoring benchmark: {args.backend}, {args.incidents:,} incidents, "
        f"seed {args.seed}; {machine_load()}"
    )
    figures: list[Figure] = []
    failed = True
    try:
        benchmark(args, workdir, figures)
        failed = False
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
        if figures:
            title = f"figures — {args.backend}, {args.incidents:,} incidents"
            print_table(f"{title} (Python {sys.version.split()[0]})", figures)
            print(f"at the end: {machine_load()}")
        if failed:
            print("the run stopped early; the figures above are those it got", file=sys.stderr)
    return 0 if all(f.ok is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
