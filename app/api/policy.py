"""Who may call what: one table, one dependency.

Every route of the API has exactly one rule here, keyed by method and path; a route without a rule
is refused (and the route-table test fails). A rule names the roles allowed and how a `county_it`
account is confined to its own unit: objects of other units answer 404, as if they did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.routing import iter_route_contexts

from app.api.session_cookie import authenticate
from app.db.engine import Database
from app.roles import ADMIN, CONTROLLER, COUNTY_IT, REVIEWER, ROLES
from app.services import access, audit
from app.services.accounts import ResolvedSession
from app.services.context import Actor
from app.services.errors import Forbidden, NotFound, ServiceError

Scope = Literal[
    "none",  # no unit involved, or county_it not allowed
    "filtered",  # a listing that the handler narrows to `Access.units`
    "unit_path",  # the path's {code} is the unit
    "incident_path",  # the path's {key} is an incident
    "objection_path",  # the path's {objection_id} is an objection
    "evidence_path",  # the path's {name} is an evidence image
    "body_unit",  # the JSON body's "unit" is the unit written to
    "body_incident",  # the JSON body's "incident" is an incident key
    "query_unit",  # the query's ?unit= is the unit
]

EVERYONE = frozenset(ROLES)
MAX_ID = 2**31 - 1  # the id paths (ObjectionId, FlagId) refuse anything larger


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    scope: Scope = "none"
    public: bool = False


def allow(*roles: str, scope: Scope = "none") -> Rule:
    return Rule(roles=frozenset(roles), scope=scope)


PUBLIC = Rule(roles=frozenset(), public=True)

RULES: dict[tuple[str, str], Rule] = {
    # session
    ("POST", "/api/session"): PUBLIC,
    ("GET", "/api/session"): Rule(EVERYONE),
    ("DELETE", "/api/session"): Rule(EVERYONE),
    # accounts and audit
    ("GET", "/api/accounts"): allow(ADMIN),
    ("POST", "/api/accounts"): allow(ADMIN),
    ("PATCH", "/api/accounts/{username}"): allow(ADMIN),
    ("PUT", "/api/accounts/{username}/password"): allow(ADMIN),
    ("GET", "/api/audit"): allow(ADMIN),
    ("GET", "/api/audit/people"): allow(ADMIN),
    ("GET", "/api/audit/export.csv"): allow(ADMIN),
    ("GET", "/api/audit/export.xlsx"): allow(ADMIN),
    # units, register and staffing
    ("GET", "/api/units"): Rule(EVERYONE, "filtered"),
    ("POST", "/api/units"): allow(ADMIN),
    ("GET", "/api/units/{code}"): Rule(EVERYONE, "unit_path"),
    ("GET", "/api/units/{code}/rooms"): allow(ADMIN, REVIEWER, COUNTY_IT, scope="unit_path"),
    ("GET", "/api/units/{code}/rooms/history"): allow(
        ADMIN, REVIEWER, COUNTY_IT, scope="unit_path"
    ),
    ("GET", "/api/units/{code}/staffing"): allow(ADMIN, REVIEWER, COUNTY_IT, scope="unit_path"),
    ("GET", "/api/units/{code}/findings"): allow(ADMIN, REVIEWER, COUNTY_IT, scope="unit_path"),
    ("GET", "/api/units/{code}/register"): allow(ADMIN, REVIEWER, COUNTY_IT, scope="unit_path"),
    ("PUT", "/api/units/{code}/register"): allow(ADMIN, COUNTY_IT, scope="unit_path"),
    ("POST", "/api/units/{code}/register/preview"): allow(
        ADMIN, REVIEWER, COUNTY_IT, scope="unit_path"
    ),
    ("GET", "/api/units/{code}/register/history"): allow(
        ADMIN, REVIEWER, COUNTY_IT, scope="unit_path"
    ),
    ("POST", "/api/rooms"): allow(ADMIN, COUNTY_IT, scope="body_unit"),
    ("POST", "/api/staffing"): allow(ADMIN, COUNTY_IT, scope="body_unit"),
    # periods and rulebooks
    ("GET", "/api/periods"): Rule(EVERYONE),
    ("GET", "/api/periods/{year}"): Rule(EVERYONE),
    ("PUT", "/api/periods/{year}"): allow(ADMIN),
    ("GET", "/api/periods/{year}/status"): allow(ADMIN, REVIEWER, COUNTY_IT, scope="filtered"),
    ("POST", "/api/periods/{year}/finalize"): allow(ADMIN, REVIEWER),
    ("POST", "/api/periods/{year}/reopen"): allow(ADMIN),
    ("GET", "/api/periods/{year}/rulebook"): Rule(EVERYONE),
    ("GET", "/api/rulebooks/{edition}"): Rule(EVERYONE),
    # meetings and roll calls
    ("GET", "/api/meetings"): Rule(EVERYONE),
    ("POST", "/api/meetings"): allow(ADMIN, CONTROLLER),
    ("GET", "/api/meetings/{key}"): Rule(EVERYONE),
    ("PATCH", "/api/meetings/{key}"): allow(ADMIN, CONTROLLER),
    ("POST", "/api/meetings/{key}/cancel"): allow(ADMIN, CONTROLLER),
    ("GET", "/api/meetings/{key}/roll-call"): allow(ADMIN, CONTROLLER, REVIEWER),
    ("GET", "/api/meetings/{key}/events"): allow(ADMIN, CONTROLLER, REVIEWER),
    ("PUT", "/api/meetings/{key}/roll-call/{checkpoint}/{unit}"): allow(ADMIN, CONTROLLER),
    # incidents and evidence
    # Reviewers record installation and criticism findings; controllers only meeting types
    # (the service refuses the others).
    ("POST", "/api/incidents"): allow(ADMIN, CONTROLLER, REVIEWER),
    ("GET", "/api/incidents"): Rule(EVERYONE, "filtered"),
    ("GET", "/api/incidents/{key}"): Rule(EVERYONE, "incident_path"),
    ("POST", "/api/incidents/{key}/void"): allow(ADMIN, CONTROLLER, REVIEWER),
    ("POST", "/api/evidence"): allow(ADMIN, CONTROLLER, REVIEWER),
    ("GET", "/api/evidence/{name}"): Rule(EVERYONE, "evidence_path"),
    # venues and frame-check flags
    ("GET", "/api/venues"): allow(ADMIN, CONTROLLER, REVIEWER),
    ("GET", "/api/venues/{code}"): allow(ADMIN, CONTROLLER, REVIEWER),
    ("PUT", "/api/venues/{code}"): allow(ADMIN),
    ("GET", "/api/venues/{code}/sample"): allow(ADMIN, CONTROLLER, REVIEWER),
    ("GET", "/api/venues/{code}/reference"): allow(ADMIN, CONTROLLER, REVIEWER),
    ("PUT", "/api/venues/{code}/reference"): allow(ADMIN, CONTROLLER),
    ("POST", "/api/venues/{code}/frames"): allow(ADMIN, CONTROLLER),
    ("POST", "/api/venues/{code}/audio"): allow(ADMIN, CONTROLLER),
    ("PUT", "/api/venues/{code}/audio-state"): allow(ADMIN, CONTROLLER),
    ("GET", "/api/flags"): allow(ADMIN, CONTROLLER, REVIEWER),
    ("GET", "/api/flags/{flag_id}"): allow(ADMIN, CONTROLLER, REVIEWER),
    ("POST", "/api/flags/{flag_id}/confirm"): allow(ADMIN, CONTROLLER),
    ("POST", "/api/flags/{flag_id}/dismiss"): allow(ADMIN, CONTROLLER),
    # objections
    ("GET", "/api/objections"): allow(ADMIN, REVIEWER, COUNTY_IT, scope="filtered"),
    ("POST", "/api/objections"): allow(ADMIN, COUNTY_IT, scope="body_incident"),
    ("GET", "/api/objections/{objection_id}"): allow(
        ADMIN, REVIEWER, COUNTY_IT, scope="objection_path"
    ),
    ("POST", "/api/objections/{objection_id}/ruling"): allow(ADMIN, REVIEWER),
    # standings and records
    ("GET", "/api/scores"): Rule(EVERYONE, "filtered"),
    ("GET", "/api/charts/monthly"): allow(ADMIN, REVIEWER, COUNTY_IT, scope="query_unit"),
    ("GET", "/api/records"): allow(ADMIN, REVIEWER),
    ("GET", "/api/exports/standings.xlsx"): allow(ADMIN, REVIEWER),
    ("GET", "/api/exports/incidents.csv"): allow(ADMIN, REVIEWER),
    ("GET", "/api/exports/annual.pdf"): allow(ADMIN, REVIEWER),
    ("GET", "/api/reports/annual"): allow(ADMIN, REVIEWER),
    ("POST", "/api/records"): allow(ADMIN),
}


@dataclass(frozen=True)
class Access:
    """The caller, their session, and the units they may see (None: every unit)."""

    actor: Actor
    session: ResolvedSession | None
    units: frozenset[str] | None

    def narrow(self, requested: list[str] | None) -> list[str]:
        """The units a listing may show: the request's, within what the caller may see."""
        if self.units is None:
            return requested or []
        if requested:
            return [code for code in requested if code in self.units] or ["------"]
        # An empty list would mean "no filter": a unit-bound account without a unit sees nothing.
        return sorted(self.units) or ["------"]


def rule_for(request: Request) -> Rule | None:
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    return RULES.get((request.method, path)) if path else None


async def _refuse(db: Database, actor: Actor, request: Request, error: ServiceError) -> None:
    def write() -> None:
        with db.write() as tx:
            audit.record(
                tx.session,
                actor=actor,
                action="access.refused",
                entity="request",
                entity_key=f"{request.method} {request.url.path}"[:128],
                after={"status": error.status, "reason": error.message},
            )

    await run_in_threadpool(write)
    raise error


async def _object_unit(db: Database, scope: Scope, request: Request) -> set[str] | None:
    """The unit(s) the request's object belongs to; None when it names no object."""
    params = request.path_params
    if scope == "unit_path":
        return {params["code"]}
    if scope == "incident_path":
        unit = await run_in_threadpool(access.unit_of_incident, db, key=params["key"])
        return {unit} if unit else set()
    if scope == "objection_path":
        raw = params["objection_id"]
        # Only plain digits that an id column can hold: the path's validation also reads "1.0"
        # or " 1" as objection 1, and refuses what the database could not compare.
        if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_ID:
            return set()
        unit = await run_in_threadpool(access.unit_of_objection, db, objection_id=int(raw))
        return {unit} if unit else set()
    if scope == "evidence_path":
        return await run_in_threadpool(access.units_of_evidence, db, name=params["name"])
    if scope == "query_unit":
        unit = request.query_params.get("unit")
        return {unit} if unit else None
    if scope in ("body_unit", "body_incident"):
        body = await _json_body(request)
        field = "unit" if scope == "body_unit" else "incident"
        value = body.get(field) if isinstance(body, dict) else None
        if not isinstance(value, str):
            return None  # the request model refuses it with a 422
        if scope == "body_unit":
            return {value}
        unit = await run_in_threadpool(access.unit_of_incident, db, key=value)
        return {unit} if unit else set()
    return None


async def _json_body(request: Request) -> Any:
    """The body as JSON, or None when it is not (the route's own validation then says why).

    It is read whatever the Content-Type, so a deeply nested body of another type must end here
    as well (RecursionError) rather than as a server error."""
    try:
        return await request.json()
    except (ValueError, RecursionError):
        return None


async def authorize(request: Request) -> Access:
    """Authenticate and authorize one API request by the rule of its route."""
    db: Database = request.app.state.db
    rule = rule_for(request)
    anonymous = Actor(
        username="anonymous",
        role="anonymous",
        address=request.client.host if request.client else None,
    )
    if rule is None:
        await _refuse(
            db,
            anonymous,
            request,
            Forbidden("this route has no access rule", code="policy.no_rule"),
        )
        raise AssertionError("unreachable")
    if rule.public:
        return Access(actor=anonymous, session=None, units=None)
    try:
        resolved = await authenticate(request)
    except Forbidden as refused:
        await _refuse(db, anonymous, request, refused)
        raise
    actor = resolved.actor
    if actor.role not in rule.roles:
        refusal = Forbidden(f"a {actor.role} account may not do this", code="policy.role_forbidden")
        await _refuse(db, actor, request, refusal)
    if actor.role != COUNTY_IT:
        return Access(actor=actor, session=resolved, units=None)
    own = frozenset({actor.unit_code} if actor.unit_code else set())
    units = await _object_unit(db, rule.scope, request)
    if units is not None and not (units and units <= own):
        await _refuse(db, actor, request, NotFound("not found", code="policy.not_found"))
    return Access(actor=actor, session=resolved, units=own)


AccessDep = Annotated[Access, Depends(authorize)]


def endpoints(routes: list[Any]) -> set[tuple[str, str]]:
    """(method, path) of every API route, including those of included routers."""
    return {
        (method, route.path)
        for route in iter_route_contexts(routes)
        if route.path is not None and route.path.startswith("/api/")
        for method in getattr(route, "methods", None) or ()
        if method != "HEAD"
    }


def routes_without_rules(routes: list[Any]) -> list[tuple[str, str]]:
    """API routes that the table does not cover (used by the route-table test)."""
    return sorted(endpoints(routes) - set(RULES))
