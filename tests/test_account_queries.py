"""The accounts' queries live in `app/db/repositories/` (STYLE: every query in a repository):
the account and login-limit services build no statement of their own."""

from __future__ import annotations

import ast

import pytest

from tests.test_architecture import ROOT, Module

STATEMENTS = {"select", "update", "delete", "insert", "text", "func"}
SERVICES = ["app/services/accounts.py", "app/services/login_limits.py"]


def statements_built(module: Module) -> list[str]:
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            found += [f"line {node.lineno}: imports {a.name}" for a in node.names]
        if isinstance(node, ast.Import):
            found += [
                f"line {node.lineno}: imports {a.name}"
                for a in node.names
                if a.name.startswith("sqlalchemy")
            ]
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in STATEMENTS:
                found.append(f"line {node.lineno}: {name}(…)")
    return found


def module_at(path: str) -> Module:
    file = ROOT / path
    return Module(path, file, ast.parse(file.read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", SERVICES)
def test_account_services_build_no_query(path: str) -> None:
    assert statements_built(module_at(path)) == []


def test_the_check_sees_a_query() -> None:
    sample = "from sqlalchemy import select\nrows = session.execute(select(Account))\n"
    module = Module("sample", ROOT / "sample.py", ast.parse(sample))
    assert statements_built(module) == ["line 1: imports select", "line 2: select(…)"]
