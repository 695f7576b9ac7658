"""One glossary for the words every page shares: statuses, roles, sources, checkpoints, types,
items and error sentences are defined once (static/js/glossary.json), never again by a page, and
no status is spelt two ways."""

from __future__ import annotations

import json
import re
from pathlib import Path

from app.domain.rulebook import AUDIO_FLAG_KINDS, FLAG_KINDS

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "static"
GLOSSARY: dict[str, list[str]] = json.loads(
    (STATIC / "js" / "glossary.json").read_text(encoding="utf-8")
)
SHARED = (
    "role.",
    "source.",
    "checkpoint.",
    "status.",
    "objection.status.",
    "flag.status.",
    "flag.kind.",
    "meeting.state.",
    "incident.state.",
    "type.",
    "item.",
    "equipment.",
    "unit.level.",
    "error.",
    "field.",
    "audit.kind.",
)
# Spellings a status has had on some page; only the glossary's may remain.
SPELLINGS = {
    "objection.status.open": {"待审", "待审核", "审核中"},
    "objection.status.upheld": {"已支持", "申诉成立", "已成立"},
    "objection.status.rejected": {"已驳回", "不成立", "申诉不成立"},
    "status.present": {"签到", "已签到", "到会"},
    "status.absent": {"缺席", "未到"},
    "status.excused": {"请假", "已请假"},
    "meeting.state.cancelled": {"已取消", "取消了"},
    "incident.state.voided": {"已作废", "作废了"},
}
ENTRY = re.compile(
    r'"([A-Za-z0-9_.\-]+)":\s*\[\s*"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)",?\s*\]'
)
USE = re.compile(r'\bt\(\s*"([A-Za-z0-9_.\-]+)"')
I18N_ATTRIBUTE = re.compile(r'data-i18n(?:-placeholder|-aria-label)?="([A-Za-z0-9_.\-]+)"')


def page_files() -> list[Path]:
    return sorted([*STATIC.rglob("*.js"), *STATIC.glob("*.html")])


def page_entries() -> list[tuple[str, str, str, str]]:
    """(file, key, zh, en) of every dictionary entry the pages define themselves."""
    found = []
    for path in page_files():
        if "vendor" in path.parts:
            continue
        for match in ENTRY.finditer(path.read_text(encoding="utf-8")):
            found.append((str(path.relative_to(ROOT)), *match.groups()))
    return found


def test_pages_find_entries_to_check() -> None:
    keys = {key for _, key, _, _ in page_entries()}
    assert {"console.title", "record.title", "admin.title", "county.losses"} <= keys


def test_shared_words_are_defined_only_in_the_glossary() -> None:
    again = [(where, key) for where, key, _, _ in page_entries() if key.startswith(SHARED)]
    assert again == []


def test_every_glossary_entry_has_chinese_and_english() -> None:
    for key, pair in GLOSSARY.items():
        assert len(pair) == 2 and all(pair), key
        assert re.search(r"[\u4e00-\u9fff]", pair[0]), key


def test_no_status_is_spelt_two_ways() -> None:
    for key, spellings in SPELLINGS.items():
        chosen = GLOSSARY[key][0]
        others = spellings - {chosen}
        seen = [(where, page_key, zh) for where, page_key, zh, _ in page_entries() if zh in others]
        assert seen == [], f"{key} is {chosen!r} in the glossary"


def test_a_family_of_statuses_has_distinct_words() -> None:
    for family in ("objection.status.", "status.", "flag.status.", "meeting.state."):
        words = [pair[0] for key, pair in GLOSSARY.items() if key.startswith(family)]
        assert len(words) == len(set(words)), family


def test_every_key_a_page_asks_for_is_defined() -> None:
    """A key used but defined nowhere would show itself (e.g. "objection.open") to the user."""
    defined = set(GLOSSARY) | {key for _, key, _, _ in page_entries()}
    missing = []
    for path in page_files():
        if "vendor" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (USE, I18N_ATTRIBUTE):
            missing += [
                (str(path.relative_to(ROOT)), key)
                for key in pattern.findall(text)
                if key not in defined
            ]
    assert missing == []


def test_every_flag_kind_has_a_name_in_the_glossary() -> None:
    """The console, the venues page and a confirmed flag's incident note all name a kind by
    the glossary's `flag.kind.*`: every kind the checks raise has one, and no other is kept."""
    named = {key.removeprefix("flag.kind.") for key in GLOSSARY if key.startswith("flag.kind.")}
    assert named == {*FLAG_KINDS, *AUDIO_FLAG_KINDS}
