"""The `vcwatch` command, driven in-process against the test database."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.cli import build_parser, cmd_serve, main
from app.db.engine import Database
from app.settings import get_settings
from tests.fixtures import WORKED_EXAMPLE

DEMO_COUNTIES = (
    "梅列区",
    "三元区",
    "明溪县",
    "清流县",
    "宁化县",
    "大田县",
    "尤溪县",
    "沙县",
    "将乐县",
    "泰宁县",
    "建宁县",
    "永安市",
)


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str


class Vcwatch:
    """Runs `vcwatch …` in this process on one database, capturing what it prints."""

    def __init__(
        self,
        *,
        database_url: str,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        self.database_url = database_url
        self._monkeypatch = monkeypatch
        self._capsys = capsys

    def __call__(self, *argv: str, database_url: str | None = None) -> Outcome:
        self._monkeypatch.setenv("VCWATCH_DATABASE_URL", database_url or self.database_url)
        get_settings.cache_clear()
        self._capsys.readouterr()
        code = main(list(argv))
        captured = self._capsys.readouterr()
        return Outcome(code=code, out=captured.out, err=captured.err)

    def ok(self, *argv: str, database_url: str | None = None) -> str:
        outcome = self(*argv, database_url=database_url)
        assert outcome.code == 0, outcome.err
        return outcome.out

    def export(self, *, database_url: str | None = None) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(
            self.ok("export", "--year", "2019", database_url=database_url)
        )
        return document

    def scores(self, *, database_url: str | None = None) -> dict[str, Any]:
        """The 2019 standings, without their `as_of` (known "now", it moves between readings)."""
        standings: dict[str, Any] = json.loads(
            self.ok("scores", "--year", "2019", "--json", database_url=database_url)
        )
        standings.pop("as_of")
        return standings


@pytest.fixture
def vcwatch(
    db: Database,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Iterator[Vcwatch]:
    """`vcwatch` on the test's database; requesting `db` empties a shared PostgreSQL one."""
    monkeypatch.setenv("VCWATCH_ENVIRONMENT", "test")
    monkeypatch.delenv("VCWATCH_DATA_DIR", raising=False)
    get_settings.cache_clear()
    yield Vcwatch(database_url=database_url, monkeypatch=monkeypatch, capsys=capsys)
    get_settings.cache_clear()


@pytest.fixture
def worked_example(vcwatch: Vcwatch) -> Vcwatch:
    vcwatch.ok("import", str(WORKED_EXAMPLE))
    return vcwatch


def worked_example_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(WORKED_EXAMPLE.read_text(encoding="utf-8"))
    return data


def line_with(text: str, *words: str) -> str:
    lines = [line for line in text.splitlines() if all(word in line for word in words)]
    assert lines, f"no line with {words} in:\n{text}"
    return lines[0]


def test_migrate_reports_the_newest_schema(vcwatch: Vcwatch) -> None:
    out = vcwatch.ok("migrate")
    assert "newest migration" in out
    assert vcwatch.ok("migrate") == out


def test_import_prints_a_summary(vcwatch: Vcwatch) -> None:
    out = vcwatch.ok("import", str(WORKED_EXAMPLE))
    assert "period 2019 (edition 2019)" in out
    assert "3 units" in out
    assert "20 meetings" in out
    assert "29 incidents (0 already present)" in out
    assert "4 room entries" in out
    assert "3 staffing entries" in out


def test_importing_the_same_file_again_changes_nothing(worked_example: Vcwatch) -> None:
    before = worked_example.export()
    scores = worked_example.scores()

    out = worked_example.ok("import", str(WORKED_EXAMPLE))

    assert "0 units, 0 meetings, 0 incidents (29 already present)" in out
    assert "0 room entries, 0 staffing entries" in out
    assert worked_example.export() == before
    assert worked_example.scores() == scores


def records_with_new_keys() -> dict[str, Any]:
    """The worked example as a second file of new records: had any of it been written, the
    export would show it."""
    data = worked_example_data()
    data["units"].append(
        {"code": "350404", "name": "新设区", "level": "county", "parent": "350400"}
    )
    data["meetings"].append(
        {"key": "x-m99", "title": "全省补充视频会议", "starts_at": "2019-12-20T09:00:00+08:00"}
    )
    for incident in data["incidents"]:
        incident["key"] = f"x-{incident['key']}"
        if incident.get("checkpoint") and "voided" not in incident:
            # A venue has one live roll-call deduction per meeting and checkpoint: the copies
            # of the stored ones come voided.
            incident["voided"] = {"reason": "重复", "at": "2019-12-31T00:00:00+08:00"}
    for room in data["rooms"]:
        room["at"] = "2019-07-01T00:00:00+08:00"
    for entry in data["staffing"]:
        entry["at"] = "2019-07-01T00:00:00+08:00"
    return data


def set_incident(index: int, field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["incidents"][index][field] = value

    return change


def set_format(value: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["format"] = value

    return change


BAD_RECORDS = [
    pytest.param(
        set_incident(3, "type", "venue.unicorn"),
        "incidents[3].type",
        "'venue.unicorn' is not in the 2019 edition",
        id="unknown-type",
    ),
    pytest.param(
        set_incident(3, "type", "venue.picture_lost"),
        "incidents[3].type",
        "'venue.picture_lost' is not in the 2019 edition",
        id="type-of-another-edition",
    ),
    pytest.param(set_format("vcwatch-records/2"), "format", "vcwatch-records/1", id="wrong-format"),
    pytest.param(
        set_incident(5, "at", "2020-01-01T00:00:00+08:00"),
        "incidents[5].at",
        "outside the period 2019",
        id="time-after-the-year",
    ),
    pytest.param(
        set_incident(5, "at", "2019-12-31T16:30:00+00:00"),
        "incidents[5].at",
        "2020-01-01T00:30:00+08:00 lies outside the period 2019",
        id="time-in-the-next-year-in-shanghai",
    ),
    pytest.param(
        set_incident(5, "at", "2018-12-31T23:59:59+08:00"),
        "incidents[5].at",
        "outside the period 2019",
        id="time-before-the-year",
    ),
    pytest.param(
        set_incident(5, "at", "2019-06-10T07:00:00"),
        "incidents[5].at",
        "timezone",
        id="time-without-offset",
    ),
    pytest.param(
        set_incident(7, "unit", "350499"), "incidents[7].unit", "350499", id="unknown-unit"
    ),
    pytest.param(
        set_incident(7, "meeting", "no-such-meeting"),
        "incidents[7].meeting",
        "no-such-meeting",
        id="unknown-meeting",
    ),
]


@pytest.mark.parametrize(("spoil", "field", "detail"), BAD_RECORDS)
def test_a_bad_record_imports_nothing_and_is_named(
    worked_example: Vcwatch,
    tmp_path: Path,
    spoil: Callable[[dict[str, Any]], None],
    field: str,
    detail: str,
) -> None:
    data = records_with_new_keys()
    spoil(data)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = worked_example.export()

    outcome = worked_example("import", str(bad))

    assert outcome.code != 0
    assert outcome.out == ""
    assert f"(at {field})" in outcome.err
    assert detail in outcome.err
    assert "nothing was imported" in outcome.err
    assert worked_example.export() == before


def test_the_unspoilt_file_of_new_records_would_import(
    worked_example: Vcwatch, tmp_path: Path
) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(records_with_new_keys(), ensure_ascii=False), encoding="utf-8")

    out = worked_example.ok("import", str(good))

    assert "1 units, 1 meetings, 29 incidents (0 already present)" in out


@pytest.mark.parametrize(
    ("content", "named"),
    [
        pytest.param(b'{"format": "vcwatch-records/1",', "line 1", id="not-json"),
        pytest.param(b"", "line 1 column 1", id="empty"),
        pytest.param('{"format": "vcwatch-records/1"}'.encode("utf-16"), "decode", id="not-utf-8"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, "recursion", id="nested-too-deep"),
        pytest.param(b"1" * 5_000, "digits", id="number-too-long"),
    ],
)
def test_an_unreadable_file_imports_nothing(
    worked_example: Vcwatch, tmp_path: Path, content: bytes, named: str
) -> None:
    bad = tmp_path / "broken.json"
    bad.write_bytes(content)
    before = worked_example.export()

    outcome = worked_example("import", str(bad))

    assert outcome.code != 0
    assert str(bad) in outcome.err
    assert named in outcome.err
    assert worked_example.export() == before


def test_a_document_that_is_not_an_object_is_named_as_the_file(
    vcwatch: Vcwatch, tmp_path: Path
) -> None:
    bad = tmp_path / "list.json"
    bad.write_text("[]", encoding="utf-8")

    outcome = vcwatch("import", str(bad))

    assert outcome.code != 0
    assert f"vcwatch import: {bad}: Input should be a valid dictionary" in outcome.err
    assert "(at file)" in outcome.err


def test_a_missing_file_is_refused(vcwatch: Vcwatch, tmp_path: Path) -> None:
    outcome = vcwatch("import", str(tmp_path / "missing.json"))
    assert outcome.code != 0
    assert "missing.json" in outcome.err


def test_a_bad_record_in_an_empty_database_creates_no_period(
    vcwatch: Vcwatch, tmp_path: Path
) -> None:
    data = worked_example_data()
    data["incidents"][3]["type"] = "venue.unicorn"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    assert vcwatch("import", str(bad)).code != 0

    outcome = vcwatch("export", "--year", "2019")
    assert outcome.code != 0
    assert "no assessment period for 2019" in outcome.err


def test_export_is_a_records_document_that_reimports_to_the_same_scores(
    worked_example: Vcwatch, tmp_path: Path, blank_database_url: str
) -> None:
    document = worked_example.export()
    assert document["format"] == "vcwatch-records/1"
    assert document["period"] == {"year": 2019, "edition": "2019"}
    assert {u["code"] for u in document["units"]} == {"350400", "350402", "350403"}
    assert len(document["incidents"]) == 29
    exported = tmp_path / "export-2019.json"
    exported.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    out = worked_example.ok("import", str(exported), database_url=blank_database_url)

    assert "29 incidents (0 already present)" in out
    assert worked_example.scores(database_url=blank_database_url) == worked_example.scores()
    assert worked_example.export(database_url=blank_database_url) == document


def test_scores_json_is_the_api_standings(worked_example: Vcwatch, client: TestClient) -> None:
    standings = worked_example.scores()

    response = client.get("/api/scores", params={"year": 2019})

    assert response.status_code == 200
    api = response.json()
    api.pop("as_of")
    assert standings == api
    assert standings["register_at"] == "2019-12-31T23:59:59+08:00"
    [city] = standings["cities"]
    assert (city["code"], city["name"], city["score"], city["deduction"]) == (
        "350400",
        "三明市",
        "7.60",
        "2.40",
    )
    counties = {c["name"]: c["deduction"] for c in city["counties"]}
    assert counties == {"梅列区": "1.45", "三元区": "1.00"}
    assert city["own"]["deduction"] == "0.05"


def test_scores_table_is_readable(worked_example: Vcwatch) -> None:
    out = worked_example.ok("scores", "--year", "2019", "--lang", "en")

    assert "7.60" in line_with(out, "三明市", "score")
    assert "1.45" in line_with(out, "梅列区")
    assert "1.00" in line_with(out, "三元区")
    roll_call = line_with(out, "roll_call", "1.10")
    assert "cap" in roll_call.split("1.10", 1)[1]


def test_scores_table_is_in_chinese_by_default(worked_example: Vcwatch) -> None:
    out = worked_example.ok("scores", "--year", "2019")

    assert "未定稿" in out.splitlines()[0]
    assert "登记时点 2019-12-31T23:59:59+08:00" in out
    assert "7.60" in line_with(out, "三明市", "得分")
    roll_call = line_with(out, "会前调试点名", "1.10")
    assert "封顶" in roll_call.split("1.10", 1)[1]
    assert "总分封顶" not in out
    assert "1.45" in line_with(out, "梅列区")


@pytest.mark.parametrize(("lang", "words"), [("zh", "总分封顶"), ("en", "total cap binds")])
def test_scores_table_marks_a_binding_total_cap(
    worked_example: Vcwatch, tmp_path: Path, lang: str, words: str
) -> None:
    criticisms = {
        "format": "vcwatch-records/1",
        "period": {"year": 2019, "edition": "2019"},
        "incidents": [
            {
                "key": f"crit-{n}",
                "unit": "350402",
                "type": "criticism.named_by_leader",
                "at": "2019-09-01T10:00:00+08:00",
            }
            for n in range(21)
        ],
    }
    extra = tmp_path / "criticisms.json"
    extra.write_text(json.dumps(criticisms, ensure_ascii=False), encoding="utf-8")
    worked_example.ok("import", str(extra))

    out = worked_example.ok("scores", "--year", "2019", "--lang", lang)

    total = line_with(out, words)
    assert "10.00" in total
    assert "0.00" in line_with(out, "三明市", "得分" if lang == "zh" else "score")


def test_scores_as_of_a_moment_with_offset(worked_example: Vcwatch) -> None:
    standings = json.loads(
        worked_example.ok(
            "scores", "--year", "2019", "--json", "--as-of", "2019-01-01T00:00:00+08:00"
        )
    )
    assert standings["as_of"] == "2019-01-01T00:00:00+08:00"
    [city] = standings["cities"]
    assert city["score"] != "7.60"
    roll_call = next(i for i in city["items"] if i["code"] == "roll_call")
    assert roll_call["occurrences"] == 0


@pytest.mark.parametrize(
    ("moment", "reason"),
    [
        ("2019-06-30T23:59:59", "give an offset"),
        ("2019-06-30", "give an offset"),
        ("yesterday", "is not an ISO-8601 time"),
    ],
)
def test_scores_as_of_without_offset_is_refused(
    capsys: pytest.CaptureFixture[str], moment: str, reason: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["scores", "--year", "2019", "--as-of", moment])

    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "argument --as-of" in err
    assert reason in err


def test_scores_of_a_year_without_a_period_is_refused(worked_example: Vcwatch) -> None:
    outcome = worked_example("scores", "--year", "2018")
    assert outcome.code != 0
    assert outcome.out == ""
    assert "2018" in outcome.err


def test_demo_loads_sanming_and_a_year_of_meetings(vcwatch: Vcwatch) -> None:
    out = vcwatch.ok("demo")

    match = re.search(r"(\d+) units, (\d+) meetings, (\d+) incidents \(0 already present\)", out)
    assert match is not None, out
    units, meetings, incidents = (int(n) for n in match.groups())
    assert units == 15
    assert 35 <= meetings <= 45
    document = vcwatch.export()
    assert len(document["units"]) == 15
    assert len(document["meetings"]) == meetings
    assert len(document["incidents"]) == incidents

    table = vcwatch.ok("scores", "--year", "2019", "--lang", "en")
    assert re.search(r"350400 三明市\s+score \d+\.\d{2}", table)
    for county in DEMO_COUNTIES:
        line_with(table, county)
    assert "350404" not in table and "沙县区" not in table
    # 2021: the merged 三元区 and 沙县区 are there, and the abolished counties with the
    # incidents of their last two months.
    later = vcwatch.ok("scores", "--year", "2021", "--lang", "en")
    for county in ("350404 三元区", "350405 沙县区", "350402 梅列区", "350427 沙县"):
        line_with(later, county)


def test_demo_twice_changes_nothing(vcwatch: Vcwatch) -> None:
    vcwatch.ok("demo")
    document = vcwatch.export()
    standings = vcwatch.scores()

    out = vcwatch.ok("demo")

    assert re.search(r"0 units, 0 meetings, 0 incidents \(\d+ already present\)", out), out
    assert vcwatch.export() == document
    assert vcwatch.scores() == standings


def test_serve_is_parsed_without_starting() -> None:
    args = build_parser().parse_args(["serve", "--workers", "1"])
    assert (args.command, args.run, args.workers, args.host, args.port) == (
        "serve",
        cmd_serve,
        1,
        None,
        None,
    )
    args = build_parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "8080"])
    assert (args.host, args.port, args.workers) == ("0.0.0.0", 8080, 1)


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2
    assert "usage: vcwatch" in capsys.readouterr().err
