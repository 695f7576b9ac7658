"""Only real changes of a source's status count: failures while offline add to one period."""

from __future__ import annotations

from app.services.status_debounce import StatusDebounce, StatusDecision


def test_first_status_failures_and_recovery_after_settling() -> None:
    debounce = StatusDebounce(settle_seconds=30)
    assert debounce.report("online", at=0) == StatusDecision("open", "online")
    assert debounce.report("online", at=1) is None
    assert debounce.report("offline", at=2) == StatusDecision("open", "offline")
    assert debounce.report("online", at=3) is None  # up again, not settled yet
    assert debounce.alive(at=20) is None
    assert debounce.report("offline", at=21) == StatusDecision("failure", "offline")
    assert debounce.report("online", at=22) is None
    assert debounce.alive(at=51) is None
    assert debounce.alive(at=52) == StatusDecision("open", "online")
    assert debounce.alive(at=90) is None
    assert debounce.report("connecting", at=91) is None


def test_a_source_that_never_comes_up_is_one_period() -> None:
    debounce = StatusDebounce(settle_seconds=30)
    decisions = [debounce.report("offline", at=float(t)) for t in range(0, 1500, 15)]
    assert decisions[0] == StatusDecision("open", "offline")
    assert {d.change for d in decisions[1:] if d} == {"failure"}
