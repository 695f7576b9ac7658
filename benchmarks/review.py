"""The review dashboard at province scale: first load, a unit's incident list, the XLSX export.

    python benchmarks/review.py [--backend sqlite|postgresql] [--incidents N] [--seed S]

The province-scale year of `benchmarks/scoring.py` (its generator and its database and server
helpers, imported) is loaded into a fresh database with `vcwatch import`; a reviewer account is
made with `vcwatch create-user` (password on stdin), and a county account files a few objections
so that the reviewer's queue is not empty. With `vcwatch serve` on 127.0.0.1 the script then
times, as the page (static/js/review/) makes them:

- the dashboard's first load: GET /api/session and GET /api/periods together; then together the
  period's rulebook, /api/scores, and the open objections followed by the incident of each
  objection on the queue's first page — at most six requests at a time, as a browser. The
  figure is the wall time of the whole set;
- the unit incident list: single paged, filtered GET /api/incidents requests, as the incident
  panel of a county or a city makes them;
- the XLSX export of the whole year: GET /api/exports/standings.xlsx, body read to the end
  (the official annual table: a sheet per city, 扣分明细 and 作废记录);
- GET /api/scores against a bare covering-index GROUP BY of the same counts on the same
  database (the floor any standings stand on), and their ratio;
- the XLSX written by each library on the same lines, in this process (benchmarks/xlsx_engines.py:
  openpyxl and xlsxwriter cell by cell, and the official writer).

On PostgreSQL the imported tables are vacuumed and analyzed first, as autovacuum would do after
a bulk load (a server with autovacuum off never would: every plan is then a guess).

Each figure is printed as it is measured and again in a table at the end: min / median / p95
(the export: min / median / max) against its target, PASS or MISS. Wall times on a busy machine
say little: the machine's load is printed beside them.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import math
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# the generator, the database and the server; the XLSX by each library
from benchmarks import scoring, xlsx_engines  # noqa: E402

YEAR = scoring.YEAR
TARGET_FIRST_LOAD_MS = 500.0
TARGET_INCIDENT_LIST_MS = 200.0
TARGET_XLSX_S = 5.0
TARGET_SCORES_RATIO = 2.0

PAGE_SIZE = 25  # static/js/review/incidents.js
QUEUE_PAGE = 20  # static/js/review/objections.js
BROWSER_CONNECTIONS = 6  # what a browser opens to one host over HTTP/1.1
REVIEWER = "bench-reviewer"
ADMIN_USER = "bench-admin"
COUNTY_USER = "bench-county"
OBJECTIONS = 8
CLI_TIMEOUT_S = 900


@dataclass
class Figure:
    name: str
    value: str
    target: str = ""
    ok: bool | None = None

    @property
    def verdict(self) -> str:
        return "" if self.ok is None else ("PASS" if self.ok else "MISS")


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} / {five:.1f} (1 / 5 min) on {os.cpu_count()} CPUs"


def vcwatch(args: Sequence[str], *, env: dict[str, str], stdin: str | None = None) -> str:
    """Run `vcwatch ARGS` to the end; its output. A failure stops the benchmark."""
    done = subprocess.run(
        [*scoring.vcwatch_command(), *args],
        env=env,
        cwd=REPO,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"vcwatch {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


# ---------------------------------------------------------------------------------------------
# What the page asks for
# ---------------------------------------------------------------------------------------------


async def first_load(client: httpx.AsyncClient) -> dict[str, Any]:
    """The API calls of the dashboard's first load, sequenced as static/js/review/main.js does."""

    async def get(path: str, **params: Any) -> Any:
        response = await client.get(path, params=params or None)
        response.raise_for_status()
        return response.json()

    async def queue() -> Any:
        page = await get("/api/objections", status="open", limit=QUEUE_PAGE, offset=0)
        await asyncio.gather(*(get(f"/api/incidents/{o['incident']}") for o in page["items"]))
        return page

    _session, periods = await asyncio.gather(get("/api/session"), get("/api/periods"))
    year = max(p["year"] for p in periods)
    _rulebook, standings, objections = await asyncio.gather(
        get(f"/api/periods/{year}/rulebook"), get("/api/scores", year=year), queue()
    )
    return {"standings": standings, "queue": objections}


def incident_queries(standings: dict[str, Any], meetings: list[str]) -> list[dict[str, Any]]:
    """What the incident panel asks for: a county or a whole city (its venue and its counties),
    unfiltered and filtered by item, type, meeting, dates and status, first and later pages."""
    cities = sorted(standings["cities"], key=lambda c: c["code"])

    def occurrences(unit: dict[str, Any]) -> int:
        return sum(i["occurrences"] for i in unit["items"])

    busiest_city = max(cities, key=occurrences)
    counties = [county for city in cities for county in city["counties"]]
    busiest = max(counties, key=occurrences)["code"]
    quiet = min(counties, key=occurrences)["code"]
    whole_city = [busiest_city["code"], *(c["code"] for c in busiest_city["counties"])]
    base = {"year": YEAR, "limit": PAGE_SIZE}
    spring = {"from": f"{YEAR}-03-01T00:00:00+08:00", "to": f"{YEAR}-06-01T00:00:00+08:00"}
    meeting = meetings[len(meetings) // 2]
    return [
        {**base, "unit": busiest, "offset": 0},
        {**base, "unit": busiest, "offset": PAGE_SIZE * 4},
        {**base, "unit": busiest, "item": "venue_order", "offset": PAGE_SIZE},
        {**base, "unit": busiest, "type": "conduct.phone", "offset": 0},
        {**base, "unit": busiest, "meeting": meeting, "offset": 0},
        {**base, "unit": busiest, "item": "roll_call", **spring, "offset": 0},
        {**base, "unit": quiet, "item": "install_cooperation", "offset": 0},
        {**base, "unit": whole_city, "offset": 0},
        {**base, "unit": whole_city, "offset": PAGE_SIZE * 10},
        {**base, "unit": whole_city, "item": "venue_order", **spring, "offset": PAGE_SIZE},
        {**base, "unit": whole_city, "voided": "true", "offset": 0},
    ]


# ---------------------------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------------------------


async def timed(call: Callable[[], Awaitable[Any]], *, runs: int) -> tuple[list[float], Any]:
    """Wall times (ms) of `runs` calls after one warm-up, and the last result."""
    result = await call()
    times: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        result = await call()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


async def incident_lists(
    client: httpx.AsyncClient, queries: list[dict[str, Any]], *, rounds: int
) -> list[float]:
    for params in queries:  # warm-up
        (await client.get("/api/incidents", params=params)).raise_for_status()
    times: list[float] = []
    for _ in range(rounds):
        for params in queries:
            started = time.perf_counter()
            response = await client.get("/api/incidents", params=params)
            response.raise_for_status()
            response.json()
            times.append((time.perf_counter() - started) * 1000)
    return times


async def xlsx_exports(
    client: httpx.AsyncClient, *, runs: int, timeout: float
) -> tuple[list[float], bytes]:
    """Wall times (s) of the exports, body read to the end; a run cut off at `timeout` counts
    as `timeout` and ends the series."""
    times: list[float] = []
    body = b""
    for _ in range(runs):
        started = time.perf_counter()
        try:
            response = await client.get(
                "/api/exports/standings.xlsx", params={"year": YEAR}, timeout=timeout
            )
        except httpx.TimeoutException:
            times.append(timeout)
            body = b""
            print(f"  the XLSX export did not finish in {timeout:.0f}s", flush=True)
            break
        body = response.content
        times.append(time.perf_counter() - started)
        response.raise_for_status()
    return times, body


def _rows_in(archive: zipfile.ZipFile, name: str) -> int:
    rows, carry = 0, b""
    with archive.open(name) as sheet:
        for chunk in iter(lambda: sheet.read(1 << 20), b""):
            text = carry + chunk
            rows += text.count(b"<row ")
            carry = text[-4:]  # a "<row " cut in two is counted with the next chunk
    return rows


def check_xlsx(body: bytes, *, incidents: int, cities: int) -> str:
    """A quick look that the workbook is whole: its sheets (the indicator, a sheet per city,
    扣分明细 and 作废记录), and that every incident is on one of the last two (two header rows
    each; 扣分明细 also has the lines of items 3-5)."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        sheets = sorted(
            (n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")),
            key=lambda n: int(n.removeprefix("xl/worksheets/sheet")[:-4]),
        )
        if len(sheets) != cities + 3:
            raise RuntimeError(f"the workbook has {len(sheets)} sheets, not {cities + 3}")
        counted = _rows_in(archive, sheets[-2]) - 2
        voided = _rows_in(archive, sheets[-1]) - 2
    if counted + voided < incidents:
        raise RuntimeError(f"the workbook lists {counted + voided} lines for {incidents} incidents")
    return (
        f"{len(body) / 1e6:.1f} MB, {len(sheets)} sheets, {counted} lines in 扣分明细 "
        f"(incidents that count and items 3-5), {voided} in 作废记录"
    )


def group_by_floor(url: str, *, runs: int) -> list[float]:
    """Wall times (ms) of the bare count the standings rest on: the period's incidents that
    count at the year's end, per unit and type, answered from the scoring index alone."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    query = text(
        "SELECT unit_id, type_code, count(*) FROM incident "
        "WHERE period_id = (SELECT id FROM period WHERE year = :year) AND at <= :end "
        "AND (voided_at IS NULL OR voided_at > :end) GROUP BY unit_id, type_code"
    )
    # The year's last second, as each backend stores moments (SQLite: UTC text).
    end = (
        f"{YEAR}-12-31 15:59:59.000000"
        if url.startswith("sqlite")
        else f"{YEAR}-12-31T23:59:59+08:00"
    )
    times: list[float] = []
    try:
        with engine.connect() as connection:
            connection.execute(query, {"year": YEAR, "end": end}).all()  # warm-up
            for _ in range(runs):
                started = time.perf_counter()
                connection.execute(query, {"year": YEAR, "end": end}).all()
                times.append((time.perf_counter() - started) * 1000)
    finally:
        engine.dispose()
    return times


def figure_ms(name: str, times: list[float], target: float | None) -> Figure:
    p95 = percentile(times, 0.95)
    return Figure(
        f"{name} (ms, min / median / p95 of {len(times)})",
        f"{min(times):.1f} / {statistics.median(times):.1f} / {p95:.1f}",
        "" if target is None else f"p95 <= {target:.0f}",
        None if target is None else p95 <= target,
    )


def report(figure: Figure) -> Figure:
    """Print a figure as it comes (a long run still tells what it measured), and pass it on."""
    print(f"  {figure.name}: {figure.value}  {figure.target} {figure.verdict}", flush=True)
    return figure


def print_table(title: str, figures: list[Figure]) -> None:
    width = max(len(f.name) for f in figures)
    value_width = max(len(f.value) for f in figures)
    print()
    print(title)
    print("-" * len(title))
    for f in figures:
        print(f"{f.name:<{width}}  {f.value:>{value_width}}  {f.target:<12} {f.verdict}")


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


def vacuum_analyze(url: str) -> str:
    """What autovacuum does to a table that has just taken 300,000 rows: statistics for the
    planner, and the visibility map that lets it answer from indexes alone. Without them the
    planner guesses (a table never analyzed looks empty) and sorts on disk."""
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn, autocommit=True, connect_timeout=10) as connection:
        autovacuum = connection.execute("SHOW autovacuum").fetchone()
        connection.execute("VACUUM ANALYZE")
    setting = autovacuum[0] if autovacuum else "?"
    return f"VACUUM ANALYZE after the import, as autovacuum would (autovacuum is {setting} here)"


def log_in(base: str, username: str, password: str) -> tuple[httpx.Cookies, str]:
    """A session's cookies and its CSRF token."""
    with httpx.Client(base_url=base, timeout=30, trust_env=False) as client:
        response = client.post("/api/session", json={"username": username, "password": password})
        if response.status_code >= 400:
            raise RuntimeError(f"login as {username} failed: {response.text}")
        return client.cookies, str(response.json()["csrf_token"])


def keep_objections_open(base: str, password: str) -> None:
    """The benchmark's year is long past its default objection deadline (31 January of the
    next year): an admin moves it, so the county can still file."""
    cookies, token = log_in(base, ADMIN_USER, password)
    with httpx.Client(
        base_url=base,
        cookies=cookies,
        headers={"X-CSRF-Token": token},
        timeout=60,
        trust_env=False,
    ) as client:
        response = client.put(f"/api/periods/{YEAR}", json={"objection_deadline": "2099-12-31"})
        response.raise_for_status()


def file_objections(base: str, password: str, *, county: str) -> int:
    """The county account objects to some of its incidents: the reviewer's queue has work."""
    cookies, token = log_in(base, COUNTY_USER, password)
    headers = {"X-CSRF-Token": token}
    with httpx.Client(
        base_url=base, cookies=cookies, headers=headers, timeout=60, trust_env=False
    ) as client:
        page = client.get(
            "/api/incidents", params={"year": YEAR, "unit": county, "voided": "false", "limit": 50}
        )
        page.raise_for_status()
        for incident in page.json()["items"][:OBJECTIONS]:
            body = {"incident": incident["key"], "reason": "当时网络中断，申请复核"}
            client.post("/api/objections", json=body).raise_for_status()
    return OBJECTIONS


async def measure(
    base: str, cookies: httpx.Cookies, args: argparse.Namespace, *, server: int, url: str
) -> list[Figure]:
    """The figures; beside each wall time, the server's CPU time for the same work, which a
    busy machine does not inflate the way it inflates wall times."""
    figures: list[Figure] = []
    limits = httpx.Limits(max_connections=BROWSER_CONNECTIONS)
    async with httpx.AsyncClient(
        base_url=base, cookies=cookies, timeout=60, trust_env=False, limits=limits
    ) as client:
        cpu = cpu_seconds(server)
        times, loaded = await timed(lambda: first_load(client), runs=args.runs)
        cpu = (cpu_seconds(server) - cpu) / (args.runs + 1)
        calls = 4 + min(loaded["queue"]["total"], QUEUE_PAGE)
        name = f"dashboard first load, {calls} API calls"
        figures.append(report(figure_ms(name, times, TARGET_FIRST_LOAD_MS)))
        figures.append(report(Figure("  server CPU per first load (ms)", f"{cpu * 1000:.0f}")))

        year = {"from": f"{YEAR}-01-01T00:00:00+08:00", "to": f"{YEAR + 1}-01-01T00:00:00+08:00"}
        meetings = (await client.get("/api/meetings", params={**year, "limit": 500})).json()
        queries = incident_queries(loaded["standings"], [m["key"] for m in meetings["items"]])
        times = await incident_lists(client, queries, rounds=args.rounds)
        name = f"unit incident list, {len(queries)} paged/filtered queries"
        figures.append(report(figure_ms(name, times, TARGET_INCIDENT_LIST_MS)))

        cpu = cpu_seconds(server)
        seconds, body = await xlsx_exports(
            client, runs=args.export_runs, timeout=args.export_timeout
        )
        cpu = (cpu_seconds(server) - cpu) / len(seconds)
        worst = max(seconds)
        figures.append(
            report(
                Figure(
                    f"XLSX export of the year (s, min / median / max of {len(seconds)})",
                    f"{min(seconds):.2f} / {statistics.median(seconds):.2f} / {worst:.2f}",
                    f"<= {TARGET_XLSX_S:.0f}",
                    bool(body) and worst <= TARGET_XLSX_S,
                )
            )
        )
        figures.append(report(Figure("  server CPU per export (s)", f"{cpu:.2f}")))
        if body:
            cities = len(scoring.CITIES)
            print(f"  workbook: {check_xlsx(body, incidents=args.incidents, cities=cities)}")

        async def scores() -> Any:
            response = await client.get("/api/scores", params={"year": YEAR})
            response.raise_for_status()
            return response.json()

        api_times, _ = await timed(scores, runs=args.runs)
        floor = group_by_floor(url, runs=args.runs)
        ratio = statistics.median(api_times) / statistics.median(floor)
        figures.append(report(figure_ms("GET /api/scores", api_times, None)))
        figures.append(report(figure_ms("  bare covering-index GROUP BY", floor, None)))
        figures.append(
            report(
                Figure(
                    "  /api/scores ÷ GROUP BY (medians)",
                    f"{ratio:.2f}",
                    f"<= {TARGET_SCORES_RATIO:.0f}",
                    ratio <= TARGET_SCORES_RATIO,
                )
            )
        )
    return figures


def benchmark(args: argparse.Namespace, workdir: Path) -> list[Figure]:
    started = time.perf_counter()
    document = scoring.build_province_year(incidents=args.incidents, seed=args.seed)
    records_file = workdir / f"province-{YEAR}.json"
    records_file.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    county = next(u["code"] for u in document["units"] if u["level"] == "county")
    print(
        f"generated {len(document['incidents'])} incidents, {len(document['units'])} units "
        f"in {time.perf_counter() - started:.1f}s"
    )
    del document

    with scoring.fresh_database(backend=args.backend, workdir=workdir, server=args.postgres) as url:
        env = scoring.cli_env(database_url=url, workdir=workdir)
        # This checkout's packages first, whatever an (older) editable install maps them to.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        vcwatch(["migrate"], env=env)
        started = time.perf_counter()
        out = vcwatch(["import", str(records_file)], env=env)
        print(f"{out.strip()} ({time.perf_counter() - started:.1f}s)")
        if args.backend == "postgresql":
            print(vacuum_analyze(url))
        passwords = {
            user: secrets.token_urlsafe(24) for user in (REVIEWER, COUNTY_USER, ADMIN_USER)
        }
        vcwatch(
            ["create-user", ADMIN_USER, "--role", "admin", "--display-name", "benchmark admin"],
            env=env,
            stdin=passwords[ADMIN_USER] + "\n",
        )
        vcwatch(
            ["create-user", REVIEWER, "--role", "reviewer", "--display-name", "benchmark"],
            env=env,
            stdin=passwords[REVIEWER] + "\n",
        )
        vcwatch(
            ["create-user", COUNTY_USER, "--role", "county_it", "--unit", county],
            env=env,
            stdin=passwords[COUNTY_USER] + "\n",
        )
        with scoring.serving(env=env, log=workdir / "serve.log") as (process, base):
            keep_objections_open(base, passwords[ADMIN_USER])
            filed = file_objections(base, passwords[COUNTY_USER], county=county)
            print(f"{COUNTY_USER} ({county}) filed {filed} objections; {machine_load()}")
            cookies, _ = log_in(base, REVIEWER, passwords[REVIEWER])
            figures = asyncio.run(measure(base, cookies, args, server=process.pid, url=url))
            print(f"after the run: {machine_load()}")
        if args.engines:
            print(f"the XLSX by each library, in this process; {machine_load()}")
            for name, wall, cpu in xlsx_engines.compare(url, year=YEAR):
                figures.append(Figure(f"XLSX: {name} (s)", f"{wall:.2f} wall / {cpu:.2f} CPU"))
        return figures


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--incidents", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=2019)
    parser.add_argument("--runs", type=int, default=20, help="timed first loads after a warm-up")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of the incident queries")
    parser.add_argument("--export-runs", type=int, default=3, help="timed XLSX exports")
    parser.add_argument(
        "--export-timeout", type=float, default=600, help="seconds an export may take"
    )
    parser.add_argument(
        "--postgres",
        default="postgresql://postgres@127.0.0.1:5432",
        help="server for the scratch database (its `postgres` database is used to create it)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument(
        "--no-engines",
        dest="engines",
        action="store_false",
        help="skip writing the XLSX with each library in this process",
    )
    args = parser.parse_args(argv)
    if min(args.incidents, args.runs, args.rounds, args.export_runs) < 1:
        parser.error("counts must be positive")
    if "127.0.0.1" not in args.postgres and "localhost" not in args.postgres:
        parser.error("the benchmark talks to 127.0.0.1 only")
    return args


def _interrupted(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupted)  # clean up on `kill` as on Ctrl-C
    workdir = Path(tempfile.mkdtemp(prefix="vcwatch-review-bench-"))
    print(
        f"vcwatch review benchmark: {args.backend}, {args.incidents:,} incidents, "
        f"seed {args.seed}; {machine_load()}"
    )
    try:
        figures = benchmark(args, workdir)
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print_table(
        f"review dashboard — {args.backend}, {args.incidents:,} incidents "
        f"(Python {sys.version.split()[0]})",
        figures,
    )
    return 0 if all(f.ok is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
