"""The package stands alone: importable without the web app, its public names in one place."""

from __future__ import annotations

import subprocess
import sys

import frame_checks


def test_importing_frame_checks_loads_nothing_of_the_app() -> None:
    probe = (
        "import sys, frame_checks, frame_checks.cli, frame_checks.sampler; "
        "print(sorted(m for m in sys.modules if m == 'app' or m.startswith('app.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )

    assert done.stdout.strip() == "[]"


def test_the_public_names_are_exported() -> None:
    assert set(frame_checks.__all__) <= set(dir(frame_checks))
    assert frame_checks.FLAGS == (
        "dark", "black", "frozen", "blurred", "tilted", "moved", "overexposed", "low_contrast",
        "colour_cast", "noisy", "stripes", "covered", "shaking", "no_signal",
    )  # fmt: skip
