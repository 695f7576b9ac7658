"""Dependencies point one way (DESIGN §7, STYLE rule 1), checked by reading the imports."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.api.pages import PAGES
from app.domain.rulebook import AUDIO_FLAG_KINDS, FLAG_KINDS
from app.roles import ROLES

ROOT = Path(__file__).resolve().parent.parent

DOMAIN_FORBIDDEN = (
    "fastapi",
    "starlette",
    "sqlmodel",
    "sqlalchemy",
    "cv2",
    "numpy",
    "app.db",
    "app.services",
    "app.api",
    "app.live",
    "app.schemas",
    "app.settings",
    "app.main",
    "app.cli",
)
CLOCK_METHODS = {"now", "utcnow", "today"}
CLOCK_FUNCTIONS = {
    "time",
    "time_ns",
    "monotonic",
    "monotonic_ns",
    "perf_counter",
    "perf_counter_ns",
    "process_time",
    "process_time_ns",
    "localtime",
    "gmtime",
    "ctime",
    "asctime",
}


@dataclass(frozen=True)
class Module:
    name: str
    path: Path
    tree: ast.Module

    def __str__(self) -> str:
        return str(self.path.relative_to(ROOT))


def modules_under(folder: str) -> list[Module]:
    found = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        found.append(Module(".".join(parts), path, tree))
    return found


def imported_names(module: Module) -> Iterator[str]:
    """Every module an import statement names, relative imports made absolute."""
    is_package = module.path.name == "__init__.py"
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.name.split(".")
                keep = len(base) - node.level + (1 if is_package else 0)
                prefix = ".".join(base[:keep])
                source = f"{prefix}.{node.module}" if node.module else prefix
            else:
                source = node.module or ""
            yield source
            yield from (f"{source}.{alias.name}" for alias in node.names)


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(f"{package}.")


def forbidden_imports(module: Module, packages: tuple[str, ...]) -> set[str]:
    return {name for name in imported_names(module) for p in packages if within(name, p)}


def clock_reads(module: Module) -> list[str]:
    """Reads of the clock of any kind: `<anything>.now` / `.utcnow` / `.today` (called or handed
    on, e.g. as a default factory), and the `time` module's clocks (`time.time()`,
    `time.monotonic()`, `perf_counter`, …), however the module or function is imported."""
    time_aliases = {"time"} | {
        alias.asname
        for node in ast.walk(module.tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name == "time" and alias.asname
    }
    found: list[tuple[int, str]] = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom) and node.module == "time":
            found += [
                (node.lineno, f"from time import {alias.name}")
                for alias in node.names
                if alias.name in CLOCK_FUNCTIONS
            ]
        elif isinstance(node, ast.Attribute):
            owner = ast.unparse(node.value)
            if node.attr in CLOCK_METHODS or (
                owner in time_aliases and node.attr in CLOCK_FUNCTIONS
            ):
                found.append((node.lineno, f"{owner}.{node.attr}"))
    return [f"line {line}: {text}" for line, text in sorted(found)]


DOMAIN = modules_under("app/domain")
FRAME_CHECKS = modules_under("frame_checks")
SERVICES_AND_DB = modules_under("app/services") + modules_under("app/db")


def ids(modules: list[Module]) -> list[str]:
    return [str(m) for m in modules]


def test_the_domain_package_is_found() -> None:
    names = {m.name for m in DOMAIN}

    assert {"app.domain", "app.domain.rulebook", "app.domain.scoring"} <= names


@pytest.mark.parametrize("module", DOMAIN, ids=ids(DOMAIN))
def test_domain_imports_no_framework_orm_opencv_or_outer_layer(module: Module) -> None:
    assert forbidden_imports(module, DOMAIN_FORBIDDEN) == set()


@pytest.mark.parametrize("module", DOMAIN, ids=ids(DOMAIN))
def test_domain_never_reads_the_clock(module: Module) -> None:
    assert clock_reads(module) == []


def test_frame_checks_never_import_the_app() -> None:
    offending = {str(m): forbidden_imports(m, ("app",)) for m in FRAME_CHECKS}

    assert {where: names for where, names in offending.items() if names} == {}


def test_services_and_db_never_import_the_api() -> None:
    offending = {str(m): forbidden_imports(m, ("app.api",)) for m in SERVICES_AND_DB}

    assert SERVICES_AND_DB
    assert {where: names for where, names in offending.items() if names} == {}


SAMPLE = """
import datetime
import time
from datetime import datetime as dt
from time import time as now_seconds
from fastapi import FastAPI
from ..db import tables
from . import facts

a = datetime.datetime.now()
b = dt.utcnow()
c = datetime.date.today()
d = time.time()
e = dt(2019, 1, 1).replace(tzinfo=None)
"""


def test_the_checks_see_what_they_are_meant_to_see() -> None:
    module = Module("app.domain.sample", ROOT / "app/domain/sample.py", ast.parse(SAMPLE))

    assert forbidden_imports(module, DOMAIN_FORBIDDEN) == {
        "fastapi",
        "fastapi.FastAPI",
        "app.db",
        "app.db.tables",
    }
    assert "app.domain.facts" in set(imported_names(module))
    assert clock_reads(module) == [
        "line 5: from time import time",
        "line 10: datetime.datetime.now",
        "line 11: dt.utcnow",
        "line 12: datetime.date.today",
        "line 13: time.time",
    ]


# The house rules of STYLE.md: services hold the use cases (no web framework, no query of their
# own: every query is in `app/db/repositories/`); the API reaches the database only through the
# services; the live consoles do not lean on the API.

QUERY_BUILDERS = {"select", "insert", "update", "delete", "text", "func", "col"}
SESSION_QUERIES = {"exec", "execute", "scalars", "scalar", "get", "query"}
SQL_PACKAGES = ("sqlalchemy", "sqlmodel")


def own_queries(module: Module) -> list[str]:
    """Queries a module builds or runs itself: a query builder imported from SQLAlchemy/SQLModel
    (`select`, `text`, …) or a session asked to run something (`session.execute(…)`,
    `tx.session.get(…)`)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if any(within(node.module, p) for p in SQL_PACKAGES):
                found += [
                    (node.lineno, f"from {node.module} import {alias.name}")
                    for alias in node.names
                    if alias.name in QUERY_BUILDERS
                ]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner, method = ast.unparse(node.func.value), node.func.attr
            runs = method in SESSION_QUERIES and owner.split(".")[-1].endswith("session")
            builds = method in QUERY_BUILDERS and any(within(owner, p) for p in SQL_PACKAGES)
            if runs or builds:
                found.append((node.lineno, f"{owner}.{method}()"))
    return [f"line {line}: {text}" for line, text in sorted(found)]


SERVICES = modules_under("app/services")
API = modules_under("app/api")
LIVE = modules_under("app/live")


def test_the_layers_are_found() -> None:
    assert {"app.services.room_register", "app.services.roll_calls"} <= {m.name for m in SERVICES}
    assert "app.api.routes.units" in {m.name for m in API}
    assert {"app.live.hub", "app.live.notifier"} <= {m.name for m in LIVE}


@pytest.mark.parametrize("module", SERVICES, ids=ids(SERVICES))
def test_services_import_no_web_framework(module: Module) -> None:
    assert forbidden_imports(module, ("fastapi", "starlette")) == set()


@pytest.mark.parametrize("module", SERVICES, ids=ids(SERVICES))
def test_services_run_no_query_of_their_own(module: Module) -> None:
    assert own_queries(module) == []


@pytest.mark.parametrize("module", API, ids=ids(API))
def test_the_api_imports_no_repository(module: Module) -> None:
    assert forbidden_imports(module, ("app.db.repositories",)) == set()


@pytest.mark.parametrize("module", LIVE, ids=ids(LIVE))
def test_live_imports_nothing_of_the_api(module: Module) -> None:
    assert forbidden_imports(module, ("app.api",)) == set()


OFFENDING_SERVICE = """
from fastapi import HTTPException
from starlette.requests import Request
from sqlalchemy import select, text
from sqlmodel import col
import sqlalchemy

def find(db, code):
    with db.read() as session:
        session.execute(select(Unit))
        session.scalars(sqlalchemy.select(Unit))
        tx.session.get(Unit, 1)
        db_session.exec(text("SELECT 1"))
        return {}.get(code)
"""

OFFENDING_API = """
from app.db.repositories import units
from ...db.repositories.incidents import IncidentFilter
from app.services import incidents
"""

OFFENDING_LIVE = """
from app.api.session_cookie import COOKIE
from ..api import policy
import app.api.deps
from app.services import meetings
"""

OFFENDING_DOMAIN_CLOCKS = """
import time as clock
from time import monotonic, perf_counter as tick
from datetime import date, datetime
from dataclasses import field

a = clock.time()
b = clock.monotonic_ns()
c = date.today()
d = field(default_factory=datetime.now)
e = datetime.fromisoformat("2019-01-01T00:00:00+08:00")
"""


def sample(name: str, source: str) -> Module:
    return Module(name, ROOT / (name.replace(".", "/") + ".py"), ast.parse(source))


def test_the_service_rules_catch_a_framework_import_and_a_query_of_its_own() -> None:
    module = sample("app.services.sample", OFFENDING_SERVICE)

    assert forbidden_imports(module, ("fastapi", "starlette")) == {
        "fastapi",
        "fastapi.HTTPException",
        "starlette.requests",
        "starlette.requests.Request",
    }
    assert own_queries(module) == [
        "line 4: from sqlalchemy import select",
        "line 4: from sqlalchemy import text",
        "line 5: from sqlmodel import col",
        "line 10: session.execute()",
        "line 11: session.scalars()",
        "line 11: sqlalchemy.select()",
        "line 12: tx.session.get()",
        "line 13: db_session.exec()",
    ]


def test_the_api_rule_catches_a_repository_import_absolute_or_relative() -> None:
    module = sample("app.api.routes.sample", OFFENDING_API)

    assert forbidden_imports(module, ("app.db.repositories",)) == {
        "app.db.repositories",
        "app.db.repositories.units",
        "app.db.repositories.incidents",
        "app.db.repositories.incidents.IncidentFilter",
    }


def test_the_live_rule_catches_an_api_import_absolute_or_relative() -> None:
    module = sample("app.live.sample", OFFENDING_LIVE)

    assert forbidden_imports(module, ("app.api",)) == {
        "app.api.session_cookie",
        "app.api.session_cookie.COOKIE",
        "app.api",
        "app.api.policy",
        "app.api.deps",
    }


def test_the_clock_rule_catches_every_clock_however_imported() -> None:
    module = sample("app.domain.sample", OFFENDING_DOMAIN_CLOCKS)

    assert clock_reads(module) == [
        "line 3: from time import monotonic",
        "line 3: from time import perf_counter",
        "line 7: clock.time",
        "line 8: clock.monotonic_ns",
        "line 9: date.today",
        "line 10: datetime.now",
    ]


# -- hermetic: nothing reads a path outside the repository ------------------------------------

HERMETIC = ("app", "frame_checks", "tests", "benchmarks", "scripts", ".ci")
# The absolute paths that may be named: what the Debian packages that scripts/test installs put
# on every machine, and the kernel's views of processes.
SYSTEM_PATHS = ("/usr/bin/", "/usr/share/doc/opencv-doc/", "/etc/postgresql", "/proc/", "/dev/")
# An absolute path starts at one of the top folders of a Linux file system (URL paths such as
# /api/... or /static/... do not).
TOP_FOLDERS = (
    "bin|boot|data|etc|home|lib|lib64|media|mnt|nfs|opt|root|run|sbin|shared|srv|tmp|usr|var|work"
)
ABSOLUTE_PATH = re.compile(rf"(?<![\w.~/}}$-])/(?:{TOP_FOLDERS})(?![\w.-])[^\s'\"`(){{}}\[\],;]*")
OUTSIDE = re.compile(r"\.\./shared|(?<![\w.-])/work/")
# This file names what it looks for.
NOT_SCANNED = {Path("tests/test_architecture.py")}


def hermetic_files() -> list[Path]:
    found = []
    for folder in HERMETIC:
        for path in sorted((ROOT / folder).rglob("*")):
            relative = path.relative_to(ROOT)
            if path.is_file() and "__pycache__" not in path.parts and relative not in NOT_SCANNED:
                found.append(relative)
    return found


def climbs(tree: ast.AST, depth: int) -> list[str]:
    """`parents[N]` or N `.parent`s of `__file__` that reach above the repository root, for a file
    `depth` folders below it (its parents[depth], or depth + 1 `.parent`s, is the root)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "parents"
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, int)
            and "__file__" in ast.unparse(node.value)
            and node.slice.value > depth
        ):
            found.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Attribute) and node.attr == "parent":
            count, inner = 0, node
            while isinstance(inner, ast.Attribute) and inner.attr == "parent":
                count, inner = count + 1, inner.value
            # Only the outermost `.parent` of a chain counts; its inner ones are walked too.
            if "__file__" in ast.unparse(inner) and count - 1 > depth:
                found.append((node.lineno, ast.unparse(node)))
    chains = sorted(found)
    return [f"line {line}: {text}" for line, text in chains if not _inside_longer(text, chains)]


def _inside_longer(text: str, chains: list[tuple[int, str]]) -> bool:
    return any(other != text and other.startswith(text) for _, other in chains)


def paths_outside(relative: Path, text: str) -> list[str]:
    """What in the file (at `relative` in the repository) names a path outside the repository."""
    found: list[tuple[int, str]] = []

    def line_of(offset: int) -> int:
        return text.count("\n", 0, offset) + 1

    for match in ABSOLUTE_PATH.finditer(text):
        if not match.group().startswith(SYSTEM_PATHS):
            found.append((line_of(match.start()), match.group()))
    found += [(line_of(m.start()), m.group()) for m in OUTSIDE.finditer(text)]
    problems = [f"line {line}: {what}" for line, what in sorted(found)]
    if relative.suffix == ".py":
        problems += climbs(ast.parse(text), depth=len(relative.parts) - 1)
    return problems


def test_the_hermetic_scan_sees_every_folder() -> None:
    scanned = {path.parts[0] for path in hermetic_files()}

    assert scanned == set(HERMETIC)


def test_nothing_names_a_path_outside_the_repository() -> None:
    offending = {}
    for relative in hermetic_files():
        try:
            text = (ROOT / relative).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # images, recordings: no paths in them
        problems = paths_outside(relative, text)
        if problems:
            offending[str(relative)] = problems

    assert offending == {}


OUTSIDE_SAMPLE = """
from pathlib import Path

DESIGN = Path("/work/shared/DESIGN.md")
EXAMPLE = Path(__file__).resolve().parents[3] / "shared" / "worked_example.json"
AGAIN = Path(__file__).parent.parent.parent.parent / "shared"
NEXT_DOOR = "../shared/worked_example.json"
HOME = "/home/someone/clips/meeting.mp4"
SCRATCH = f"/tmp/{NEXT_DOOR}"
ROOT_OK = Path(__file__).resolve().parents[2]
ALSO_OK = Path(__file__).parent.parent.parent
BROWSER_OK = "/usr/bin/chromium"
ROUTE_OK = "/api/units/350402/register"
URL_OK = "http://127.0.0.1:8000/var/not-a-file"
"""


def test_the_hermetic_check_sees_what_it_is_meant_to_see() -> None:
    problems = paths_outside(Path("tests/api/sample.py"), OUTSIDE_SAMPLE)

    assert problems == [
        "line 4: /work/",
        "line 4: /work/shared/DESIGN.md",
        "line 7: ../shared",
        "line 8: /home/someone/clips/meeting.mp4",
        "line 9: /tmp/",
        "line 5: Path(__file__).resolve().parents[3]",
        "line 6: Path(__file__).parent.parent.parent.parent",
    ]
    assert paths_outside(Path("scripts/run"), "cd /srv/vcwatch && ls /etc/postgresql") == [
        "line 1: /srv/vcwatch"
    ]


# -- one vocabulary, one table: flag kinds are named by the glossary, pages by the server --------

GLOSSARY: dict[str, list[str]] = json.loads(
    (ROOT / "static/js/glossary.json").read_text(encoding="utf-8")
)
FLAG_KIND_WORDS = {
    word for key, pair in GLOSSARY.items() if key.startswith("flag.kind.") for word in pair
}
ALL_FLAG_KINDS = {*FLAG_KINDS, *AUDIO_FLAG_KINDS}
# A page's dictionary entry: "key": ["中文", "English"].
ENTRY = re.compile(
    r'"([A-Za-z0-9_.\-]+)":\s*\[\s*"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)",?\s*\]'
)


def page_sources() -> list[Path]:
    static = ROOT / "static"
    return [
        path
        for path in sorted([*static.rglob("*.js"), *static.glob("*.html")])
        if "vendor" not in path.parts
    ]


def flag_kind_names_in_page(text: str) -> list[str]:
    """Entries of a page that name a flag kind again: a key `….kind.<kind>` or `check.<kind>`,
    or any key whose words are the glossary's for a kind."""
    found = []
    for match in ENTRY.finditer(text):
        key, zh, en = match.groups()
        family, _, last = key.rpartition(".")
        named_by_key = last in ALL_FLAG_KINDS and (family == "check" or family.endswith("kind"))
        if named_by_key or zh in FLAG_KIND_WORDS or en in FLAG_KIND_WORDS:
            found.append(f"line {text.count(chr(10), 0, match.start()) + 1}: {key}")
    return found


def flag_kind_tables(module: Module) -> list[str]:
    """Dict displays of a Python module that map two or more flag kinds to words."""
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Dict):
            kinds = [
                k.value
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant)
                and k.value in ALL_FLAG_KINDS
                and isinstance(v, ast.Constant)
                and isinstance(v.value, str)
            ]
            if len(kinds) >= 2:
                found.append(f"line {node.lineno}: {', '.join(kinds)}")
    return found


def test_flag_kinds_are_named_only_by_the_glossary() -> None:
    assert FLAG_KIND_WORDS and len(page_sources()) > 20
    pages = {
        str(p.relative_to(ROOT)): flag_kind_names_in_page(p.read_text("utf-8"))
        for p in page_sources()
    }
    modules = {str(m): flag_kind_tables(m) for m in modules_under("app")}

    assert {where: found for where, found in {**pages, **modules}.items() if found} == {}


# A page path and a role on one line of a page's script: a table of who opens which page.
PAGE_PATHS = "|".join(re.escape(path) for path in PAGES)
ROLE_NAMES = "|".join(ROLES)
PAGE_ROLE = re.compile(
    rf"""(?=.*["'`](?:{PAGE_PATHS})["'`])(?=.*(?:["'`](?:{ROLE_NAMES})["'`]|\b(?:{ROLE_NAMES})\s*:))"""
)


def page_role_lines(text: str) -> list[str]:
    return [
        f"line {number}: {line.strip()}"
        for number, line in enumerate(text.splitlines(), start=1)
        if PAGE_ROLE.match(line)
    ]


def test_which_role_opens_which_page_is_the_servers_alone() -> None:
    """The pages' roles are app/api/pages.py's (with the roles of app/roles.py); the pages'
    scripts learn them from the session and keep no table of their own."""
    assert {role for _, roles in PAGES.values() for role in roles} == set(ROLES)
    offending = {
        str(p.relative_to(ROOT)): page_role_lines(p.read_text("utf-8")) for p in page_sources()
    }

    assert {where: lines for where, lines in offending.items() if lines} == {}


OFFENDING_PAGE = """
register({
  "check.dark": ["画面过暗", "picture too dark"],
  "flags.kind.silent": ["无声音（建议记入音频设备）", "No sound (note on audio equipment)"],
  "venue.status.shaking": ["抖了", "Shaking picture"],
  "flags.hint.silent": ["建议记入音频设备", "Note it against the audio equipment"],
  "kind.all": ["全部类别", "Every kind"],
});
const PAGES = [
  { href: "/console", key: "nav.console", roles: ["admin", "controller"] },
  { href: "/review", key: "nav.review" },
];
const HOME = { admin: "/admin", controller: "/console" };
location.assign(session.home || "/console");
"""

OFFENDING_FLAGS_MODULE = """
KIND_NAMES = {"dark": "画面过暗", "black": "黑屏/无画面", "other": "其他"}
NOTES = {"venue.poor_picture": ("画面模糊",), "dark": 1}
STATES = {"muted": "静音收听", "speaking": "发言"}
"""


def test_the_one_table_rules_see_a_second_table() -> None:
    assert flag_kind_names_in_page(OFFENDING_PAGE) == [
        "line 3: check.dark",
        "line 4: flags.kind.silent",
        "line 5: venue.status.shaking",
    ]
    module = sample("app.services.sample", OFFENDING_FLAGS_MODULE)
    assert flag_kind_tables(module) == ["line 2: dark, black"]
    assert page_role_lines(OFFENDING_PAGE) == [
        'line 10: { href: "/console", key: "nav.console", roles: ["admin", "controller"] },',
        'line 13: const HOME = { admin: "/admin", controller: "/console" };',
    ]
