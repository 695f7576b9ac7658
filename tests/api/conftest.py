from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from .support import load_worked_example, now_in_shanghai

LATE_DEADLINE = "2099-12-31"


@pytest.fixture
def worked_example() -> dict[str, Any]:
    return load_worked_example()


@pytest.fixture
def this_year(imported: TestClient) -> int:
    """The worked example plus a 2019-edition period for the current year (and the next, so a
    test running across New Year still finds one): writes made now land in it."""
    year = now_in_shanghai().year
    for each in (year, year + 1):
        response = imported.put(f"/api/periods/{each}", json={"edition": "2019"})
        assert response.status_code == 200, response.text
    return year
