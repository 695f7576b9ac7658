"""The roles an account can have, defined once: every other module imports them from here."""

from __future__ import annotations

from typing import Final, Literal, get_args

Role = Literal["admin", "controller", "county_it", "reviewer"]

ADMIN: Final = "admin"
CONTROLLER: Final = "controller"
COUNTY_IT: Final = "county_it"  # bound to one unit, sees and writes only its own
REVIEWER: Final = "reviewer"

ROLES: Final[tuple[Role, ...]] = get_args(Role)
