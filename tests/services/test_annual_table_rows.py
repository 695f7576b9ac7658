"""The annual table's heading says which standings it is: edition, both moments, final or not."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from app.domain.rulebook import load_edition
from app.services.annual_table.rows import AnnualTable

BOOK = load_edition("2019")


def table(**changes: object) -> AnnualTable:
    fields: dict[str, object] = {
        "year": 2019,
        "edition": "2019",
        "edition_title": BOOK.title,
        "full_marks": Decimal("10.00"),
        "as_of": datetime(2020, 2, 1, 2, 0, tzinfo=UTC),
        "register_at": datetime(2019, 12, 31, 15, 59, 59, tzinfo=UTC),
        "final": False,
        "finalized_at": None,
        "finalized_by": None,
        "issuing_office": "三明市人民政府办公室",
        "items": BOOK.items,
        "cities": (),
        "sections": (),
        **changes,
    }
    return AnnualTable(**fields)  # type: ignore[arg-type]


def test_an_open_year_is_marked_not_final() -> None:
    heading = table()
    assert heading.title == "2019年度视频会议（10分）考核结果"
    assert heading.status == "未定稿"
    assert "扣分统计截至2020年2月1日 10:00" in heading.meta
    assert "会议室和人员配备以2019年12月31日登记为准" in heading.meta
    assert heading.meta.endswith("未定稿")


@pytest.mark.parametrize(
    ("by", "said"), [("王审核", "定稿（2020年2月1日，王审核）"), (None, "定稿（2020年2月1日）")]
)
def test_a_finalized_year_says_when_and_by_whom(by: str | None, said: str) -> None:
    final = table(final=True, finalized_at=datetime(2020, 2, 1, 2, 0, tzinfo=UTC), finalized_by=by)
    assert final.status == "定稿"
    assert final.meta.endswith(said)
