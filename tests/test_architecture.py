"""Dependencies point one way (DESIGN §7, STYLE rule 1), checked by reading the imports."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

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
CLOCK_FUNCTIONS = {"time", "time_ns"}


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
    """Reads of the clock: `<anything>.now()` / `.utcnow()` / `.today()`, `time.time()`."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom) and node.module == "time":
            found += [
                (node.lineno, f"from time import {alias.name}")
                for alias in node.names
                if alias.name in CLOCK_FUNCTIONS
            ]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            owner = ast.unparse(node.func.value)
            if method in CLOCK_METHODS or (owner == "time" and method in CLOCK_FUNCTIONS):
                found.append((node.lineno, f"{owner}.{method}()"))
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
        "line 10: datetime.datetime.now()",
        "line 11: dt.utcnow()",
        "line 12: datetime.date.today()",
        "line 13: time.time()",
    ]
