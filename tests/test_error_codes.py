"""Every error the API can return has a stable dotted code, and the pages' glossary has a
sentence for each one in Chinese and in English — collected from the source, not listed by hand."""

from __future__ import annotations

import ast
import functools
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = json.loads((ROOT / "static" / "js" / "glossary.json").read_text(encoding="utf-8"))
RAISING = [ROOT / "app" / "services", ROOT / "app" / "api", ROOT / "app" / "security"]
CODE = re.compile(r"^[a-z_]+(\.[a-z0-9_]+)+$")
CJK = re.compile(r"[\u4e00-\u9fff]")
# The pydantic validation errors the request models can raise, and the HTTP statuses the app or
# Starlette answer with: each is mapped to `invalid.<type>` / `http.<status>` by app/api/errors.py.
VALIDATION_TYPES = [
    "missing",
    "extra_forbidden",
    "string_pattern_mismatch",
    "string_too_short",
    "string_too_long",
    "string_type",
    "literal_error",
    "enum",
    "int_parsing",
    "int_type",
    "greater_than_equal",
    "less_than_equal",
    "datetime_parsing",
    "timezone_aware",
    "json_invalid",
    "bool_parsing",
    "value_error",
    "list_type",
    "too_long",
]
HTTP_STATUSES = [400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 429, 500]


def python_files() -> Iterator[Path]:
    for folder in RAISING:
        yield from sorted(folder.rglob("*.py"))


@functools.cache
def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def error_classes() -> set[str]:
    """ServiceError and every class deriving from it anywhere in app/."""
    known = {"ServiceError"}
    trees = [parsed(p) for p in (ROOT / "app").rglob("*.py")]
    grew = True
    while grew:
        grew = False
        for tree in trees:
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.ClassDef)
                    and node.name not in known
                    and any(isinstance(b, ast.Name) and b.id in known for b in node.bases)
                ):
                    known.add(node.name)
                    grew = True
    return known


def classes_with_fixed_code() -> set[str]:
    """Error classes whose own __init__ passes a constant code to super()."""
    fixed = set()
    for path in python_files():
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.ClassDef):
                for call in ast.walk(node):
                    if isinstance(call, ast.Call) and _code_of(call) is not None:
                        fixed.add(node.name)
    return fixed


def _code_of(call: ast.Call) -> str | None:
    for keyword in call.keywords:
        if keyword.arg == "code" and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    return None


def _name_of(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


@functools.cache
def raise_sites() -> list[tuple[str, str | None]]:
    """(where, code) of every construction of an error class in services, api and security."""
    classes = error_classes()
    fixed = classes_with_fixed_code()
    sites: list[tuple[str, str | None]] = []
    for path in python_files():
        for node in ast.walk(parsed(path)):
            if not isinstance(node, ast.Call):
                continue
            name = _name_of(node)
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if name == "PasswordProblem" and node.args:
                first = node.args[0]
                sites.append((where, first.value if isinstance(first, ast.Constant) else None))
            if name not in classes or name in fixed:
                continue
            delegated = any(
                k.arg == "code" and isinstance(k.value, ast.Attribute) and k.value.attr == "code"
                for k in node.keywords
            )
            if delegated:
                continue  # e.g. code=problem.code: the problem's codes are collected above
            sites.append((where, _code_of(node)))
    # Classes that fix their code in __init__ contribute that code once.
    for path in python_files():
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.ClassDef) and node.name in fixed:
                for call in ast.walk(node):
                    if isinstance(call, ast.Call) and _code_of(call) is not None:
                        sites.append((f"{path.relative_to(ROOT)}:{call.lineno}", _code_of(call)))
    return sites


def service_codes() -> set[str]:
    return {code for _, code in raise_sites() if code is not None}


def test_the_walk_finds_the_raise_sites() -> None:
    codes = service_codes()
    assert len(raise_sites()) > 60
    assert {"login.bad_credentials", "account.exists", "register.past_date"} <= codes
    assert {"policy.role_forbidden", "password.common", "login.too_many_attempts"} <= codes


def test_every_raise_site_names_a_specific_dotted_code() -> None:
    missing = [where for where, code in raise_sites() if code is None or not CODE.match(code)]
    assert missing == []


def every_page_code() -> list[str]:
    codes = sorted(service_codes())
    codes += [f"invalid.{kind}" for kind in VALIDATION_TYPES]
    codes += [f"http.{status}" for status in HTTP_STATUSES]
    return codes


@pytest.mark.parametrize("code", every_page_code())
def test_the_glossary_says_every_error_in_both_languages(code: str) -> None:
    entry = GLOSSARY.get(f"error.{code}")
    assert entry is not None, f"static/js/glossary.json has no error.{code}"
    chinese, english = entry
    assert CJK.search(chinese), f"error.{code} has no Chinese sentence"
    assert english and not CJK.search(english), f"error.{code} has no English sentence"


def test_a_validation_error_the_api_returns_has_a_sentence(client: TestClient) -> None:
    """The live API's own codes for a bad body and an unknown path are in the glossary."""
    bad = client.post("/api/session", json={"username": 5})
    unknown = client.get("/api/no-such-thing")
    for response in (bad, unknown):
        for detail in response.json()["detail"]:
            assert f"error.{detail['code']}" in GLOSSARY, detail
