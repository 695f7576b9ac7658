"""Every text a client sends refuses control characters and Unicode non-characters (U+FFFE and
U+FFFF make an XLSX sheet ill-formed; NUL breaks PostgreSQL), with a 422 naming the field; notes
keep their line breaks and tabs."""

from __future__ import annotations

from typing import Annotated, Any, get_args

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import BaseModel, TypeAdapter, ValidationError

from app.schemas.records import RecordsFile

from .conftest import OWN_UNIT, World

BAD = ["a\uffffb", "a\ufffeb", "a\x01b", "a\x00b", "a\x85b", "a\ufdd0b", "a\U0010ffffb", "a\x7fb"]


def models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in models_in(arg)]


def request_models(app: FastAPI) -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = {RecordsFile}
    for context in iter_route_contexts(app.routes):
        route = context.route
        if isinstance(route, APIRoute) and route.body_field is not None:
            found.update(models_in(route.body_field.field_info.annotation))
    queue = list(found)
    while queue:
        model = queue.pop()
        for field in model.model_fields.values():
            for inner in models_in(field.annotation):
                if inner not in found:
                    found.add(inner)
                    queue.append(inner)
    return found


def accepted(adapter: TypeAdapter[Any], value: Any) -> bool:
    try:
        adapter.validate_python(value)
    except ValidationError:
        return False
    return True


def test_every_text_field_of_every_request_refuses_control_and_non_characters(
    app: FastAPI,
) -> None:
    models = request_models(app)
    assert len(models) > 15
    leaks = []
    for model in models:
        for name, field in model.model_fields.items():
            annotation = (
                Annotated[field.annotation, *field.metadata] if field.metadata else field.annotation
            )
            adapter: TypeAdapter[Any] = TypeAdapter(annotation)
            for bad in BAD:
                for value in (bad, [bad], {bad: 1.0}, {"k": bad}):
                    if accepted(adapter, value):
                        leaks.append(f"{model.__name__}.{name} accepts {value!r}")
    assert leaks == []


def detail(response: Any) -> list[tuple[list[Any], str]]:
    return [(d["loc"], d["code"]) for d in response.json()["detail"]]


@pytest.mark.parametrize("bad", BAD)
def test_an_incident_note_with_a_bad_character_is_refused_naming_the_field(
    world: World, bad: str
) -> None:
    response = world.controller.post(
        "/api/incidents",
        json={"unit": OWN_UNIT, "type": "conduct.phone", "note": bad},
        headers={"Idempotency-Key": "bad-note"},
    )
    assert response.status_code == 422, response.text
    assert [loc for loc, _ in detail(response)] == [["body", "note"]]


def test_a_note_keeps_its_line_breaks_and_tabs(world: World) -> None:
    note = "第一行\n第二行\tend\r\n"
    response = world.controller.post(
        "/api/incidents",
        json={"unit": OWN_UNIT, "type": "conduct.phone", "note": note},
        headers={"Idempotency-Key": "good-note"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["note"] == note


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/objections", {"incident": "k", "reason": "x\ufffe"}, "reason"),
        ("/api/units", {"code": "350499", "name": "县\uffff", "level": "county"}, "name"),
        (
            "/api/meetings",
            {"key": "m99", "title": "会\x1b议", "starts_at": "2019-03-05T09:00:00+08:00"},
            "title",
        ),
    ],
)
def test_other_text_fields_refuse_them_too(
    world: World, path: str, body: dict[str, Any], field: str
) -> None:
    response = world.admin.post(path, json=body)
    assert response.status_code == 422, response.text
    assert [loc for loc, _ in detail(response)] == [["body", field]]


def test_a_name_is_one_line(client: TestClient) -> None:
    response = client.post("/api/units", json={"code": "350499", "name": "县\n名", "level": "city"})
    assert response.status_code == 422
    assert [loc for loc, _ in detail(response)] == [["body", "name"]]
