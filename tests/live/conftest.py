from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.live import socket as live_socket
from app.settings import Settings

from .support import WORKED_EXAMPLE


@pytest.fixture(autouse=True)
def quick_heartbeats(monkeypatch: pytest.MonkeyPatch) -> None:
    """Heartbeats every few milliseconds keep every read of a console short (see `support`)."""
    monkeypatch.setattr(live_socket, "HEARTBEAT_SECONDS", 0.02)


@pytest.fixture(autouse=True)
def quick_session_checks(settings: Settings) -> None:
    """Consoles of an ended session are cut off within a twentieth of a second."""
    settings.ws_session_check_seconds = 0.05


@pytest.fixture
def hourly_session_checks(settings: Settings) -> None:
    """No periodic check during the test: what closes a console must be the logout itself."""
    settings.ws_session_check_seconds = 3600.0


@pytest.fixture
def imported(client: TestClient) -> TestClient:
    """The admin `client` on a database holding the worked example."""
    data = json.loads(WORKED_EXAMPLE.read_text(encoding="utf-8"))
    response = client.post("/api/records", json=data)
    assert response.status_code == 201, response.text
    # Objections to 2019 stay open to the tests (by default they closed on 2020-01-31).
    response = client.put("/api/periods/2019", json={"objection_deadline": "2099-12-31"})
    assert response.status_code == 200, response.text
    return client


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A socket that never answers fails its test in a minute instead of the suite's five."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(60))
