"""`python -m frame_checks SOURCE …` — the check-frames tuning tool (see `frame_checks.cli`)."""

from .cli import main

raise SystemExit(main())
