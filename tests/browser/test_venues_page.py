"""The venues page: a controller sets a venue's reference frame from its current picture."""

from __future__ import annotations

import json
from typing import Any

import cv2
import numpy as np
from fastapi.testclient import TestClient

from tests.browser.conftest import screenshot
from tests.fixtures import WORKED_EXAMPLE


def picture() -> bytes:
    frame = np.full((360, 640, 3), 150, np.uint8)
    cv2.rectangle(frame, (100, 120), (540, 300), (60, 90, 150), -1)
    cv2.putText(frame, "350402", (220, 230), cv2.FONT_HERSHEY_SIMPLEX, 2, (255, 255, 255), 4)
    ok, encoded = cv2.imencode(".png", frame)
    assert ok
    return encoded.tobytes()


def test_controller_takes_the_current_picture_as_reference(client: TestClient, person: Any) -> None:
    assert (
        client.post("/api/records", json=json.loads(WORKED_EXAMPLE.read_text())).status_code == 201
    )
    posted = client.post(
        "/api/venues/350402/frames", content=picture(), headers={"Content-Type": "image/png"}
    )
    assert posted.status_code == 200
    page = person("controller")
    page.goto(page.url.split("/console")[0] + "/venues")
    page.click("tr[data-unit='350402']")
    page.wait_for_selector("#sample-image:not([hidden])")
    assert "在线" in (page.text_content("tr[data-unit='350402']") or "")
    page.click("#take-reference")
    page.wait_for_selector("#reference-image:not([hidden])")
    page.wait_for_function("() => document.querySelector('#reference-image').naturalWidth > 0")
    screenshot(page, "venues-reference")
    venue = client.get("/api/venues/350402").json()
    assert venue["reference"]
    assert venue["reference_set_by"].startswith("controller")
