"""The audit log read as sentences with names, filtered by person, unit, kind and date, and
exported as CSV and XLSX."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlmodel import select

from app.db.engine import Database
from app.db.tables import Account
from tests.conftest import Login

from .support import now_in_shanghai


def _rename(db: Database, username: str, display_name: str) -> None:
    with db.write() as tx:
        account = tx.session.exec(select(Account).where(Account.username == username)).one()
        account.display_name = display_name


def _today_meeting(client: TestClient) -> None:
    starts_at = now_in_shanghai().replace(hour=9, minute=0, second=0, microsecond=0)
    body = {"key": "today", "title": "全省视频会议", "starts_at": starts_at.isoformat()}
    assert client.post("/api/meetings", json=body).status_code == 201


def test_a_roll_call_mark_reads_as_a_sentence_with_names(
    imported: TestClient, this_year: int, login: Login, db: Database
) -> None:
    controller = login("controller", username="zhang")
    _rename(db, "zhang", "张三")
    _today_meeting(imported)
    mark = controller.put("/api/meetings/today/roll-call/two_hours/350402", json={"status": "late"})
    assert mark.status_code == 200, mark.text

    page = imported.get("/api/audit", params={"actor": "zhang", "kind": "roll_call"}).json()
    (entry,) = page["items"]
    assert entry["sentence"] == "张三 将 梅列区 会前两小时点名 标为 迟到（全省视频会议）"
    assert entry["sentence_en"] == (
        "张三 marked 梅列区 Late at the Two hours before roll call (全省视频会议)"
    )
    assert entry["actor_name"] == "张三" and entry["unit_name"] == "梅列区"

    incident = imported.get("/api/audit", params={"actor": "zhang", "kind": "incident"}).json()
    assert incident["items"][0]["sentence"].startswith("张三 记录 梅列区 迟到（全省视频会议 · ")


def test_the_log_filters_by_unit_kind_and_date(imported: TestClient, this_year: int) -> None:
    logged = imported.post(
        "/api/incidents",
        json={"unit": "350403", "type": "install.poor_cooperation"},
        headers={"Idempotency-Key": "install-1"},
    )
    assert logged.status_code == 201
    assert (
        imported.post("/api/incidents/install-1/void", json={"reason": "误记"}).status_code == 200
    )

    about = imported.get("/api/audit", params={"unit": "350403", "kind": "incident"}).json()
    sentences = [e["sentence"] for e in about["items"]]
    assert any(s.endswith("原因：误记") and "三元区 配合度差" in s for s in sentences)
    assert all(e["unit"] == "350403" for e in about["items"])
    other = imported.get("/api/audit", params={"unit": "350402", "kind": "incident"}).json()
    assert all("三元区" not in e["sentence"] for e in other["items"])

    start = now_in_shanghai().replace(hour=0, minute=0, second=0, microsecond=0)
    inverted = imported.get(
        "/api/audit", params={"from": start.isoformat(), "to": start.replace(hour=0).isoformat()}
    )
    assert inverted.status_code == 422
    assert inverted.json()["detail"][0]["code"] == "audit.inverted_range"


def _csv_rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_filtered_log_exports_as_csv_and_xlsx_in_sentences(
    imported: TestClient, this_year: int
) -> None:
    _today_meeting(imported)
    assert (
        imported.post("/api/meetings/today/cancel", json={"reason": "会议延期"}).status_code == 200
    )
    params = {"kind": "meeting"}
    rows = _csv_rows(imported.get("/api/audit/export.csv", params=params))
    assert rows[0] == ["时间", "操作人", "类别", "单位", "事项", "地址"]
    assert any(row[4] == "admin admin 取消会议 全省视频会议，原因：会议延期" for row in rows[1:])
    assert all(row[2] == "会议" for row in rows[1:])

    response = imported.get("/api/audit/export.xlsx", params=params)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:5] == ["时间", "操作人", "类别", "单位", "事项"]
    assert [row[4] for row in values[1:]] == [row[4] for row in rows[1:]]

    english = _csv_rows(imported.get("/api/audit/export.csv", params={**params, "lang": "en"}))
    assert english[0][4] == "What"
    assert any("cancelled the meeting 全省视频会议: 会议延期" in row[4] for row in english[1:])


def test_the_people_picker_lists_names(imported: TestClient, login: Login, db: Database) -> None:
    login("reviewer", username="wang")
    _rename(db, "wang", "王五")
    people = imported.get("/api/audit/people").json()
    assert {"username": "wang", "display_name": "王五"} in people
