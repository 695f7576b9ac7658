"""Fan-out of live meeting events: N consoles on one meeting, tags published at a fixed rate.

    python benchmarks/fanout.py [--consoles 200] [--rate 50] [--seconds 20] [--profile FILE]

Prepares a fresh SQLite database with the CLI (migrate, import a small period/units/meeting file,
create-user), starts `vcwatch serve` (one worker) on 127.0.0.1, connects N logged-in consoles
(`websockets` clients, in a process of their own) and logs tags over HTTP (httpx, keep-alive,
CSRF header) at the given rate from a third process. Each tag's note carries its send time
(`time.time_ns()`), so the consoles measure publish → receive latency; they also check seq
continuity (gaps, duplicates). Then the same fan-out through a bare `websockets` broadcast
server, measured the same way, as the floor to compare with.

Besides the end-to-end latency it prints the two parts it is made of: the write (tag sent →
HTTP 201, the same for one console or a thousand) and the fan-out spread (first → last console
to receive one event). Traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

REPOSITORY = Path(__file__).resolve().parents[1]
MEETING = "bench"
USERNAME, PASSWORD = "bench-controller", "Bench-Passw0rd-fanout"
TARGET_CONSOLES, TARGET_RATE, TARGET_P99_MS = 200, 50.0, 50.0
RECORDS = {
    "format": "vcwatch-records/1",
    "period": {"year": 2019, "edition": "2019"},
    "units": [
        {"code": "350400", "name": "三明市", "level": "city"},
        {"code": "350402", "name": "梅列区", "level": "county", "parent": "350400"},
    ],
    "meetings": [
        {"key": MEETING, "title": "全省视频会议（压测）", "starts_at": "2019-06-10T09:00:00+08:00"}
    ],
    "incidents": [],
}
T = TypeVar("T")
Sender = Callable[[int], Awaitable[None]]


def run(main: Coroutine[Any, Any, T]) -> T:
    """On uvloop when it is installed, as `vcwatch serve` runs (uvicorn picks it too)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(main)
    return uvloop.run(main)


def tag_body(sent_ns: int) -> dict[str, Any]:
    return {
        "unit": "350402",
        "type": "conduct.phone",
        "meeting": MEETING,
        "at": "2019-06-10T09:30:00+08:00",
        "note": str(sent_ns),
    }


# -- processes ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in KiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def cpu_seconds(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


def wait_for_port(port: int, process: subprocess.Popen[Any], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with status {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise SystemExit(f"nothing listens on port {port}")


def stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def child(mode: str, **options: object) -> list[str]:
    """The command line of this script in one of its helper modes."""
    argv = [sys.executable, __file__, mode]
    for name, value in options.items():
        argv += [f"--{name.replace('_', '-')}", str(value)]
    return argv


# -- consoles (a process of their own) ------------------------------------------------------


@dataclass
class ConsoleLog:
    seqs: list[int] = field(default_factory=list)
    received_ns: list[int] = field(default_factory=list)
    sent_ns: list[int] = field(default_factory=list)
    closed: str | None = None


async def follow(
    url: str, origin: str, cookie: str, log: ConsoleLog, ready: Callable[[], None]
) -> None:
    import websockets
    from websockets.typing import Origin

    headers = {"Cookie": cookie} if cookie else {}
    try:
        async with websockets.connect(
            url, origin=Origin(origin), additional_headers=headers, max_queue=None, compression=None
        ) as connection:
            async for raw in connection:
                received_ns = time.time_ns()
                message = json.loads(raw)
                if message["type"] == "event":
                    log.seqs.append(message["seq"])
                    log.received_ns.append(received_ns)
                    log.sent_ns.append(int(message["data"]["note"]))
                elif message["type"] == "ready":
                    ready()
    except Exception as error:  # a console that dropped out is counted, not fatal
        log.closed = f"{type(error).__name__}: {error}"


async def consoles_main(args: argparse.Namespace) -> None:
    """Connect N consoles, print "ready", then on "expect TOTAL" print what each received."""
    logs = [ConsoleLog() for _ in range(args.count)]
    connected = asyncio.Event()
    ready = 0

    def one_ready() -> None:
        nonlocal ready
        ready += 1
        if ready == args.count:
            connected.set()

    tasks = [
        asyncio.ensure_future(follow(args.url, args.origin, args.cookie, log, one_ready))
        for log in logs
    ]
    await asyncio.wait_for(connected.wait(), 180)
    print("ready", flush=True)

    total = int((await asyncio.to_thread(sys.stdin.readline)).split()[1])
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(
        log.closed is None and (not log.seqs or log.seqs[-1] < total) for log in logs
    ):
        await asyncio.sleep(0.05)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    print(json.dumps([log.__dict__ for log in logs]), flush=True)


class Consoles:
    """The consoles' process, driven over its stdin and stdout."""

    def __init__(self, url: str, origin: str, cookie: str, count: int) -> None:
        self.process = subprocess.Popen(
            child("_consoles", url=url, origin=origin, cookie=cookie, count=count),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def wait_ready(self) -> None:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if line.strip() != "ready":
            raise SystemExit(f"the consoles did not all connect: {line!r}")

    def report(self, total: int) -> list[dict[str, Any]]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"expect {total}\n")
        self.process.stdin.flush()
        report: list[dict[str, Any]] = json.loads(self.process.stdout.readline())
        self.process.wait(timeout=30)
        return report


# -- the bare broadcast server --------------------------------------------------------------


async def bare_main(args: argparse.Namespace) -> None:
    """Consoles connect to `/`; what arrives on `/publish` is broadcast to all of them."""
    import websockets

    consoles: set[Any] = set()

    async def handler(connection: Any) -> None:
        if connection.request.path == "/publish":
            async for message in connection:
                websockets.broadcast(consoles, message)
            return
        consoles.add(connection)
        try:
            await connection.send(json.dumps({"type": "ready", "seq": 0}))
            await connection.wait_closed()
        finally:
            consoles.discard(connection)

    async with websockets.serve(handler, "127.0.0.1", args.port, compression=None) as server:
        asyncio.get_running_loop().add_signal_handler(signal.SIGINT, server.close)
        await server.wait_closed()


# -- the publisher (a process of its own) ---------------------------------------------------


@contextlib.asynccontextmanager
async def vcwatch_sender(target: str) -> AsyncIterator[Sender]:
    import httpx

    limits = httpx.Limits(max_connections=16, max_keepalive_connections=16)
    async with httpx.AsyncClient(base_url=target, limits=limits, timeout=120) as client:
        response = await client.post(
            "/api/session", json={"username": USERNAME, "password": PASSWORD}
        )
        response.raise_for_status()
        client.headers["X-CSRF-Token"] = response.json()["csrf_token"]

        async def send(i: int) -> None:
            response = await client.post(
                "/api/incidents",
                json=tag_body(time.time_ns()),
                headers={"Idempotency-Key": f"bench-{i}"},
            )
            if response.status_code != 201:
                raise SystemExit(f"tag {i} refused: {response.status_code} {response.text}")

        yield send


@contextlib.asynccontextmanager
async def bare_sender(target: str) -> AsyncIterator[Sender]:
    """The payload of a vcwatch event, with the same fields and sizes, straight to the fan-out."""
    import websockets

    async with websockets.connect(f"{target}/publish", compression=None) as connection:

        async def send(i: int) -> None:
            data = tag_body(time.time_ns()) | {
                "key": f"bench-{i}",
                "item": "venue_order",
                "points": "0.05",
                "checkpoint": None,
                "source": "online_monitoring",
                "evidence": None,
                "logged_by": USERNAME,
                "logged_at": "2019-06-10T09:30:00+08:00",
                "voided": None,
            }
            event = {
                "type": "event",
                "meeting": MEETING,
                "seq": i,
                "kind": "incident.logged",
                "at": "2019-06-10T09:30:00+08:00",
                "actor": USERNAME,
                "data": data,
            }
            await connection.send(json.dumps(event, ensure_ascii=False))

        yield send


async def publisher_main(args: argparse.Namespace) -> None:
    """On "go": send `rate` tags a second for `seconds`, each on its schedule without waiting for
    the previous one; print how long each send took and how late the schedule ran."""
    sender = vcwatch_sender if args.kind == "vcwatch" else bare_sender
    async with sender(args.target) as send:
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        total = round(args.rate * args.seconds)
        durations_ms = [0.0] * total
        lag = 0.0

        async def timed(i: int) -> None:
            start = time.perf_counter()
            await send(i)
            durations_ms[i - 1] = (time.perf_counter() - start) * 1000

        start = time.monotonic()
        pending = []
        for i in range(1, total + 1):
            due = start + (i - 1) / args.rate
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            lag = max(lag, time.monotonic() - due)
            pending.append(asyncio.ensure_future(timed(i)))
        await asyncio.gather(*pending)
    print(json.dumps({"total": total, "lag_ms": lag * 1000, "send_ms": durations_ms}), flush=True)


class Publisher:
    def __init__(self, kind: str, target: str, args: argparse.Namespace) -> None:
        self.process = subprocess.Popen(
            child("_publish", kind=kind, target=target, rate=args.rate, seconds=args.seconds),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        if self.process.stdout.readline().strip() != "ready":
            raise SystemExit("the publisher could not start")

    def publish(self) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()
        outcome: dict[str, Any] = json.loads(self.process.stdout.readline())
        self.process.wait(timeout=30)
        return outcome


# -- one measured run -----------------------------------------------------------------------


def percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


@dataclass
class Measurement:
    name: str
    consoles: int
    published: int
    schedule_lag_ms: float
    send_ms: list[float]  # tag sent → HTTP 201 (vcwatch) or written (bare)
    latency_ms: list[float]  # tag sent → received, every console and event
    spread_ms: list[float]  # per event: first → last console to receive it
    gaps: list[int]  # per console
    duplicates: list[int]  # per console
    dropped: int
    memory: dict[str, dict[str, int]]
    cpu_seconds: float

    @classmethod
    def of(
        cls,
        name: str,
        report: list[dict[str, Any]],
        sent: dict[str, Any],
        memory: dict[str, dict[str, int]],
        cpu: float,
    ) -> Measurement:
        total = int(sent["total"])
        latency, gaps, duplicates = [], [], []
        arrivals: defaultdict[int, list[int]] = defaultdict(list)
        for console in report:
            seqs = console["seqs"]
            for seq, received, sent_ns in zip(
                seqs, console["received_ns"], console["sent_ns"], strict=True
            ):
                latency.append((received - sent_ns) / 1e6)
                arrivals[seq].append(received)
            out_of_order = sum(1 for a, b in itertools.pairwise(seqs) if b <= a)
            duplicates.append(max(len(seqs) - len(set(seqs)), out_of_order))
            gaps.append(len(set(range(1, total + 1)) - set(seqs)))
        spread = [(max(times) - min(times)) / 1e6 for times in arrivals.values()]
        return cls(
            name=name,
            consoles=len(report),
            published=total,
            schedule_lag_ms=float(sent["lag_ms"]),
            send_ms=sorted(sent["send_ms"]),
            latency_ms=sorted(latency),
            spread_ms=sorted(spread),
            gaps=gaps,
            duplicates=duplicates,
            dropped=sum(1 for console in report if console["closed"]),
            memory=memory,
            cpu_seconds=cpu,
        )


def measure(name: str, server_pid: int, consoles: Consoles, publisher: Publisher) -> Measurement:
    memory = {"before consoles": memory_kib(server_pid)}
    consoles.wait_ready()
    memory["consoles connected"] = memory_kib(server_pid)
    cpu_before = cpu_seconds(server_pid)
    sent = publisher.publish()
    report = consoles.report(int(sent["total"]))
    cpu = cpu_seconds(server_pid) - cpu_before
    memory["end"] = memory_kib(server_pid)
    return Measurement.of(name, report, sent, memory, cpu)


def vcwatch(env: dict[str, str], *argv: str, stdin: str | None = None) -> None:
    subprocess.run(
        [sys.executable, "-m", "app.cli", *argv],
        cwd=REPOSITORY,
        env=env,
        input=stdin,
        text=True,
        check=True,
        stdout=subprocess.DEVNULL,
    )


async def session_cookie(base: str) -> str:
    import httpx

    async with httpx.AsyncClient(base_url=base) as client:
        response = await client.post(
            "/api/session", json={"username": USERNAME, "password": PASSWORD}
        )
        response.raise_for_status()
        return f"vcwatch_session={client.cookies['vcwatch_session']}"


def measure_vcwatch(args: argparse.Namespace, workdir: Path) -> Measurement:
    env = {
        **os.environ,
        "VCWATCH_DATABASE_URL": f"sqlite:///{workdir / 'vcwatch.sqlite3'}",
        "VCWATCH_DATA_DIR": str(workdir / "data"),
        "VCWATCH_ENVIRONMENT": "development",
    }
    records = workdir / "records.json"
    records.write_text(json.dumps(RECORDS, ensure_ascii=False), encoding="utf-8")
    vcwatch(env, "migrate")
    vcwatch(env, "import", str(records))
    vcwatch(env, "create-user", USERNAME, "--role", "controller", stdin=PASSWORD + "\n")

    port = free_port()
    profile = ["-m", "cProfile", "-o", str(args.profile)] if args.profile else []
    serve = ["-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with (workdir / "server.log").open("wb") as log:
        server = subprocess.Popen(
            [sys.executable, *profile, *serve],
            cwd=REPOSITORY,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_port(port, server)
        base = f"http://127.0.0.1:{port}"
        url = f"ws://127.0.0.1:{port}/ws/meetings/{MEETING}?after=0"
        consoles = Consoles(url, base, run(session_cookie(base)), args.consoles)
        return measure("vcwatch", server.pid, consoles, Publisher("vcwatch", base, args))
    finally:
        stop(server)


def measure_bare(args: argparse.Namespace) -> Measurement:
    port = free_port()
    server = subprocess.Popen(child("_bare", port=port))
    try:
        wait_for_port(port, server)
        base = f"ws://127.0.0.1:{port}"
        consoles = Consoles(f"{base}/", f"http://127.0.0.1:{port}", "", args.consoles)
        return measure("bare websockets", server.pid, consoles, Publisher("bare", base, args))
    finally:
        stop(server)


# -- the figures ----------------------------------------------------------------------------


def print_figures(args: argparse.Namespace, results: list[Measurement]) -> bool:
    vc = results[0]
    floor = results[1] if len(results) > 1 else None

    def row(label: str, cells: list[str], ratio: str = "") -> None:
        line = f"  {label:<40}" + "".join(f"{cell:>18}" for cell in cells)
        print(line + (f"{ratio:>10}" if floor is not None else ""))

    def ms(value: float) -> str:
        return f"{value:.1f} ms"

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.1f}×" if b else "-"

    def quantiles(title: str, pick: Callable[[Measurement], list[float]]) -> None:
        row(title, [r.name for r in results], "ratio" if floor else "")
        for label, fraction in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99), ("max", 1.0)):
            values = [percentile(pick(r), fraction) for r in results]
            row(f"  {label}", [ms(v) for v in values], ratio(*values) if floor else "")

    print()
    print(
        f"fan-out: {args.consoles} consoles on one meeting, {args.rate:g} tags/s for "
        f"{args.seconds:g} s; vcwatch on SQLite, one worker; {os.cpu_count()} cores"
    )
    quantiles("latency, tag sent → console", lambda r: r.latency_ms)
    quantiles("write, tag sent → HTTP 201 (bare: sent)", lambda r: r.send_ms)
    quantiles("spread, first → last console", lambda r: r.spread_ms)
    row("tags published", [str(r.published) for r in results])
    row("events received, all consoles", [str(len(r.latency_ms)) for r in results])
    row("publisher behind schedule, max", [ms(r.schedule_lag_ms) for r in results])
    for label in ("gaps", "duplicates"):
        row(
            f"{label}: total / consoles with any",
            [
                f"{sum(getattr(r, label))} / {sum(1 for x in getattr(r, label) if x)}"
                for r in results
            ],
        )
    row("consoles dropped", [str(r.dropped) for r in results])
    row(
        "server CPU, publishing until delivered",
        [f"{r.cpu_seconds:.1f} s ({100 * r.cpu_seconds / args.seconds:.0f}%)" for r in results],
    )
    for moment in ("before consoles", "consoles connected", "end"):
        row(
            f"server VmRSS, {moment}",
            [f"{r.memory[moment]['VmRSS'] / 1024:.1f} MiB" for r in results],
        )
    row("server VmHWM (peak)", [f"{r.memory['end']['VmHWM'] / 1024:.1f} MiB" for r in results])

    p99 = percentile(vc.latency_ms, 0.99)
    expected = vc.published * vc.consoles
    checks = [
        (f"consoles ≥ {TARGET_CONSOLES}", args.consoles >= TARGET_CONSOLES, str(args.consoles)),
        (f"rate ≥ {TARGET_RATE:g} tags/s", args.rate >= TARGET_RATE, f"{args.rate:g}/s"),
        (f"p99 ≤ {TARGET_P99_MS:g} ms (tag sent → console)", p99 <= TARGET_P99_MS, ms(p99)),
        ("0 gaps", sum(vc.gaps) == 0, str(sum(vc.gaps))),
        ("0 duplicates", sum(vc.duplicates) == 0, str(sum(vc.duplicates))),
        ("every console stayed connected", vc.dropped == 0, str(vc.dropped)),
        (
            "every event reached every console",
            len(vc.latency_ms) == expected,
            f"{len(vc.latency_ms)}/{expected}",
        ),
    ]
    print()
    print("targets (vcwatch)")
    for label, ok, value in checks:
        print(f"  {label:<40}{value:>18}   {'PASS' if ok else 'MISS'}")
    return all(ok for _, ok, _ in checks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--consoles", type=int, default=TARGET_CONSOLES)
    parser.add_argument("--rate", type=float, default=TARGET_RATE, help="tags a second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--profile", type=Path, help="run vcwatch under cProfile, stats here")
    parser.add_argument("--skip-bare", action="store_true", help="measure vcwatch only")
    helpers = parser.add_subparsers(dest="helper")
    consoles = helpers.add_parser("_consoles")
    for name in ("--url", "--origin", "--cookie"):
        consoles.add_argument(name, default="")
    consoles.add_argument("--count", type=int, required=True)
    bare = helpers.add_parser("_bare")
    bare.add_argument("--port", type=int, required=True)
    publish = helpers.add_parser("_publish")
    publish.add_argument("--kind", choices=("vcwatch", "bare"), required=True)
    publish.add_argument("--target", required=True)
    publish.add_argument("--rate", type=float, required=True)
    publish.add_argument("--seconds", type=float, required=True)
    args = parser.parse_args()

    helper = {"_consoles": consoles_main, "_bare": bare_main, "_publish": publisher_main}
    if args.helper is not None:
        run(helper[args.helper](args))
        return 0

    with tempfile.TemporaryDirectory(prefix="vcwatch-fanout-") as directory:
        results = [measure_vcwatch(args, Path(directory))]
    if not args.skip_bare:
        results.append(measure_bare(args))
    return 0 if print_figures(args, results) else 1


if __name__ == "__main__":
    sys.exit(main())
